import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../app.factory.js';
import { http, modelForm } from '../test-support/http.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Routing as callers see it: weights hold over many requests, routing keys stick, revisions are
 * changed only against the revision they were made for, rollbacks restore exactly, and a busy
 * endpoint changes hands twenty times over without one failed request, every API process
 * following each change within a second.
 */
let stack: TestStack;
/** A second API process on the same database and Redis, as in a deployment with two replicas. */
let second: NestFastifyApplication;
let secondUrl: string;

const body = { inputs: { x: [[1, 2, 3, 4]] } };

beforeAll(async () => {
  stack = await startTestStack();
  second = await createApiApp(stack.config);
  await second.listen({ port: 0, host: '127.0.0.1' });
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  // Two versions with the same signature and different answers.
  for (const bias of [0, 1]) {
    const uploaded = await stack.api('POST', '/v1/models/router/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N', bias: [bias, bias] })));
    expect(uploaded.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await second?.close();
  await stack?.stop();
});

async function endpointWith(name: string, config: Record<string, unknown>, routes: Array<[version: number, weight: number]>) {
  expect((await stack.api('POST', '/v1/endpoints', { name, ...config })).status).toBe(201);
  const deployed = await stack.api('POST', `/v1/endpoints/${name}/revisions`, {
    routes: routes.map(([version, weight]) => ({ model: 'router', version, weight })),
    expectedRevision: 0,
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  return deployed.body;
}

async function inParallel<T>(count: number, concurrency: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await call(index);
      }
    }),
  );
  return results;
}

describe('weighted and sticky routing', () => {
  it('lands 10,000 requests within ±2 % of a 90/10 split', async () => {
    await endpointWith('split', { placement: 'gateway' }, [
      [1, 90],
      [2, 10],
    ]);
    const versions = await inParallel(10_000, 32, async () => {
      const response = await stack.api('POST', '/v1/endpoints/split/predict', body);
      expect(response.status).toBe(200);
      return response.headers.get('x-modelgate-version');
    });
    const canaryShare = versions.filter((version) => version === '2').length / versions.length;
    expect(versions.filter((version) => version === '1' || version === '2')).toHaveLength(10_000);
    expect(canaryShare).toBeGreaterThanOrEqual(0.08);
    expect(canaryShare).toBeLessThanOrEqual(0.12);
  });

  it('keeps each X-Routing-Key on one version while the weights stay the same', async () => {
    const keys = Array.from({ length: 400 }, (_, index) => `customer-${index}`);
    const seen = new Map<string, Set<string>>();
    // Four rounds, each key once per round, in a different order each time.
    for (let round = 0; round < 4; round++) {
      const order = keys.map((key, index) => keys[(index * 7 + round * 13) % keys.length]!);
      await inParallel(order.length, 16, async (index) => {
        const key = order[index]!;
        const response = await stack.api('POST', '/v1/endpoints/split/predict', body, { 'x-routing-key': key });
        expect(response.status).toBe(200);
        seen.set(key, (seen.get(key) ?? new Set()).add(response.headers.get('x-modelgate-version')!));
      });
    }
    expect([...seen.values()].filter((versions) => versions.size !== 1)).toEqual([]);
    // The keys still follow the weights.
    const onCanary = [...seen.values()].filter((versions) => versions.has('2')).length / keys.length;
    expect(onCanary).toBeGreaterThan(0.04);
    expect(onCanary).toBeLessThan(0.16);
  });
});

describe('revisions', () => {
  it('rolls back to exactly the previous routes and shadows, as a new revision', async () => {
    const deployed = await endpointWith('restorable', {}, [
      [1, 70],
      [2, 30],
    ]);
    // A split with a shadow: v1 70 %, v2 30 %, then v2 100 % with v1 shadowed.
    const withShadow = await stack.api('POST', '/v1/endpoints/restorable/revisions', {
      routes: [{ model: 'router', version: 2, weight: 100 }],
      shadows: [{ model: 'router', version: 1, percent: 40 }],
      expectedRevision: deployed.activeRevision.number,
    });
    expect(withShadow.status).toBe(201);
    const promoted = await stack.api('POST', '/v1/endpoints/restorable/promote', { model: 'router', version: 1, expectedRevision: 2 });
    expect(promoted.status).toBe(200);
    const rolledBack = await stack.api('POST', '/v1/endpoints/restorable/rollback', { expectedRevision: 3 });
    expect(rolledBack.status).toBe(200);
    const routing = (revision: { routes: unknown[]; shadows: unknown[] }) => ({ routes: revision.routes, shadows: revision.shadows });
    expect(rolledBack.body.activeRevision).toMatchObject({ number: 4, kind: 'rollback' });
    expect(routing(rolledBack.body.activeRevision)).toEqual(routing(withShadow.body.activeRevision));
    // …and to a named revision, history intact.
    const toFirst = await stack.api('POST', '/v1/endpoints/restorable/rollback', { toRevision: 1, expectedRevision: 4 });
    expect(routing(toFirst.body.activeRevision)).toEqual(routing(deployed.activeRevision));
    const history = await stack.api('GET', '/v1/endpoints/restorable/revisions');
    expect(history.body.items.map((revision: { number: number; kind: string }) => `${revision.number} ${revision.kind}`)).toEqual(['5 rollback', '4 rollback', '3 promote', '2 deploy', '1 canary']);
  });

  it('lets exactly one of ten concurrent changes against one revision win; the others get 409 and change nothing', async () => {
    await endpointWith('contested', {}, [[1, 100]]);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        index % 2 === 0
          ? stack.api('POST', '/v1/endpoints/contested/promote', { model: 'router', version: 2, expectedRevision: 1 })
          : stack.api('POST', '/v1/endpoints/contested/rollback', { toRevision: 1, expectedRevision: 1 }),
      ),
    );
    const statuses = attempts.map((attempt) => attempt.status);
    // A rollback to the active revision is refused whatever happens; of the rest, one wins.
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(attempts.filter((attempt) => attempt.status === 409 && attempt.body.code === 'stale_revision').length).toBeGreaterThanOrEqual(4);
    const history = await stack.api('GET', '/v1/endpoints/contested/revisions');
    expect(history.body.items).toHaveLength(2);
  });
});

describe.each(['gateway', 'worker'])('changes under load (%s placement)', (placement) => {
  it('survive 20 promote/rollback cycles with no failed request, every API process following each within 1 s', async () => {
    const name = `busy-${placement}`;
    await endpointWith(name, { placement, scaling: { minReplicas: 1, idleTimeoutSec: 300 } }, [[1, 100]]);
    const urls = [stack.apiUrl, secondUrl];
    const failures: string[] = [];
    let answered = 0;
    let running = true;
    // Steady load, bounded: 4 callers per API process until the cycles are done (at most 90 s).
    const deadline = Date.now() + 90_000;
    const load = urls.flatMap((url) =>
      Array.from({ length: 4 }, async () => {
        while (running && Date.now() < deadline) {
          const response = await http(url, 'POST', `/v1/endpoints/${name}/predict`, body, bearer(stack.adminToken));
          if (response.status === 200) answered += 1;
          else failures.push(`${response.status} ${JSON.stringify(response.body)}`);
        }
      }),
    );

    const delays: number[] = [];
    let revision = 1;
    for (let cycle = 0; cycle < 20; cycle++) {
      for (const change of ['promote', 'rollback'] as const) {
        const changed =
          change === 'promote'
            ? await stack.api('POST', `/v1/endpoints/${name}/promote`, { model: 'router', version: 2, expectedRevision: revision })
            : await stack.api('POST', `/v1/endpoints/${name}/rollback`, { expectedRevision: revision });
        expect(changed.status, JSON.stringify(changed.body)).toBe(200);
        const changedAt = performance.now();
        revision = changed.body.activeRevision.number;
        // Each process, asked until it answers from the new revision.
        await Promise.all(
          urls.map(async (url) => {
            for (;;) {
              const response = await http(url, 'POST', `/v1/endpoints/${name}/predict`, body, bearer(stack.adminToken));
              if (response.status !== 200) failures.push(`probe ${response.status} ${JSON.stringify(response.body)}`);
              if (Number(response.headers.get('x-modelgate-revision')) >= revision) break;
              if (performance.now() - changedAt > 5000) throw new Error(`${url} still serves an older revision than ${revision} after 5 s`);
            }
            delays.push(performance.now() - changedAt);
          }),
        );
      }
    }
    running = false;
    await Promise.all(load);

    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(200);
    expect(delays).toHaveLength(80);
    expect(Math.max(...delays)).toBeLessThan(1000);
    console.log(
      `${placement}: ${answered} requests answered during 40 changes, none failed; every process served each new revision after at most ${Math.max(...delays).toFixed(0)} ms (median ${[...delays].sort((a, b) => a - b)[40]!.toFixed(0)} ms)`,
    );
  }, 120_000);
});
