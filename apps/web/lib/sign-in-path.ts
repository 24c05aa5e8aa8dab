/**
 * Where signing in starts and where it returns to. Shared by the proxy, the server pages and the
 * login form, so `?next=` is built and checked in one place.
 */

export const LOGIN_PATH = '/login';

/** Set by proxy.ts on every page request: server components cannot otherwise see their own URL. */
export const DASHBOARD_PATH_HEADER = 'x-modelgate-dashboard-path';

export function signInPath(next: string): string {
  const target = safeNextPath(next);
  return target === '/' ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(target)}`;
}

/**
 * `?next=` comes from the address bar, so anyone can craft it: only a path on this dashboard is
 * followed ("//evil.example" and "https://…" would leave it), and never the login page itself.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw === LOGIN_PATH || raw.startsWith(`${LOGIN_PATH}?`) || raw.startsWith(`${LOGIN_PATH}/`)) return '/';
  return raw;
}
