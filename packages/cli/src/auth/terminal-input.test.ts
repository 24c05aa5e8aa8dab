import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { assertCanPrompt, promptLine, readPipedSecret, type InputStream } from './terminal-input.js';

/** A stand-in for a terminal: what the user types is written to it; raw mode is recorded. */
function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  Object.assign(stdin, { setRawMode: (mode: boolean) => stdin.rawModes.push(mode) });
  const stderr = { text: '', isTTY: true, write: (chunk: string) => (stderr.text += chunk) };
  return { stdin: stdin as typeof stdin & InputStream, stderr };
}

const piped = (...chunks: string[]): InputStream => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

describe('readPipedSecret', () => {
  it('reads all of stdin without the one trailing line break, keeping other spaces', async () => {
    expect(await readPipedSecret(piped('correct horse ', 'battery staple \n'), 'password', '--password-stdin')).toBe('correct horse battery staple ');
    expect(await readPipedSecret(piped('pw\r\n'), 'password', '--password-stdin')).toBe('pw');
  });

  it('refuses empty input, several lines, and a terminal', async () => {
    await expect(readPipedSecret(piped(''), 'password', '--password-stdin')).rejects.toThrow('--password-stdin was given but stdin was empty: pipe the password in');
    await expect(readPipedSecret(piped('a\nb\n'), 'token', '--token-stdin')).rejects.toThrow('--token-stdin expects the token alone on stdin, and got several lines');
    await expect(readPipedSecret(fakeTerminal().stdin, 'token', '--token-stdin')).rejects.toThrow('--token-stdin reads the token from a pipe, and stdin is a terminal');
  });
});

describe('assertCanPrompt', () => {
  it('refuses a stdin that is not a terminal, saying what to do instead', () => {
    expect(() => assertCanPrompt(piped(), 'password', 'use --password-stdin')).toThrow(new CliError('cannot ask for the password: stdin is not a terminal. use --password-stdin'));
    expect(() => assertCanPrompt(fakeTerminal().stdin, 'password', 'x')).not.toThrow();
  });
});

describe('promptLine', () => {
  it('hides what is typed for a password: the prompt and one line break are all that is shown', async () => {
    const terminal = fakeTerminal();
    const answer = promptLine('password: ', terminal, { hidden: true });
    terminal.stdin.write('s3cret pass\r');
    expect(await answer).toBe('s3cret pass');
    expect(terminal.stderr.text).toBe('password: \n');
    expect(terminal.stdin.rawModes).toEqual([true, false]);
  });

  it('echoes a visible answer, with the prompt on stderr', async () => {
    const terminal = fakeTerminal();
    const answer = promptLine('email: ', terminal);
    terminal.stdin.write('ada@example.com\r');
    expect(await answer).toBe('ada@example.com');
    expect(terminal.stderr.text).toContain('email: ');
    expect(terminal.stderr.text).toContain('ada@example.com');
  });

  it('is cancelled by Ctrl-C or end of input, with nothing returned', async () => {
    const interrupted = fakeTerminal();
    const first = promptLine('password: ', interrupted, { hidden: true });
    interrupted.stdin.write('half\x03');
    await expect(first).rejects.toThrow('cancelled: no answer was given');

    const ended = fakeTerminal();
    const second = promptLine('email: ', ended);
    ended.stdin.end();
    await expect(second).rejects.toThrow('cancelled');
  });
});
