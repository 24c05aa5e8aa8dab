// The built CLI as a user runs it (`node packages/cli/dist/main.js …` with MODELGATE_API_URL),
// against the real stack: built api + worker, PostgreSQL, Redis, onnxruntime.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelList, ModelVersion } from '@modelgate/contracts';
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

/** `node packages/cli/dist/main.js …` from the repository root, stdout and stderr piped (not a TTY). */
function modelgate(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/cli/dist/main.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, MODELGATE_API_URL: stack.apiUrl, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  stack = await startStack();
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
