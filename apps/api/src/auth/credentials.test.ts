import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../app.factory.js';
import { http } from '../test-support/http.js';
import { createApiKey, createUser } from '../test-support/principals.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;
/** A second API process on the same database and Redis, as in a deployment with two replicas. */
let second: NestFastifyApplication;
let secondUrl: string;

beforeAll(async () => {
  stack = await startTestStack();
  second = await createApiApp(stack.config);
  await second.listen({ port: 0, host: '127.0.0.1' });
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await second?.close();
  await stack?.stop();
});

describe('API keys', () => {
  it('shows the secret once: creation answers it, nothing afterwards does', async () => {
    const created = await stack.api('POST', '/v1/api-keys', { name: 'billing app', scopes: { predict: ['*'], read: true } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^mgk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);
    const listed = await stack.api('GET', '/v1/api-keys');
    const mine = listed.body.items.find((key: { id: string }) => key.id === created.body.id);
    expect(mine).toMatchObject({ name: 'billing app', prefix: created.body.prefix, scopes: { predict: ['*'], read: true }, revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret.slice(13));
    expect(mine).not.toHaveProperty('secret');
  });

  it('records lastUsedAt when a key is used', async () => {
    const key = await createApiKey(stack, { name: 'used', scopes: { predict: [], read: true } });
    expect((await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status).toBe(200);
    let lastUsedAt: string | null = null;
    for (let attempt = 0; attempt < 50 && !lastUsedAt; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lastUsedAt = (await stack.api('GET', '/v1/api-keys')).body.items.find((item: { id: string }) => item.id === key.id).lastUsedAt;
    }
    expect(Date.now() - Date.parse(lastUsedAt!)).toBeLessThan(10_000);
  });

  it('stops working on every API process within 1 s of being revoked', async () => {
    const key = await createApiKey(stack, { name: 'to revoke', scopes: { predict: [], read: true } });
    // Both processes have it cached as valid.
    expect((await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status).toBe(200);
    expect((await http(secondUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status).toBe(200);
    const revokedAt = performance.now();
    expect((await stack.api('DELETE', `/v1/api-keys/${key.id}`)).body.revokedAt).not.toBeNull();
    expect((await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status).toBe(401);
    let status = 200;
    while (status !== 401 && performance.now() - revokedAt < 3000) {
      status = (await http(secondUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status;
    }
    const elapsed = performance.now() - revokedAt;
    expect(status).toBe(401);
    expect(elapsed, `the other process refused the key ${elapsed.toFixed(0)} ms after the revocation`).toBeLessThan(1000);
    const refused = await http(secondUrl, 'GET', '/v1/models', undefined, bearer(key.secret));
    expect(refused.body.detail).toMatch(/^API key mgk_\w{8} was revoked on /);
  });

  it('refuses an expired key, and an expiry in the past at creation', async () => {
    const past = await stack.api('POST', '/v1/api-keys', { name: 'late', scopes: { read: true }, expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.errors).toContainEqual({ path: 'body.expiresAt', message: 'the expiry must be in the future' });
    const key = await createApiKey(stack, { name: 'short-lived', scopes: { read: true }, expiresAt: new Date(Date.now() + 800).toISOString() });
    expect((await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(key.secret))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 900));
    const expired = await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(key.secret));
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/expired on/);
  });

  it('answers 429 with Retry-After over the key’s rate limit, and recovers', async () => {
    const key = await createApiKey(stack, { name: 'limited', scopes: { read: true }, rateLimit: { perSecond: 2, burst: 3 } });
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let call = 0; call < 5; call += 1) {
      const response = await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(key.secret));
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = Number(response.headers.get('retry-after'));
        expect(response.body.detail).toMatch(/over its rate limit of 2 requests\/s/);
      }
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toContain(429);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect((await stack.api('GET', '/v1/auth/me')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    expect((await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(key.secret))).status).toBe(200);
  });

  it('refuses malformed Authorization headers and unknown tokens with 401', async () => {
    const basic = await http(stack.apiUrl, 'GET', '/v1/models', undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' });
    expect(basic.status).toBe(401);
    expect(basic.body.detail).toMatch(/Bearer/);
    const made = await http(stack.apiUrl, 'GET', '/v1/models', undefined, bearer(`mgk_abcdefgh_${'x'.repeat(43)}`));
    expect(made.status).toBe(401);
    expect(made.body.detail).toMatch(/not a valid Modelgate API key/);
  });
});

describe('personal tokens', () => {
  it('act as their user, are listed only to them, and stop at revocation', async () => {
    const user = await createUser(stack, 'data_scientist');
    const created = await http(stack.apiUrl, 'POST', '/v1/auth/tokens', { name: 'laptop CLI' }, bearer(user.token));
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^mgp_/);
    const me = await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(created.body.secret));
    expect(me.body).toMatchObject({ kind: 'user', via: 'personal_token', user: { email: user.email, role: 'data_scientist' } });
    const mine = await http(stack.apiUrl, 'GET', '/v1/auth/tokens', undefined, bearer(user.token));
    expect(mine.body.items.map((token: { name: string }) => token.name).sort()).toEqual(['laptop CLI', 'test']);
    expect((await stack.api('GET', '/v1/auth/tokens')).body.items.some((token: { owner: string }) => token.owner === user.email)).toBe(false);
    // Someone else's token cannot be revoked through your own list.
    expect((await stack.api('DELETE', `/v1/auth/tokens/${created.body.id}`)).status).toBe(404);
    expect((await http(stack.apiUrl, 'DELETE', `/v1/auth/tokens/${created.body.id}`, undefined, bearer(user.token))).body.revokedAt).not.toBeNull();
    expect((await http(stack.apiUrl, 'GET', '/v1/auth/me', undefined, bearer(created.body.secret))).status).toBe(401);
  });
});
