import { describe, expect, it } from 'vitest';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  LATENCY_RELATIVE_ERROR,
  latencyBucketOf,
  latencyQuantile,
  MetricsQuery,
  mergeLatencyCounts,
} from './metrics.js';

/** The exact nearest-rank quantile of samples. */
function exactQuantile(samples: number[], q: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function histogramOf(samples: number[]) {
  const counts = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const sample of samples) counts[latencyBucketOf(sample)]! += 1;
  return counts;
}

describe('latency buckets', () => {
  it('puts every latency in the bucket whose bounds hold it, exact bounds included', () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(0.1)).toBe(0);
    for (let k = 1; k < LATENCY_BOUNDS_MS.length; k++) {
      const [lower, upper] = [LATENCY_BOUNDS_MS[k - 1]!, LATENCY_BOUNDS_MS[k]!];
      expect(latencyBucketOf(upper)).toBe(k);
      expect(latencyBucketOf(lower * 1.000001)).toBe(k);
      expect(latencyBucketOf((lower + upper) / 2)).toBe(k);
    }
    expect(latencyBucketOf(LATENCY_BOUNDS_MS.at(-1)! * 1.01)).toBe(LATENCY_BUCKET_COUNT - 1);
    expect(latencyBucketOf(Number.POSITIVE_INFINITY)).toBe(LATENCY_BUCKET_COUNT - 1);
    expect(latencyBucketOf(Number.NaN)).toBe(0);
  });

  it('spans 0.1 ms to about 105 s in steps of 2^(1/4)', () => {
    expect(LATENCY_BOUNDS_MS[0]).toBe(0.1);
    expect(LATENCY_BOUNDS_MS[4]).toBeCloseTo(0.2, 12);
    expect(LATENCY_BOUNDS_MS.at(-1)).toBeCloseTo(104_857.6, 6);
    expect(LATENCY_RELATIVE_ERROR).toBeCloseTo(0.0905, 4);
  });

  it('reads percentiles within the stated relative error of the exact ones', () => {
    // A deterministic spread over four orders of magnitude (log-uniform, 0.2 ms to 2 s).
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 20_000 }, () => 0.2 * 10 ** (4 * random()));
    const counts = histogramOf(samples);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(samples, q);
      const estimate = latencyQuantile(counts, q)!;
      expect(Math.abs(estimate - exact) / exact, `q=${q}`).toBeLessThanOrEqual(LATENCY_RELATIVE_ERROR + 1e-12);
    }
  });

  it('answers null for an empty histogram and the lower bound for overflow', () => {
    expect(latencyQuantile(new Array(LATENCY_BUCKET_COUNT).fill(0), 0.5)).toBeNull();
    expect(latencyQuantile(histogramOf([500_000]), 0.5)).toBe(LATENCY_BOUNDS_MS.at(-1));
  });

  it('merges histograms into the histogram of all samples', () => {
    const a = [1, 2, 3, 50, 51];
    const b = [0.5, 70, 900];
    expect(mergeLatencyCounts(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
  });
});

describe('MetricsQuery', () => {
  it('takes ISO instants and a step in whole minutes', () => {
    const parsed = MetricsQuery.parse({ from: '2026-11-29T10:00:00Z', to: '2026-11-29T11:00:00+01:00', step: '120' });
    expect(parsed.from!.toISOString()).toBe('2026-11-29T10:00:00.000Z');
    expect(parsed.to!.toISOString()).toBe('2026-11-29T10:00:00.000Z');
    expect(parsed.step).toBe(120);
    const refused = MetricsQuery.safeParse({ step: '90' });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toContain('multiple of 60');
    expect(MetricsQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
  });
});
