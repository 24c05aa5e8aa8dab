import { LATENCY_BUCKET_COUNT, latencyBucketOf } from '@modelgate/contracts';
import { addLatencyRollups, createPrismaClient, type Db, type LatencyRollupDelta } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../config/worker-config.js';
import type { WorkerInfrastructure } from '../worker-infrastructure.js';
import { RollupDownsampler } from './rollup-downsampler.js';

/** Downsampling on real PostgreSQL: what two API processes flushed, moved into hourly rows. */
let database: TestDatabase;
let db: Db;
let endpointId: string;
const VERSION_ID = '11111111-1111-4111-8111-111111111111';
const NOW = new Date('2026-11-29T12:30:00Z');
const minutesAgo = (minutes: number) => new Date(Math.floor((NOW.getTime() - minutes * 60_000) / 60_000) * 60_000);

function delta(minute: Date, latencies: number[], extra: Partial<LatencyRollupDelta> = {}): LatencyRollupDelta {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const latency of latencies) buckets[latencyBucketOf(latency)]! += 1;
  return {
    endpointId,
    versionId: VERSION_ID,
    placement: 'gateway',
    traffic: 'live',
    minute,
    requests: latencies.length,
    ok: latencies.length,
    clientErrors: 0,
    serverErrors: 0,
    timeouts: 0,
    shed: 0,
    coldStarts: 0,
    latencyMsSum: latencies.reduce((sum, latency) => sum + latency, 0),
    queueMsSum: 0,
    inferenceMsSum: 0,
    batchSizeSum: latencies.length,
    buckets,
    compared: 0,
    classified: 0,
    agreed: 0,
    maxAbsDiff: null,
    ...extra,
  };
}

const rows = (resolution: 'minute' | 'hour') =>
  db.latencyRollup.findMany({ where: { endpointId, resolution }, orderBy: { bucketStart: 'asc' } });

function downsampler(env: Record<string, string>) {
  return new RollupDownsampler(loadWorkerConfig({ DATABASE_URL: database.url, ...env }), { db } as WorkerInfrastructure);
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrismaClient(database.url);
  endpointId = (await db.endpoint.create({ data: { name: 'rolled', config: {} } })).id;
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('latency rollups', () => {
  it('merge flushes from several processes into one row per minute, bucket by bucket', async () => {
    const minute = minutesAgo(200);
    await Promise.all([
      addLatencyRollups(db, [delta(minute, [1, 2, 3], { compared: 3, classified: 3, agreed: 2, maxAbsDiff: 0.25 })]),
      addLatencyRollups(db, [delta(minute, [3, 400], { serverErrors: 2, requests: 4, compared: 1, classified: 1, agreed: 1, maxAbsDiff: 0.125 })]),
    ]);
    const [row] = await rows('minute');
    expect(row).toMatchObject({ requests: 7n, ok: 5n, serverErrors: 2n, latencyMsSum: 409 });
    // Shadow comparisons add up, except the largest difference, which is the largest of both.
    expect(row).toMatchObject({ compared: 4n, classified: 4n, agreed: 3n, maxAbsDiff: 0.25 });
    expect(row!.buckets.map(Number)).toEqual(delta(minute, [1, 2, 3, 3, 400]).buckets);
  });

  it('move minute rows past their retention into hourly rows, exactly once', async () => {
    // 200 minutes ago is already written; add two more minutes in other hours and a recent one.
    await addLatencyRollups(db, [delta(minutesAgo(190), [10]), delta(minutesAgo(130), [20, 30], { coldStarts: 1 }), delta(minutesAgo(5), [7])]);
    const before = await rows('minute');
    expect(before).toHaveLength(4);

    const result = await downsampler({ MODELGATE_METRICS_MINUTE_RETENTION_HOURS: '1' }).downsample(NOW);
    expect(result).toEqual({ minuteRows: 3, expiredHourRows: 0 });
    expect((await rows('minute')).map((row) => row.bucketStart)).toEqual([minutesAgo(5)]);

    const hours = await rows('hour');
    const hourOf = (date: Date) => new Date(Math.floor(date.getTime() / 3600_000) * 3600_000);
    const olderHour = before.filter((row) => hourOf(row.bucketStart).getTime() === hourOf(minutesAgo(200)).getTime());
    expect(hours.map((row) => row.bucketStart)).toEqual([...new Set([minutesAgo(200), minutesAgo(190), minutesAgo(130)].map((date) => hourOf(date).getTime()))].map((t) => new Date(t)));
    // Each hourly row is the sum of the minute rows it replaced.
    const first = hours[0]!;
    expect(first.requests).toBe(olderHour.reduce((sum, row) => sum + row.requests, 0n));
    expect(first.buckets.map(Number)).toEqual(
      olderHour.reduce((sum, row) => sum.map((count, k) => count + Number(row.buckets[k] ?? 0)), new Array<number>(LATENCY_BUCKET_COUNT).fill(0)),
    );
    const total = (list: typeof hours) => list.reduce((sum, row) => sum + row.requests, 0n);
    expect(total(hours)).toBe(total(before) - 1n);
    expect(hours.reduce((sum, row) => sum + row.coldStarts, 0n)).toBe(1n);
    expect(first).toMatchObject({ compared: 4n, agreed: 3n, maxAbsDiff: 0.25 });

    // A second pass finds nothing left to move.
    expect(await downsampler({ MODELGATE_METRICS_MINUTE_RETENTION_HOURS: '1' }).downsample(NOW)).toEqual({ minuteRows: 0, expiredHourRows: 0 });
    expect(total(await rows('hour'))).toBe(total(hours));
  });

  it('delete hourly rows past their retention', async () => {
    const later = new Date(NOW.getTime() + 2 * 86_400_000);
    const result = await downsampler({ MODELGATE_METRICS_MINUTE_RETENTION_HOURS: '1', MODELGATE_METRICS_HOUR_RETENTION_DAYS: '1' }).downsample(later);
    expect(result.minuteRows).toBe(1);
    expect(result.expiredHourRows).toBeGreaterThanOrEqual(2);
    expect(await rows('hour')).toHaveLength(0);
  });
});
