import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../test-support/http.js';
import { createUser, signIn } from '../test-support/principals.js';
import { bearer, startTestStack, TEST_ADMIN, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  // Small budgets so throttling shows after a few attempts; the per-IP one leaves room for the
  // other tests' failures from 127.0.0.1, and the per-IP test uses an address of its own.
  stack = await startTestStack({ MODELGATE_LOGIN_ATTEMPTS_PER_ACCOUNT: '4', MODELGATE_LOGIN_ATTEMPTS_PER_IP: '20' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('signing in to the dashboard', () => {
  it('sets an httpOnly SameSite=Lax session cookie and a readable CSRF cookie; the session then works', async () => {
    const session = await signIn(stack.apiUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ kind: 'user', via: 'session', user: { email: TEST_ADMIN.email, role: 'admin' } });
    const sessionCookie = session.setCookies.find((line) => line.startsWith('modelgate_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).toMatch(/Path=\//);
    const csrfCookie = session.setCookies.find((line) => line.startsWith('modelgate_csrf='))!;
    expect(csrfCookie).not.toMatch(/HttpOnly/i);
    expect(csrfCookie).toContain(session.csrfToken);
    const me = await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, { cookie: session.cookie });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(TEST_ADMIN.email);
    expect(me.body.csrfToken).toBe(session.csrfToken);
  });

  it('refuses changes made with the cookie but without the CSRF token, and accepts them with it', async () => {
    const session = await signIn(stack.apiUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const body = { name: 'csrf-checked' };
    const without = await http(stack.apiUrl, 'POST', '/v1/endpoints', body, { cookie: session.cookie });
    expect(without.status).toBe(403);
    expect(without.body.code).toBe('csrf_token_invalid');
    const wrong = await http(stack.apiUrl, 'POST', '/v1/endpoints', body, { cookie: session.cookie, 'x-csrf-token': 'forged' });
    expect(wrong.status).toBe(403);
    expect((await stack.api('GET', '/v1/endpoints/csrf-checked')).status).toBe(404);
    const withToken = await http(stack.apiUrl, 'POST', '/v1/endpoints', body, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
    expect(withToken.status).toBe(201);
  });

  it('ends the session on logout: the cookie no longer works', async () => {
    const session = await signIn(stack.apiUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const logout = await http(stack.apiUrl, 'POST', '/v1/auth/logout', undefined, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().some((line) => /^modelgate_session=;/.test(line))).toBe(true);
    const after = await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, { cookie: session.cookie });
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/session has ended/);
  });

  it('answers a wrong password and an unknown user identically, in comparable time', async () => {
    const user = await createUser(stack, 'viewer');
    const attempt = async (email: string) => {
      const started = performance.now();
      const response = await signIn(stack.apiUrl, email, 'not-the-password');
      return { ms: performance.now() - started, response };
    };
    const wrongPassword: number[] = [];
    const unknownUser: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const known = await attempt(user.email);
      const unknown = await attempt(`nobody-${round}@modelgate.test`);
      expect(known.response.status).toBe(401);
      expect(unknown.response.status).toBe(401);
      const { instance: _a, ...knownBody } = known.response.body;
      const { instance: _b, ...unknownBody } = unknown.response.body;
      expect(unknownBody).toEqual(knownBody);
      expect(knownBody.detail).toBe('email or password is wrong');
      wrongPassword.push(known.ms);
      unknownUser.push(unknown.ms);
    }
    // An unknown email still costs one argon2 verification (about as long as a real one), so
    // timing does not reveal which accounts exist. A short-circuit would be ~10× faster.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(unknownUser) / median(wrongPassword);
    expect(ratio, `unknown ${median(unknownUser).toFixed(1)} ms vs wrong password ${median(wrongPassword).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('throttles failed sign-ins per account with 429 and Retry-After, even for the right password, and audits it', async () => {
    const user = await createUser(stack, 'viewer');
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await signIn(stack.apiUrl, user.email, 'wrong-password-here')).status).toBe(401);
    const throttled = await fetch(new URL('/v1/auth/login', stack.apiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await throttled.json()) as { detail: string }).detail).toMatch(/too many failed sign-ins/);
    // Other accounts are not affected.
    expect((await signIn(stack.apiUrl, TEST_ADMIN.email, TEST_ADMIN.password)).status).toBe(200);
    const audit = await stack.api('GET', `/v1/audit?action=auth.login_failed&target=${encodeURIComponent(user.email)}`);
    expect(audit.body.items.map((event: { outcome: string }) => event.outcome)).toEqual(['throttled', 'denied', 'denied', 'denied', 'denied']);
    expect(audit.body.items[0].ip).toBe('127.0.0.1');
  });

  it('throttles failed sign-ins per client IP across accounts (the IP the dashboard’s proxy forwards)', async () => {
    const from = (ip: string, email: string) =>
      fetch(new URL('/v1/auth/login', stack.apiUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email, password: 'guessing-a-password' }),
      });
    for (let attempt = 0; attempt < 20; attempt += 1) expect((await from('203.0.113.7', `spray-${attempt}@modelgate.test`)).status).toBe(401);
    const blocked = await from('203.0.113.7', 'spray-next@modelgate.test');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await from('198.51.100.4', 'spray-next@modelgate.test')).status).toBe(401);
    const audit = await stack.api('GET', '/v1/audit?action=auth.login_failed&outcome=throttled&target=spray-next');
    expect(audit.body.items.map((event: { ip: string }) => event.ip)).toEqual(['203.0.113.7']);
  });

  it('refuses a disabled account and ends its sessions and tokens', async () => {
    const user = await createUser(stack, 'data_scientist');
    const session = await signIn(stack.apiUrl, user.email, user.password);
    expect((await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(user.token))).status).toBe(200);
    expect((await stack.api('PATCH', `/v1/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(user.token))).body.detail).toMatch(/disabled/);
    expect((await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, { cookie: session.cookie })).status).toBe(401);
    const again = await signIn(stack.apiUrl, user.email, user.password);
    expect(again.status).toBe(401);
    expect(again.body.detail).toMatch(/disabled: ask an admin/);
  });
});

describe('users', () => {
  it('keeps at least one enabled admin', async () => {
    const me = await stack.api('GET', '/v1/auth/me');
    const demote = await stack.api('PATCH', `/v1/users/${me.body.user.id}`, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect(demote.body.detail).toMatch(/only enabled admin/);
    const second = await createUser(stack, 'viewer');
    expect((await stack.api('PATCH', `/v1/users/${second.id}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await stack.api('PATCH', `/v1/users/${second.id}`, { role: 'viewer' })).status).toBe(200);
  });

  it('refuses a duplicate email and a short password with reasons', async () => {
    const duplicate = await stack.api('POST', '/v1/users', { email: TEST_ADMIN.email.toUpperCase(), role: 'viewer', password: 'long-enough-password' });
    expect(duplicate.status).toBe(409);
    const short = await stack.api('POST', '/v1/users', { email: 'short@modelgate.test', role: 'viewer', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toContainEqual({ path: 'body.password', message: 'passwords are at least 12 characters' });
  });

  it('applies a role change to existing tokens at once', async () => {
    const user = await createUser(stack, 'viewer');
    const attempt = () => http(stack.apiUrl, 'POST', '/v1/endpoints', { name: 'promoted-role' }, bearer(user.token));
    expect((await attempt()).status).toBe(403);
    expect((await stack.api('PATCH', `/v1/users/${user.id}`, { role: 'data_scientist' })).status).toBe(200);
    expect((await attempt()).status).toBe(201);
  });
});
