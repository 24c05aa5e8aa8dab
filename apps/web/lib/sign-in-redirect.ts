import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DASHBOARD_PATH_HEADER, signInPath } from './sign-in-path';

/** To the login page, which brings the person back to the page they were on (set by proxy.ts). */
export async function redirectToSignIn(): Promise<never> {
  const path = (await headers()).get(DASHBOARD_PATH_HEADER) ?? '/';
  redirect(signInPath(path));
}
