import { describe, expect, it } from 'vitest';
import { ModelgateApiError } from '../errors.js';
import { cookiesFromSetCookie, issuePersonalToken } from './personal-token.js';

const CREATED = { id: 't1', kind: 'personal_token', name: 'modelgate CLI on box', prefix: 'mgp_3fA9xQ2p', secret: 'mgp_3fA9xQ2p_secret' };
const WHO = { kind: 'user', via: 'session', csrfToken: 'csrf-1', sessionExpiresAt: null, user: { email: 'ada@example.com' } };

interface Sent {
  path: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/**
 * A fetch that answers like the API's login, token and logout routes: the cookies and CSRF header
 * the flow sends are what is checked here; the real API's handling of them is in the integration tests.
 */
function fakeAuthApi(answers: { tokens?: () => Response; logout?: () => Response; loginCookies?: string[] } = {}) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    sent.push({ path, method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (path === '/v1/auth/login') {
      const cookies = answers.loginCookies ?? ['modelgate_session=s3cr3t; Path=/; HttpOnly; SameSite=Lax', 'modelgate_csrf=csrf-1; Path=/; SameSite=Lax'];
      return new Response(JSON.stringify(WHO), { headers: cookies.map((cookie) => ['set-cookie', cookie] as [string, string]) });
    }
    if (path === '/v1/auth/tokens') return answers.tokens?.() ?? new Response(JSON.stringify(CREATED), { status: 201 });
    if (path === '/v1/auth/logout') return answers.logout?.() ?? new Response(null, { status: 204 });
    return new Response('{}', { status: 404 });
  };
  return { fetch, sent };
}

const options = { apiUrl: 'http://api.test', email: 'ada@example.com', password: 'correct horse battery', tokenName: 'modelgate CLI on box' };

describe('cookiesFromSetCookie', () => {
  it('keeps name=value and drops the attributes; values may contain "="', () => {
    const cookies = cookiesFromSetCookie(['a=1; Path=/; HttpOnly', 'b=x=y; Max-Age=10', 'junk', '=nameless']);
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
    ]);
  });
});

describe('issuePersonalToken', () => {
  it('signs in, creates the token with the session cookie and CSRF header, then signs out', async () => {
    const api = fakeAuthApi();

    const created = await issuePersonalToken({ ...options, fetch: api.fetch, expiresAt: '2030-01-01T00:00:00Z' });

    expect(created).toEqual(CREATED);
    expect(api.sent.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /v1/auth/login', 'POST /v1/auth/tokens', 'POST /v1/auth/logout']);
    const [login, tokens, logout] = api.sent;
    expect(login?.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(login?.headers.has('cookie')).toBe(false);
    expect(tokens?.body).toEqual({ name: 'modelgate CLI on box', expiresAt: '2030-01-01T00:00:00Z' });
    for (const request of [tokens, logout]) {
      expect(request?.headers.get('cookie')).toBe('modelgate_session=s3cr3t; modelgate_csrf=csrf-1');
      expect(request?.headers.get('x-csrf-token')).toBe('csrf-1');
    }
  });

  it('still signs out when the token cannot be created, and reports why it could not', async () => {
    const problem = { type: 't', title: 'Bad Request', status: 400, detail: 'name the token after where it will be used', code: 'validation_failed' };
    const api = fakeAuthApi({ tokens: () => new Response(JSON.stringify(problem), { status: 400 }) });

    const error = await issuePersonalToken({ ...options, fetch: api.fetch }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 400, message: problem.detail });
    expect(api.sent.at(-1)?.path).toBe('/v1/auth/logout');
  });

  it('returns the token even when signing out fails: it would be shown nowhere again', async () => {
    const api = fakeAuthApi({ logout: () => new Response('bad gateway', { status: 502 }) });
    expect(await issuePersonalToken({ ...options, fetch: api.fetch })).toEqual(CREATED);
  });

  it('names a proxy dropping Set-Cookie when the login sets no session cookie', async () => {
    const api = fakeAuthApi({ loginCookies: [] });
    const error = await issuePersonalToken({ ...options, fetch: api.fetch }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect((error as Error).message).toBe(
      'the Modelgate API at http://api.test accepted the password but set no modelgate_session cookie: is something in between (a proxy) dropping Set-Cookie headers?',
    );
    expect(api.sent).toHaveLength(1);
  });
});
