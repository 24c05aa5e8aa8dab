import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInspection } from '@modelgate/contracts';
import type { InspectionChildReply } from './inspection-child-protocol.js';
import { InvalidModelError } from './invalid-model-error.js';

export interface IsolatedInspectionOptions {
  /** Kill the child and refuse the model after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Cap on the child's data memory (RLIMIT_DATA, which counts onnxruntime's native allocations as
   * well as V8's heap): a model that needs more to load is refused instead of starving the host.
   */
  memoryLimitMb?: number;
}

/** What the child is run with, and the cap it was given (for the message when it is exceeded). */
interface ChildLimits {
  timeoutMs: number;
  memoryLimitMb?: number;
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
  return inspectInChildProcess(inspectionChildEntry(), filePath, { timeoutMs: options.timeoutMs ?? 60_000, memoryLimitMb: options.memoryLimitMb });
}

/**
 * Without a cap, a plain fork. With one, the same Node binary started through `sh -c 'ulimit -d …;
 * exec …'`: the limit applies to the child only, and exec keeps the IPC channel Node set up.
 */
function startChild(entry: string, filePath: string, memoryLimitMb: number | undefined): ChildProcess {
  const stdio: ['ignore', 'ignore', 'pipe', 'ipc'] = ['ignore', 'ignore', 'pipe', 'ipc'];
  if (memoryLimitMb === undefined) return fork(entry, [filePath], { execArgv: [], stdio, serialization: 'json' });
  const kilobytes = String(Math.max(1, Math.floor(memoryLimitMb * 1024)));
  return spawn('/bin/sh', ['-c', 'ulimit -d "$1" && exec "$2" "$3" "$4"', 'sh', kilobytes, process.execPath, entry, filePath], {
    stdio,
    serialization: 'json',
  });
}

const OUT_OF_MEMORY = /out of memory|allocation failed|bad_alloc|Cannot allocate memory|Failed to allocate/i;

/** Exported for tests, which substitute a misbehaving child script. */
export function inspectInChildProcess(entry: string, filePath: string, { timeoutMs, memoryLimitMb }: ChildLimits): Promise<ModelInspection> {
  return new Promise<ModelInspection>((resolve, reject) => {
    // No inherited execArgv: the parent's loaders and inspector flags mean nothing to the plain JS child.
    const child = startChild(entry, filePath, memoryLimitMb);
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

    // 'close', not 'exit': it comes after the IPC channel has closed, so a reply the child sent just
    // before exiting has been delivered; under load 'exit' can overtake the 'message' event.
    child.on('close', (code, signal) => {
      if (memoryLimitMb !== undefined && (OUT_OF_MEMORY.test(stderrTail) || signal === 'SIGABRT' || signal === 'SIGTRAP')) {
        settle(() =>
          reject(
            new InvalidModelError(
              'validation-out-of-memory',
              `loading this model needs more than the ${memoryLimitMb} MiB validation is allowed (MODELGATE_VALIDATION_MEMORY_MB); raise the limit if the server has the memory to serve it`,
            ),
          ),
        );
        return;
      }
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
