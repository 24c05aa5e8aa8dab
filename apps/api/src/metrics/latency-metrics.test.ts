import { LATENCY_RELATIVE_ERROR, type EndpointMetrics, type MetricsSeries } from '@modelgate/contracts';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledOutput, controlModels } from '../test-support/controlled-models.js';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';
import { LatencyRecorder } from './latency-recorder.js';
import { RollupWriter } from './rollup-writer.js';

/**
 * Latency recording end to end, on models whose run time the test controls (test-support's
 * controlled models: a `slow` output sleeps for its first input's value in milliseconds, and fails
 * on -1; the real model still runs). Known delays give known percentiles to hold the rollups to.
 */
const SLOW_OUTPUT = ControlledOutput.slow;

let stack: TestStack;
let uncontrol: () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  uncontrol = controlModels();
  // Enough runs in flight that sleeping requests never wait for each other (no queue wait in the truth).
  stack = await startTestStack({ MODELGATE_RUNS_IN_FLIGHT: '64', MODELGATE_METRICS_FLUSH_MS: '60000' });
}, 60_000);

afterAll(async () => {
  uncontrol?.();
  await stack?.stop();
});

async function upload(model: string, outputName: string, outFeatures = 2) {
  const uploaded = await stack.api('POST', `/v1/models/${model}/versions`, modelForm(buildGemmModel({ inFeatures: 4, outFeatures, batchDim: 'N', outputName })));
  expect(uploaded.status).toBe(201);
  return uploaded.body.version as number;
}

async function createEndpoint(name: string, model: string, config: Record<string, unknown>) {
  expect((await stack.api('POST', '/v1/endpoints', { name, placement: 'gateway', batching: { maxBatchSize: 1, maxDelayMs: 0 }, ...config })).status).toBe(201);
  expect((await stack.api('POST', `/v1/endpoints/${name}/promote`, { model, version: 1, expectedRevision: 0 })).status).toBe(200);
}

const predict = (endpoint: string, value: number, extra: Record<string, string> = {}) =>
  stack.api('POST', `/v1/endpoints/${endpoint}/predict`, { inputs: { x: [[value, 0, 0, 0]] } }, extra);

/** Runs `calls` with at most `concurrency` at a time. */
async function inParallel<T>(calls: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array(calls.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls.length) {
        const index = next++;
        results[index] = await calls[index]!();
      }
    }),
  );
  return results;
}

async function flushedMetrics(endpoint: string, query = ''): Promise<EndpointMetrics> {
  await stack.app.get(RollupWriter).flush();
  const response = await stack.api('GET', `/v1/endpoints/${endpoint}/metrics${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

function seriesOf(metrics: EndpointMetrics, version: number, traffic: 'live' | 'shadow' = 'live'): MetricsSeries {
  const series = metrics.series.find((each) => each.version === version && each.traffic === traffic);
  expect(series, `${traffic} series of v${version} in ${JSON.stringify(metrics.series.map((each) => [each.version, each.traffic]))}`).toBeDefined();
  return series!;
}

/** The exact nearest-rank quantile. */
function exactQuantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

describe('percentiles of a model with known delays', () => {
  it('match the true p50, p95 and p99 within the bucket error', async () => {
    await upload('delayed', SLOW_OUTPUT);
    await createEndpoint('delayed', 'delayed', {});
    // 400 delays spread evenly over 20–419 ms, in a scrambled order.
    const delays = Array.from({ length: 400 }, (_, i) => 20 + ((i * 7919) % 400));
    const responses = await inParallel(
      delays.map((delay) => () => predict('delayed', delay)),
      48,
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);

    const { total, points } = seriesOf(await flushedMetrics('delayed'), 1);
    expect(total.requests).toBe(400);
    expect(total.errors).toBe(0);
    expect(points.reduce((sum, point) => sum + point.requests, 0)).toBe(400);
    // What the API measures is the delay plus its own work (routing, JSON, the run itself): allow
    // that on top of the delay, and the bucket error around both.
    const overheadMs = 15;
    for (const [q, estimate] of [
      [0.5, total.p50],
      [0.95, total.p95],
      [0.99, total.p99],
    ] as const) {
      const truth = exactQuantile(delays, q);
      expect(estimate, `p${q * 100}`).not.toBeNull();
      expect(estimate!, `p${q * 100} against ${truth} ms`).toBeGreaterThanOrEqual(truth / (1 + LATENCY_RELATIVE_ERROR));
      expect(estimate!, `p${q * 100} against ${truth} ms`).toBeLessThanOrEqual((truth + overheadMs) * (1 + LATENCY_RELATIVE_ERROR));
    }
    const meanDelay = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
    expect(total.meanLatencyMs!).toBeGreaterThanOrEqual(meanDelay);
    expect(total.meanLatencyMs!).toBeLessThan(meanDelay + overheadMs);
    expect(total.meanInferenceMs!).toBeGreaterThanOrEqual(meanDelay);
    expect(total.meanBatchSize).toBe(1);
  });

  it('exposes the same histogram to Prometheus, in seconds', async () => {
    const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    const labels = 'endpoint="delayed",model="delayed",version="1",placement="gateway",traffic="live"';
    expect(text).toContain(`modelgate_prediction_duration_seconds_count{${labels}} 400`);
    expect(text).toContain(`modelgate_prediction_duration_seconds_bucket{${labels},le="+Inf"} 400`);
    // Nothing is faster than the shortest delay, 20 ms: the bucket ending at 0.1 ms × 2^(30/4) ≈ 18.1 ms is empty.
    expect(text).toMatch(new RegExp(`modelgate_prediction_duration_seconds_bucket\\{${labels},le="0\\.0181\\d*"\\} 0\\n`));
    expect(text).toContain(`modelgate_predictions_total{${labels},outcome="2xx"} 400`);
  });
});

describe('outcome classes', () => {
  it('counts answers, caller mistakes, model failures, timeouts and shed requests where the caller saw them', async () => {
    await upload('classes', SLOW_OUTPUT);
    await createEndpoint('classes', 'classes', { timeoutMs: 1000, maxQueueDepth: 2 });
    // 64 runs in flight: 80 requests sleeping 200 ms at once leave 2 waiting and the rest shed.
    const burst = await Promise.all(Array.from({ length: 80 }, () => predict('classes', 200)));
    const mixed = [
      await predict('classes', 1),
      await predict('classes', -1),
      await predict('classes', 1500),
      await stack.api('POST', '/v1/endpoints/classes/predict', { inputs: { x: [[1, 2, 3]] } }),
    ];
    const statuses = [...burst, ...mixed].map((response) => response.status);
    const seen = (status: number) => statuses.filter((each) => each === status).length;
    expect(seen(503)).toBeGreaterThan(0);
    expect(seen(500)).toBe(1);
    expect(seen(504)).toBe(1);
    expect(seen(400)).toBe(1);

    const { total } = seriesOf(await flushedMetrics('classes'), 1);
    expect(total.requests).toBe(statuses.length);
    expect(total.shed).toBe(seen(503));
    expect(total.timeouts).toBe(seen(504));
    expect(total.clientErrors).toBe(seen(400));
    expect(total.errors).toBe(seen(500) + seen(504) + seen(503));
    expect(total.errorRate).toBeCloseTo((seen(500) + seen(504) + seen(503)) / statuses.length, 10);
    // Percentiles are over answered predictions only; the 1.5 s timeout is not one of them.
    expect(total.p99!).toBeLessThan(1000);
  });
});

describe('shadow traffic', () => {
  it('is counted apart and never reaches the primary series, its latency or its errors', async () => {
    await upload('mirrored', 'y');
    // The shadow sleeps (the value given, 80 ms) and fails on -1; the primary does neither.
    await upload('mirrored', SLOW_OUTPUT);
    await createEndpoint('mirrored', 'mirrored', {});
    const deployed = await stack.api('POST', '/v1/endpoints/mirrored/revisions', {
      routes: [{ model: 'mirrored', version: 1, weight: 100 }],
      shadows: [{ model: 'mirrored', version: 2, percent: 100 }],
      expectedRevision: 1,
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);

    const values = [...Array.from({ length: 40 }, () => 80), ...Array.from({ length: 10 }, () => -1)];
    const responses = await inParallel(
      values.map((value) => () => predict('mirrored', value)),
      10,
    );
    expect(responses.map((response) => response.status)).toEqual(values.map(() => 200));
    expect(responses.every((response) => response.headers.get('x-modelgate-version') === '1' && Array.isArray(response.body.outputs.y))).toBe(true);

    // Shadows finish after the callers have their answers: wait until all 50 copies are counted.
    const recorder = stack.app.get(LatencyRecorder);
    const shadowRequests = () => recorder.lifetime().find(({ series }) => series.endpoint === 'mirrored' && series.traffic === 'shadow')?.counts.requests ?? 0;
    for (let waited = 0; shadowRequests() < values.length && waited < 5000; waited += 50) await sleep(50);

    const metrics = await flushedMetrics('mirrored');
    const primary = seriesOf(metrics, 1, 'live');
    const shadow = seriesOf(metrics, 2, 'shadow');
    expect(primary.total).toMatchObject({ requests: 50, errors: 0 });
    expect(primary.currentWeight).toBe(100);
    // The primary never waited for its shadow's 80 ms.
    expect(primary.total.p99!).toBeLessThan(80 / (1 + LATENCY_RELATIVE_ERROR));
    expect(shadow.total).toMatchObject({ requests: 50, errors: 10 });
    expect(shadow.currentWeight).toBe(100);
    expect(shadow.total.p50!).toBeGreaterThanOrEqual(80 / (1 + LATENCY_RELATIVE_ERROR));
    expect(metrics.series.some((series) => series.version === 2 && series.traffic === 'live')).toBe(false);

    const overview = await stack.api('GET', '/v1/metrics/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.endpoints.find((each: { endpoint: string }) => each.endpoint === 'mirrored').total.requests).toBe(50);
  });
});

describe('GET /v1/endpoints/{e}/metrics', () => {
  it('answers one point per step across the range, zeros where nothing ran', async () => {
    const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const from = new Date(to.getTime() - 15 * 60_000);
    const metrics = await flushedMetrics('delayed', `?from=${from.toISOString()}&to=${to.toISOString()}&step=60`);
    expect(metrics).toMatchObject({ endpoint: 'delayed', from: from.toISOString(), to: to.toISOString(), step: 60 });
    const { points, total } = seriesOf(metrics, 1);
    expect(points).toHaveLength(15);
    expect(points.map((point) => new Date(point.t).getTime() - from.getTime())).toEqual(Array.from({ length: 15 }, (_, i) => i * 60_000));
    expect(points.filter((point) => point.requests > 0).length).toBeGreaterThanOrEqual(1);
    const idle = points.find((point) => point.requests === 0)!;
    expect(idle).toMatchObject({ rps: 0, errorRate: null, p50: null, p95: null, p99: null, meanQueueMs: null });
    expect(total.requests).toBe(400);
    expect(total.rps).toBeCloseTo(400 / (15 * 60), 6);
  });

  it('refuses a query it cannot answer, saying which parameter and what would work', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?step=90', /query\.step: a multiple of 60 seconds/],
      ['?from=yesterday', /query\.from/],
      ['?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', /must be before query\.to/],
      [`?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&step=60`, /use a step of at least|multiple of 3600/],
      [`?from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}&step=300`, /per-minute rollups are kept for 48 h .*multiple of 3600/],
    ];
    for (const [query, message] of cases) {
      const response = await stack.api('GET', `/v1/endpoints/delayed/metrics${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.detail, query).toMatch(message);
    }
    expect((await stack.api('GET', '/v1/endpoints/nowhere/metrics')).status).toBe(404);
  });
});
