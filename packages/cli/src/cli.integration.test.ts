// The built CLI as a user runs it (`node packages/cli/dist/main.js …` with MODELGATE_API_URL),
// against the real stack: built api + worker, PostgreSQL, Redis, onnxruntime.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ApiKeyList, BatchJob, BatchJobList, CreatedApiKey, Endpoint, ModelList, ModelVersion, RevisionList, Rollout, WhoAmI } from '@modelgate/contracts';
import { ModelgateClient } from '@modelgate/sdk';
import { buildGemmModel, writeModelFile } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startStack, type StartedStack } from '../../../scripts/lib/test-stack.mjs';

const IRIS = 'fixtures/models/sklearn-logistic-regression-iris/model.onnx';
const MNIST = 'fixtures/models/mnist/model.onnx';
// A pickle (protocol 4) of {'weights': [1, 2]}: what a data scientist might upload by mistake.
const PICKLE = Buffer.from('80049516000000000000007d948c0777656967687473945d94284b014b0265732e', 'hex');
const STACK_TRACE_LINE = /^\s+at .+:\d+:\d+\)?$/m;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stack: StartedStack;
let directory: string;

/**
 * `node packages/cli/dist/main.js …` from the repository root, stdout and stderr piped (not a TTY).
 * By default as the stack's admin (MODELGATE_TOKEN) with a config file of this run's own, never
 * the developer's; an `env` value of undefined removes that variable. `input` is piped to stdin.
 */
function modelgate(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliRun> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    MODELGATE_API_URL: stack.apiUrl,
    MODELGATE_TOKEN: stack.adminToken,
    MODELGATE_CONFIG: path.join(directory, 'default-config', 'config.json'),
    ...env,
  };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/cli/dist/main.js', ...args], {
      cwd: repoRoot,
      env: childEnv,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

beforeAll(async () => {
  // Rollouts are judged every half second (10 s by default) so one completes within a test.
  stack = await startStack({ env: { MODELGATE_ROLLOUT_CHECK_MS: '500' } });
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-cli-it-'));
});
afterAll(async () => {
  await stack?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('modelgate models upload', () => {
  it('uploads a model, shows the new version and its signature, with progress on stderr only', async () => {
    const result = await modelgate(['models', 'upload', 'iris-classifier', IRIS, '--description', 'baseline', '--tag', 'sklearn', '--tag', 'iris', '--metrics', '{"accuracy": 0.95}']);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('iris-classifier v1 created (632 B, sha256 d466e943…)');
    expect(lines).toContain('        NAME           DTYPE                          SHAPE');
    expect(lines).toContain('input   input          float32                        [1, 3]');
    expect(lines).toContain('output  label          int64                          [1]');
    expect(lines).toContain('output  probabilities  seq(map(int64,tensor(float)))  not a tensor: never returned by predict');
    expect(result.stdout).toMatch(/^warning: output "probabilities" is seq/m);
    expect(result.stdout).not.toMatch(/uploading|validating|%/);
    expect(result.stderr).toMatch(/^uploading model\.onnx: 100 % \(632 B of 632 B, .+\/s\)$/m);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('validating…');
    expect(result.stdout).not.toContain('\x1b[');
  });

  it('says so when the same bytes are already a version', async () => {
    const result = await modelgate(['models', 'upload', 'iris-classifier', IRIS]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('iris-classifier: identical bytes are already version 1; nothing new was stored (632 B, sha256 d466e943…)');
  });

  it('--json prints the version exactly as the API sent it, and no progress at all', async () => {
    const result = await modelgate(['models', 'upload', 'mnist', MNIST, '--json']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const version = JSON.parse(result.stdout) as ModelVersion;
    expect(version).toMatchObject({ model: 'mnist', version: 1, sizeBytes: 26_454, fileName: 'model.onnx' });
    expect(version.signature.inputs).toEqual([{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
  });

  it('prints a few progress lines for a bigger model on a pipe', async () => {
    const filePath = await writeModelFile(directory, 'wide.onnx', buildGemmModel({ inFeatures: 1024, outFeatures: 1024 }));

    const result = await modelgate(['models', 'upload', 'wide-gemm', filePath]);

    expect(result.code).toBe(0);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('uploading wide.onnx: '));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(progress.at(-1)).toMatch(/^uploading wide\.onnx: 100 % \(4\.0 MiB of 4\.0 MiB, .+\/s\)$/);
    expect(result.stdout).toContain('input   x     float32  [N, 1024]');
  });

  it("refuses a pickle with the API's reason on stderr and exit 1", async () => {
    const filePath = path.join(directory, 'model.pkl');
    await writeFile(filePath, PICKLE);

    const result = await modelgate(['models', 'upload', 'pickled', filePath]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'error: model.pkl is not a usable ONNX model: this is a Python pickle (protocol 4), not an ONNX model; pickle files are never loaded: export to ONNX with skl2onnx / torch.onnx.export / tf2onnx',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('refuses a missing file, naming it, and sends nothing', async () => {
    const result = await modelgate(['models', 'upload', 'never-sent', 'fixtures/models/nope/model.onnx']);

    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read the model file fixtures/models/nope/model.onnx: no such file\n' });
    const list = JSON.parse((await modelgate(['models', 'list', '--json'])).stdout) as ModelList;
    expect(list.items.map((model) => model.name)).not.toContain('never-sent');
  });

  it('passes the sample input, and shows the field errors when it does not fit the model', async () => {
    const sample = path.join(directory, 'sample.json');
    await writeFile(sample, JSON.stringify({ inputs: { Input3: [[1, 2, 3]] } }));

    // A model of its own: identical bytes to an existing version would be answered with that version.
    const result = await modelgate(['models', 'upload', 'mnist-sampled', MNIST, '--sample-input', sample, '--quiet']);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: metadata\.sampleInput does not fit the model's signature: .*Input3/);
    expect(result.stderr).toContain('metadata.sampleInput.');
  });

  it("reports the API's refusal of a model name", async () => {
    const result = await modelgate(['models', 'upload', 'Not_A_Name', IRIS, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('model names are 2–63 characters of lowercase letters, digits and "-"');
  });
});

describe('reading the registry', () => {
  it('models list: JSON as the API sends it, and an aligned table', async () => {
    const json = await modelgate(['models', 'list', '--json']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as ModelList;
    expect(list.items.map((model) => [model.name, model.versionCount, model.latestVersion])).toEqual([
      ['iris-classifier', 1, 1],
      ['mnist', 1, 1],
      ['wide-gemm', 1, 1],
    ]);

    const table = await modelgate(['models', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('NAME             VERSIONS  LATEST  UPDATED');
    expect(lines[1]).toMatch(/^iris-classifier  1         v1      \d{4}-\d\d-\d\d \d\d:\d\d$/);
  });

  it('models show: the versions table', async () => {
    const result = await modelgate(['models', 'show', 'iris-classifier']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('VERSION  STATUS  SIZE   SHA256        CREATED           TAGS           DESCRIPTION');
    expect(result.stdout).toMatch(/^v1       ready   632 B  d466e94371e3  \S+ \S+  sklearn, iris  baseline$/m);
  });

  it('versions show: JSON as the API sends it', async () => {
    const result = await modelgate(['versions', 'show', 'iris-classifier', '1', '--json']);
    expect(result.code).toBe(0);
    const version = JSON.parse(result.stdout) as ModelVersion;
    expect(version).toMatchObject({ model: 'iris-classifier', version: 1, metadata: { description: 'baseline', tags: ['sklearn', 'iris'], metrics: { accuracy: 0.95 } } });
  });

  it('versions show: everything useful, readable', async () => {
    const result = await modelgate(['versions', 'show', 'iris-classifier', 'v1']);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text.split('\n')[0]).toBe('iris-classifier v1');
    for (const line of [
      /^status +ready$/m,
      /^archived +no$/m,
      /^size +632 B \(632 bytes\)$/m,
      /^sha256 +d466e94371e3556c2407c621aba61806ef4b60cd68a69ae1208a3a3c7e0044bb$/m,
      /^batchable +no$/m,
      /^producer +OnnxMLTools 1\.3\.1$/m,
      /^opsets +ai\.onnx\.ml 1$/m,
      /^tags +sklearn, iris$/m,
      /^metrics +\{"accuracy":0\.95\}$/m,
      /^input   input          float32                        \[1, 3\]$/m,
      /^warning: input "input" has a fixed first dimension/m,
    ]) {
      expect(text).toMatch(line);
    }
  });

  it('a missing version is the API\'s 404 detail, exit 1', async () => {
    const result = await modelgate(['versions', 'show', 'iris-classifier', '7']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: model "iris-classifier" has no version 7\n' });
  });
});

describe('an API that does not answer', () => {
  it('is reported with its URL and exit 1, for reads and uploads alike', async () => {
    const read = await modelgate(['--api-url', 'http://127.0.0.1:9', 'models', 'list']);
    expect(read.code).toBe(1);
    expect(read.stdout).toBe('');
    expect(read.stderr).toMatch(/^error: the Modelgate API at http:\/\/127\.0\.0\.1:9 is not answering: /);

    const upload = await modelgate(['models', 'upload', 'iris-classifier', IRIS], { MODELGATE_API_URL: 'http://127.0.0.1:9' });
    expect(upload.code).toBe(1);
    expect(upload.stdout).toBe('');
    expect(upload.stderr).toContain('error: the Modelgate API at http://127.0.0.1:9 is not answering: ECONNREFUSED');
    expect(upload.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

/** The config a sign-in test writes: a directory of its own, so tests do not share a sign-in. */
function freshConfig(name: string): { MODELGATE_CONFIG: string; MODELGATE_TOKEN: undefined } {
  return { MODELGATE_CONFIG: path.join(directory, name, 'modelgate', 'config.json'), MODELGATE_TOKEN: undefined };
}

interface SavedConfig {
  apiUrl: string;
  token: string;
  tokenId: string | null;
  prefix: string;
  email: string | null;
  kind: string;
}

const readConfig = async (configPath: string) => JSON.parse(await readFile(configPath, 'utf8')) as SavedConfig;
const modeOf = async (filePath: string) => (await stat(filePath)).mode & 0o777;

describe('modelgate login, whoami, logout', () => {
  it('login --password-stdin saves a 0600 config, and later commands use it without any other setting', async () => {
    const env = freshConfig('password-login');

    const login = await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, `${stack.adminPassword}\n`);

    expect(login.code).toBe(0);
    const config = await readConfig(env.MODELGATE_CONFIG);
    expect(config).toMatchObject({ apiUrl: stack.apiUrl, email: stack.adminEmail, kind: 'personal_token', tokenId: expect.any(String) });
    expect(config.token.startsWith(`${config.prefix}_`)).toBe(true);
    expect(await modeOf(env.MODELGATE_CONFIG)).toBe(0o600);
    expect(await modeOf(path.dirname(env.MODELGATE_CONFIG))).toBe(0o700);
    expect(login.stdout).toBe(`signed in to ${stack.apiUrl} as ${stack.adminEmail} (admin)\ntoken ${config.prefix} saved in ${env.MODELGATE_CONFIG}\n`);
    expect(login.stdout + login.stderr).not.toContain(config.token);

    // No MODELGATE_API_URL either: the saved sign-in's API is the default.
    const list = await modelgate(['models', 'list', '--json'], { ...env, MODELGATE_API_URL: undefined });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as ModelList).items.length).toBeGreaterThan(0);

    const whoami = await modelgate(['whoami'], { ...env, MODELGATE_API_URL: undefined });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(new RegExp(`^email +${stack.adminEmail.replace('.', '\\.')}$`, 'm'));
    expect(whoami.stdout).toMatch(/^role +admin \(Admin\)$/m);
    expect(whoami.stdout).toMatch(/^via +personal token$/m);
    expect(whoami.stdout).toContain(`${config.prefix} saved in ${env.MODELGATE_CONFIG}`);
    expect(whoami.stdout).not.toContain(config.token);

    const json = await modelgate(['whoami', '--json'], env);
    expect(JSON.parse(json.stdout) as WhoAmI).toMatchObject({ kind: 'user', via: 'personal_token', user: { email: stack.adminEmail, role: 'admin' } });
  });

  it('logout revokes the saved token and deletes the file; the old token then gets 401', async () => {
    const env = freshConfig('logout');
    expect((await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, stack.adminPassword)).code).toBe(0);
    const { token, prefix } = await readConfig(env.MODELGATE_CONFIG);

    const logout = await modelgate(['logout'], env);

    expect(logout).toEqual({ code: 0, stdout: `signed out of ${stack.apiUrl}: token ${prefix} revoked; removed ${env.MODELGATE_CONFIG}\n`, stderr: '' });
    await expect(stat(env.MODELGATE_CONFIG)).rejects.toMatchObject({ code: 'ENOENT' });
    const withOldToken = await modelgate(['whoami'], { ...env, MODELGATE_TOKEN: token });
    expect(withOldToken.code).toBe(1);
    expect(withOldToken.stderr).toContain(`the token in MODELGATE_TOKEN (${prefix}) was refused by ${stack.apiUrl}`);
  });

  it('logging in again revokes the token the CLI made before: its secret is gone', async () => {
    const env = freshConfig('relogin');
    await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, stack.adminPassword);
    const first = await readConfig(env.MODELGATE_CONFIG);

    const again = await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, stack.adminPassword);

    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`revoked the token this login replaced (${first.prefix})\n`);
    expect((await readConfig(env.MODELGATE_CONFIG)).prefix).not.toBe(first.prefix);
    expect((await modelgate(['whoami'], { ...env, MODELGATE_TOKEN: first.token })).code).toBe(1);
  });

  it('replaces a config file it cannot use instead of refusing to log in', async () => {
    const env = freshConfig('corrupt');
    await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, stack.adminPassword);
    await writeFile(env.MODELGATE_CONFIG, '{"apiUrl": ', { mode: 0o600 });

    const broken = await modelgate(['whoami'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`the Modelgate config file ${env.MODELGATE_CONFIG} is not valid JSON`);

    const login = await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, stack.adminPassword);
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/^warning: replacing .+config\.json, which could not be used \(.+not valid JSON/);
    expect((await modelgate(['whoami'], env)).code).toBe(0);
  });

  it("a wrong password exits 1 with the API's message and saves nothing", async () => {
    const env = freshConfig('wrong-password');

    const result = await modelgate(['login', '--email', stack.adminEmail, '--password-stdin'], env, 'certainly not the password');

    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: email or password is wrong\n' });
    await expect(stat(env.MODELGATE_CONFIG)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a 401 says to log in, naming what was (or was not) sent', async () => {
    const env = freshConfig('never-signed-in');

    const result = await modelgate(['models', 'list'], env);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: .+\n {2}not signed in: run `modelgate login`, or set MODELGATE_TOKEN to an API key or personal token\n$/);
  });

  it('refuses to prompt when stdin is not a terminal', async () => {
    const result = await modelgate(['login'], freshConfig('no-tty'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot ask for the email: stdin is not a terminal\. in scripts, pipe the password/);
  });

  it('login --token-stdin checks a token made elsewhere and saves it; logout revokes it', async () => {
    const env = freshConfig('pasted-token');
    const made = await new ModelgateClient({ apiUrl: stack.apiUrl, token: stack.adminToken }).createPersonalToken({ name: 'made in the dashboard' });

    const login = await modelgate(['login', '--token-stdin'], env, `${made.secret}\n`);

    expect(login.code).toBe(0);
    expect(await readConfig(env.MODELGATE_CONFIG)).toMatchObject({ tokenId: made.id, prefix: made.prefix, email: stack.adminEmail, kind: 'personal_token' });
    expect((await modelgate(['whoami'], env)).stdout).toContain(`${made.prefix} saved in`);

    expect((await modelgate(['logout'], env)).stdout).toContain(`token ${made.prefix} revoked`);
    expect((await modelgate(['whoami'], { ...env, MODELGATE_TOKEN: made.secret })).code).toBe(1);
  });

  it('login --token refuses a token the API does not know, and saves nothing', async () => {
    const env = freshConfig('bad-token');
    const result = await modelgate(['login', '--token', 'mgp_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: ${stack.apiUrl.replace(/[.:/]/g, '\\$&')} refused that token: .+\. Nothing was saved\n$`));
    await expect(stat(env.MODELGATE_CONFIG)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('modelgate users create-admin', () => {
  it('creates an admin in the stack\'s database who can then log in; again only with --reset-password', async () => {
    const databaseEnv = { DATABASE_URL: stack.env.DATABASE_URL };

    const created = await modelgate(['users', 'create-admin', '--email', 'Root@Example.com', '--password-stdin'], databaseEnv, 'a root password, long\n');

    expect(created).toEqual({ code: 0, stdout: 'admin root@example.com created: sign in with `modelgate login --email root@example.com`\n', stderr: '' });
    const env = freshConfig('created-admin');
    expect((await modelgate(['login', '--email', 'root@example.com', '--password-stdin'], env, 'a root password, long')).code).toBe(0);
    expect((await modelgate(['whoami'], env)).stdout).toMatch(/^role +admin \(Admin\)$/m);

    const again = await modelgate(['users', 'create-admin', '--email', 'root@example.com', '--password-stdin'], databaseEnv, 'another password here');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: a user root@example.com already exists and was left unchanged: add --reset-password to give them a new password and make them an admin\n');

    const reset = await modelgate(['users', 'create-admin', '--email', 'root@example.com', '--password-stdin', '--reset-password'], databaseEnv, 'another password here');
    expect(reset).toMatchObject({ code: 0, stdout: 'root@example.com has a new password and is an admin (and enabled) again\n' });
    const withNewPassword = await modelgate(['login', '--email', 'root@example.com', '--password-stdin'], freshConfig('reset-admin'), 'another password here');
    expect(withNewPassword.code).toBe(0);
  });

  it('names DATABASE_URL when it is missing', async () => {
    const result = await modelgate(['users', 'create-admin', '--email', 'x@example.com', '--password-stdin'], { DATABASE_URL: undefined }, 'a root password, long');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('needs DATABASE_URL');
  });
});

describe('modelgate api-keys', () => {
  it('creates a key (secret on stdout only), lists it, and revokes it by prefix', async () => {
    const created = await modelgate(['api-keys', 'create', 'reporting', '--predict-all', '--read', '--expires', '30d']);

    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^mgk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const prefix = secret.slice(0, 12);
    expect(created.stderr).toContain(`created API key "reporting" (${prefix}): predict: every endpoint; read, expires `);
    expect(created.stderr).toContain('warning: this is the only time the secret is shown');
    expect(created.stderr).not.toContain(secret);

    const asKey = await modelgate(['models', 'list', '--json'], { MODELGATE_TOKEN: secret });
    expect(asKey.code).toBe(0);
    const whoami = await modelgate(['whoami'], { MODELGATE_TOKEN: secret });
    expect(whoami.stdout).toMatch(new RegExp(`^api key +reporting \\(${prefix}\\)$`, 'm'));

    const list = await modelgate(['api-keys', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${prefix} +reporting +predict: every endpoint; read +active `, 'm'));
    expect(list.stdout).not.toContain(secret);

    const revoked = await modelgate(['api-keys', 'revoke', prefix]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked API key "reporting" (${prefix}): every API process refuses it within a second\n` });
    const keys = JSON.parse((await modelgate(['api-keys', 'list', '--json'])).stdout) as ApiKeyList;
    expect(keys.items.find((key) => key.prefix === prefix)?.revokedAt).toEqual(expect.any(String));

    const refused = await modelgate(['models', 'list'], { MODELGATE_TOKEN: secret });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the token in MODELGATE_TOKEN (${prefix}) was refused`);
  });

  it('--json prints the created key with its secret, for scripts', async () => {
    const result = await modelgate(['api-keys', 'create', 'scripted', '--predict', 'iris', 'fraud', '--json']);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as CreatedApiKey;
    expect(created).toMatchObject({ name: 'scripted', scopes: { predict: ['iris', 'fraud'], read: false }, secret: expect.stringMatching(/^mgk_/) });
  });

  it("shows the API's reason when the role does not allow it", async () => {
    const admin = new ModelgateClient({ apiUrl: stack.apiUrl, token: stack.adminToken });
    await admin.createUser({ email: 'scientist@example.com', role: 'data_scientist', password: 'a scientist password' });
    await admin.createUser({ email: 'viewer@example.com', role: 'viewer', password: 'a viewer password' });
    const scientist = freshConfig('scientist');
    const viewer = freshConfig('viewer');
    expect((await modelgate(['login', '--email', 'scientist@example.com', '--password-stdin'], scientist, 'a scientist password')).code).toBe(0);
    expect((await modelgate(['login', '--email', 'viewer@example.com', '--password-stdin'], viewer, 'a viewer password')).code).toBe(0);

    const keys = await modelgate(['api-keys', 'list'], scientist);
    expect(keys).toEqual({ code: 1, stdout: '', stderr: 'error: only admins can manage API keys\n' });
    const upload = await modelgate(['models', 'upload', 'viewer-upload', IRIS, '--quiet'], viewer);
    expect(upload.code).toBe(1);
    expect(upload.stderr).toBe('error: viewers can look but not change anything; ask an admin for the data scientist role\n');
  });
});

/** Versions 1–4 of `model`: small Gemm models with the same signature ([N, 2] → [N, 1]), different bytes. */
async function uploadScorerVersions(model: string): Promise<void> {
  for (const bias of [1, 2, 3, 4]) {
    const filePath = await writeModelFile(path.join(directory, model), `v${bias}.onnx`, buildGemmModel({ inFeatures: 2, outFeatures: 1, bias: [bias] }));
    const upload = await modelgate(['models', 'upload', model, filePath, '--quiet', '--json']);
    expect(upload.code).toBe(0);
    expect((JSON.parse(upload.stdout) as ModelVersion).version).toBe(bias);
  }
}

const adminClient = () => new ModelgateClient({ apiUrl: stack.apiUrl, token: stack.adminToken });

describe('routing traffic: deploy, revisions, promote, rollback', () => {
  beforeAll(async () => {
    await uploadScorerVersions('scorer');
    await adminClient().createEndpoint({ name: 'scoring' });
  });

  it('deploy sends all traffic to a version, then a canary next to the primary, with a shadow', async () => {
    const first = await modelgate(['deploy', 'scoring', 'scorer@1']);
    expect(first).toEqual({
      code: 0,
      stdout: 'scoring is now at revision 1 (deploy)\nroutes   none → scorer@v1 100 %\nshadows  none (unchanged)\nreason   deploy scorer@v1 100 %\n',
      stderr: '',
    });

    const canary = await modelgate(['deploy', 'scoring', 'scorer@v2', '--weight', '10', '--shadow', 'scorer@3:25', '--reason', 'try v2 on a tenth']);
    expect(canary.code).toBe(0);
    expect(canary.stdout.split('\n')).toEqual([
      'scoring is now at revision 2 (canary; was revision 1)',
      'routes   scorer@v1 100 % → scorer@v1 90 %, scorer@v2 10 %',
      'shadows  none → scorer@v3 25 %',
      'reason   try v2 on a tenth',
      '',
    ]);
  });

  it('deploy --weight replaces the other canary and keeps the shadows; --json prints the endpoint', async () => {
    const result = await modelgate(['deploy', 'scoring', 'scorer@4', '--weight', '20', '--json']);
    expect(result.code).toBe(0);
    const endpoint = JSON.parse(result.stdout) as Endpoint;
    expect(endpoint.activeRevision).toMatchObject({
      number: 3,
      kind: 'canary',
      routes: [expect.objectContaining({ model: 'scorer', version: 1, weight: 80 }), expect.objectContaining({ model: 'scorer', version: 4, weight: 20 })],
      shadows: [expect.objectContaining({ model: 'scorer', version: 3, percent: 25 })],
    });
  });

  it('revisions lists the history newest first, the active one marked', async () => {
    const table = await modelgate(['revisions', 'scoring']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REVISION +KIND +ROUTES +SHADOWS +REASON +BY +WHEN$/);
    expect(lines[1]).toMatch(new RegExp(`^3 \\(active\\) +canary +scorer@v1 80 %, scorer@v4 20 % +scorer@v3 25 % +deploy scorer@v1 80 %, scorer@v4 20 % +${stack.adminEmail.replace('.', '\\.')} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`));
    expect(lines[2]).toMatch(/^2 +canary +scorer@v1 90 %, scorer@v2 10 % +scorer@v3 25 % +try v2 on a tenth +/);
    expect(lines[3]).toMatch(/^1 +deploy +scorer@v1 100 % +— +deploy scorer@v1 100 % +/);

    const json = await modelgate(['revisions', 'scoring', '--json']);
    expect((JSON.parse(json.stdout) as RevisionList).items.map((revision) => revision.number)).toEqual([3, 2, 1]);
  });

  it('promote sends everything to one version and says what changed', async () => {
    const result = await modelgate(['promote', 'scoring', 'scorer@2', '--reason', 'v2 holds up']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'scoring is now at revision 4 (promote; was revision 3)',
      'routes   scorer@v1 80 %, scorer@v4 20 % → scorer@v2 100 %',
      'shadows  scorer@v3 25 % → none',
      'reason   v2 holds up',
      '',
    ]);
  });

  it('rollback goes back one revision, or to the one given with --to', async () => {
    const back = await modelgate(['rollback', 'scoring']);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(
      'scoring is now at revision 5 (rollback; was revision 4)\nroutes   scorer@v2 100 % → scorer@v1 80 %, scorer@v4 20 %\nshadows  none → scorer@v3 25 %\nreason   roll back to revision 3\n',
    );

    const toFirst = await modelgate(['rollback', 'scoring', '--to', '1', '--reason', 'start over']);
    expect(toFirst.code).toBe(0);
    expect(toFirst.stdout).toContain('scoring is now at revision 6 (rollback; was revision 5)\nroutes   scorer@v1 80 %, scorer@v4 20 % → scorer@v1 100 %\n');
  });

  it("refuses a stale --expected-revision with the API's detail and what to do, changing nothing", async () => {
    const result = await modelgate(['deploy', 'scoring', 'scorer@2', '--weight', '10', '--expected-revision', '2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: endpoint "scoring" is at revision 6, but this change was made against revision 2: reload it and retry with expectedRevision 6\n' +
        '  someone (or a rollout) changed "scoring" meanwhile: `modelgate revisions scoring` shows what changed; run the command again (without --expected-revision it applies to the revision active then)\n',
    );

    const matching = await modelgate(['deploy', 'scoring', 'scorer@2', '--weight', '10', '--expected-revision', '6']);
    expect(matching.code).toBe(0);
    expect(matching.stdout).toContain('scoring is now at revision 7 (canary; was revision 6)');
  });

  it('refuses a canary without a primary, and the primary as its own canary, before changing anything', async () => {
    await adminClient().createEndpoint({ name: 'scoring-empty' });
    const empty = await modelgate(['deploy', 'scoring-empty', 'scorer@2', '--weight', '10']);
    expect(empty).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: endpoint "scoring-empty" routes no traffic yet, so there is no primary to keep the other 90 %: deploy scorer@v2 without --weight first\n',
    });

    const primary = await modelgate(['deploy', 'scoring', 'scorer@1', '--weight', '10']);
    expect(primary.code).toBe(1);
    expect(primary.stderr).toBe(
      'error: scorer@v1 is already the primary of "scoring" (90 %): --weight gives a canary its share next to the primary; to send all traffic to it, leave --weight out\n',
    );
    expect((JSON.parse((await modelgate(['revisions', 'scoring', '--json'])).stdout) as RevisionList).items[0]?.number).toBe(7);
  });

  it("prints the API's refusals: a missing version, an endpoint that does not exist, a role that may not", async () => {
    expect(await modelgate(['promote', 'scoring', 'scorer@9'])).toEqual({ code: 1, stdout: '', stderr: 'error: model "scorer" has no version 9\n' });
    expect(await modelgate(['revisions', 'nowhere'])).toEqual({ code: 1, stdout: '', stderr: 'error: endpoint "nowhere" does not exist\n' });

    await adminClient().createUser({ email: 'canary-scientist@example.com', role: 'data_scientist', password: 'a scientist password' });
    const scientist = freshConfig('canary-scientist');
    expect((await modelgate(['login', '--email', 'canary-scientist@example.com', '--password-stdin'], scientist, 'a scientist password')).code).toBe(0);
    expect(await modelgate(['rollback', 'scoring'], scientist)).toEqual({ code: 1, stdout: '', stderr: 'error: only admins can roll back an endpoint\n' });
    const tooMuch = await modelgate(['deploy', 'scoring', 'scorer@2', '--weight', '60'], scientist);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toBe('error: data scientists can send at most 50 % away from the primary scorer@v1 (now 90 %); this split sends 60 % elsewhere: ask an admin to promote\n');
    const allowed = await modelgate(['deploy', 'scoring', 'scorer@2', '--weight', '50', '--no-shadow'], scientist);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('routes   scorer@v1 90 %, scorer@v2 10 % → scorer@v1 50 %, scorer@v2 50 %');
  });
});

/** Runs the CLI until it exits, calling `onOutput` with stdout so far whenever more arrives. */
function modelgateWatching(args: string[], onOutput: (stdout: string) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/cli/dist/main.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, MODELGATE_API_URL: stack.apiUrl, MODELGATE_TOKEN: stack.adminToken, MODELGATE_CONFIG: path.join(directory, 'default-config', 'config.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const TIME = '\\d\\d:\\d\\d:\\d\\d';

describe('progressive rollouts: rollout start, status, abort', () => {
  beforeAll(async () => {
    await uploadScorerVersions('ranker');
    await adminClient().createEndpoint({ name: 'ranking' });
  });

  it('status and abort say so when there has been no rollout', async () => {
    expect(await modelgate(['rollout', 'status', 'ranking'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: endpoint "ranking" has had no rollouts yet: start one with `modelgate rollout start ranking <model>@<version>`\n',
    });
    expect(await modelgate(['rollout', 'abort', 'ranking'])).toEqual({ code: 1, stdout: '', stderr: 'error: endpoint "ranking" has no running rollout to abort (it has had none)\n' });
  });

  it("start refuses an endpoint without traffic with the API's reason", async () => {
    const result = await modelgate(['rollout', 'start', 'ranking', 'ranker@2']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: endpoint "ranking" has no deployed version to roll out from: promote one first\n' });
  });

  it('start sends the first step to the candidate and shows the rollout; a second start is refused', async () => {
    expect((await modelgate(['deploy', 'ranking', 'ranker@1'])).code).toBe(0);

    const started = await modelgate(['rollout', 'start', 'ranking', 'ranker@2', '--steps', '20,100', '--bake', '1h', '--max-error-rate', '2%', '--min-requests', '5', '--reason', 'ranker v2']);

    expect(started.code).toBe(0);
    expect(started.stderr).toBe('');
    const lines = started.stdout.split('\n');
    expect(lines[0]).toBe('rollout of ranker@v2 on ranking: running');
    expect(lines).toContain('candidate   ranker@v2');
    expect(lines).toContain('baseline    ranker@v1');
    expect(lines).toContain('step        1 of 2, ranker@v2 at 20 % (steps 20 → 100 %)');
    expect(started.stdout).toMatch(/^in step {5}\d+s of a 1h bake$/m);
    expect(lines).toContain("guardrails  error rate ≤ 2 %, p95 ≤ 1.5 × the baseline's, judged after 5 requests in a step");
    expect(started.stdout).toMatch(new RegExp(`^started {5}\\S+ \\S+ by ${stack.adminEmail.replace('.', '\\.')}$`, 'm'));

    const revisions = await modelgate(['revisions', 'ranking']);
    expect(revisions.stdout.split('\n')[1]).toMatch(/^2 \(active\) +canary +ranker@v2 20 %, ranker@v1 80 % +— +ranker v2 +/);

    const again = await modelgate(['rollout', 'start', 'ranking', 'ranker@3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: endpoint "ranking" already has rollout [0-9a-f-]{36} running: abort it first/);
  });

  it('status --json prints the rollout as the API sent it', async () => {
    const result = await modelgate(['rollout', 'status', 'ranking', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout) as Rollout).toMatchObject({
      endpoint: 'ranking',
      candidate: { model: 'ranker', version: 2 },
      baseline: { model: 'ranker', version: 1 },
      steps: [20, 100],
      stepIndex: 0,
      bakeSeconds: 3600,
      guardrails: { maxErrorRate: 0.02, maxP95Ratio: 1.5, minRequests: 5 },
      status: 'running',
    });
  });

  it('status --watch prints a line per change on a pipe, and exits 3 when the rollout is aborted', async () => {
    let aborting: Promise<CliRun> | undefined;
    const watching = modelgateWatching(['rollout', 'status', 'ranking', '--watch'], () => {
      // Abort once the watch has shown the running rollout.
      aborting ??= modelgate(['rollout', 'abort', 'ranking', '--reason', 'wrong features']);
    });

    const watched = await watching;
    const aborted = await aborting!;

    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(
      new RegExp(
        `^aborted the rollout of ranker@v2 on ranking at step 1 of 2, ranker@v2 at 20 %\\noutcome  aborted by ${stack.adminEmail.replace('.', '\\.')}: wrong features\\nroutes   ranker@v1 100 % \\(revision 3, rollback\\)\\nshadows  none\\n$`,
      ),
    );
    expect(watched.code).toBe(3);
    const lines = watched.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${TIME} step 1 of 2, ranker@v2 at 20 %: (not checked yet|wait: waiting for requests: 0 of 5 so far, .+)$`));
    expect(lines.at(-1)).toMatch(new RegExp(`^${TIME} step 1 of 2, ranker@v2 at 20 %: aborted by ${stack.adminEmail.replace('.', '\\.')}: wrong features$`));
    expect(watched.stdout).not.toContain('\x1b[');
    expect(watched.stderr).toBe(`error: the rollout of ranker@v2 on ranking did not complete: aborted by ${stack.adminEmail}: wrong features\n`);

    const status = await modelgate(['rollout', 'status', 'ranking']);
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n')[0]).toBe('rollout of ranker@v2 on ranking: aborted');
    expect(status.stdout).toMatch(/^ended {7}\S+ \S+$/m);
  });

  it('abort refuses when none is running, naming the latest', async () => {
    const result = await modelgate(['rollout', 'abort', 'ranking']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: endpoint "ranking" has no running rollout to abort \(the latest, of ranker@v2, aborted \d{4}-\d\d-\d\d \d\d:\d\d\)\n$/);
  });

  it('a rollout that passes its guardrails completes: status --watch exits 0 and the candidate serves everything', async () => {
    // A p95 ratio this loose keeps sub-millisecond noise between two tiny models from rolling it back.
    const started = await modelgate(['rollout', 'start', 'ranking', 'ranker@3', '--steps', '50,100', '--bake', '1s', '--min-requests', '3', '--max-p95-ratio', '100', '--json']);
    expect(started.code).toBe(0);
    expect((JSON.parse(started.stdout) as Rollout).status).toBe('running');
    const client = adminClient();
    for (let request = 0; request < 30; request += 1) await client.predict('ranking', { inputs: { x: [[1, 2]] } });

    const watched = await modelgate(['rollout', 'status', 'ranking', '--watch']);

    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(0);
    expect(watched.stdout.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${TIME} step 2 of 2, ranker@v3 at 100 %: completed: error rate 0 % ≤ 1 %, p95 .+ ≤ 100 × baseline .+ over \\d+ requests in \\d+ s$`));
    const revisions = await modelgate(['revisions', 'ranking']);
    expect(revisions.stdout.split('\n')[1]).toMatch(/^5 \(active\) +auto-promote +ranker@v3 100 % +— +rollout completed: /);
    const status = await modelgate(['rollout', 'status', 'ranking']);
    expect(status.stdout).toMatch(/^rollout of ranker@v3 on ranking: completed\noutcome {5}completed: error rate 0 % ≤ 1 %/);
  });

  it('a change made by hand stops a running rollout', async () => {
    expect((await modelgate(['rollout', 'start', 'ranking', 'ranker@4', '--bake', '1h'])).code).toBe(0);

    const deployed = await modelgate(['deploy', 'ranking', 'ranker@3', '--reason', 'hotfix']);

    expect(deployed.code).toBe(0);
    const rollout = JSON.parse((await modelgate(['rollout', 'status', 'ranking', '--json'])).stdout) as Rollout;
    expect(rollout).toMatchObject({ candidate: { version: 4 }, status: 'aborted', outcome: expect.stringContaining('hotfix') });
  });
});

describe('batch files: submit, status, download, failures, list, cancel', () => {
  const ROWS = 3000;
  let rowsFile: string;

  beforeAll(async () => {
    // y = a + 2b + 3c + 0.5
    const filePath = await writeModelFile(path.join(directory, 'batch'), 'abc.onnx', buildGemmModel({ inFeatures: 3, outFeatures: 1, weights: [[1], [2], [3]], bias: [0.5] }));
    expect((await modelgate(['models', 'upload', 'batch-gemm', filePath, '--quiet'])).code).toBe(0);
    await adminClient().createEndpoint({ name: 'batch-scoring' });
    expect((await modelgate(['promote', 'batch-scoring', 'batch-gemm@1'])).code).toBe(0);
    rowsFile = path.join(directory, 'batch', 'rows.csv');
    const lines = Array.from({ length: ROWS }, (_, row) => `${row % 10},${row % 7},${row % 3}`);
    await writeFile(rowsFile, `a,b,c\n${lines.join('\n')}\n`);
  });

  it('submit --wait streams the file with progress, follows the job to the end on stderr, and prints it', async () => {
    const result = await modelgate(['batch', 'submit', rowsFile, '--endpoint', 'batch-scoring', '--mapping', 'x=a,b,c', '--chunk-size', '250', '--wait']);

    expect(result.code).toBe(0);
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress).toContain('checking the file and counting its rows…');
    expect(progress.find((line) => line.startsWith('uploading rows.csv: 100 %'))).toBeDefined();
    expect(progress.at(-1)).toMatch(/^succeeded: 3,000 of 3,000 rows \(100 %\), [\d,.]+ rows\/s, 0 failed$/);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^batch job [0-9a-f-]{36}: succeeded$/);
    expect(lines).toContain('target    endpoint batch-scoring');
    expect(lines).toContain('mapping   x=a,b,c');
    expect(lines).toContain('rows      3,000 of 3,000 rows (100 %)');
    expect(result.stdout).not.toContain('\x1b[');
  });

  it('submit --json prints the queued job; status and download follow it; the results file is not overwritten unasked', async () => {
    const submitted = await modelgate(['batch', 'submit', rowsFile, '--model', 'batch-gemm@1', '--json']);
    expect(submitted.code).toBe(0);
    expect(submitted.stderr).toBe('');
    const job = JSON.parse(submitted.stdout) as BatchJob;
    expect(job).toMatchObject({ fileName: 'rows.csv', target: { model: 'batch-gemm', version: 1 }, mapping: { x: ['a', 'b', 'c'] }, progress: { totalRows: ROWS } });

    const watched = await modelgate(['batch', 'status', job.id, '--watch']);
    expect(watched.code).toBe(0);
    expect(watched.stdout.split('\n')[0]).toBe(`batch job ${job.id}: succeeded`);
    expect(watched.stdout).toContain(`results   modelgate batch download ${job.id}`);

    const output = path.join(directory, 'batch', 'scored.csv');
    const download = await modelgate(['batch', 'download', job.id, '-o', output]);
    expect(download.code).toBe(0);
    expect(download.stdout).toMatch(new RegExp(`^saved the results of batch job ${job.id} \\(3,000 rows, [\\d.]+ KiB\\) to ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    const csv = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('row,line,model,version,y,error');
    expect(csv).toHaveLength(ROWS + 1);
    // Row 11: a = 1, b = 4, c = 2 → 1 + 8 + 6 + 0.5.
    expect(csv[12]).toBe('11,13,batch-gemm,1,[15.5],');

    const again = await modelgate(['batch', 'download', job.id, '-o', output, '--quiet']);
    expect(again).toEqual({ code: 1, stdout: '', stderr: `error: ${output} exists already: name another file with -o, or pass --force to replace it\n` });
    expect((await modelgate(['batch', 'download', job.id, '-o', output, '--force', '--quiet'])).code).toBe(0);

    const jsonl = await modelgate(['batch', 'download', job.id, '--format', 'jsonl', '-o', '-']);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stderr).toBe('');
    const results = jsonl.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { row: number; outputs: { y: number[] } });
    expect(results).toHaveLength(ROWS);
    expect(results[11]).toMatchObject({ row: 11, outputs: { y: [15.5] } });
  });

  it('a job that fails exits 3 with its reason; failures lists the rows; list filters by status', async () => {
    const badFile = path.join(directory, 'batch', 'bad.csv');
    await writeFile(badFile, 'a,b,c\n1,2,3\n1,two,3\n4,5,6\n');

    const result = await modelgate(['batch', 'submit', badFile, '--endpoint', 'batch-scoring', '--error-budget', '0', '--wait', '--quiet']);

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^batch job [0-9a-f-]{36}: failed$/m);
    expect(result.stderr).toMatch(/^error: batch job [0-9a-f-]{36} failed: .+$/m);
    const id = /batch job ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? '';

    const status = await modelgate(['batch', 'status', id]);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('failures  modelgate batch failures');

    const failures = await modelgate(['batch', 'failures', id]);
    expect(failures.code).toBe(0);
    const table = failures.stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^ROW  LINE  ERROR$/);
    expect(table[1]).toMatch(/^1    3     column "b" holds "two"/);

    const failed = JSON.parse((await modelgate(['batch', 'list', '--status', 'failed', '--json'])).stdout) as BatchJobList;
    expect(failed.items.map((job) => job.id)).toEqual([id]);
    const listed = await modelgate(['batch', 'list']);
    expect(listed.stdout.split('\n')[0]).toBe('ID                                    STATUS     FILE      TARGET                  ROWS         FAILED  CREATED');

    const cancel = await modelgate(['batch', 'cancel', id]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain(`error: batch job ${id} has already ended (failed)`);
  });

  it("a malformed file is refused with its line, and a file that is not there is named", async () => {
    const broken = path.join(directory, 'batch', 'broken.jsonl');
    await writeFile(broken, '{"x": [1, 2, 3]}\n{"x": [1, 2\n');
    const refused = await modelgate(['batch', 'submit', broken, '--endpoint', 'batch-scoring', '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the file is malformed at line 2: /);

    const missing = await modelgate(['batch', 'submit', path.join(directory, 'batch', 'nope.csv'), '--endpoint', 'batch-scoring']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `error: cannot read the batch file ${path.join(directory, 'batch', 'nope.csv')}: no such file\n` });
  });
});
