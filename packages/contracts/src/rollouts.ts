import { z } from 'zod';
import { ExpectedRevision } from './endpoints.js';
import { ModelName } from './names.js';

/**
 * Progressive rollouts: the candidate version gets `steps` percent of live traffic in turn, each
 * for at least `bakeSeconds`, while guardrails compare it with the baseline (the version that had
 * the most traffic when the rollout started). A worker job judges every running rollout from the
 * latency rollups and advances it, completes it (the candidate promoted to 100 %) or rolls it back,
 * each as a revision of kind auto-advance, auto-promote or auto-rollback with the reason in words.
 */
export const RolloutGuardrails = z
  .object({
    /** Highest share of the candidate's requests that may fail (5xx, timeouts, shed), 0–1. */
    maxErrorRate: z.number().min(0).max(1).default(0.01),
    /** Highest candidate p95 as a multiple of the baseline's p95 over the same step. */
    maxP95Ratio: z.number().min(1).max(100).default(1.5),
    /** Requests the candidate must have answered in a step before it is judged at all. */
    minRequests: z.number().int().min(1).max(10_000_000).default(100),
  })
  .strict();
export type RolloutGuardrails = z.infer<typeof RolloutGuardrails>;

export const StartRolloutBody = z
  .object({
    model: ModelName,
    version: z.number().int().positive(),
    /** Candidate weights in percent, increasing, ending at 100 (e.g. [10, 50, 100]). */
    steps: z
      .array(z.number().int().min(1).max(100))
      .min(2, 'a rollout needs at least one step below 100 before 100 (e.g. [10, 50, 100])')
      .max(20)
      .default([10, 50, 100])
      .superRefine((steps, ctx) => {
        if (steps.some((step, index) => index > 0 && step <= steps[index - 1]!)) ctx.addIssue({ code: 'custom', message: `steps must increase; got ${steps.join(' → ')}` });
        if (steps.at(-1) !== 100) ctx.addIssue({ code: 'custom', message: `the last step must be 100 (the candidate takes all traffic); got ${steps.at(-1)}` });
      }),
    /** Least time each step runs before the candidate may advance. */
    bakeSeconds: z.number().int().min(1).max(7 * 86_400).default(300),
    guardrails: RolloutGuardrails.default({ maxErrorRate: 0.01, maxP95Ratio: 1.5, minRequests: 100 }),
    expectedRevision: ExpectedRevision,
    reason: z.string().max(2000).optional(),
  })
  .strict();
export type StartRolloutBody = z.input<typeof StartRolloutBody>;

export const RolloutStatus = z.enum(['running', 'completed', 'rolled_back', 'aborted']);
export type RolloutStatus = z.infer<typeof RolloutStatus>;

export const RolloutVerdict = z.enum(['wait', 'advance', 'complete', 'rollback']);
export type RolloutVerdict = z.infer<typeof RolloutVerdict>;

/** What the guardrails saw at one evaluation, over the current step. */
export const RolloutEvaluation = z.object({
  at: z.string(),
  verdict: RolloutVerdict,
  /** The verdict in words, e.g. "p95 48 ms > 1.5 × baseline 20 ms over 1,204 requests". */
  reason: z.string(),
  candidate: z.object({ requests: z.number().int(), errors: z.number().int(), errorRate: z.number().nullable(), p95: z.number().nullable() }),
  baseline: z.object({ requests: z.number().int(), p95: z.number().nullable() }),
});
export type RolloutEvaluation = z.infer<typeof RolloutEvaluation>;

export const Rollout = z.object({
  id: z.string(),
  endpoint: z.string(),
  candidate: z.object({ model: z.string(), version: z.number().int() }),
  baseline: z.object({ model: z.string(), version: z.number().int() }),
  steps: z.array(z.number().int()),
  /** Index into steps of the step running now (or last run). */
  stepIndex: z.number().int(),
  stepStartedAt: z.string(),
  bakeSeconds: z.number().int(),
  guardrails: RolloutGuardrails,
  status: RolloutStatus,
  lastEvaluation: RolloutEvaluation.nullable(),
  /** Why it ended, in words; null while running. */
  outcome: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Rollout = z.infer<typeof Rollout>;

export const RolloutList = z.object({ items: z.array(Rollout) });
export type RolloutList = z.infer<typeof RolloutList>;

export const AbortRolloutBody = z.object({ reason: z.string().max(2000).optional() }).strict();
export type AbortRolloutBody = z.infer<typeof AbortRolloutBody>;
