import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ModelgateApiError, ModelgateUnreachableError } from '@modelgate/sdk';
import { describe, expect, it } from 'vitest';
import type { InputStream } from './auth/terminal-input.js';
import { createCliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { parseApiUrl } from './program.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_ROLLOUT_NOT_COMPLETED, EXIT_USAGE, apiErrorLines, reportFailure, runCli } from './run-cli.js';

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
  it('accepts http(s) API URLs only', () => {
    expect(parseApiUrl('https://models.example/gate')).toBe('https://models.example/gate');
    expect(() => parseApiUrl('not a url')).toThrow('expected a URL like http://127.0.0.1:4000');
    expect(() => parseApiUrl('ftp://x')).toThrow('expected an http:// or https:// URL');
  });
});

describe('routing commands, refused before any request (exit 2)', () => {
  it.each([
    [['deploy', 'fraud'], "error: missing required argument 'model@version'"],
    [['deploy', 'fraud', 'fraud'], 'error: command-argument value \'fraud\' is invalid for argument \'model@version\'. expected <model>@<version>, e.g. fraud@3; got "fraud"'],
    [['deploy', 'fraud', 'fraud@2', '--weight', '120'], 'error: option \'--weight <percent>\' argument \'120\' is invalid. expected a whole percent from 1 to 100, e.g. 10; got "120"'],
    [['deploy', 'fraud', 'fraud@2', '--shadow', 'fraud@3:0'], 'got "fraud@3:0": the percent is a whole number from 1 to 100'],
    [['deploy', 'fraud', 'fraud@2', '--expected-revision', 'latest'], 'expected a revision number like 3 (0 for an endpoint that has none yet)'],
    [['promote', 'fraud', 'Fraud@2'], 'got "Fraud@2": model names are 2–63 characters'],
    [['rollback', 'fraud', '--to', '0'], "error: option '--to <revision>' argument '0' is invalid. expected a revision number like 3"],
    [['revisions'], "error: missing required argument 'endpoint'"],
    [['rollout', 'start', 'fraud', 'fraud@2', '--steps', '10,50'], 'the last step must be 100 (the candidate takes all traffic); got 50'],
    [['rollout', 'start', 'fraud', 'fraud@2', '--bake', '5 minutes'], 'expected a duration like 300, 300s, 5m or 1h30m; got "5 minutes"'],
    [['rollout', 'start', 'fraud', 'fraud@2', '--max-error-rate', '5'], 'a share is at most 1; got "5" (for 5 percent, write 5%)'],
    [['rollout', 'start', 'fraud', 'fraud@2', '--max-p95-ratio', '0.5'], "expected a ratio from 1 to 100"],
    [['rollout', 'start', 'fraud', 'fraud@2', '--min-requests', '0'], 'expected a whole number of requests from 1 to 10,000,000; got "0"'],
    [['rollout', 'stop', 'fraud'], "error: unknown command 'stop'"],
  ])('%j', async (args, message) => {
    // An API URL nothing answers at: any request would fail with exit 1, not 2.
    const result = await run('--api-url', 'http://127.0.0.1:9', ...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('documents canaries, shadows and examples in the help of deploy', async () => {
    const help = (await run('deploy', '--help')).stdout;
    expect(help).toContain('Usage: modelgate deploy [options] <endpoint> <model@version>');
    expect(help).toMatch(/keeps the rest; any\s+other canary is replaced/);
    for (const option of ['--weight <percent>', '--shadow <model@version[:percent]>', '--no-shadow', '--reason <text>', '--expected-revision <n>']) expect(help).toContain(option);
    expect(help).toContain('modelgate deploy fraud fraud@4 --weight 10       fraud@v4 gets 10 %, the primary keeps 90 %');
  });

  it('lists the rollout commands and documents the exit code of --watch', async () => {
    const help = (await run('rollout', '--help')).stdout;
    for (const command of ['start [options] <endpoint> <model@version>', 'status [options] <endpoint>', 'abort [options] <endpoint>']) expect(help).toContain(command);
    expect((await run('rollout', 'status', '--help')).stdout).toMatch(/exit 3 when it is rolled\s+back or aborted/);
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

  it("gives a CliError's own exit code: 3 for a rollout that did not complete", () => {
    const { stderr, context } = capture();
    const error = new CliError('the rollout of fraud@v2 on fraud did not complete: rolled back: p95 48 ms > 1.5 × baseline 20 ms', { exitCode: EXIT_ROLLOUT_NOT_COMPLETED });
    expect(reportFailure(error, context)).toBe(3);
    expect(stderr.text).toBe('error: the rollout of fraud@v2 on fraud did not complete: rolled back: p95 48 ms > 1.5 × baseline 20 ms\n');
    expect(reportFailure(new CliError('no such file'), capture().context)).toBe(EXIT_FAILURE);
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

describe('batch commands, refused before any request (exit 2)', () => {
  it.each([
    [['batch', 'submit'], "error: missing required argument 'file'"],
    [['batch', 'submit', 'rows.csv'], 'error: say where the rows go: --endpoint <endpoint> (its routing picks the version), or --model <model>@<version> (one pinned version)'],
    [['batch', 'submit', 'rows.csv', '--endpoint', 'fraud', '--model', 'fraud@2'], "error: option '--endpoint <endpoint>' cannot be used with option '--model <model@version>'"],
    [['batch', 'submit', 'rows.csv', '--model', 'fraud'], 'expected <model>@<version>, e.g. fraud@3; got "fraud"'],
    [['batch', 'submit', 'rows.csv', '--endpoint', 'fraud', '--mapping', 'x'], 'expected <input>=<column>[,<column>…]'],
    [['batch', 'submit', 'rows.csv', '--endpoint', 'fraud', '--chunk-size', '0'], 'expected a whole number of rows from 1 to 100,000; got "0"'],
    [['batch', 'submit', 'rows.csv', '--endpoint', 'fraud', '--error-budget', '2'], 'a share is at most 1; got "2" (for 2 percent, write 2%)'],
    [['batch', 'submit', 'rows.csv', '--endpoint', 'fraud', '--format', 'xlsx'], 'expected csv or jsonl; got "xlsx"'],
    [['batch', 'download', 'b1', '--format', 'parquet'], 'expected csv or jsonl; got "parquet"'],
    [['batch', 'list', '--status', 'done'], 'expected one of queued, running, succeeded, failed, cancelled; got "done"'],
    [['batch', 'failures', 'b1', '--limit', '5000'], 'expected a whole number from 1 to 1,000; got "5000"'],
    [['batch', 'status'], "error: missing required argument 'id'"],
  ])('%j', async (args, message) => {
    // An API URL nothing answers at: any request would fail with exit 1, not 2.
    const result = await run('--api-url', 'http://127.0.0.1:9', ...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('a missing batch file is named before anything is sent (exit 1)', async () => {
    const result = await run('--api-url', 'http://127.0.0.1:9', 'batch', 'submit', 'no/such/rows.csv', '--endpoint', 'fraud', '--quiet');
    expect(result).toEqual({ code: EXIT_FAILURE, stdout: '', stderr: 'error: cannot read the batch file no/such/rows.csv: no such file\n' });
  });

  it('documents the mapping rules, the examples and the exit code', async () => {
    const help = (await run('batch', 'submit', '--help')).stdout;
    for (const option of ['--endpoint <endpoint>', '--model <model@version>', '--mapping <input=columns>', '--chunk-size <rows>', '--error-budget <rate>', '--wait']) {
      expect(help).toContain(option);
    }
    expect(help).toContain('modelgate batch status "$id" --watch && modelgate batch download "$id" -o scored.csv');
    expect(help).toContain('Without --mapping, each input of the model takes the column');
    expect((await run('batch', 'status', '--help')).stdout).toMatch(/exit 3 when it\s+failed or was cancelled/);
    const commands = (await run('batch', '--help')).stdout;
    for (const command of ['submit [options] <file>', 'status [options] <id>', 'download [options] <id>', 'list [options]', 'cancel <id>', 'failures [options] <id>']) {
      expect(commands).toContain(command);
    }
  });
});
