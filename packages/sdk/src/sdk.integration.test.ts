// The SDK against the real stack: built api + worker, PostgreSQL, Redis, onnxruntime.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildGemmModel, writeModelFile } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelgateClient } from './client.js';
import { ModelgateApiError } from './errors.js';
import { uploadModelVersion } from './node/upload.js';
import { repoRoot, startStack, type StartedStack } from '../../../scripts/lib/test-stack.mjs';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
// A pickle (protocol 4) of {'weights': [1, 2]}: what a data scientist might upload by mistake.
const PICKLE = Buffer.from('80049516000000000000007d948c0777656967687473945d94284b014b0265732e', 'hex');

let stack: StartedStack;
let client: ModelgateClient;
let directory: string;

beforeAll(async () => {
  stack = await startStack();
  client = new ModelgateClient({ apiUrl: stack.apiUrl });
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-sdk-it-'));
});
afterAll(async () => {
  await stack?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('uploadModelVersion', () => {
  it('creates a version with its signature, then answers the same bytes with that version', async () => {
    const progress: number[] = [];
    const first = await uploadModelVersion({
      apiUrl: stack.apiUrl,
      model: 'iris-classifier',
      filePath: IRIS,
      metadata: { description: 'baseline', tags: ['sklearn'], sampleInput: { inputs: { input: [[5.1, 3.5, 1.4]] } } },
      onProgress: (sent) => progress.push(sent),
    });

    expect(first.created).toBe(true);
    expect(first.version).toMatchObject({ model: 'iris-classifier', version: 1, sizeBytes: 632, fileName: 'model.onnx', archivedAt: null });
    expect(first.version.metadata).toEqual({ description: 'baseline', tags: ['sklearn'], sampleInput: { inputs: { input: [[5.1, 3.5, 1.4]] } } });
    expect(first.version.signature.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [expect.anything(), 3] }]);
    expect(progress.at(-1)).toBe(632);

    const again = await uploadModelVersion({ apiUrl: stack.apiUrl, model: 'iris-classifier', filePath: IRIS });
    expect(again.created).toBe(false);
    expect(again.version.id).toBe(first.version.id);
  });

  it('streams a multi-megabyte model with progress up to its size', async () => {
    const filePath = await writeModelFile(directory, 'wide.onnx', buildGemmModel({ inFeatures: 1024, outFeatures: 768 }));
    const calls: [number, number][] = [];

    const { version, created } = await uploadModelVersion({ apiUrl: stack.apiUrl, model: 'wide-gemm', filePath, onProgress: (sent, total) => calls.push([sent, total]) });

    expect(created).toBe(true);
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.at(-1)).toEqual([version.sizeBytes, version.sizeBytes]);
    expect(version.sizeBytes).toBeGreaterThan(3 * 1024 * 1024);
  });

  it("surfaces the API's refusal of a pickle as ModelgateApiError 422", async () => {
    const filePath = path.join(directory, 'model.pkl');
    await writeFile(filePath, PICKLE);
    const error = await uploadModelVersion({ apiUrl: stack.apiUrl, model: 'pickled', filePath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 422, problem: { code: 'invalid_model' } });
    expect((error as Error).message).toContain('pickle files are never loaded');
  });

  it('surfaces metadata the API refuses as a 400 with the offending field', async () => {
    const error = await uploadModelVersion({
      apiUrl: stack.apiUrl,
      model: 'iris-classifier',
      filePath: await writeModelFile(directory, 'small.onnx', buildGemmModel({ inFeatures: 2, outFeatures: 1 })),
      metadata: { sampleInput: { inputs: { x: [[1, 2, 3]] } } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as ModelgateApiError).problem.errors?.[0]?.path).toMatch(/^metadata\.sampleInput/);
  });
});

describe('ModelgateClient', () => {
  it('reads the registry', async () => {
    const { items } = await client.listModels();
    expect(items.find((model) => model.name === 'iris-classifier')).toMatchObject({ versionCount: 1, latestVersion: 1 });
    expect((await client.listModels({ query: 'wide' })).items.map((model) => model.name)).toEqual(['wide-gemm']);

    const detail = await client.getModel('iris-classifier');
    expect(detail.versions.map((version) => version.version)).toEqual([1]);
    expect(await client.getVersion('iris-classifier', 1)).toEqual(detail.versions[0]);
  });

  it('updates and clears metadata', async () => {
    const updated = await client.updateVersion('iris-classifier', 1, { tags: ['sklearn', 'prod'], metrics: { accuracy: 0.95 }, description: null });
    expect(updated.metadata).toMatchObject({ tags: ['sklearn', 'prod'], metrics: { accuracy: 0.95 } });
    expect(updated.metadata.description).toBeUndefined();
  });

  it('creates an endpoint, promotes a version, predicts, and refuses to archive what it serves', async () => {
    const created = await client.createEndpoint({ name: 'iris', description: 'sdk test' });
    expect(created).toMatchObject({ name: 'iris', activeRevision: null });

    const promoted = await client.promote('iris', { model: 'iris-classifier', version: 1, expectedRevision: 0 });
    expect(promoted.activeRevision?.number).toBe(1);
    expect((await client.getEndpoint('iris')).activeRevision?.routes).toEqual([expect.objectContaining({ model: 'iris-classifier', version: 1, weight: 100 })]);
    expect((await client.listEndpoints()).items.map((endpoint) => endpoint.name)).toEqual(['iris']);

    const prediction = await client.predict('iris', { inputs: { input: [[5.1, 3.5, 1.4]] } }, { requestId: 'sdk-test-1' });
    expect(prediction).toMatchObject({ model: 'iris-classifier', version: 1, revision: 1, requestId: 'sdk-test-1' });
    expect(prediction.outputs.label).toEqual([expect.any(Number)]);

    const inUse = await client.archiveVersion('iris-classifier', 1).catch((caught: unknown) => caught);
    expect(inUse).toMatchObject({ status: 409, problem: { code: 'version_in_use' } });
  });

  it('archives a version nothing routes to', async () => {
    const archived = await client.archiveVersion('wide-gemm', 1);
    expect(archived.archivedAt).toEqual(expect.any(String));
  });

  it('turns API errors into ModelgateApiError with status, detail and field errors', async () => {
    const missing = await client.getModel('no-such-model').catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ModelgateApiError);
    expect(missing).toMatchObject({ status: 404, message: 'model "no-such-model" does not exist', problem: { code: 'not_found', status: 404 } });

    const stale = await client.promote('iris', { model: 'iris-classifier', version: 1, expectedRevision: 0 }).catch((caught: unknown) => caught);
    expect(stale).toMatchObject({ status: 409, problem: { code: 'stale_revision' } });

    const badInput = await client.predict('iris', { inputs: { input: [[1, 2]] } }).catch((caught: unknown) => caught);
    expect(badInput).toMatchObject({ status: 400 });
    expect((badInput as Error).message).toContain('input');
  });
});
