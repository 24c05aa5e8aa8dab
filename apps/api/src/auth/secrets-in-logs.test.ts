import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../scripts/lib/test-stack.mjs';
import { http, modelForm } from '../test-support/http.js';
import { signIn } from '../test-support/principals.js';
import { bearer, startTestStack, TEST_ADMIN, type TestStack } from '../test-support/test-stack.js';

/**
 * A whole scenario against a built API process logging at `trace` (everything it can log), then a
 * search of its output, the worker's, and of every later response for each secret that passed
 * through: passwords, session cookies, CSRF tokens, API keys, personal tokens, and their hashes.
 */
const apiMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');

let stack: TestStack;
let api: ChildProcess;
let apiUrl: string;
let log = '';

beforeAll(async () => {
  stack = await startTestStack();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...childEnv(stack), MODELGATE_API_PORT: String(port), MODELGATE_LOG_LEVEL: 'trace', MODELGATE_LOG_FORMAT: 'json' };
  api = spawn(process.execPath, [apiMain], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  api.stdout!.on('data', (chunk) => (log += chunk));
  api.stderr!.on('data', (chunk) => (log += chunk));
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if ((await fetch(`${apiUrl}/readyz`).catch(() => null))?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API did not start:\n${log}`);
}, 90_000);

afterAll(async () => {
  api?.kill('SIGTERM');
  await stack?.stop();
});

function childEnv(stack: TestStack): Record<string, string> {
  const { config } = stack;
  return {
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    MODELGATE_REDIS_PREFIX: config.MODELGATE_REDIS_PREFIX,
    MODELGATE_DATA_DIR: config.MODELGATE_DATA_DIR,
    MODELGATE_ADMIN_EMAIL: TEST_ADMIN.email,
    MODELGATE_ADMIN_PASSWORD: TEST_ADMIN.password,
  };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('secrets', () => {
  it('never appear in logs, nor in any response after the one that created them', async () => {
    const secrets: Record<string, string> = { adminPassword: TEST_ADMIN.password };
    const admin = await signIn(apiUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    expect(admin.status).toBe(200);
    secrets.adminSession = admin.cookie.split('=')[1]!;
    secrets.adminCsrf = admin.csrfToken;
    const asAdmin = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };

    secrets.userPassword = 'correct horse battery staple';
    const user = await http(apiUrl, 'POST', '/v1/users', { email: 'grace@modelgate.test', role: 'data_scientist', password: secrets.userPassword }, asAdmin);
    expect(user.status).toBe(201);
    expect((await signIn(apiUrl, 'grace@modelgate.test', 'a wrong password for grace')).status).toBe(401);
    const grace = await signIn(apiUrl, 'grace@modelgate.test', secrets.userPassword);
    secrets.userSession = grace.cookie.split('=')[1]!;
    secrets.userCsrf = grace.csrfToken;

    const token = await http(apiUrl, 'POST', '/v1/auth/tokens', { name: 'cli' }, { cookie: grace.cookie, 'x-csrf-token': grace.csrfToken });
    secrets.personalToken = token.body.secret;
    const key = await http(apiUrl, 'POST', '/v1/api-keys', { name: 'shop', scopes: { predict: ['shop'], read: true } }, asAdmin);
    secrets.apiKey = key.body.secret;
    expect(Object.values(secrets).every((secret) => typeof secret === 'string' && secret.length >= 12)).toBe(true);

    // Work with every credential: upload, deploy, predict, read, change a password, revoke, sign out.
    const asGrace = bearer(secrets.personalToken!);
    expect((await http(apiUrl, 'POST', '/v1/models/shop-model/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })), asGrace)).status).toBe(201);
    expect((await http(apiUrl, 'POST', '/v1/endpoints', { name: 'shop' }, asGrace)).status).toBe(201);
    expect((await http(apiUrl, 'POST', '/v1/endpoints/shop/promote', { model: 'shop-model', version: 1, expectedRevision: 0 }, asAdmin)).status).toBe(200);
    const prediction = await http(apiUrl, 'POST', '/v1/endpoints/shop/predict', { inputs: { x: [[1, 2, 3, 4]] } }, bearer(secrets.apiKey!));
    expect(prediction.status).toBe(200);
    expect((await http(apiUrl, 'GET', '/v1/auth/me', undefined, bearer(secrets.apiKey!))).status).toBe(200);
    secrets.newPassword = 'a brand new password for grace';
    expect((await http(apiUrl, 'PATCH', `/v1/users/${user.body.id}`, { password: secrets.newPassword }, asAdmin)).status).toBe(200);
    expect((await http(apiUrl, 'DELETE', `/v1/api-keys/${key.body.id}`, undefined, asAdmin)).status).toBe(200);
    expect((await http(apiUrl, 'GET', '/v1/models', undefined, bearer(secrets.apiKey!))).status).toBe(401);
    expect((await http(apiUrl, 'POST', '/v1/auth/logout', undefined, asAdmin)).status).toBe(204);

    // Everything a caller can read afterwards.
    const admin2 = await signIn(apiUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const asAdmin2 = { cookie: admin2.cookie };
    const later = await Promise.all(
      ['/v1/users', '/v1/api-keys', '/v1/auth/tokens', '/v1/audit?limit=500', '/v1/endpoints', '/v1/models/shop-model'].map((route) => http(apiUrl, 'GET', route, undefined, asAdmin2)),
    );
    const graceTokens = await http(apiUrl, 'GET', '/v1/auth/tokens', undefined, asGrace);
    const responses = JSON.stringify([...later.map((response) => response.body), graceTokens.body]);
    expect(later.every((response) => response.status === 200)).toBe(true);
    expect(responses).toContain('api_key.create');
    expect(responses).not.toMatch(/\$argon2/);
    expect(responses).not.toMatch(/passwordHash|secretHash|tokenHash/);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const logs = log + stack.workerLog();
    // The log is real: it holds the requests, with credentials headers redacted.
    expect(log).toContain('/v1/auth/login');
    expect(log).toContain('[Redacted]');
    for (const [name, secret] of Object.entries(secrets)) {
      for (const [where, text] of [['logs', logs], ['later responses', responses]] as const) {
        expect(text.includes(secret), `${name} appears in the ${where}`).toBe(false);
        expect(text.includes(sha256(secret)), `the sha256 of ${name} appears in the ${where}`).toBe(false);
      }
    }
  });
});
