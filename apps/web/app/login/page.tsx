import type { WhoAmI } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getWhoAmI } from '@/lib/api-client';
import { safeNextPath } from '@/lib/sign-in-path';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  const target = safeNextPath(typeof next === 'string' ? next : undefined);
  // Someone already signed in who lands here (a bookmark, the back button) goes on to the page.
  if ((await currentUser()) !== undefined) redirect(target);

  return (
    <main id="content" className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-10">
            <rect width="24" height="24" rx="6" className="fill-indigo-600" />
            <path d="M6 16V8l6 5 6-5v8" fill="none" stroke="white" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Sign in to Modelgate</h1>
          <p className="text-sm text-zinc-600">Use the email and password an admin gave you.</p>
        </div>
        <LoginForm next={target} />
        <p className="mt-6 text-center text-xs text-zinc-500">
          Scripts and applications do not sign in here: they send an API key as{' '}
          <code className="font-mono">Authorization: Bearer</code>.
        </p>
      </div>
    </main>
  );
}

/** The signed-in user, if any. Not through loadFromApi: its 401 redirect would lead back here. */
async function currentUser(): Promise<Extract<WhoAmI, { kind: 'user' }> | undefined> {
  try {
    const whoAmI = await getWhoAmI();
    return whoAmI.kind === 'user' ? whoAmI : undefined;
  } catch {
    // Not signed in, or the API is down: either way the form is what to show (and says which).
    return undefined;
  }
}
