import { latencyBucketOf } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder, type PredictionSeries } from './latency-recorder.js';

const series: PredictionSeries = { endpointId: 'e1', endpoint: 'demo', versionId: 'v1', model: 'demo', version: 1, placement: 'gateway', traffic: 'live' };
const shadow: PredictionSeries = { ...series, versionId: 'v2', version: 2, traffic: 'shadow' };

describe('LatencyRecorder', () => {
  it('counts per series and per minute, and drains each count exactly once', () => {
    let now = Date.UTC(2026, 10, 29, 10, 0, 59);
    const recorder = new LatencyRecorder(true, () => now);
    recorder.record(series, { outcome: '2xx', latencyMs: 12, queueMs: 1, inferenceMs: 10, batchSize: 3, coldStart: true });
    now += 2000; // the next minute
    recorder.record(series, { outcome: '2xx', latencyMs: 40, queueMs: 3, inferenceMs: 30, batchSize: 1 });
    recorder.record(series, { outcome: 'timeout' });
    recorder.record(shadow, { outcome: '5xx' });

    const deltas = recorder.drain();
    expect(deltas.map((delta) => [delta.versionId, delta.minute.toISOString(), delta.requests])).toEqual([
      ['v1', '2026-11-29T10:00:00.000Z', 1],
      ['v1', '2026-11-29T10:01:00.000Z', 2],
      ['v2', '2026-11-29T10:01:00.000Z', 1],
    ]);
    expect(deltas[0]).toMatchObject({ ok: 1, coldStarts: 1, latencyMsSum: 12, queueMsSum: 1, inferenceMsSum: 10, batchSizeSum: 3 });
    expect(deltas[0]!.buckets[latencyBucketOf(12)]).toBe(1);
    // A timeout counts as a request and a timeout, not as a latency.
    expect(deltas[1]).toMatchObject({ requests: 2, ok: 1, timeouts: 1, latencyMsSum: 40 });
    expect(deltas[1]!.buckets.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(deltas[2]).toMatchObject({ traffic: 'shadow', serverErrors: 1 });
    expect(recorder.drain()).toEqual([]);

    // Lifetime counts (for Prometheus) keep everything.
    const lifetime = recorder.lifetime().find((entry) => entry.series.versionId === 'v1')!.counts;
    expect([lifetime.requests, lifetime.ok, lifetime.timeouts]).toEqual([3, 2, 1]);
  });

  it('puts back what a failed flush could not write, merged with what came since', () => {
    const now = Date.UTC(2026, 10, 29, 10, 0, 30);
    const recorder = new LatencyRecorder(true, () => now);
    recorder.record(series, { outcome: '2xx', latencyMs: 5 });
    const failed = recorder.drain();
    recorder.record(series, { outcome: '4xx' });
    recorder.restore(failed);
    recorder.record(series, { outcome: '2xx', latencyMs: 5 });
    const [delta, ...rest] = recorder.drain();
    expect(rest).toEqual([]);
    expect(delta).toMatchObject({ requests: 3, ok: 2, clientErrors: 1, latencyMsSum: 10 });
    expect(delta!.buckets[latencyBucketOf(5)]).toBe(2);
  });

  it('records nothing when recording is off', () => {
    const recorder = new LatencyRecorder(false);
    recorder.record(series, { outcome: '2xx', latencyMs: 5 });
    expect(recorder.drain()).toEqual([]);
    expect(recorder.lifetime()).toEqual([]);
  });
});
