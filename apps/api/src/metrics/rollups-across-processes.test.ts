import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKET_COUNT, latencyQuantile, mergeLatencyCounts, QueueFamily, ROLLUP_DOWNSAMPLE_SCHEDULER } from '@modelgate/contracts';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, modelForm } from '../test-support/http.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';
import { RollupWriter } from './rollup-writer.js';

/**
 * Two API processes serving one endpoint, as two replicas behind a load balancer: the test's own
 * (in this process) and a second one started from the built apps/api/dist/main.js. Each counts what
 * it served in memory; the rollups must add up to one series equal to both processes' histograms
 * merged, as each process reports them on /metrics.
 */
let stack: TestStack;
let second: ChildProcess;
let secondUrl: string;
let secondLog = '';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_METRICS_FLUSH_MS: '60000' });
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');
  second = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DATABASE_URL: stack.config.DATABASE_URL,
      REDIS_URL: stack.config.REDIS_URL,
      MODELGATE_REDIS_PREFIX: stack.config.MODELGATE_REDIS_PREFIX,
      MODELGATE_DATA_DIR: stack.config.MODELGATE_DATA_DIR,
      MODELGATE_ADMIN_EMAIL: stack.config.MODELGATE_ADMIN_EMAIL,
      MODELGATE_ADMIN_PASSWORD: stack.config.MODELGATE_ADMIN_PASSWORD,
      MODELGATE_API_PORT: String(port),
      MODELGATE_LOG_LEVEL: 'warn',
      // Only the flush on shutdown writes this process's counts: nothing may be lost when it stops.
      MODELGATE_METRICS_FLUSH_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  second.stdout!.on('data', (chunk) => (secondLog += chunk));
  second.stderr!.on('data', (chunk) => (secondLog += chunk));
  for (let waited = 0; ; waited += 100) {
    if (await fetch(`${secondUrl}/healthz`).then((response) => response.ok, () => false)) break;
    if (waited > 30_000 || second.exitCode !== null) throw new Error(`the second API process did not start:\n${secondLog}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  if (second && second.exitCode === null && second.signalCode === null) {
    second.kill('SIGKILL');
    await once(second, 'exit');
  }
  await stack?.stop();
});

/** The de-cumulated histogram of one series from a /metrics exposition. */
function scrapedHistogram(text: string, labels: string): number[] {
  const counts = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  let previous = 0;
  const bounds = [...LATENCY_BOUNDS_MS.map((ms) => String(ms / 1000)), '+Inf'];
  bounds.forEach((le, k) => {
    const line = text.split('\n').find((each) => each.startsWith(`modelgate_prediction_duration_seconds_bucket{${labels},le="${le}"} `));
    expect(line, `bucket le=${le}`).toBeDefined();
    const cumulative = Number(line!.split(' ').pop());
    counts[k] = cumulative - previous;
    previous = cumulative;
  });
  return counts;
}

describe('two API processes', () => {
  it('merge into one series equal to both processes’ histograms added', async () => {
    expect((await stack.api('POST', '/v1/models/shared/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })))).status).toBe(201);
    expect((await stack.api('POST', '/v1/endpoints', { name: 'shared', placement: 'gateway' })).status).toBe(201);
    expect((await stack.api('POST', '/v1/endpoints/shared/promote', { model: 'shared', version: 1, expectedRevision: 0 })).status).toBe(200);

    const body = { inputs: { x: [[1, 2, 3, 4]] } };
    const served = { first: 0, second: 0 };
    for (let i = 0; i < 120; i++) {
      // An uneven split, 1 in 3 to the first process.
      const toFirst = i % 3 === 0;
      const response = await http(toFirst ? stack.apiUrl : secondUrl, 'POST', '/v1/endpoints/shared/predict', body, bearer(stack.adminToken));
      expect(response.status).toBe(200);
      served[toFirst ? 'first' : 'second'] += 1;
    }
    expect(served).toEqual({ first: 40, second: 80 });

    const labels = 'endpoint="shared",model="shared",version="1",placement="gateway",traffic="live"';
    const [firstText, secondText] = await Promise.all([stack.apiUrl, secondUrl].map(async (url) => (await fetch(`${url}/metrics`)).text()));
    const firstCounts = scrapedHistogram(firstText!, labels);
    const secondCounts = scrapedHistogram(secondText!, labels);
    expect(firstCounts.reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(secondCounts.reduce((sum, count) => sum + count, 0)).toBe(80);
    const merged = mergeLatencyCounts([...firstCounts], secondCounts);

    // The first flushes now; the second only as it shuts down.
    await stack.app.get(RollupWriter).flush();
    second.kill('SIGTERM');
    // Nest closes the app on SIGTERM, then re-raises the signal: a clean stop ends by it, not by a crash.
    const [code, signal] = await once(second, 'exit');
    expect({ code, signal }, secondLog).toEqual({ code: null, signal: 'SIGTERM' });

    const metrics = await stack.api('GET', '/v1/endpoints/shared/metrics');
    expect(metrics.status).toBe(200);
    const series = metrics.body.series.filter((each: { traffic: string }) => each.traffic === 'live');
    expect(series).toHaveLength(1);
    const { total } = series[0];
    expect(total.requests).toBe(120);
    expect(total.errors).toBe(0);
    expect({ p50: total.p50, p95: total.p95, p99: total.p99 }).toEqual({
      p50: latencyQuantile(merged, 0.5),
      p95: latencyQuantile(merged, 0.95),
      p99: latencyQuantile(merged, 0.99),
    });
    // One row per minute for both processes together, not one per process or per request.
    const rows = await stack.db.latencyRollup.findMany({ where: { endpoint: { name: 'shared' } } });
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((sum, row) => sum + row.requests, 0n)).toBe(120n);
  });

  it('leave one downsampling scheduler on the rollups queue, from the worker', async () => {
    const queue = new Queue(QueueFamily.rollups, { connection: { url: stack.config.REDIS_URL }, prefix: stack.config.MODELGATE_REDIS_PREFIX });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => ({ key: scheduler.key, every: Number(scheduler.every) }))).toEqual([{ key: ROLLUP_DOWNSAMPLE_SCHEDULER, every: 600_000 }]);
    } finally {
      await queue.close();
    }
  });
});
