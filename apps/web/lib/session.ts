import type { WhoAmI } from '@modelgate/contracts';
import { cache } from 'react';
import { getWhoAmI } from './api-client';
import { type Loaded, loadFromApi } from './load-from-api';
import { redirectToSignIn } from './sign-in-redirect';

/** A person signed in to the dashboard (API keys never are: they only call the API). */
export type Session = Extract<WhoAmI, { kind: 'user' }>;

/**
 * Who is using the dashboard, asked of the API once per request (the layout and the page share
 * the answer). Not signed in, or the session expired: straight to the login page. The API being
 * down is returned as a failure for the layout to show.
 */
export const loadSession = cache(async (): Promise<Loaded<Session>> => {
  const loaded = await loadFromApi(getWhoAmI(), { notFoundIsPage: false });
  if (!loaded.ok) return loaded;
  if (loaded.data.kind !== 'user') return redirectToSignIn();
  return { ok: true, data: loaded.data };
});

/**
 * For pages below the dashboard layout. When the session cannot be read the layout shows why in
 * place of the page, so this page's own render is never seen and may simply stop.
 */
export async function requireSession(): Promise<Session> {
  const session = await loadSession();
  if (!session.ok) {
    const why = session.failure.kind === 'unreachable' ? session.failure.reason : session.failure.problem.detail;
    throw new Error(`the dashboard could not read who is signed in: ${why}`);
  }
  return session.data;
}
