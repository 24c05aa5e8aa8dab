import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, type CreatedApiKey, type WhoAmI } from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from '../api-url.js';
import { exchange, jsonOf } from '../api-request.js';
import { ModelgateApiError } from '../errors.js';

export interface IssuePersonalTokenOptions {
  /** Defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  email: string;
  password: string;
  /** Shown in the dashboard's token list, e.g. "modelgate CLI on ada-laptop": say where it is used. */
  tokenName: string;
  /** ISO 8601 date-time; without it the token lasts until revoked. */
  expiresAt?: string;
  /** A fetch implementation (tests, proxies); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

/** `name=value` pairs of Set-Cookie headers; attributes (Path, HttpOnly…) are not needed to send them back. */
export function cookiesFromSetCookie(setCookieHeaders: readonly string[]): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of setCookieHeaders) {
    const pair = header.split(';', 1)[0] ?? '';
    const equals = pair.indexOf('=');
    if (equals > 0) cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }
  return cookies;
}

function missingCookieError(apiUrl: string): ModelgateApiError {
  return new ModelgateApiError({
    type: 'about:blank',
    title: 'Unexpected response',
    status: 200,
    detail: `the Modelgate API at ${apiUrl} accepted the password but set no ${SESSION_COOKIE} cookie: is something in between (a proxy) dropping Set-Cookie headers?`,
    code: 'unexpected_response',
  });
}

/**
 * Trades an email and password for a personal token, for tools that keep a token rather than a
 * password (the CLI's `modelgate login`): signs in (`POST /v1/auth/login`), creates the token with
 * that session (`POST /v1/auth/tokens`, cookie + CSRF header), then signs the session out again,
 * so only the token remains. The answer's `secret` is the only time the token is ever shown.
 *
 * Node only: a browser neither reveals Set-Cookie to scripts nor lets them send a Cookie header.
 * Errors: ModelgateApiError (401 wrong email or password, 429 too many attempts with
 * `retryAfterSeconds`…), ModelgateUnreachableError.
 */
export async function issuePersonalToken(options: IssuePersonalTokenOptions): Promise<CreatedApiKey> {
  const apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const fetchImpl = options.fetch ?? globalThis.fetch;

  const login = await exchange(fetchImpl, apiUrl, {
    method: 'POST',
    url: apiPath(apiUrl, ['v1', 'auth', 'login']),
    headers: {},
    body: { email: options.email, password: options.password },
  });
  const cookies = cookiesFromSetCookie(login.response.headers.getSetCookie());
  const sessionSecret = cookies.get(SESSION_COOKIE);
  if (!sessionSecret) throw missingCookieError(apiUrl);
  const whoAmI = jsonOf<WhoAmI>(apiUrl, login);
  const csrfToken = (whoAmI.kind === 'user' ? whoAmI.csrfToken : null) ?? cookies.get(CSRF_COOKIE) ?? '';
  const sessionHeaders = {
    cookie: `${SESSION_COOKIE}=${sessionSecret}; ${CSRF_COOKIE}=${csrfToken}`,
    [CSRF_HEADER]: csrfToken,
  };

  try {
    const created = await exchange(fetchImpl, apiUrl, {
      method: 'POST',
      url: apiPath(apiUrl, ['v1', 'auth', 'tokens']),
      headers: sessionHeaders,
      body: { name: options.tokenName, ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }) },
    });
    return jsonOf<CreatedApiKey>(apiUrl, created);
  } finally {
    // The session was only a means to the token. Failing to end it must not lose a token already
    // made (it would be shown nowhere again), and the session expires by itself anyway.
    await exchange(fetchImpl, apiUrl, { method: 'POST', url: apiPath(apiUrl, ['v1', 'auth', 'logout']), headers: sessionHeaders }).catch(() => undefined);
  }
}
