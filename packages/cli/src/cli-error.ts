/** A failure the user can fix (a missing file, a bad JSON file): reported in one line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
