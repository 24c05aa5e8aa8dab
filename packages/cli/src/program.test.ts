import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { describe, expect, it } from 'vitest';
import type { InputStream } from './auth/terminal-input.js';
import { createCliContext } from './cli-context.js';
import { parseApiUrl, parseVersionNumber } from './program.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, apiErrorLines, reportFailure, runCli } from './run-cli.js';

/** Never the developer's own sign-in: a config path in a directory that does not exist. */
const NO_CONFIG = { MODELGATE_CONFIG: path.join(os.tmpdir(), `modelgate-no-config-${process.pid}`, 'config.json') };

function capture(env: NodeJS.ProcessEnv = NO_CONFIG, stdin: InputStream = Readable.from([])) {
  const stdout = { text: '', write: (chunk: string) => (stdout.text += chunk) };
  const stderr = { text: '', write: (chunk: string) => (stderr.text += chunk) };
  return { stdout, stderr, context: createCliContext(stdout, stderr, stdin, env) };
}

/** Runs the CLI in-process; no API is needed for anything refused before a request. */
async function run(...args: string[]) {
  return runWith({}, ...args);
}

async function runWith(io: { env?: NodeJS.ProcessEnv; stdin?: InputStream }, ...args: string[]) {
  const { stdout, stderr, context } = capture({ ...NO_CONFIG, ...io.env }, io.stdin);
  const code = await runCli(['node', 'modelgate', ...args], context);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('usage errors (exit 2, nothing on stdout)', () => {
  it.each([
    [['models', 'upload'], "error: missing required argument 'model'"],
    [['models', 'upload', 'iris'], "error: missing required argument 'file'"],
    [['models', 'lst'], "error: unknown command 'lst'\n(Did you mean list?)"],
    [['versions', 'show', 'iris', 'latest'], "error: command-argument value 'latest' is invalid for argument 'version'. expected a version number like 3"],
    [['--api-url', 'localhost:4000', 'models', 'list'], "error: option '--api-url <url>' argument 'localhost:4000' is invalid. expected an http:// or https:// URL"],
    [['models', 'upload', 'iris', 'm.onnx', '--metrics', 'acc=1'], "error: option '--metrics <json>' argument 'acc=1' is invalid. not valid JSON"],
    [['models', 'list', '--bogus'], "error: unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('(add --help for usage)');
    expect(result.stdout).toBe('');
  });

  it('shows the help on stderr when no command is given', async () => {
    const result = await run();
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('Usage: modelgate [options] [command]');
  });
});

describe('help and version (exit 0, on stdout)', () => {
  it('documents the upload options', async () => {
    const result = await run('models', 'upload', '--help');
    expect(result.code).toBe(EXIT_OK);
    for (const option of ['--description <text>', '--tag <tag>', '--metrics <json>', '--sample-input <json-file>', '--quiet']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('names the environment variable of --api-url', async () => {
    expect((await run('--help')).stdout).toContain('env: MODELGATE_API_URL');
  });

  it('prints its version', async () => {
    expect(await run('--version')).toEqual({ code: EXIT_OK, stdout: '0.1.0\n', stderr: '' });
  });
});

describe('argument parsers', () => {
  it('reads version numbers as printed (3 or v3)', () => {
    expect(parseVersionNumber('3')).toBe(3);
    expect(parseVersionNumber('v12')).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'latest', '', '1e3']) expect(() => parseVersionNumber(bad)).toThrow('expected a version number like 3');
  });

  it('accepts http(s) API URLs only', () => {
    expect(parseApiUrl('https://models.example/gate')).toBe('https://models.example/gate');
    expect(() => parseApiUrl('not a url')).toThrow('expected a URL like http://127.0.0.1:4000');
    expect(() => parseApiUrl('ftp://x')).toThrow('expected an http:// or https:// URL');
  });
});

describe('a missing model file', () => {
  it('fails with exit 1 naming the path, before any request (the API URL is never tried)', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'models', 'upload', 'iris', '/nowhere/model.onnx');
    expect(result).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'error: cannot read the model file /nowhere/model.onnx: no such file\n' });
  });
});

describe('signing in without a terminal', () => {
  it('login refuses to prompt when stdin is not a terminal, and says how scripts sign in', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'login');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: cannot ask for the email: stdin is not a terminal. in scripts, pipe the password: `printf \'%s\' "$PASSWORD" | modelgate login --email you@example.com --password-stdin`, or store a token made in the dashboard with `modelgate login --token-stdin`\n',
    );
  });

  it('login --email still needs a terminal for the password', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'login', '--email', 'ada@example.com');
    expect(result.stderr).toMatch(/^error: cannot ask for the password: stdin is not a terminal\. in scripts, pipe the password/);
  });

  it('--password-stdin needs --email, since stdin carries the password', async () => {
    const result = await runWith({ stdin: Readable.from(['pw\n']) }, '--api-url', 'http://127.0.0.1:9', 'login', '--password-stdin');
    expect(result).toMatchObject({ code: EXIT_FAILURE, stderr: 'error: --password-stdin needs --email <address>: stdin carries the password, so the email cannot be asked for\n' });
  });

  it('a token with a line break in it is refused before it is sent anywhere', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'login', '--token', 'mgp_3fA9xQ2p_abc def');
    expect(result).toMatchObject({ code: EXIT_FAILURE, stderr: 'error: the Modelgate token contains whitespace or a control character: copy it again without the line break or spaces\n' });
  });

  it.each([
    [['login', '--token', 'x', '--email', 'a@b.c'], "error: option '--token <secret>' cannot be used with option '--email <address>'"],
    [['login', '--token-stdin', '--password-stdin'], "cannot be used with option '--token-stdin'"],
    [['login', '--expires', '2001-01-01'], "error: option '--expires <when>' argument '2001-01-01' is invalid. that moment has passed"],
    [['api-keys', 'create', 'app', '--predict', 'fraud', '--predict-all'], "error: option '--predict-all' cannot be used with option '--predict <endpoint...>'"],
    [['users', 'create-admin'], "error: required option '--email <address>' not specified"],
  ])('usage error: %j', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
  });

  it('logout without a saved sign-in says so and succeeds', async () => {
    expect(await run('logout')).toEqual({ code: EXIT_OK, stdout: `not signed in: there is no ${NO_CONFIG.MODELGATE_CONFIG}\n`, stderr: '' });
  });

  it('api-keys create refuses a key without any scope before asking the API', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'api-keys', 'create', 'checkout');
    expect(result).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'error: a key needs a scope: --predict <endpoint...>, --predict-all, and/or --read\n' });
  });

  it('the help says how to sign in and where the token is kept', async () => {
    const help = (await run('--help')).stdout;
    for (const command of ['login [options]', 'logout [options]', 'whoami', 'users', 'api-keys']) expect(help).toContain(command);
    expect(help).toContain(`saves a personal token (never the\n                             password) in ${NO_CONFIG.MODELGATE_CONFIG}`);
    expect(help).toContain('MODELGATE_TOKEN=<token>');
  });
});

describe('users create-admin, refused before touching a database', () => {
  it('names DATABASE_URL when it is not set', async () => {
    const result = await runWith({ stdin: Readable.from(['a long enough password\n']) }, 'users', 'create-admin', '--email', 'root@example.com', '--password-stdin');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toBe(
      'error: users create-admin writes to the database directly and needs DATABASE_URL: set it to the database the API uses, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/modelgate\n',
    );
  });

  const unreachableDatabase = { DATABASE_URL: 'postgresql://postgres:pw@127.0.0.1:9/modelgate' };

  it('refuses a password under 12 characters and an email that is not one', async () => {
    const short = await runWith({ env: unreachableDatabase, stdin: Readable.from(['too short\n']) }, 'users', 'create-admin', '--email', 'root@example.com', '--password-stdin');
    expect(short).toMatchObject({ code: EXIT_FAILURE, stderr: 'error: passwords are at least 12 characters\n' });

    const email = await runWith({ env: unreachableDatabase, stdin: Readable.from(['a long enough password']) }, 'users', 'create-admin', '--email', 'root', '--password-stdin');
    expect(email).toMatchObject({ code: EXIT_FAILURE, stderr: 'error: --email: expected an email address such as ada@example.com\n' });
  });

  it('says PostgreSQL is not answering, without the password of DATABASE_URL', async () => {
    const result = await runWith({ env: unreachableDatabase, stdin: Readable.from(['a long enough password']) }, 'users', 'create-admin', '--email', 'root@example.com', '--password-stdin');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toBe(
      "error: PostgreSQL at postgresql://postgres:***@127.0.0.1:9/modelgate is not answering (Can't reach database server at 127.0.0.1:9): is it running? (`docker compose up -d postgres`)\n",
    );
    expect(result.stderr).not.toContain(':pw@');
  });
});

describe('reportFailure', () => {
  const problem = { type: 't', title: 'Bad Request', status: 400, detail: 'body.tags.0: too long', code: 'validation_failed' };

  it("prints the API's detail and the field errors it does not already contain", () => {
    const error = new ModelgateApiError({
      ...problem,
      detail: 'metadata.sampleInput does not fit',
      errors: [{ path: 'metadata.sampleInput.inputs.x', message: 'expects float32 [N,2]; got [1,3]' }],
    });
    expect(apiErrorLines(error)).toEqual(['metadata.sampleInput does not fit', '  metadata.sampleInput.inputs.x: expects float32 [N,2]; got [1,3]']);
    expect(apiErrorLines(new ModelgateApiError({ ...problem, errors: [{ path: 'body.tags.0', message: 'too long' }] }))).toEqual(['body.tags.0: too long']);
  });

  it('gives exit 1 and one error line for API errors, no stack', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new ModelgateApiError(problem), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toBe('error: body.tags.0: too long\n');
  });

  it('gives exit 1 for an API that does not answer, saying where it looked', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new ModelgateUnreachableError('http://127.0.0.1:4000', 'ECONNREFUSED'), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toBe(
      'error: the Modelgate API at http://127.0.0.1:4000 is not answering: ECONNREFUSED\n  is the API running there? Point --api-url or MODELGATE_API_URL at it.\n',
    );
  });

  it('shows the stack of an unexpected error: that is a bug to report', () => {
    const { stderr, context } = capture();
    expect(reportFailure(new RangeError('boom'), context)).toBe(EXIT_FAILURE);
    expect(stderr.text).toMatch(/^error: RangeError: boom\n\s+at /);
  });
});
