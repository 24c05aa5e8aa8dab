import { setTimeout as sleep } from 'node:timers/promises';
import type { Rollout, RolloutList } from '@modelgate/contracts';
import { clientFor, warn, type ApiAccess } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { CliError, EXIT_ROLLOUT_NOT_COMPLETED } from '../cli-error.js';
import { formatDateTime } from '../format/quantities.js';
import { startRolloutBody, type RolloutOptions } from '../routing/rollout-arguments.js';
import { createRolloutDisplay, rolloutDisplayModeFor, watchRollout } from '../routing/rollout-watch.js';
import { versionLabel, type VersionReference } from '../routing/routing-arguments.js';
import { explainingStaleRevision } from '../routing/stale-revision.js';
import { describeAbortedRollout, describeRollout, ROLLOUT_STATUS_WORDS } from '../views/rollout-views.js';
import { expectedRevisionOf } from './routing.js';

export interface RolloutStatusOptions {
  watch?: boolean;
}

export interface AbortRolloutOptions {
  reason?: string;
}

/** `the latest, of fraud@v2, rolled back 2026-11-29 10:20` */
function describeLatest(rollout: Rollout): string {
  return `the latest, of ${versionLabel(rollout.candidate)}, ${ROLLOUT_STATUS_WORDS[rollout.status]}${rollout.finishedAt ? ` ${formatDateTime(rollout.finishedAt)}` : ''}`;
}

/** The rollout `rollout status` is about: the running one, else the latest (the list is newest first). */
export function currentRollout(endpoint: string, list: RolloutList): Rollout {
  const rollout = list.items.find((item) => item.status === 'running') ?? list.items[0];
  if (!rollout) throw new CliError(`endpoint "${endpoint}" has had no rollouts yet: start one with \`modelgate rollout start ${endpoint} <model>@<version>\``);
  return rollout;
}

/** The running rollout `rollout abort` stops; refused in words when there is none. */
export function runningRollout(endpoint: string, list: RolloutList): Rollout {
  const running = list.items.find((item) => item.status === 'running');
  if (!running) {
    const latest = list.items[0];
    throw new CliError(`endpoint "${endpoint}" has no running rollout to abort (${latest ? describeLatest(latest) : 'it has had none'})`);
  }
  return running;
}

/** `modelgate rollout start <endpoint> <model>@<version>` */
export async function startRollout(endpoint: string, target: VersionReference, options: RolloutOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const current = await client.getEndpoint(endpoint);
  const rollout = await explainingStaleRevision(endpoint, () => client.startRollout(endpoint, startRolloutBody(target, options, expectedRevisionOf(current, options.expectedRevision))));
  if (globals.json) printJson(context, rollout);
  else context.stdout.write(`${describeRollout(rollout, context.stdoutStyle)}\n`);
}

/**
 * `modelgate rollout status <endpoint> [--watch]`. Watching ends when the rollout does; one that
 * was rolled back or aborted is then a failure (exit 3), so `status --watch && …` goes on only
 * after a completed rollout.
 */
export async function showRolloutStatus(endpoint: string, options: RolloutStatusOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const rollout = currentRollout(endpoint, await client.listRollouts(endpoint));
  if (!options.watch) {
    if (globals.json) printJson(context, rollout);
    else context.stdout.write(`${describeRollout(rollout, context.stdoutStyle)}\n`);
    return;
  }
  const display = createRolloutDisplay(rolloutDisplayModeFor(context.stdout, globals.json), context.stdout, context.stdoutStyle);
  const ended = await watchRollout(rollout, {
    read: () => client.getRollout(endpoint, rollout.id),
    display,
    sleep: (ms) => sleep(ms),
    warn: (message) => warn(context, message),
  });
  if (ended.status !== 'completed') {
    throw new CliError(`the rollout of ${versionLabel(ended.candidate)} on ${endpoint} did not complete: ${ended.outcome ?? ROLLOUT_STATUS_WORDS[ended.status]}`, {
      exitCode: EXIT_ROLLOUT_NOT_COMPLETED,
    });
  }
}

/** `modelgate rollout abort <endpoint>`: stops the running rollout and shows where routing was left. */
export async function abortRollout(endpoint: string, options: AbortRolloutOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const running = runningRollout(endpoint, await client.listRollouts(endpoint));
  const aborted = await client.abortRollout(endpoint, running.id, options.reason !== undefined ? { reason: options.reason } : {});
  if (globals.json) {
    printJson(context, aborted);
    return;
  }
  // The rollout does not say what the endpoint routes now; the endpoint does.
  const now = await client.getEndpoint(endpoint);
  context.stdout.write(`${describeAbortedRollout(aborted, now, context.stdoutStyle)}\n`);
}
