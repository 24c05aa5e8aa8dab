import type { Endpoint, Rollout, RolloutEvaluation, RolloutGuardrails, RolloutStatus } from '@modelgate/contracts';
import { formatCount, formatDateTime, formatDuration, formatMilliseconds, formatRate, formatTime } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields } from '../format/table.js';
import { versionLabel } from '../routing/routing-arguments.js';
import { formatRoutes, formatShadows } from './routing-views.js';

/** A rollout's status in words. */
export const ROLLOUT_STATUS_WORDS: Record<RolloutStatus, string> = {
  running: 'running',
  completed: 'completed',
  rolled_back: 'rolled back',
  aborted: 'aborted',
};

function styledStatus(status: RolloutStatus, style: Style): string {
  const word = ROLLOUT_STATUS_WORDS[status];
  if (status === 'completed') return style.green(word);
  if (status === 'rolled_back') return style.red(word);
  return style.yellow(word);
}

/** `error rate ≤ 1 %, p95 ≤ 1.5 × the baseline's, judged after 100 requests in a step` */
export function describeGuardrails(guardrails: RolloutGuardrails): string {
  return `error rate ≤ ${formatRate(guardrails.maxErrorRate)}, p95 ≤ ${guardrails.maxP95Ratio} × the baseline's, judged after ${formatCount(guardrails.minRequests)} requests in a step`;
}

/** `2 of 3, fraud@v2 at 50 %` */
export function describeStep(rollout: Rollout): string {
  return `${rollout.stepIndex + 1} of ${rollout.steps.length}, ${versionLabel(rollout.candidate)} at ${rollout.steps[rollout.stepIndex] ?? '?'} %`;
}

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;
const p95Text = (p95: number | null) => `p95 ${p95 === null ? '—' : formatMilliseconds(p95)}`;

/** `42 requests, 1 error (2.38 %), p95 12 ms`: what the candidate did over the current step. */
function candidateFigures(evaluation: RolloutEvaluation): string {
  const { requests, errors, errorRate, p95 } = evaluation.candidate;
  return `${plural(requests, 'request', 'requests')}, ${plural(errors, 'error', 'errors')} (${errorRate === null ? '—' : formatRate(errorRate)}), ${p95Text(p95)}`;
}

function baselineFigures(evaluation: RolloutEvaluation): string {
  return `${plural(evaluation.baseline.requests, 'request', 'requests')}, ${p95Text(evaluation.baseline.p95)}`;
}

/**
 * A rollout as `rollout status` shows it: candidate against baseline with what the guardrails last
 * saw of each, the step and how long it has baked, the last verdict in words, and the limits.
 */
export function describeRollout(rollout: Rollout, style: Style, now: number = Date.now()): string {
  const evaluation = rollout.lastEvaluation;
  const running = rollout.status === 'running';
  const fields: [string, string][] = [];
  if (!running && rollout.outcome) fields.push(['outcome', rollout.outcome]);
  fields.push(
    ['candidate', `${versionLabel(rollout.candidate)}${evaluation ? `: ${candidateFigures(evaluation)}` : ''}`],
    ['baseline', `${versionLabel(rollout.baseline)}${evaluation ? `: ${baselineFigures(evaluation)}` : ''}`],
    ['step', `${describeStep(rollout)} (steps ${rollout.steps.join(' → ')} %)`],
  );
  if (running) {
    const inStep = (now - Date.parse(rollout.stepStartedAt)) / 1000;
    const baked = inStep >= rollout.bakeSeconds ? ': baked, advances when the guardrails pass' : '';
    fields.push(['in step', `${formatDuration(inStep)} of a ${formatDuration(rollout.bakeSeconds)} bake${baked}`]);
  } else {
    fields.push(['bake', `${formatDuration(rollout.bakeSeconds)} a step`]);
  }
  fields.push(['guardrails', describeGuardrails(rollout.guardrails)]);
  fields.push([
    'last check',
    evaluation ? `${evaluation.verdict} at ${formatTime(evaluation.at)} (${formatDuration((now - Date.parse(evaluation.at)) / 1000)} ago): ${evaluation.reason}` : 'none yet',
  ]);
  fields.push(['started', `${formatDateTime(rollout.createdAt)}${rollout.createdBy ? ` by ${rollout.createdBy}` : ''}`]);
  if (rollout.finishedAt) fields.push(['ended', formatDateTime(rollout.finishedAt)]);
  fields.push(['id', rollout.id]);
  const headline = `${style.bold(`rollout of ${versionLabel(rollout.candidate)} on ${rollout.endpoint}`)}: ${styledStatus(rollout.status, style)}`;
  return `${headline}\n${formatFields(fields, style)}`;
}

/**
 * One line per change, for `rollout status --watch` when stdout is not a terminal (a CI log):
 * `10:12:33 step 1 of 3, fraud@v2 at 10 %: wait: waiting for requests: 42 of 100 so far, …`.
 * Stamped with when the change happened (the check, the step's start, or the end).
 */
export function rolloutProgressLine(rollout: Rollout): string {
  const evaluation = rollout.lastEvaluation;
  const checkedInThisStep = evaluation !== null && Date.parse(evaluation.at) >= Date.parse(rollout.stepStartedAt);
  let at: string;
  let what: string;
  if (rollout.status !== 'running') {
    // The outcome starts with how it ended ("rolled back: …"); without one, the status says it.
    at = rollout.finishedAt ?? evaluation?.at ?? rollout.stepStartedAt;
    what = rollout.outcome ?? ROLLOUT_STATUS_WORDS[rollout.status];
  } else if (checkedInThisStep) {
    at = evaluation.at;
    what = `${evaluation.verdict}: ${evaluation.reason}`;
  } else {
    // A new step: the check that advanced the rollout is from the step before.
    at = rollout.stepStartedAt;
    what = evaluation?.verdict === 'advance' ? `advanced: ${evaluation.reason}` : 'not checked yet';
  }
  return `${formatTime(at)} step ${describeStep(rollout)}: ${what}`;
}

/** After `rollout abort`: where the rollout stopped, why, and what the endpoint routes now. */
export function describeAbortedRollout(rollout: Rollout, endpoint: Endpoint, style: Style): string {
  const revision = endpoint.activeRevision;
  const headline = `${style.yellow(`aborted the rollout of ${versionLabel(rollout.candidate)} on ${rollout.endpoint}`)} at step ${describeStep(rollout)}`;
  const fields: [string, string][] = [];
  if (rollout.outcome) fields.push(['outcome', rollout.outcome]);
  fields.push(
    ['routes', revision ? `${formatRoutes(revision.routes)} (revision ${revision.number}, ${revision.kind})` : 'none'],
    ['shadows', (revision && formatShadows(revision.shadows)) || 'none'],
  );
  return `${headline}\n${formatFields(fields, style)}`;
}
