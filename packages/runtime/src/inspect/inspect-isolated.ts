import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInspection } from '@modelgate/contracts';
import type { InspectionChildReply } from './inspection-child-protocol.js';
import { InvalidModelError } from './invalid-model-error.js';

export interface IsolatedInspectionOptions {
  /** Kill the child and refuse the model after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * The compiled child entry. Node 20 cannot run TypeScript, so when this module itself runs from
 * src/ (under vitest) the child still has to be the compiled file in dist/.
 */
export function inspectionChildEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const entry = import.meta.url.endsWith('.ts')
    ? path.resolve(here, '../../dist/inspect/inspection-child.js')
    : path.join(here, 'inspection-child.js');
  if (!existsSync(entry)) {
    throw new Error(`the model inspection child script ${entry} is missing: build @modelgate/runtime (pnpm --filter @modelgate/runtime build)`);
  }
  return entry;
}

function formatDuration(milliseconds: number): string {
  return milliseconds >= 1000 ? `${Math.round(milliseconds / 100) / 10}s` : `${milliseconds}ms`;
}

const STDERR_TAIL_BYTES = 2000;

/**
 * `inspectModel` in a forked child process, so that a hang, a crash or a huge allocation inside
 * onnxruntime while loading an untrusted upload cannot take the calling process down.
 * Refusals come back as the same InvalidModelError (message and code) the child raised.
 */
export function inspectModelIsolated(filePath: string, options: IsolatedInspectionOptions = {}): Promise<ModelInspection> {
  return inspectInChildProcess(inspectionChildEntry(), filePath, options.timeoutMs ?? 60_000);
}

/** Exported for tests, which substitute a misbehaving child script. */
export function inspectInChildProcess(entry: string, filePath: string, timeoutMs: number): Promise<ModelInspection> {
  return new Promise<ModelInspection>((resolve, reject) => {
    // No inherited execArgv: the parent's loaders and inspector flags mean nothing to the plain JS child.
    const child = fork(entry, [filePath], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    let settled = false;
    let stderrTail = '';

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      // The answer is in; whatever the child still does (exiting, onnxruntime threads winding down) is of no use.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };

    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new InvalidModelError(
            'validation-timeout',
            `validation took longer than ${formatDuration(timeoutMs)} and was stopped: the model is too large or too slow to load on this server`,
          ),
        ),
      );
    }, timeoutMs);

    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });

    child.on('message', (reply: InspectionChildReply) => {
      settle(() => {
        if (reply.ok) resolve(reply.inspection);
        else if (reply.invalidModel) reject(new InvalidModelError(reply.code, reply.message));
        else reject(new Error(reply.message));
      });
    });

    child.on('error', (error) => settle(() => reject(error)));

    child.on('exit', (code, signal) => {
      const detail = stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : '';
      settle(() =>
        reject(
          new InvalidModelError(
            'onnxruntime-crashed',
            signal
              ? `onnxruntime crashed while loading the model (signal ${signal})${detail}`
              : `onnxruntime crashed while loading the model (the validating process exited with code ${code})${detail}`,
          ),
        ),
      );
    });
  });
}
