import type { Rollout } from '@modelgate/contracts';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import type { Output } from '../cli-context.js';
import type { Style } from '../format/style.js';
import { describeRollout, rolloutProgressLine } from '../views/rollout-views.js';

/** How often `rollout status --watch` reads the rollout again. */
export const WATCH_INTERVAL_MS = 2_000;
/** Failed reads in a row (the API restarting, a network blip) tolerated before the watch gives up. */
export const WATCH_MAX_FAILURES = 5;

/**
 * How a watched rollout is shown on stdout: redrawn in place on a terminal, a line per change on
 * a pipe or in a file (a CI log), or one JSON document per change with --json.
 */
export type RolloutDisplayMode = 'redraw' | 'lines' | 'json';

export function rolloutDisplayModeFor(stdout: Output, json: boolean | undefined): RolloutDisplayMode {
  if (json) return 'json';
  return stdout.isTTY ? 'redraw' : 'lines';
}

export interface RolloutDisplay {
  show(rollout: Rollout): void;
  /** Something else was written to the terminal (a warning): draw the next one below it, not over it. */
  interrupted(): void;
}

// Colour codes take no room on screen.
const visibleLength = (line: string) => line.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Screen rows `text` (ending in a line break) takes, counting lines the terminal wraps. */
export function screenRows(text: string, columns: number | undefined): number {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.reduce((rows, line) => rows + (columns ? Math.max(1, Math.ceil(visibleLength(line) / columns)) : 1), 0);
}

export function createRolloutDisplay(mode: RolloutDisplayMode, stdout: Output, style: Style, now: () => number = Date.now): RolloutDisplay {
  let previous: string | undefined;
  if (mode === 'redraw') {
    let rows = 0;
    return {
      show(rollout) {
        const text = `${describeRollout(rollout, style, now())}\n`;
        // Back to the first row of the previous drawing, then clear to the end of the screen.
        const erase = rows > 0 ? `\x1b[${rows}A\r\x1b[0J` : '';
        stdout.write(`${erase}${text}`);
        rows = screenRows(text, stdout.columns);
      },
      interrupted() {
        rows = 0;
      },
    };
  }
  const render = mode === 'json' ? (rollout: Rollout) => JSON.stringify(rollout) : rolloutProgressLine;
  return {
    show(rollout) {
      const text = render(rollout);
      if (text === previous) return;
      previous = text;
      stdout.write(`${text}\n`);
    },
    interrupted() {},
  };
}

/** Worth another try: nothing answered, or the API failed (5xx) or asked to slow down (429). */
function isTransient(error: unknown): boolean {
  return error instanceof ModelgateUnreachableError || (error instanceof ModelgateApiError && (error.status >= 500 || error.status === 429));
}

export interface RolloutWatch {
  read(): Promise<Rollout>;
  display: RolloutDisplay;
  sleep(ms: number): Promise<void>;
  warn(message: string): void;
}

/**
 * Shows `first`, then reads the rollout every WATCH_INTERVAL_MS and shows it again until it is no
 * longer running; answers it as it ended. A few failed reads in a row are waited out with a warning.
 */
export async function watchRollout(first: Rollout, watch: RolloutWatch): Promise<Rollout> {
  let rollout = first;
  let failures = 0;
  watch.display.show(rollout);
  while (rollout.status === 'running') {
    await watch.sleep(WATCH_INTERVAL_MS);
    try {
      rollout = await watch.read();
      failures = 0;
    } catch (error) {
      failures += 1;
      if (!isTransient(error) || failures > WATCH_MAX_FAILURES) throw error;
      watch.warn(`could not read the rollout (${(error as Error).message}); trying again in ${WATCH_INTERVAL_MS / 1000} s`);
      watch.display.interrupted();
      continue;
    }
    watch.display.show(rollout);
  }
  return rollout;
}
