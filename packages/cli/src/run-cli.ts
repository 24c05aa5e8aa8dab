import { readFileSync } from 'node:fs';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { LocalFileError } from '@modelgate/sdk/node';
import { CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { buildProgram } from './program.js';

export const EXIT_OK = 0;
/** The API refused, did not answer, or a file could not be read. */
export const EXIT_FAILURE = 1;
export { EXIT_BATCH_JOB_NOT_SUCCEEDED, EXIT_ROLLOUT_NOT_COMPLETED, EXIT_USAGE } from './cli-error.js';

const cliVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The API's detail, then each field error it lists, unless the detail already says it (the API
 * joins field errors into the detail for validation failures).
 */
export function apiErrorLines(error: ModelgateApiError): string[] {
  const fieldLines = (error.problem.errors ?? []).map((field) => `${field.path}: ${field.message}`).filter((line) => !error.problem.detail.includes(line));
  return [error.problem.detail, ...fieldLines.map((line) => `  ${line}`)];
}

/** Prints a failure on stderr and returns the exit code. Expected failures never show a stack. */
export function reportFailure(error: unknown, context: CliContext): number {
  const { stderr, stderrStyle: style } = context;
  const report = (lines: string[]) => stderr.write(`${style.red('error:')} ${lines.join('\n')}\n`);
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof ModelgateApiError) {
    report(apiErrorLines(error));
    return EXIT_FAILURE;
  }
  if (error instanceof ModelgateUnreachableError) {
    report([error.message, `  is the API running there? Point --api-url or MODELGATE_API_URL at it.`]);
    return EXIT_FAILURE;
  }
  if (error instanceof CliError) {
    report([error.message]);
    return error.exitCode;
  }
  if (error instanceof LocalFileError) {
    report([error.message]);
    return EXIT_FAILURE;
  }
  // A bug: the stack helps whoever reports it.
  report([error instanceof Error ? (error.stack ?? error.message) : String(error)]);
  return EXIT_FAILURE;
}

/** Runs one command line (`argv` as in process.argv) and returns the exit code. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    await buildProgram(context, cliVersion).parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, context);
  }
}
