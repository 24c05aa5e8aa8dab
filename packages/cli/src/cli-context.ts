import { colourWanted, createStyle, type Style } from './format/style.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Where a command writes and what it may read: the process's streams, or a test's buffers. */
export interface CliContext {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Styles for each stream: one may be a terminal while the other is piped. */
  stdoutStyle: Style;
  stderrStyle: Style;
}

/** Options every command accepts (before or after its name). */
export interface GlobalOptions {
  apiUrl: string;
  json?: boolean;
}


export function createCliContext(stdout: Output, stderr: Output, env: NodeJS.ProcessEnv): CliContext {
  return {
    stdout,
    stderr,
    env,
    stdoutStyle: createStyle(colourWanted(stdout, env)),
    stderrStyle: createStyle(colourWanted(stderr, env)),
  };
}

/** `--json`: the API's JSON as it came, and nothing else on stdout, so it can be piped to jq. */
export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
