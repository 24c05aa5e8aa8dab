import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Serverless and server-based scaling, and backpressure: minReplicas 0 unloads a model after
 * idleTimeoutSec and the next request pays (and reports) a cold start; minReplicas 1 keeps it
 * loaded from deployment on; a full queue answers 503 with Retry-After instead of piling up.
 */
let stack: TestStack;
const body = { inputs: { x: [[1, 2, 3, 4]] } };
const predict = (endpoint: string) => stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let modelCount = 0;

/** Each endpoint gets a model of its own: a version's scaling is the most demanding of its endpoints'. */
async function deploy(name: string, config: Record<string, unknown>) {
  modelCount += 1;
  const uploaded = await stack.api('POST', `/v1/models/${name}-model/versions`, modelForm(buildGemmModel({ inFeatures: 4, outFeatures: modelCount + 1, batchDim: 'N' })));
  expect(uploaded.status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name, ...config })).status).toBe(201);
  expect((await stack.api('POST', `/v1/endpoints/${name}/promote`, { model: `${name}-model`, version: 1, expectedRevision: 0 })).status).toBe(200);
}

beforeAll(async () => {
  // One batch in flight per version, so the backpressure test knows exactly how many requests wait.
  stack = await startTestStack({ MODELGATE_RUNS_IN_FLIGHT: '1' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(['gateway', 'worker'])('the %s placement', (placement) => {
  it('with minReplicas 0, unloads after idleTimeoutSec and reports the next request as a cold start', async () => {
    const endpoint = `idle-${placement}`;
    await deploy(endpoint, { placement, scaling: { minReplicas: 0, idleTimeoutSec: 1 } });
    const first = await predict(endpoint);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-modelgate-cold-start')).toBe('true');
    expect((await predict(endpoint)).headers.get('x-modelgate-cold-start')).toBe('false');
    await sleep(1600);
    const afterIdle = await predict(endpoint);
    expect(afterIdle.status).toBe(200);
    expect(afterIdle.headers.get('x-modelgate-cold-start')).toBe('true');
    expect(afterIdle.body.outputs).toEqual(first.body.outputs);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toContain(`modelgate_cold_starts_total{endpoint="${endpoint}",model="${endpoint}-model",version="1",placement="${placement}",traffic="live"} 2`);
  });

  it('with minReplicas 1, loads the model when deployed, so even the first request is warm, and keeps it', async () => {
    const endpoint = `pinned-${placement}`;
    await deploy(endpoint, { placement, scaling: { minReplicas: 1, idleTimeoutSec: 1 } });
    await sleep(1000);
    expect((await predict(endpoint)).headers.get('x-modelgate-cold-start')).toBe('false');
    await sleep(1600);
    expect((await predict(endpoint)).headers.get('x-modelgate-cold-start')).toBe('false');
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After beyond maxQueueDepth, and serves what it queued once workers catch up', async () => {
    await deploy('bounded', { placement: 'worker', maxQueueDepth: 2, timeoutMs: 20_000 });
    expect((await predict('bounded')).status).toBe(200);
    // A frozen worker takes no job: one batch is in flight, two requests wait, the next is refused.
    stack.worker.kill('SIGSTOP');
    try {
      const inFlight = predict('bounded');
      await sleep(100);
      const queued = [predict('bounded'), predict('bounded')];
      await sleep(100);
      const refused = await predict('bounded');
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('queue_full');
      expect(refused.body.detail).toMatch(/already has 2 requests waiting for bounded-model@v1 \(its maxQueueDepth\)/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      stack.worker.kill('SIGCONT');
      expect((await Promise.all([inFlight, ...queued])).map((response) => response.status)).toEqual([200, 200, 200]);
    } finally {
      stack.worker.kill('SIGCONT');
    }
  });
});
