import { SESSION_COOKIE } from '@modelgate/contracts';
import { type NextRequest, NextResponse } from 'next/server';
import { DASHBOARD_PATH_HEADER, LOGIN_PATH, signInPath } from './lib/sign-in-path';

/**
 * Runs before every page. Without a session cookie there is nothing to show but the login page,
 * so it goes there at once, remembering where the person was headed. With one, the page renders
 * and the API decides (an expired session answers 401 and the page redirects the same way); the
 * path travels along in a header so server code can build that redirect.
 */
export function proxy(request: NextRequest) {
  const { pathname, searchParams } = request.nextUrl;
  const search = new URLSearchParams(searchParams);
  // Next's own parameter on client navigations, not part of the address a person sees.
  search.delete('_rsc');
  const query = search.toString();
  const path = query ? `${pathname}?${query}` : pathname;

  if (pathname !== LOGIN_PATH && !request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.redirect(new URL(signInPath(path), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(DASHBOARD_PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: the API proxy (server.mjs answers /api/v1 before Next sees it), build assets and the icon.
  matcher: ['/((?!api/|_next/|icon.svg|favicon.ico).*)'],
};
