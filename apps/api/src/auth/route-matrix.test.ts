import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, modelForm } from '../test-support/http.js';
import { createApiKey, createUser } from '../test-support/principals.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * The permission matrix is this test: every route the API serves × every kind of caller, with the
 * status each must get. Allowed callers send a request that fails validation (400) or names
 * something that does not exist (404), so the row shows the guard let them through without
 * changing anything; refused ones get 401 or 403 before the body is even looked at.
 */
const CALLERS = ['anonymous', 'viewer', 'data_scientist', 'admin', 'scopedKey', 'otherEndpointKey', 'revokedKey', 'expiredKey'] as const;
type Caller = (typeof CALLERS)[number];
type Row = [anonymous: number, viewer: number, dataScientist: number, admin: number, scopedKey: number, otherEndpointKey: number, revokedKey: number, expiredKey: number];

interface RouteCase {
  method: string;
  path: string;
  /** The concrete URL called (path parameters filled in). */
  url?: string;
  body?: unknown;
  expect: Row;
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
// Reads: people and the key with read scope; the predict-only key may not.
const READ: Row = [401, 200, 200, 200, 403, 200, 401, 401];
const ADMIN_ONLY = (allowed: number): Row => [401, 403, 403, allowed, 403, 403, 401, 401];
const MODEL_WRITERS = (allowed: number): Row => [401, 403, allowed, allowed, 403, 403, 401, 401];
const OWN_ACCOUNT = (allowed: number): Row => [401, allowed, allowed, allowed, 403, 403, 401, 401];
const PUBLIC = (status: number): Row => [status, status, status, status, status, status, status, status];

const MATRIX: RouteCase[] = [
  { method: 'GET', path: '/healthz', expect: PUBLIC(200) },
  { method: 'GET', path: '/readyz', expect: PUBLIC(200) },
  { method: 'GET', path: '/metrics', expect: PUBLIC(200) },
  { method: 'POST', path: '/v1/auth/login', body: {}, expect: PUBLIC(400) },
  { method: 'POST', path: '/v1/auth/logout', expect: OWN_ACCOUNT(204) },
  { method: 'GET', path: '/v1/auth/me', expect: [401, 200, 200, 200, 200, 200, 401, 401] },
  { method: 'GET', path: '/v1/auth/tokens', expect: OWN_ACCOUNT(200) },
  { method: 'POST', path: '/v1/auth/tokens', body: {}, expect: OWN_ACCOUNT(400) },
  { method: 'DELETE', path: '/v1/auth/tokens/:id', url: `/v1/auth/tokens/${NO_SUCH_ID}`, expect: OWN_ACCOUNT(404) },
  { method: 'GET', path: '/v1/users', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/v1/users', body: {}, expect: ADMIN_ONLY(400) },
  { method: 'PATCH', path: '/v1/users/:id', url: `/v1/users/${NO_SUCH_ID}`, body: {}, expect: ADMIN_ONLY(400) },
  { method: 'GET', path: '/v1/api-keys', expect: ADMIN_ONLY(200) },
  { method: 'POST', path: '/v1/api-keys', body: {}, expect: ADMIN_ONLY(400) },
  { method: 'DELETE', path: '/v1/api-keys/:id', url: `/v1/api-keys/${NO_SUCH_ID}`, expect: ADMIN_ONLY(404) },
  { method: 'GET', path: '/v1/audit', expect: ADMIN_ONLY(200) },
  { method: 'GET', path: '/v1/models', expect: READ },
  { method: 'POST', path: '/v1/models/:model/versions', url: '/v1/models/matrix-model/versions', body: {}, expect: MODEL_WRITERS(415) },
  { method: 'GET', path: '/v1/models/:model', url: '/v1/models/matrix-model', expect: READ },
  { method: 'GET', path: '/v1/models/:model/versions/:version', url: '/v1/models/matrix-model/versions/1', expect: READ },
  { method: 'PATCH', path: '/v1/models/:model/versions/:version', url: '/v1/models/matrix-model/versions/1', body: {}, expect: MODEL_WRITERS(400) },
  { method: 'DELETE', path: '/v1/models/:model/versions/:version', url: '/v1/models/matrix-model/versions/99', expect: MODEL_WRITERS(404) },
  { method: 'GET', path: '/v1/models/:model/versions/:version/artifact', url: '/v1/models/matrix-model/versions/1/artifact', expect: READ },
  { method: 'POST', path: '/v1/endpoints', body: {}, expect: MODEL_WRITERS(400) },
  { method: 'GET', path: '/v1/endpoints', expect: READ },
  { method: 'GET', path: '/v1/endpoints/:endpoint', url: '/v1/endpoints/matrix', expect: READ },
  { method: 'PATCH', path: '/v1/endpoints/:endpoint', url: '/v1/endpoints/matrix', body: { timeoutMs: -1 }, expect: MODEL_WRITERS(400) },
  { method: 'GET', path: '/v1/endpoints/:endpoint/revisions', url: '/v1/endpoints/matrix/revisions', expect: READ },
  { method: 'POST', path: '/v1/endpoints/:endpoint/revisions', url: '/v1/endpoints/matrix/revisions', body: {}, expect: MODEL_WRITERS(400) },
  // Rollouts: data scientists and admins start and abort them; readers see them.
  { method: 'POST', path: '/v1/endpoints/:endpoint/rollouts', url: '/v1/endpoints/matrix/rollouts', body: {}, expect: MODEL_WRITERS(400) },
  { method: 'GET', path: '/v1/endpoints/:endpoint/rollouts', url: '/v1/endpoints/matrix/rollouts', expect: READ },
  { method: 'GET', path: '/v1/endpoints/:endpoint/rollouts/:id', url: `/v1/endpoints/matrix/rollouts/${NO_SUCH_ID}`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'POST', path: '/v1/endpoints/:endpoint/rollouts/:id/abort', url: `/v1/endpoints/matrix/rollouts/${NO_SUCH_ID}/abort`, body: {}, expect: MODEL_WRITERS(404) },
  // Stream bindings: data scientists and admins create, pause, resume and delete them; readers see them.
  { method: 'POST', path: '/v1/streams', body: {}, expect: MODEL_WRITERS(400) },
  { method: 'GET', path: '/v1/streams', expect: READ },
  { method: 'GET', path: '/v1/streams/:id', url: `/v1/streams/${NO_SUCH_ID}`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'GET', path: '/v1/streams/:id/predictions/:key', url: `/v1/streams/${NO_SUCH_ID}/predictions/k`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'POST', path: '/v1/streams/:id/pause', url: `/v1/streams/${NO_SUCH_ID}/pause`, expect: MODEL_WRITERS(404) },
  { method: 'POST', path: '/v1/streams/:id/resume', url: `/v1/streams/${NO_SUCH_ID}/resume`, expect: MODEL_WRITERS(404) },
  { method: 'DELETE', path: '/v1/streams/:id', url: `/v1/streams/${NO_SUCH_ID}`, expect: MODEL_WRITERS(404) },
  { method: 'GET', path: '/v1/endpoints/:endpoint/metrics', url: '/v1/endpoints/matrix/metrics', expect: READ },
  { method: 'GET', path: '/v1/metrics/overview', expect: READ },
  { method: 'POST', path: '/v1/endpoints/:endpoint/promote', url: '/v1/endpoints/matrix/promote', body: {}, expect: ADMIN_ONLY(400) },
  { method: 'POST', path: '/v1/endpoints/:endpoint/rollback', url: '/v1/endpoints/matrix/rollback', body: {}, expect: ADMIN_ONLY(400) },
  // Predict: people who may change models, and the key scoped to this endpoint; not viewers, not
  // the key for another endpoint.
  { method: 'POST', path: '/v1/endpoints/:endpoint/predict', url: '/v1/endpoints/matrix/predict', body: {}, expect: [401, 403, 400, 400, 400, 403, 401, 401] },
  // Records inbox: pushing and asking for a run like predict (a queued run answers 202); reading like
  // the registry; the schedule like endpoint settings.
  { method: 'POST', path: '/v1/endpoints/:endpoint/records', url: '/v1/endpoints/matrix/records', body: {}, expect: [401, 403, 400, 400, 400, 403, 401, 401] },
  { method: 'GET', path: '/v1/endpoints/:endpoint/records', url: '/v1/endpoints/matrix/records', expect: READ },
  { method: 'GET', path: '/v1/endpoints/:endpoint/records/:key', url: '/v1/endpoints/matrix/records/no-such-key', expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'POST', path: '/v1/endpoints/:endpoint/records/score', url: '/v1/endpoints/matrix/records/score', expect: [401, 403, 202, 202, 202, 403, 401, 401] },
  { method: 'GET', path: '/v1/endpoints/:endpoint/schedule', url: '/v1/endpoints/matrix/schedule', expect: READ },
  { method: 'PUT', path: '/v1/endpoints/:endpoint/schedule', url: '/v1/endpoints/matrix/schedule', body: {}, expect: MODEL_WRITERS(400) },
  { method: 'DELETE', path: '/v1/endpoints/:endpoint/schedule', url: '/v1/endpoints/matrix/schedule', expect: MODEL_WRITERS(404) },
  // Any caller may ask for its own async predictions; an unknown id is a 404 for everyone.
  { method: 'GET', path: '/v1/predictions/:id', url: `/v1/predictions/${NO_SUCH_ID}`, expect: [401, 404, 404, 404, 404, 404, 401, 401] },
  // Batch files: submitting and cancelling is scoring (the predict permission; a key would need "*",
  // as the endpoint is in the upload, not the path); readers see jobs and download results.
  { method: 'POST', path: '/v1/batch-jobs', body: {}, expect: MODEL_WRITERS(415) },
  { method: 'GET', path: '/v1/batch-jobs', expect: READ },
  { method: 'GET', path: '/v1/batch-jobs/:id', url: `/v1/batch-jobs/${NO_SUCH_ID}`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'GET', path: '/v1/batch-jobs/:id/results', url: `/v1/batch-jobs/${NO_SUCH_ID}/results`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'GET', path: '/v1/batch-jobs/:id/failures', url: `/v1/batch-jobs/${NO_SUCH_ID}/failures`, expect: [401, 404, 404, 404, 403, 404, 401, 401] },
  { method: 'POST', path: '/v1/batch-jobs/:id/cancel', url: `/v1/batch-jobs/${NO_SUCH_ID}/cancel`, expect: MODEL_WRITERS(404) },
  // Open Inference Protocol v2: reads like the registry, infer like predict.
  { method: 'GET', path: '/v2', expect: READ },
  { method: 'GET', path: '/v2/health/live', expect: READ },
  { method: 'GET', path: '/v2/health/ready', expect: READ },
  { method: 'GET', path: '/v2/models/:endpoint', url: '/v2/models/matrix', expect: READ },
  { method: 'GET', path: '/v2/models/:endpoint/versions/:version', url: '/v2/models/matrix/versions/1', expect: READ },
  { method: 'GET', path: '/v2/models/:endpoint/ready', url: '/v2/models/matrix/ready', expect: READ },
  { method: 'GET', path: '/v2/models/:endpoint/versions/:version/ready', url: '/v2/models/matrix/versions/1/ready', expect: READ },
  { method: 'POST', path: '/v2/models/:endpoint/infer', url: '/v2/models/matrix/infer', body: {}, expect: [401, 403, 400, 400, 400, 403, 401, 401] },
  { method: 'POST', path: '/v2/models/:endpoint/versions/:version/infer', url: '/v2/models/matrix/versions/1/infer', body: {}, expect: [401, 403, 400, 400, 400, 403, 401, 401] },
];

let stack: TestStack;
const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;

beforeAll(async () => {
  stack = await startTestStack();
  expect((await stack.api('POST', '/v1/models/matrix-model/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })))).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name: 'matrix' })).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints/matrix/promote', { model: 'matrix-model', version: 1, expectedRevision: 0 })).status).toBe(200);
  for (const role of ['viewer', 'data_scientist'] as const) tokens[role] = (await createUser(stack, role)).token;
  tokens.admin = stack.adminToken;
  tokens.scopedKey = (await createApiKey(stack, { name: 'scoped', scopes: { predict: ['matrix'], read: false } })).secret;
  tokens.otherEndpointKey = (await createApiKey(stack, { name: 'other', scopes: { predict: ['elsewhere'], read: true } })).secret;
  const revoked = await createApiKey(stack, { name: 'revoked', scopes: { predict: ['*'], read: true } });
  expect((await stack.api('DELETE', `/v1/api-keys/${revoked.id}`)).status).toBe(200);
  tokens.revokedKey = revoked.secret;
  const expiresAt = new Date(Date.now() + 1500);
  tokens.expiredKey = (await createApiKey(stack, { name: 'expiring', scopes: { predict: ['*'], read: true }, expiresAt: expiresAt.toISOString() })).secret;
  await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the route × caller matrix', () => {
  it('covers every route the API serves', () => {
    const served = discoverRoutes(stack).sort();
    const tested = MATRIX.map((route) => `${route.method} ${route.path}`).sort();
    expect(tested).toEqual(served);
  });

  it.each(MATRIX)('$method $path', async (route) => {
    const got: Partial<Record<Caller, number>> = {};
    const want: Partial<Record<Caller, number>> = {};
    for (const [index, caller] of CALLERS.entries()) {
      const headers = caller === 'anonymous' ? {} : bearer(tokens[caller]);
      const response = await http(stack.apiUrl, route.method, route.url ?? route.path, route.body, headers);
      got[caller] = response.status;
      want[caller] = route.expect[index];
      if (response.status === 401) expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect(got).toEqual(want);
  });
});

/** Every (method, path) Nest registered, read from the controllers' own metadata. */
function discoverRoutes(stack: TestStack): string[] {
  const routes: string[] = [];
  for (const module of stack.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = `/${[base, sub].filter((part) => part && part !== '/').join('/')}`.replace(/\/+/g, '/');
        routes.push(`${RequestMethod[method]} ${path}`);
      }
    }
  }
  return routes;
}
