import { StartRolloutBody } from '@modelgate/contracts';
import { InvalidArgumentError } from 'commander';

// The limits StartRolloutBody (contracts) puts on a rollout, checked here so a typo is a usage
// error with a clear message before anything is sent.
const MAX_STEPS = 20;
const MAX_BAKE_SECONDS = 7 * 86_400;
const MAX_P95_RATIO = 100;
const MAX_MIN_REQUESTS = 10_000_000;

/**
 * `10,50,100` (spaces and `%` allowed): the candidate's weight at each step. The contract's own
 * rules (increasing, ending at 100, at least one step before it) judge the numbers, with its words.
 */
export function parseRolloutSteps(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim().replace(/\s*%$/, ''));
  const steps = parts.map(Number);
  if (parts.some((part) => !/^\d+$/.test(part)) || steps.some((step) => step < 1 || step > 100)) {
    throw new InvalidArgumentError(`expected whole percents from 1 to 100 separated by commas, e.g. 10,50,100; got "${value}"`);
  }
  if (steps.length > MAX_STEPS) throw new InvalidArgumentError(`a rollout has at most ${MAX_STEPS} steps; got ${steps.length}`);
  const checked = StartRolloutBody.shape.steps.safeParse(steps);
  if (!checked.success) throw new InvalidArgumentError(checked.error.issues[0]?.message ?? `not usable as steps: ${value}`);
  return steps;
}

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/;

/** `300`, `300s`, `5m`, `1h30m`, `1d`: the least time each step runs, in seconds (1 s – 7 days). */
export function parseBakeDuration(value: string): number {
  const match = DURATION.exec(value.trim());
  const expected = `expected a duration like 300, 300s, 5m or 1h30m; got "${value}"`;
  if (!match || value.trim() === '') throw new InvalidArgumentError(expected);
  const [days = 0, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  if (total < 1) throw new InvalidArgumentError(`a step bakes for at least 1 second; got "${value}"`);
  if (total > MAX_BAKE_SECONDS) throw new InvalidArgumentError(`a step bakes for at most 7 days; got "${value}"`);
  return total;
}

/**
 * `1%` or `0.01`: the share of the candidate's requests that may fail. A bare number above 1 is
 * refused rather than guessed at: `5` could mean 5 % or be a slip.
 */
export function parseMaxErrorRate(value: string): number {
  const text = value.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)?.[1];
  const rate = percent !== undefined ? Number(percent) / 100 : /^\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(rate)) throw new InvalidArgumentError(`expected a percent like 1% or a share like 0.01; got "${value}"`);
  if (rate > 1) {
    throw new InvalidArgumentError(percent !== undefined ? `at most 100%; got "${value}"` : `a share is at most 1; got "${value}" (for ${text} percent, write ${text}%)`);
  }
  return rate;
}

/** `1.5` (or `1.5x`): how many times the baseline's p95 the candidate's may reach, 1–100. */
export function parseMaxP95Ratio(value: string): number {
  const text = value.trim().replace(/\s*[x×]$/i, '');
  const ratio = /^\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(ratio) || ratio < 1 || ratio > MAX_P95_RATIO) {
    throw new InvalidArgumentError(`expected a ratio from 1 to ${MAX_P95_RATIO}, e.g. 1.5 (the candidate's p95 may be 1.5 × the baseline's); got "${value}"`);
  }
  return ratio;
}

/** `100`: requests the candidate answers in a step before the guardrails judge it. */
export function parseMinRequests(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || count < 1 || count > MAX_MIN_REQUESTS) {
    throw new InvalidArgumentError(`expected a whole number of requests from 1 to ${MAX_MIN_REQUESTS.toLocaleString('en-US')}; got "${value}"`);
  }
  return count;
}

export interface RolloutOptions {
  steps?: number[];
  /** Seconds, from `--bake`. */
  bake?: number;
  maxErrorRate?: number;
  maxP95Ratio?: number;
  minRequests?: number;
  reason?: string;
  expectedRevision?: number;
}

/**
 * The body of `POST /v1/endpoints/{e}/rollouts`. Options not given are left out, so the API's
 * defaults (the contracts') apply rather than a copy of them here.
 */
export function startRolloutBody(target: { model: string; version: number }, options: RolloutOptions, expectedRevision: number): StartRolloutBody {
  const guardrails = {
    ...(options.maxErrorRate !== undefined ? { maxErrorRate: options.maxErrorRate } : {}),
    ...(options.maxP95Ratio !== undefined ? { maxP95Ratio: options.maxP95Ratio } : {}),
    ...(options.minRequests !== undefined ? { minRequests: options.minRequests } : {}),
  };
  return {
    model: target.model,
    version: target.version,
    ...(options.steps ? { steps: options.steps } : {}),
    ...(options.bake !== undefined ? { bakeSeconds: options.bake } : {}),
    ...(Object.keys(guardrails).length > 0 ? { guardrails } : {}),
    expectedRevision,
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
}
