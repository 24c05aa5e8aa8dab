import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  for (const outFeatures of [2, 3]) {
    const res = await stack.api('POST', '/v1/models/scorer/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures, batchDim: 'N' })));
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('endpoints', () => {
  it('creates an endpoint with default configuration and no revision', async () => {
    const res = await stack.api('POST', '/v1/endpoints', { name: 'fraud', description: 'scores payments' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'fraud',
      description: 'scores payments',
      activeRevision: null,
      config: { placement: 'worker', timeoutMs: 30000, batching: { maxBatchSize: 16, maxDelayMs: 0 }, scaling: { minReplicas: 1 } },
    });
  });

  it('refuses a duplicate name with 409 and a bad body with 400 naming each field', async () => {
    const duplicate = await stack.api('POST', '/v1/endpoints', { name: 'fraud' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toMatch(/endpoint "fraud" already exists/);
    const bad = await stack.api('POST', '/v1/endpoints', { name: 'X', timeoutMs: -1, surprise: true });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.timeoutMs']));
    expect(bad.body.detail).toMatch(/surprise/);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await stack.api('POST', '/v1/endpoints', '{"name": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/^the request body is not valid JSON/);
    const xml = await stack.api('POST', '/v1/endpoints', '<endpoint/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.detail).toMatch(/send JSON with "Content-Type: application\/json"/);
  });

  it('promotes a version to 100 % as revision 1, then 2, keeping history', async () => {
    const first = await stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 1, expectedRevision: 0 });
    expect(first.status).toBe(200);
    expect(first.body.activeRevision).toMatchObject({ number: 1, kind: 'promote', routes: [{ model: 'scorer', version: 1, weight: 100 }], shadows: [] });
    const second = await stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 2, expectedRevision: 1, reason: 'better recall' });
    expect(second.status).toBe(200);
    expect(second.body.activeRevision).toMatchObject({ number: 2, reason: 'better recall', routes: [{ version: 2, weight: 100 }] });
    const history = await stack.api('GET', '/v1/endpoints/fraud/revisions');
    expect(history.body.items.map((revision: { number: number }) => revision.number)).toEqual([2, 1]);
    const list = await stack.api('GET', '/v1/endpoints');
    expect(list.body.items[0].activeRevision.number).toBe(2);
  });

  it('refuses a stale expectedRevision with 409 and changes nothing', async () => {
    const stale = await stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 1, expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_revision');
    expect(stale.body.detail).toMatch(/is at revision 2, but this change was made against revision 1/);
    const endpoint = await stack.api('GET', '/v1/endpoints/fraud');
    expect(endpoint.body.activeRevision.number).toBe(2);
  });

  it('lets exactly one of two concurrent promotes against the same revision win', async () => {
    const [a, b] = await Promise.all([
      stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 1, expectedRevision: 2 }),
      stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 2, expectedRevision: 2 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await stack.db.revision.count()).toBe(3);
  });

  it('answers unknown endpoints, models and versions with 404', async () => {
    expect((await stack.api('GET', '/v1/endpoints/missing')).status).toBe(404);
    expect((await stack.api('POST', '/v1/endpoints/missing/promote', { model: 'scorer', version: 1, expectedRevision: 0 })).status).toBe(404);
    const version = await stack.api('POST', '/v1/endpoints/fraud/promote', { model: 'scorer', version: 9, expectedRevision: 3 });
    expect(version.status).toBe(404);
    expect(version.body.detail).toBe('model "scorer" has no version 9');
  });

  it('updates configuration with PATCH and validates it', async () => {
    const ok = await stack.api('PATCH', '/v1/endpoints/fraud', { timeoutMs: 5000 });
    expect(ok.status).toBe(200);
    expect(ok.body.config.timeoutMs).toBe(5000);
    expect(ok.body.config.placement).toBe('worker');
    const bad = await stack.api('PATCH', '/v1/endpoints/fraud', { placement: 'moon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.placement');
  });
});
