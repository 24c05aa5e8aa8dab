import type { Rollout } from '@modelgate/contracts';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledOutput, controlModels } from '../test-support/controlled-models.js';
import { modelForm } from '../test-support/http.js';
import { createUser } from '../test-support/principals.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Progressive rollouts judged by the real worker from the real rollups: a healthy candidate goes
 * through every step and is promoted; a failing one and a slow one roll back by themselves, with
 * the reason in words; people can abort one, and a change by hand stops it.
 */
let stack: TestStack;
let uncontrol: () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const body = { inputs: { x: [[1, 2, 3, 4]] } };

beforeAll(async () => {
  uncontrol = controlModels();
  // Rollups reach PostgreSQL every 200 ms and the judge looks every 300 ms (test-stack default).
  stack = await startTestStack({ MODELGATE_METRICS_FLUSH_MS: '200' });
  // v1 the baseline, v2 healthy, v3 fails every request, v4 takes 40 ms: one signature for all.
  for (const outputName of ['y', 'y2', ControlledOutput.broken, ControlledOutput.sluggish]) {
    const uploaded = await stack.api('POST', '/v1/models/rolled/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N', outputName })));
    expect(uploaded.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  uncontrol?.();
  await stack?.stop();
});

async function endpointOnV1(name: string) {
  expect((await stack.api('POST', '/v1/endpoints', { name, placement: 'gateway' })).status).toBe(201);
  expect((await stack.api('POST', `/v1/endpoints/${name}/promote`, { model: 'rolled', version: 1, expectedRevision: 0 })).status).toBe(200);
}

/** Steady traffic (4 callers) until `stop()`; answers are counted by status. */
function traffic(endpoint: string) {
  let running = true;
  const statuses = new Map<number, number>();
  const callers = Array.from({ length: 4 }, async () => {
    while (running) {
      const response = await stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  });
  return {
    statuses,
    async stop() {
      running = false;
      await Promise.all(callers);
    },
  };
}

async function waitForEnd(endpoint: string, id: string, timeoutMs = 30_000): Promise<Rollout> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rollout = (await stack.api('GET', `/v1/endpoints/${endpoint}/rollouts/${id}`)).body as Rollout;
    if (rollout.status !== 'running') return rollout;
    if (Date.now() > until) throw new Error(`rollout still running after ${timeoutMs} ms: ${JSON.stringify(rollout.lastEvaluation)}`);
    await sleep(100);
  }
}

const start = (endpoint: string, version: number, extra: Record<string, unknown> = {}) =>
  stack.api('POST', `/v1/endpoints/${endpoint}/rollouts`, {
    model: 'rolled',
    version,
    steps: [20, 60, 100],
    bakeSeconds: 1,
    guardrails: { maxErrorRate: 0.01, maxP95Ratio: 1.5, minRequests: 30 },
    expectedRevision: 1,
    ...extra,
  });

const revisionsOf = async (endpoint: string) =>
  ((await stack.api('GET', `/v1/endpoints/${endpoint}/revisions`)).body.items as Array<{ number: number; kind: string; reason: string; routes: Array<{ version: number; weight: number }> }>).reverse();

describe('a progressive rollout', () => {
  it('of a healthy version goes through every step and promotes it by itself', async () => {
    await endpointOnV1('healthy');
    const load = traffic('healthy');
    // Both versions are the same tiny model: their p95s are a millisecond or two, and on a busy
    // machine one can be twice the other by chance; the ratio is proven by the slow version below.
    const started = await start('healthy', 2, { guardrails: { maxErrorRate: 0.01, maxP95Ratio: 5, minRequests: 30 } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: 'running', stepIndex: 0, steps: [20, 60, 100], candidate: { version: 2 }, baseline: { version: 1 } });
    const ended = await waitForEnd('healthy', started.body.id);
    await load.stop();

    expect(ended.status).toBe('completed');
    expect(ended.outcome, JSON.stringify(ended.lastEvaluation)).toMatch(/^completed: error rate 0 % ≤ 1 %, p95 .* ≤ 5 × baseline .* over [\d,]+ requests in \d+ s$/);
    const revisions = await revisionsOf('healthy');
    expect(revisions.map((revision) => revision.kind)).toEqual(['promote', 'canary', 'auto-advance', 'auto-promote']);
    expect(revisions.map((revision) => revision.routes.map((route) => `v${route.version} ${route.weight}`).join(', '))).toEqual([
      'v1 100',
      'v2 20, v1 80',
      'v2 60, v1 40',
      'v2 100',
    ]);
    expect(revisions[2]!.reason).toMatch(/^rollout advanced 20 % → 60 %: error rate 0 %/);
    expect([...load.statuses.keys()]).toEqual([200]);

    const audit = await stack.api('GET', '/v1/audit?action=endpoint.rollout.*&target=healthy');
    expect(audit.body.items.map((event: { action: string; actor: { type: string } }) => `${event.action} by ${event.actor.type}`)).toEqual([
      'endpoint.rollout.complete by system',
      'endpoint.rollout.advance by system',
      'endpoint.rollout.start by user',
    ]);
  }, 60_000);

  it('of a failing version rolls back by itself, saying why, to exactly the routing it started from', async () => {
    await endpointOnV1('failing');
    const load = traffic('failing');
    const started = await start('failing', 3);
    expect(started.status).toBe(201);
    const ended = await waitForEnd('failing', started.body.id);
    await load.stop();

    expect(ended.status).toBe('rolled_back');
    expect(ended.outcome).toMatch(/^rolled back: error rate 100 % > 1 % over [\d,]+ requests$/);
    expect(ended.lastEvaluation).toMatchObject({ verdict: 'rollback', candidate: { errorRate: 1 } });
    const revisions = await revisionsOf('failing');
    expect(revisions.map((revision) => revision.kind)).toEqual(['promote', 'canary', 'auto-rollback']);
    expect(revisions[2]!.routes).toEqual(revisions[0]!.routes);
    expect(revisions[2]!.reason).toMatch(/^rollout rolled back at 20 %: error rate 100 % > 1 % over [\d,]+ requests; back to revision 1$/);
  }, 60_000);

  it('of a slow version rolls back on p95 against the baseline', async () => {
    await endpointOnV1('slowing');
    const load = traffic('slowing');
    const started = await start('slowing', 4);
    expect(started.status).toBe(201);
    const ended = await waitForEnd('slowing', started.body.id);
    await load.stop();

    expect(ended.status).toBe('rolled_back');
    expect(ended.outcome).toMatch(/^rolled back: p95 [\d.]+ ms > 1\.5 × baseline [\d.]+ ms over [\d,]+ requests$/);
    expect(ended.lastEvaluation!.candidate.p95!).toBeGreaterThan(1.5 * ended.lastEvaluation!.baseline.p95!);
    expect((await revisionsOf('slowing')).map((revision) => revision.kind)).toEqual(['promote', 'canary', 'auto-rollback']);
  }, 60_000);
});

describe('a rollout step', () => {
  it('is judged on its own requests, not on what its first minute had counted before it began', async () => {
    await endpointOnV1('offset');
    // v2 already serves 30 % and has answered requests this minute before the rollout starts.
    const split = await stack.api('POST', '/v1/endpoints/offset/revisions', {
      routes: [
        { model: 'rolled', version: 1, weight: 70 },
        { model: 'rolled', version: 2, weight: 30 },
      ],
      expectedRevision: 1,
    });
    expect(split.status).toBe(201);
    for (let i = 0; i < 40; i++) expect((await stack.api('POST', '/v1/endpoints/offset/predict', body, { 'x-modelgate-version': '2' })).status).toBe(200);
    await sleep(400); // past a flush (every 200 ms here)
    const started = await start('offset', 2, { expectedRevision: 2 });
    expect(started.status).toBe(201);
    // No traffic since: the judge must see none of v2's 40 earlier requests.
    await sleep(1200);
    const rollout = (await stack.api('GET', `/v1/endpoints/offset/rollouts/${started.body.id}`)).body as Rollout;
    expect(rollout.status).toBe('running');
    expect(rollout.lastEvaluation).toMatchObject({ verdict: 'wait', candidate: { requests: 0 }, baseline: { requests: 0 } });
    expect(rollout.lastEvaluation!.reason).toMatch(/^waiting for requests: 0 of 30 so far/);
  });
});

describe('people and rollouts', () => {
  it('abort by hand back to the routing it started from; a second start while one runs is refused', async () => {
    await endpointOnV1('aborted');
    const started = await start('aborted', 2, { bakeSeconds: 3600 });
    expect(started.status).toBe(201);
    const again = await start('aborted', 2, { expectedRevision: 2 });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`already has rollout ${started.body.id} running`);

    // A data scientist may stop it (stopping is the safe direction); a viewer may not.
    const viewer = await createUser(stack, 'viewer');
    const refused = await stack.api('POST', `/v1/endpoints/aborted/rollouts/${started.body.id}/abort`, {}, bearer(viewer.token));
    expect(refused.status).toBe(403);
    const scientist = await createUser(stack, 'data_scientist');
    const aborted = await stack.api('POST', `/v1/endpoints/aborted/rollouts/${started.body.id}/abort`, { reason: 'wrong version' }, bearer(scientist.token));
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    expect(aborted.body).toMatchObject({ status: 'aborted', outcome: expect.stringMatching(/^aborted by .*: wrong version$/) });
    const revisions = await revisionsOf('aborted');
    expect(revisions.map((revision) => revision.kind)).toEqual(['promote', 'canary', 'rollback']);
    expect(revisions[2]!.routes).toEqual(revisions[0]!.routes);
    expect((await stack.api('POST', `/v1/endpoints/aborted/rollouts/${started.body.id}/abort`, {})).status).toBe(409);
  });

  it('stop when someone changes the endpoint by hand, and say so', async () => {
    await endpointOnV1('overridden');
    const started = await start('overridden', 2, { bakeSeconds: 3600 });
    expect((await stack.api('POST', '/v1/endpoints/overridden/promote', { model: 'rolled', version: 1, expectedRevision: 2 })).status).toBe(200);
    const rollout = (await stack.api('GET', `/v1/endpoints/overridden/rollouts/${started.body.id}`)).body as Rollout;
    expect(rollout).toMatchObject({ status: 'aborted', outcome: expect.stringMatching(/^stopped by revision 3 \(promote\), made by hand/) });
    // The judge leaves it alone from then on.
    await sleep(1000);
    expect((await revisionsOf('overridden')).map((revision) => revision.kind)).toEqual(['promote', 'canary', 'promote']);
  });

  it('refuses steps that do not end at 100 or do not increase, saying what came', async () => {
    await endpointOnV1('refused');
    const cases: Array<[unknown, RegExp]> = [
      [[10, 50], /the last step must be 100.*got 50/],
      [[50, 10, 100], /steps must increase; got 50 → 10 → 100/],
      [[100], /at least one step below 100/],
    ];
    for (const [steps, message] of cases) {
      const response = await start('refused', 2, { steps });
      expect(response.status).toBe(400);
      expect(response.body.detail).toMatch(message);
    }
    const same = await start('refused', 1);
    expect(same.status).toBe(400);
    expect(same.body.detail).toContain('already has the most traffic');
  });
});
