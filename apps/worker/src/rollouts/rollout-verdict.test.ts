import { LATENCY_BUCKET_COUNT, latencyBucketOf } from '@modelgate/contracts';
import type { LatencyTotals } from '@modelgate/db';
import { describe, expect, it } from 'vitest';
import { judgeStep, type StepEvidence } from './rollout-verdict.js';

function traffic(latencies: number[], errors = 0): LatencyTotals {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const latency of latencies) buckets[latencyBucketOf(latency)]! += 1;
  return { requests: latencies.length + errors, errors, buckets };
}

const evidence = (overrides: Partial<StepEvidence>): StepEvidence => ({
  guardrails: { maxErrorRate: 0.01, maxP95Ratio: 1.5, minRequests: 100 },
  bakeSeconds: 60,
  elapsedSeconds: 61,
  lastStep: false,
  candidate: traffic(new Array(200).fill(20)),
  baseline: traffic(new Array(800).fill(20)),
  ...overrides,
});
const AT = new Date('2026-11-29T12:00:00Z');

describe('judgeStep', () => {
  it('waits for the minimum of requests, saying how many came', () => {
    const verdict = judgeStep(evidence({ candidate: traffic(new Array(57).fill(20), 3) }), AT);
    expect(verdict).toMatchObject({ verdict: 'wait', reason: 'waiting for requests: 60 of 100 so far, 61 of 60 s baked' });
  });

  it('rolls back on the error rate, in words', () => {
    const verdict = judgeStep(evidence({ candidate: traffic(new Array(1150).fill(20), 54) }), AT);
    expect(verdict.verdict).toBe('rollback');
    expect(verdict.reason).toBe('error rate 4.49 % > 1 % over 1,204 requests');
    expect(verdict.candidate).toMatchObject({ requests: 1204, errors: 54 });
  });

  it('rolls back a slow candidate against the baseline p95', () => {
    const verdict = judgeStep(evidence({ candidate: traffic(new Array(1204).fill(48)) }), AT);
    expect(verdict.verdict).toBe('rollback');
    expect(verdict.reason).toMatch(/^p95 4\d ms > 1\.5 × baseline (19|20|21) ms over 1,204 requests$/);
  });

  it('rolls back before the bake time is over, but advances only after it', () => {
    expect(judgeStep(evidence({ elapsedSeconds: 5, candidate: traffic(new Array(1204).fill(48)) }), AT).verdict).toBe('rollback');
    const baking = judgeStep(evidence({ elapsedSeconds: 30 }), AT);
    expect(baking.verdict).toBe('wait');
    expect(baking.reason).toMatch(/^healthy so far \(error rate 0 % ≤ 1 %, p95 .* over 200 requests\); baking 30 of 60 s$/);
    expect(judgeStep(evidence({}), AT)).toMatchObject({ verdict: 'advance' });
    expect(judgeStep(evidence({ lastStep: true }), AT)).toMatchObject({ verdict: 'complete' });
  });

  it('judges p95 only against baseline traffic in the same step', () => {
    const verdict = judgeStep(evidence({ candidate: traffic(new Array(200).fill(90)), baseline: traffic([]) }), AT);
    expect(verdict.verdict).toBe('advance');
    expect(verdict.reason).toContain('the baseline had no answered requests to compare with');
  });
});
