import fs from 'node:fs/promises';
import { buildGemmModel, loadReferenceModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm, modelForm } from '../test-support/http.js';
import { filesUnder, startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_MAX_UPLOAD_BYTES: String(3 * 1024 * 1024) });
});
afterAll(async () => {
  await stack?.stop();
});

const gemm = buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' });
let again: { sha256: string };

async function nothingStored(model: string) {
  const rows = await stack.db.modelVersion.count({ where: { model: { name: model } } });
  const models = await stack.db.model.count({ where: { name: model } });
  return { rows, models, artifacts: await filesUnder(stack.config.artifactsDir), uploads: await filesUnder(stack.config.uploadsDir) };
}

describe('POST /v1/models/{model}/versions', () => {
  it('stores a version and answers with the signature read from the model', async () => {
    const res = await stack.api('POST', '/v1/models/gemm-model/versions', modelForm(gemm, { metadata: { description: 'a Gemm', tags: ['test'] } }));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/models/gemm-model/versions/1');
    expect(res.body).toMatchObject({
      model: 'gemm-model',
      version: 1,
      status: 'ready',
      sizeBytes: gemm.byteLength,
      metadata: { description: 'a Gemm', tags: ['test'] },
      signature: {
        inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2], isTensor: true }],
        batchable: true,
      },
    });
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.facts.opsets).toContainEqual({ domain: 'ai.onnx', version: 13 });
    expect(await filesUnder(stack.config.artifactsDir)).toHaveLength(1);
  });

  it('numbers versions per model and answers identical bytes with the existing version', async () => {
    const other = buildGemmModel({ inFeatures: 4, outFeatures: 3, batchDim: 'N' });
    const second = await stack.api('POST', '/v1/models/gemm-model/versions', modelForm(other));
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    const res = await stack.api('POST', '/v1/models/gemm-model/versions', modelForm(gemm));
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    again = res.body;
    expect(await stack.db.modelVersion.count({ where: { model: { name: 'gemm-model' } } })).toBe(2);
  });

  it('restores a lost artifact when the same bytes are uploaded again', async () => {
    const [artifact] = (await filesUnder(stack.config.artifactsDir)).filter((file) => file.endsWith(again.sha256));
    expect(artifact).toBeDefined();
    await fs.chmod(artifact!, 0o644);
    await fs.rm(artifact!);
    const res = await stack.api('POST', '/v1/models/gemm-model/versions', modelForm(gemm));
    expect(res.status).toBe(200);
    expect(await fs.readFile(artifact!)).toEqual(Buffer.from(gemm));
    expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
  });

  it('reads back models, a model with its versions, and one version', async () => {
    const list = await stack.api('GET', '/v1/models');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ name: 'gemm-model', versionCount: 2, latestVersion: 2 }));
    const model = await stack.api('GET', '/v1/models/gemm-model');
    expect(model.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const version = await stack.api('GET', '/v1/models/gemm-model/versions/2');
    expect(version.body.signature.outputs[0].shape).toEqual(['N', 3]);
  });

  it('reads the fixed-shape signature of the real mnist model', async () => {
    const res = await stack.api('POST', '/v1/models/mnist/versions', await fileForm(loadReferenceModel('mnist').path));
    expect(res.status).toBe(201);
    expect(res.body.signature).toEqual({
      inputs: [{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }],
      outputs: [{ name: 'Plus214_Output_0', dtype: 'float32', shape: [1, 10], isTensor: true }],
      batchable: false,
    });
  });

  const refusals: [string, () => Promise<FormData>, RegExp][] = [
    ['an empty file', async () => modelForm(new Uint8Array()), /empty/i],
    ['random bytes', async () => modelForm(new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256))), /not an ONNX model/i],
    ['a pickle', async () => modelForm(new Uint8Array([0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x08, 0x62, 0x75, 0x69, 0x6c, 0x74, 0x69, 0x6e, 0x73, 0x2e])), /pickle files are never loaded: export to ONNX with skl2onnx/],
    ['a zip archive (a PyTorch .pt file)', async () => modelForm(new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]), { fileName: 'model.pt' }), /zip/i],
    ['a truncated model', async () => modelForm(gemm.slice(0, Math.floor(gemm.byteLength / 2))), /not an ONNX model|truncated/i],
    ['an operator onnxruntime cannot load', async () => fileForm(loadReferenceModel('invalid-mnist-opset1').path), /Could not find an implementation for Add\(1\)/],
  ];
  it.each(refusals)('refuses %s with 422 and leaves no row and no file', async (_what, form, reason) => {
    const before = await filesUnder(stack.config.artifactsDir);
    const res = await stack.api('POST', '/v1/models/refused/versions', await form());
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('invalid_model');
    expect(res.body.detail).toMatch(reason);
    const after = await nothingStored('refused');
    expect(after).toEqual({ rows: 0, models: 0, artifacts: before, uploads: [] });
  });

  it('refuses an upload over MODELGATE_MAX_UPLOAD_BYTES with 413 and keeps nothing', async () => {
    const before = await filesUnder(stack.config.artifactsDir);
    const res = await stack.api('POST', '/v1/models/too-big/versions', modelForm(new Uint8Array(3.5 * 1024 * 1024)));
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/larger than the upload limit of 3 MiB \(MODELGATE_MAX_UPLOAD_BYTES\)/);
    expect(await nothingStored('too-big')).toEqual({ rows: 0, models: 0, artifacts: before, uploads: [] });
  });

  it('names the form field when the file comes in the wrong one', async () => {
    const before = await filesUnder(stack.config.artifactsDir);
    const res = await stack.api('POST', '/v1/models/wrong-field/versions', modelForm(gemm, { field: 'model' }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/form field named "file"; got a file in "model"/);
    expect(await nothingStored('wrong-field')).toEqual({ rows: 0, models: 0, artifacts: before, uploads: [] });
  });

  it('asks for multipart when the body is something else', async () => {
    const res = await stack.api('POST', '/v1/models/not-multipart/versions', { file: 'x' });
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/multipart\/form-data/);
  });

  it('refuses bad metadata and a bad model name with 400', async () => {
    const metadata = await stack.api('POST', '/v1/models/meta/versions', modelForm(gemm, { metadata: '{not json' }));
    expect(metadata.status).toBe(400);
    expect(metadata.body.detail).toMatch(/"metadata" field is not valid JSON/);
    const name = await stack.api('POST', '/v1/models/Bad_Name/versions', modelForm(gemm));
    expect(name.status).toBe(400);
    expect(name.body.errors[0]).toMatchObject({ path: 'path.model' });
    expect(name.body.detail).toMatch(/^"Bad_Name" is not a valid model name: model names are 2–63 characters of lowercase letters, digits/);
    expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
  });

  it('answers unknown models and versions with 404', async () => {
    expect((await stack.api('GET', '/v1/models/nope')).status).toBe(404);
    const missing = await stack.api('GET', '/v1/models/gemm-model/versions/99');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('model "gemm-model" has no version 99');
    expect((await stack.api('GET', '/v1/models/gemm-model/versions/abc')).status).toBe(400);
  });
});

describe('service endpoints', () => {
  it('reports liveness and readiness with PostgreSQL and Redis up', async () => {
    expect((await stack.api('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await stack.api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('answers unknown routes with problem+json 404 and echoes X-Request-Id', async () => {
    const res = await stack.api('GET', '/v1/nothing-here', undefined, { 'x-request-id': 'trace-123' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});
