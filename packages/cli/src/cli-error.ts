/** The command line itself was wrong (commander's errors, or options that need each other). */
export const EXIT_USAGE = 2;

/** `rollout status --watch`: the rollout ended without completing (rolled back or aborted). */
export const EXIT_ROLLOUT_NOT_COMPLETED = 3;

/**
 * `batch status`, `batch submit --wait`: the batch job ended without succeeding (failed or
 * cancelled). The same code as a rollout that did not complete: what was waited for did not happen.
 */
export const EXIT_BATCH_JOB_NOT_SUCCEEDED = 3;

/**
 * A failure the user can fix (a missing file, a bad JSON file): reported in one line, exit code 1
 * unless the command documents another one for it.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, options: ErrorOptions & { exitCode?: number } = {}) {
    super(message, options);
    this.exitCode = options.exitCode ?? 1;
  }
}
