/** `rollout status --watch`: the rollout ended without completing (rolled back or aborted). */
export const EXIT_ROLLOUT_NOT_COMPLETED = 3;

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
