import { latencyQuantile, type RolloutEvaluation, type RolloutGuardrails } from '@modelgate/contracts';
import type { LatencyTotals } from '@modelgate/db';

export interface StepEvidence {
  guardrails: RolloutGuardrails;
  bakeSeconds: number;
  /** Seconds since the current step began. */
  elapsedSeconds: number;
  /** Whether this is the last step before 100 % (advancing from it completes the rollout). */
  lastStep: boolean;
  candidate: LatencyTotals;
  baseline: LatencyTotals;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (fraction: number) => `${Number((fraction * 100).toFixed(2))} %`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/**
 * What the guardrails say about the current step, with the reason in words. A candidate is judged
 * only once it has answered `minRequests` in the step; then a breached guardrail rolls it back at
 * once, and otherwise it advances when the bake time is over. The p95 guardrail needs baseline
 * traffic in the same step to compare with.
 */
export function judgeStep(evidence: StepEvidence, at: Date): RolloutEvaluation {
  const { guardrails, candidate, baseline } = evidence;
  const errorRate = candidate.requests > 0 ? candidate.errors / candidate.requests : null;
  const candidateP95 = latencyQuantile(candidate.buckets, 0.95);
  const baselineP95 = latencyQuantile(baseline.buckets, 0.95);
  const figures = {
    at: at.toISOString(),
    candidate: { requests: candidate.requests, errors: candidate.errors, errorRate, p95: candidateP95 },
    baseline: { requests: baseline.requests, p95: baselineP95 },
  };
  const over = `over ${count(candidate.requests)} requests`;

  if (candidate.requests < guardrails.minRequests) {
    return {
      ...figures,
      verdict: 'wait',
      reason: `waiting for requests: ${count(candidate.requests)} of ${count(guardrails.minRequests)} so far, ${Math.floor(evidence.elapsedSeconds)} of ${evidence.bakeSeconds} s baked`,
    };
  }
  if (errorRate !== null && errorRate > guardrails.maxErrorRate) {
    return { ...figures, verdict: 'rollback', reason: `error rate ${percent(errorRate)} > ${percent(guardrails.maxErrorRate)} ${over}` };
  }
  const p95Limit = baselineP95 !== null ? guardrails.maxP95Ratio * baselineP95 : null;
  if (candidateP95 !== null && p95Limit !== null && candidateP95 > p95Limit) {
    return { ...figures, verdict: 'rollback', reason: `p95 ${ms(candidateP95)} > ${guardrails.maxP95Ratio} × baseline ${ms(baselineP95!)} ${over}` };
  }
  const healthy = [
    `error rate ${percent(errorRate ?? 0)} ≤ ${percent(guardrails.maxErrorRate)}`,
    candidateP95 === null
      ? 'no answered request to time'
      : p95Limit === null
        ? `p95 ${ms(candidateP95)} (the baseline had no answered requests to compare with)`
        : `p95 ${ms(candidateP95)} ≤ ${guardrails.maxP95Ratio} × baseline ${ms(baselineP95!)}`,
  ].join(', ');
  if (evidence.elapsedSeconds < evidence.bakeSeconds) {
    return { ...figures, verdict: 'wait', reason: `healthy so far (${healthy} ${over}); baking ${Math.floor(evidence.elapsedSeconds)} of ${evidence.bakeSeconds} s` };
  }
  return { ...figures, verdict: evidence.lastStep ? 'complete' : 'advance', reason: `${healthy} ${over} in ${Math.floor(evidence.elapsedSeconds)} s` };
}
