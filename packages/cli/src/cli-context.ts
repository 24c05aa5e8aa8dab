import os from 'node:os';
import type { InputStream } from './auth/terminal-input.js';
import { configFilePath } from './config/config-path.js';
import { colourWanted, createStyle, type Style } from './format/style.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: redrawing output (`rollout status --watch`) counts the rows long lines wrap to. */
  columns?: number;
}

/** Where a command writes and what it may read: the process's streams, or a test's buffers. */
export interface CliContext {
  stdout: Output;
  stderr: Output;
  /** Piped secrets (`--password-stdin`), or the terminal prompts read from. */
  stdin: InputStream;
  env: NodeJS.ProcessEnv;
  /** Styles for each stream: one may be a terminal while the other is piped. */
  stdoutStyle: Style;
  stderrStyle: Style;
  /** The saved sign-in (`modelgate login`): see config/config-path.ts. */
  configPath: string;
}

/** Options every command accepts (before or after its name). */
export interface GlobalOptions {
  /** `--api-url` or MODELGATE_API_URL; undefined when neither is given (then the saved sign-in's API, or the default). */
  apiUrl?: string;
  json?: boolean;
}

export function createCliContext(stdout: Output, stderr: Output, stdin: InputStream, env: NodeJS.ProcessEnv, homeDir: string = os.homedir()): CliContext {
  return {
    stdout,
    stderr,
    stdin,
    env,
    stdoutStyle: createStyle(colourWanted(stdout, env)),
    stderrStyle: createStyle(colourWanted(stderr, env)),
    configPath: configFilePath(env, homeDir),
  };
}

/** `--json`: the API's JSON as it came, and nothing else on stdout, so it can be piped to jq. */
export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
