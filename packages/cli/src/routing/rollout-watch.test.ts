import type { Rollout } from '@modelgate/contracts';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { describe, expect, it } from 'vitest';
import { createStyle } from '../format/style.js';
import { createRolloutDisplay, rolloutDisplayModeFor, screenRows, watchRollout, WATCH_INTERVAL_MS, WATCH_MAX_FAILURES, type RolloutDisplay } from './rollout-watch.js';

const plain = createStyle(false);

const RUNNING: Rollout = {
  id: '6f1c2f9e-0000-4000-8000-000000000001',
  endpoint: 'fraud',
  candidate: { model: 'fraud', version: 2 },
  baseline: { model: 'fraud', version: 1 },
  steps: [10, 50, 100],
  stepIndex: 0,
  stepStartedAt: '2026-11-29T10:00:00.000Z',
  bakeSeconds: 300,
  guardrails: { maxErrorRate: 0.01, maxP95Ratio: 1.5, minRequests: 100 },
  status: 'running',
  lastEvaluation: null,
  outcome: null,
  createdBy: 'ada@example.com',
  createdAt: '2026-11-29T10:00:00.000Z',
  finishedAt: null,
};
const evaluated = (at: string, reason: string): Rollout => ({
  ...RUNNING,
  lastEvaluation: { at, verdict: 'wait', reason, candidate: { requests: 42, errors: 0, errorRate: 0, p95: 12 }, baseline: { requests: 380, p95: 10 } },
});
const COMPLETED: Rollout = { ...RUNNING, stepIndex: 2, status: 'completed', outcome: 'completed: error rate 0 % ≤ 1 %', finishedAt: '2026-11-29T10:20:00.000Z' };

function recordingOutput(isTTY = false, columns?: number) {
  const output = { text: '', isTTY, columns, write: (chunk: string) => (output.text += chunk) };
  return output;
}

function recordingDisplay() {
  const shown: Rollout[] = [];
  let interruptions = 0;
  const display: RolloutDisplay = { show: (rollout) => shown.push(rollout), interrupted: () => (interruptions += 1) };
  return { display, shown, interruptions: () => interruptions };
}

/** A watch reading `answers` in turn (an Error is thrown), recording sleeps and warnings. */
function scriptedWatch(answers: (Rollout | Error)[], display: RolloutDisplay) {
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const watch = {
    display,
    read: async () => {
      const answer = answers.shift();
      if (!answer) throw new Error('read more often than scripted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
    sleep: async (ms: number) => void sleeps.push(ms),
    warn: (message: string) => void warnings.push(message),
  };
  return { watch, sleeps, warnings };
}

describe('watchRollout', () => {
  it('shows the rollout, reads it every 2 s and stops when it has ended', async () => {
    const { display, shown } = recordingDisplay();
    const second = evaluated('2026-11-29T10:00:30.000Z', 'waiting for requests: 42 of 100 so far');
    const { watch, sleeps } = scriptedWatch([second, COMPLETED], display);

    const ended = await watchRollout(RUNNING, watch);

    expect(ended).toBe(COMPLETED);
    expect(shown).toEqual([RUNNING, second, COMPLETED]);
    expect(sleeps).toEqual([WATCH_INTERVAL_MS, WATCH_INTERVAL_MS]);
  });

  it('shows an ended rollout once without reading it again', async () => {
    const { display, shown } = recordingDisplay();
    const { watch, sleeps } = scriptedWatch([], display);
    expect(await watchRollout(COMPLETED, watch)).toBe(COMPLETED);
    expect(shown).toEqual([COMPLETED]);
    expect(sleeps).toEqual([]);
  });

  it('waits out a few failed reads with a warning, and the display draws below it', async () => {
    const { display, interruptions } = recordingDisplay();
    const unreachable = new ModelgateUnreachableError('http://127.0.0.1:4000', 'ECONNREFUSED');
    const restarting = new ModelgateApiError({ type: 't', title: 'Service Unavailable', status: 503, detail: 'the API is starting', code: 'unavailable' });
    const { watch, warnings } = scriptedWatch([unreachable, restarting, COMPLETED], display);

    expect(await watchRollout(RUNNING, watch)).toBe(COMPLETED);
    expect(warnings).toEqual([
      'could not read the rollout (the Modelgate API at http://127.0.0.1:4000 is not answering: ECONNREFUSED); trying again in 2 s',
      'could not read the rollout (the API is starting); trying again in 2 s',
    ]);
    expect(interruptions()).toBe(2);
  });

  it(`gives up after ${WATCH_MAX_FAILURES} failed reads in a row, and at once on a refusal`, async () => {
    const unreachable = new ModelgateUnreachableError('http://127.0.0.1:4000', 'ECONNREFUSED');
    const tooMany = scriptedWatch(Array(WATCH_MAX_FAILURES + 1).fill(unreachable), recordingDisplay().display);
    await expect(watchRollout(RUNNING, tooMany.watch)).rejects.toBe(unreachable);
    expect(tooMany.warnings).toHaveLength(WATCH_MAX_FAILURES);

    const gone = new ModelgateApiError({ type: 't', title: 'Not Found', status: 404, detail: 'endpoint "fraud" does not exist', code: 'not_found' });
    const refused = scriptedWatch([gone], recordingDisplay().display);
    await expect(watchRollout(RUNNING, refused.watch)).rejects.toBe(gone);
    expect(refused.warnings).toEqual([]);
  });
});

describe('rollout displays', () => {
  it('are chosen by where stdout goes', () => {
    expect(rolloutDisplayModeFor({ write: () => true, isTTY: true }, false)).toBe('redraw');
    expect(rolloutDisplayModeFor({ write: () => true }, undefined)).toBe('lines');
    expect(rolloutDisplayModeFor({ write: () => true, isTTY: true }, true)).toBe('json');
  });

  it('print a line per change on a pipe, nothing when nothing changed', () => {
    const output = recordingOutput();
    const display = createRolloutDisplay('lines', output, plain);
    const checked = evaluated('2026-11-29T10:00:30.000Z', 'waiting for requests: 42 of 100 so far');
    for (const rollout of [RUNNING, RUNNING, checked, checked, COMPLETED]) display.show(rollout);
    const lines = output.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d step 1 of 3, fraud@v2 at 10 %: not checked yet$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d step 1 of 3, fraud@v2 at 10 %: wait: waiting for requests: 42 of 100 so far$/);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d step 3 of 3, fraud@v2 at 100 %: completed: error rate 0 % ≤ 1 %$/);
  });

  it('print one JSON document per change with --json', () => {
    const output = recordingOutput();
    const display = createRolloutDisplay('json', output, plain);
    for (const rollout of [RUNNING, RUNNING, COMPLETED]) display.show(rollout);
    expect(output.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Rollout)).toEqual([RUNNING, COMPLETED]);
  });

  it('redraw in place on a terminal: up over the rows drawn before, then clear', () => {
    const output = recordingOutput(true, 200);
    const display = createRolloutDisplay('redraw', output, plain, () => Date.parse('2026-11-29T10:01:00.000Z'));
    display.show(RUNNING);
    const first = output.text;
    expect(first).toContain('in step     1m of a 5m bake');
    expect(first.startsWith('\x1b[')).toBe(false);

    display.show(RUNNING);
    expect(output.text.slice(first.length)).toBe(`\x1b[${screenRows(first, 200)}A\r\x1b[0J${first}`);

    display.interrupted();
    display.show(RUNNING);
    expect(output.text.endsWith(`${first}${first}`)).toBe(true);
  });

  it('count the rows long lines wrap to, leaving colour codes out', () => {
    expect(screenRows('a\nb\n', 80)).toBe(2);
    expect(screenRows(`${'x'.repeat(80)}\n${'y'.repeat(81)}\n\n`, 80)).toBe(4);
    expect(screenRows(`\x1b[1m${'x'.repeat(80)}\x1b[22m\n`, 80)).toBe(1);
    expect(screenRows(`${'x'.repeat(200)}\n`, undefined)).toBe(1);
  });
});
