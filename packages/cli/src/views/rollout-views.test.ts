import type { Endpoint, Rollout } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime } from '../format/quantities.js';
import { createStyle } from '../format/style.js';
import { describeAbortedRollout, describeGuardrails, describeRollout, rolloutProgressLine } from './rollout-views.js';

const plain = createStyle(false);
const STARTED = '2026-11-29T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000).toISOString();

const RUNNING: Rollout = {
  id: '6f1c2f9e-0000-4000-8000-000000000001',
  endpoint: 'fraud',
  candidate: { model: 'fraud', version: 2 },
  baseline: { model: 'fraud', version: 1 },
  steps: [10, 50, 100],
  stepIndex: 1,
  stepStartedAt: at(300),
  bakeSeconds: 300,
  guardrails: { maxErrorRate: 0.01, maxP95Ratio: 1.5, minRequests: 100 },
  status: 'running',
  lastEvaluation: {
    at: at(372),
    verdict: 'wait',
    reason: 'healthy so far (error rate 0.24 % ≤ 1 %, p95 12 ms ≤ 1.5 × baseline 10 ms over 1,204 requests); baking 72 of 300 s',
    candidate: { requests: 1204, errors: 3, errorRate: 3 / 1204, p95: 12.2 },
    baseline: { requests: 1190, p95: 9.96 },
  },
  outcome: null,
  createdBy: 'ada@example.com',
  createdAt: STARTED,
  finishedAt: null,
};

describe('describeRollout', () => {
  it('shows candidate against baseline, the step, time in step against the bake, the last check and the guardrails', () => {
    const lines = describeRollout(RUNNING, plain, Date.parse(at(384))).split('\n');
    expect(lines).toEqual([
      'rollout of fraud@v2 on fraud: running',
      'candidate   fraud@v2: 1,204 requests, 3 errors (0.25 %), p95 12 ms',
      'baseline    fraud@v1: 1,190 requests, p95 10.0 ms',
      'step        2 of 3, fraud@v2 at 50 % (steps 10 → 50 → 100 %)',
      'in step     1m 24s of a 5m bake',
      'guardrails  error rate ≤ 1 %, p95 ≤ 1.5 × the baseline\'s, judged after 100 requests in a step',
      `last check  wait at ${formatTime(at(372))} (12s ago): healthy so far (error rate 0.24 % ≤ 1 %, p95 12 ms ≤ 1.5 × baseline 10 ms over 1,204 requests); baking 72 of 300 s`,
      `started     ${formatDateTime(STARTED)} by ada@example.com`,
      'id          6f1c2f9e-0000-4000-8000-000000000001',
    ]);
  });

  it('says when a step has baked and when nothing was checked yet', () => {
    const text = describeRollout({ ...RUNNING, lastEvaluation: null }, plain, Date.parse(at(700)));
    expect(text).toContain('candidate   fraud@v2\n');
    expect(text).toContain('baseline    fraud@v1\n');
    expect(text).toContain('in step     6m 40s of a 5m bake: baked, advances when the guardrails pass');
    expect(text).toContain('last check  none yet');
  });

  it('shows how an ended rollout ended, and when, instead of the time in step', () => {
    const rolledBack: Rollout = { ...RUNNING, status: 'rolled_back', outcome: 'rolled back: p95 48 ms > 1.5 × baseline 20 ms over 1,204 requests', finishedAt: at(400) };
    const text = describeRollout(rolledBack, plain, Date.parse(at(4000)));
    expect(text.split('\n')[0]).toBe('rollout of fraud@v2 on fraud: rolled back');
    expect(text).toContain('outcome     rolled back: p95 48 ms > 1.5 × baseline 20 ms over 1,204 requests');
    expect(text).toContain('bake        5m a step');
    expect(text).toContain(`ended       ${formatDateTime(at(400))}`);
    expect(text).not.toContain('in step');
  });

  it('colours the status on a terminal', () => {
    expect(describeRollout({ ...RUNNING, status: 'completed' }, createStyle(true)).split('\n')[0]).toBe('\x1b[1mrollout of fraud@v2 on fraud\x1b[22m: \x1b[32mcompleted\x1b[39m');
  });
});

describe('describeGuardrails', () => {
  it('puts the limits in words', () => {
    expect(describeGuardrails({ maxErrorRate: 0.005, maxP95Ratio: 2, minRequests: 5000 })).toBe(
      "error rate ≤ 0.5 %, p95 ≤ 2 × the baseline's, judged after 5,000 requests in a step",
    );
  });
});

describe('rolloutProgressLine', () => {
  it('stamps a check in this step with its time, verdict and reason', () => {
    expect(rolloutProgressLine(RUNNING)).toBe(`${formatTime(at(372))} step 2 of 3, fraud@v2 at 50 %: wait: ${RUNNING.lastEvaluation!.reason}`);
  });

  it('starts a new step with the check that advanced to it', () => {
    const advanced: Rollout = { ...RUNNING, stepStartedAt: at(600), lastEvaluation: { ...RUNNING.lastEvaluation!, at: at(599), verdict: 'advance', reason: 'healthy in 300 s' } };
    expect(rolloutProgressLine(advanced)).toBe(`${formatTime(at(600))} step 2 of 3, fraud@v2 at 50 %: advanced: healthy in 300 s`);
    expect(rolloutProgressLine({ ...RUNNING, lastEvaluation: null })).toBe(`${formatTime(at(300))} step 2 of 3, fraud@v2 at 50 %: not checked yet`);
  });

  it('ends with the outcome, or the status when there is none', () => {
    expect(rolloutProgressLine({ ...RUNNING, status: 'aborted', outcome: 'aborted by ada@example.com: wrong version', finishedAt: at(500) })).toBe(
      `${formatTime(at(500))} step 2 of 3, fraud@v2 at 50 %: aborted by ada@example.com: wrong version`,
    );
    expect(rolloutProgressLine({ ...RUNNING, status: 'rolled_back', outcome: null, finishedAt: at(500) })).toMatch(/: rolled back$/);
  });
});

describe('describeAbortedRollout', () => {
  it('says where it stopped, why, and what the endpoint routes now', () => {
    const aborted: Rollout = { ...RUNNING, status: 'aborted', outcome: 'aborted by ada@example.com: wrong version', finishedAt: at(500) };
    const endpoint = {
      name: 'fraud',
      activeRevision: { number: 7, kind: 'rollback', routes: [{ versionId: 'a', model: 'fraud', version: 1, weight: 100 }], shadows: [], reason: 'r', createdBy: null, createdAt: at(500) },
    } as unknown as Endpoint;
    expect(describeAbortedRollout(aborted, endpoint, plain).split('\n')).toEqual([
      'aborted the rollout of fraud@v2 on fraud at step 2 of 3, fraud@v2 at 50 %',
      'outcome  aborted by ada@example.com: wrong version',
      'routes   fraud@v1 100 % (revision 7, rollback)',
      'shadows  none',
    ]);
  });
});
