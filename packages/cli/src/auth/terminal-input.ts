import readline from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from '../cli-error.js';
import type { Output } from '../cli-context.js';

/** Standard input as commands use it: piped secrets, or a terminal to prompt on. */
export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Everything piped to stdin, without the one line break `echo` or a file adds: a secret read with
 * `--password-stdin` / `--token-stdin` must not end in "\n". Inner and other whitespace is kept
 * (a password may end in a space).
 */
export async function readPipedSecret(stdin: InputStream, what: string, flag: string): Promise<string> {
  if (stdin.isTTY) {
    throw new CliError(`${flag} reads the ${what} from a pipe, and stdin is a terminal: pipe it in (\`printf '%s' "$SECRET" | modelgate … ${flag}\`) or leave ${flag} out to be asked`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') throw new CliError(`${flag} was given but stdin was empty: pipe the ${what} in`);
  if (/[\r\n]/.test(secret)) throw new CliError(`${flag} expects the ${what} alone on stdin, and got several lines`);
  return secret;
}

/** Prompts can only be answered by a person at a terminal; a script must pass the flags instead. */
export function assertCanPrompt(stdin: InputStream, what: string, instead: string): void {
  if (stdin.isTTY !== true) throw new CliError(`cannot ask for the ${what}: stdin is not a terminal. ${instead}`);
}

/**
 * Asks one question on stderr (stdout stays for results) and reads the answer from the terminal.
 * `hidden`: nothing typed is echoed, for passwords. Ctrl-C or Ctrl-D cancels with a CliError.
 */
export function promptLine(question: string, io: { stdin: InputStream; stderr: Output }, options: { hidden?: boolean } = {}): Promise<string> {
  let muted = false;
  // readline echoes (and redraws) what is typed through its output; muting that stream hides the input.
  const echo = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) io.stderr.write(chunk.toString());
      callback();
    },
  });
  const lineReader = readline.createInterface({ input: io.stdin, output: echo, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    lineReader.on('SIGINT', () => {
      if (options.hidden) io.stderr.write('\n');
      lineReader.close();
    });
    lineReader.on('close', () => {
      if (!answered) reject(new CliError('cancelled: no answer was given'));
    });
    // A visible prompt belongs to readline, which redraws it with the line (after a backspace, say);
    // a hidden one is written first, as readline's redraws are muted.
    if (options.hidden) {
      io.stderr.write(question);
      muted = true;
    }
    lineReader.question(options.hidden ? '' : question, (answer) => {
      answered = true;
      // The Enter key's line break was muted with the rest.
      if (options.hidden) io.stderr.write('\n');
      lineReader.close();
      resolve(answer);
    });
  });
}
