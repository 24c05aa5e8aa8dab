import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, modelForm } from '../test-support/http.js';
import { createUser, type TestUser } from '../test-support/principals.js';
import { bearer, startTestStack, TEST_ADMIN, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;
let scientist: TestUser;
const asScientist = (method: string, route: string, body?: unknown) => http(stack.apiUrl, method, route, body, bearer(scientist.token));

beforeAll(async () => {
  stack = await startTestStack();
  scientist = await createUser(stack, 'data_scientist', 'ada@modelgate.test');
  for (const outFeatures of [2, 3, 4]) {
    const uploaded = await asScientist('POST', '/v1/models/ranker/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures, batchDim: 'N' })));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.createdBy).toBe('ada@modelgate.test');
  }
  expect((await asScientist('POST', '/v1/endpoints', { name: 'ranking' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const split = (weights: [number, number][], expectedRevision: number, shadows: [number, number][] = []) => ({
  routes: weights.map(([version, weight]) => ({ model: 'ranker', version, weight })),
  shadows: shadows.map(([version, percent]) => ({ model: 'ranker', version, percent })),
  expectedRevision,
});

describe('who may change routing', () => {
  it('a data scientist cannot make the first deployment (100 % to one version): only an admin can', async () => {
    const first = await asScientist('POST', '/v1/endpoints/ranking/revisions', split([[1, 100]], 0));
    expect(first.status).toBe(403);
    expect(first.body.detail).toMatch(/which only admins can do: ask an admin to promote a version first/);
    expect((await asScientist('POST', '/v1/endpoints/ranking/promote', { model: 'ranker', version: 1, expectedRevision: 0 })).status).toBe(403);
    expect((await stack.api('POST', '/v1/endpoints/ranking/promote', { model: 'ranker', version: 1, expectedRevision: 0 })).status).toBe(200);
  });

  it('a data scientist deploys a canary of up to 50 % with a shadow, but no more', async () => {
    const canary = await asScientist('POST', '/v1/endpoints/ranking/revisions', { ...split([[1, 90], [2, 10]], 1, [[3, 25]]), reason: 'try v2 on 10 %' });
    expect(canary.status).toBe(201);
    expect(canary.body.activeRevision).toMatchObject({
      number: 2,
      kind: 'canary',
      routes: [{ model: 'ranker', version: 1, weight: 90 }, { model: 'ranker', version: 2, weight: 10 }],
      shadows: [{ model: 'ranker', version: 3, percent: 25 }],
      reason: 'try v2 on 10 %',
      createdBy: 'ada@modelgate.test',
    });
    const tooMuch = await asScientist('POST', '/v1/endpoints/ranking/revisions', split([[1, 40], [2, 60]], 2));
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.detail).toBe(
      'data scientists can send at most 50 % away from the primary ranker@v1 (now 90 %); this split sends 60 % elsewhere: ask an admin to promote',
    );
    const half = await asScientist('POST', '/v1/endpoints/ranking/revisions', split([[1, 50], [2, 50]], 2, [[3, 25]]));
    expect(half.status).toBe(201);
    expect(half.body.activeRevision.number).toBe(3);
  });

  it('a data scientist cannot roll back; an admin rolls back to the exact previous routes and shadows', async () => {
    const refused = await asScientist('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 3 });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('only admins can roll back an endpoint');
    const stale = await stack.api('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_revision');
    const previous = (await stack.api('GET', '/v1/endpoints/ranking/revisions')).body.items.find((revision: { number: number }) => revision.number === 2);
    const rolledBack = await stack.api('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 3 });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body.activeRevision).toMatchObject({
      number: 4,
      kind: 'rollback',
      routes: previous.routes,
      shadows: previous.shadows,
      reason: 'roll back to revision 2',
      createdBy: TEST_ADMIN.email,
    });
    const named = await stack.api('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 4, toRevision: 1, reason: 'back to v1 only' });
    expect(named.body.activeRevision).toMatchObject({ number: 5, kind: 'rollback', routes: [{ version: 1, weight: 100 }], shadows: [], reason: 'back to v1 only' });
    expect((await stack.api('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 5, toRevision: 5 })).status).toBe(409);
    expect((await stack.api('POST', '/v1/endpoints/ranking/rollback', { expectedRevision: 5, toRevision: 42 })).status).toBe(404);
  });

  it('explains a split that does not add up or names a version twice', async () => {
    const sum = await stack.api('POST', '/v1/endpoints/ranking/revisions', split([[1, 70], [2, 20]], 5));
    expect(sum.status).toBe(400);
    expect(sum.body.errors).toContainEqual({ path: 'body.routes', message: 'route weights must add up to 100; these add up to 90' });
    const twice = await stack.api('POST', '/v1/endpoints/ranking/revisions', split([[1, 50], [1, 50]], 5));
    expect(twice.status).toBe(400);
    expect(twice.body.detail).toMatch(/ranker@1 appears twice/);
    const missing = await stack.api('POST', '/v1/endpoints/ranking/revisions', split([[1, 50], [9, 50]], 5));
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('model "ranker" has no version 9');
  });
});

describe('the audit log', () => {
  it('records each change with actor, target, before and after, filterable and paged', async () => {
    const events = await stack.api('GET', '/v1/audit?targetType=endpoint&target=ranking');
    expect(events.status).toBe(200);
    const summary = events.body.items.map((event: { action: string; actor: { label: string } }) => `${event.action} by ${event.actor.label}`);
    expect(summary).toEqual([
      `endpoint.rollback by ${TEST_ADMIN.email}`,
      `endpoint.rollback by ${TEST_ADMIN.email}`,
      'endpoint.deploy by ada@modelgate.test',
      'endpoint.deploy by ada@modelgate.test',
      `endpoint.promote by ${TEST_ADMIN.email}`,
      'endpoint.create by ada@modelgate.test',
    ]);
    const canary = events.body.items[3];
    expect(canary).toMatchObject({
      outcome: 'success',
      ip: '127.0.0.1',
      target: { type: 'endpoint', label: 'ranking' },
      before: { revision: 1, kind: 'promote', routes: [{ version: 'ranker@v1', weight: 100 }], shadows: [] },
      after: { revision: 2, kind: 'canary', routes: [{ version: 'ranker@v1', weight: 90 }, { version: 'ranker@v2', weight: 10 }], shadows: [{ version: 'ranker@v3', percent: 25 }] },
      detail: 'try v2 on 10 %',
    });
    expect(canary.requestId).toBeTruthy();

    const uploads = await stack.api('GET', '/v1/audit?action=model.version.upload&actor=ada');
    expect(uploads.body.items.map((event: { target: { label: string } }) => event.target.label)).toEqual(['ranker@v3', 'ranker@v2', 'ranker@v1']);

    const firstPage = await stack.api('GET', '/v1/audit?limit=2');
    expect(firstPage.body.items).toHaveLength(2);
    const secondPage = await stack.api('GET', `/v1/audit?limit=2&cursor=${firstPage.body.nextCursor}`);
    expect(Number(secondPage.body.items[0].id)).toBeLessThan(Number(firstPage.body.items[1].id));
    expect((await stack.api('GET', '/v1/audit?limit=9999')).status).toBe(400);
  });

  it('records archiving and detail edits', async () => {
    expect((await asScientist('PATCH', '/v1/models/ranker/versions/3', { description: 'wider output' })).status).toBe(200);
    expect((await stack.api('POST', '/v1/endpoints/ranking/revisions', split([[1, 100]], 5))).status).toBe(201);
    expect((await asScientist('DELETE', '/v1/models/ranker/versions/3')).status).toBe(200);
    const events = await stack.api('GET', '/v1/audit?target=ranker@v3');
    expect(events.body.items.map((event: { action: string }) => event.action)).toEqual(['model.version.archive', 'model.version.update', 'model.version.upload']);
    expect(events.body.items[1].after).toEqual({ description: 'wider output' });
    expect(events.body.items[0].before).toEqual({ archivedAt: null });
  });
});
