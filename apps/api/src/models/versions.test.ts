import http from 'node:http';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { bearer, filesUnder, startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const gemm = (outFeatures: number) => buildGemmModel({ inFeatures: 4, outFeatures, batchDim: 'N' });
const upload = (model: string, bytes: Uint8Array, metadata?: unknown) =>
  stack.api('POST', `/v1/models/${model}/versions`, modelForm(bytes, metadata === undefined ? {} : { metadata }));

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('version numbering', () => {
  it('gives concurrent uploads to one new model distinct, consecutive version numbers', async () => {
    // The first uploads of a model that does not exist yet race to create it as well.
    const results = await Promise.all([2, 3, 5, 6, 7, 8].map((outFeatures) => upload('busy-model', gemm(outFeatures))));
    expect(results.map((result) => [result.status, result.body.detail])).toEqual(new Array(6).fill([201, undefined]));
    expect(results.map((result) => result.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('identical bytes uploaded at the same time', () => {
  it('make one version, and every caller is answered with it', async () => {
    const bytes = gemm(9);
    const results = await Promise.all([1, 2, 3, 4].map(() => upload('twins', bytes)));
    expect(results.map((result) => result.body.version)).toEqual([1, 1, 1, 1]);
    expect(results.filter((result) => result.status === 201)).toHaveLength(1);
    expect(results.filter((result) => result.status === 200)).toHaveLength(3);
    expect(await stack.db.modelVersion.count({ where: { model: { name: 'twins' } } })).toBe(1);
    expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
  });
});

describe('a refused upload', () => {
  it('reaches a client that is still sending the file, every time', async () => {
    // Refused on its name before a byte of the body is read: the answer must not be lost in a
    // connection closed under the client's writes (EPIPE).
    const body = Buffer.alloc(8 * 1024 * 1024, 1);
    const statuses: (number | string)[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      statuses.push(
        await new Promise<number | string>((resolve) => {
          const request = http.request(`${stack.apiUrl}/v1/models/Not_Valid/versions`, {
            method: 'POST',
            agent: false,
            headers: { ...bearer(stack.adminToken), 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(body.byteLength) },
          });
          request.on('response', (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          });
          request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          request.end(body);
        }),
      );
    }
    expect(statuses).toEqual(new Array(12).fill(400));
  });
});

describe('an aborted upload', () => {
  it('leaves no row and no file behind', async () => {
    const boundary = 'modelgate-abort-test';
    const request = http.request(`${stack.apiUrl}/v1/models/aborted/versions`, {
      method: 'POST',
      headers: { ...bearer(stack.adminToken), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(20 * 1024 * 1024) },
    });
    request.on('error', () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    request.write(Buffer.alloc(2 * 1024 * 1024, 7));
    // Wait until the server has started writing the temporary file, then vanish mid-stream.
    await eventually(async () => (await filesUnder(stack.config.uploadsDir)).length > 0, 'the upload to start');
    request.destroy();
    await eventually(async () => (await filesUnder(stack.config.uploadsDir)).length === 0, 'the temporary file to be removed');
    expect(await stack.db.model.count({ where: { name: 'aborted' } })).toBe(0);
    expect(await stack.db.modelVersion.count({ where: { model: { name: 'aborted' } } })).toBe(0);
  });
});

describe('PATCH /v1/models/{model}/versions/{v}', () => {
  it('stores a sample input given at upload when it fits the signature, and refuses one that does not', async () => {
    const ok = await upload('with-sample', gemm(2), { description: 'scores', sampleInput: { inputs: { x: [[1, 2, 3, 4]] } } });
    expect(ok.status).toBe(201);
    expect(ok.body.metadata).toEqual({ description: 'scores', sampleInput: { inputs: { x: [[1, 2, 3, 4]] } } });
    const bad = await upload('with-sample', gemm(3), { sampleInput: { inputs: { x: [[1, 2]] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/metadata\.sampleInput does not fit the model's signature: input "x" expects float32 \[N,4\]; got \[1,2\]/);
    expect(await stack.db.modelVersion.count({ where: { model: { name: 'with-sample' } } })).toBe(1);
    expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
  });

  it('edits description, tags, metrics and sample input; null clears a field; the artifact never changes', async () => {
    const before = await stack.api('GET', '/v1/models/with-sample/versions/1');
    const res = await stack.api('PATCH', '/v1/models/with-sample/versions/1', {
      tags: ['fraud', 'baseline'],
      metrics: { auc: 0.91, dataset: 'march' },
      description: null,
      sampleInput: { inputs: { x: { shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.metadata).toEqual({
      tags: ['fraud', 'baseline'],
      metrics: { auc: 0.91, dataset: 'march' },
      sampleInput: { inputs: { x: { shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] } } },
    });
    expect(res.body.sha256).toBe(before.body.sha256);
    expect(res.body.signature).toEqual(before.body.signature);
  });

  it('refuses an empty patch, unknown fields and a sample input that does not fit', async () => {
    const empty = await stack.api('PATCH', '/v1/models/with-sample/versions/1', {});
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/send at least one of description, tags, metrics, sampleInput/);
    const unknown = await stack.api('PATCH', '/v1/models/with-sample/versions/1', { sha256: 'x' });
    expect(unknown.status).toBe(400);
    const misfit = await stack.api('PATCH', '/v1/models/with-sample/versions/1', { sampleInput: { inputs: { y: [[1, 2, 3, 4]] } } });
    expect(misfit.status).toBe(400);
    expect(misfit.body.detail).toMatch(/body\.sampleInput does not fit the model's signature: .*"y"/);
    expect((await stack.api('PATCH', '/v1/models/with-sample/versions/9', { tags: [] })).status).toBe(404);
  });
});

describe('archiving', () => {
  beforeAll(async () => {
    expect((await upload('archivable', gemm(2))).status).toBe(201);
    expect((await upload('archivable', gemm(3))).status).toBe(201);
    expect((await stack.api('POST', '/v1/endpoints', { name: 'live' })).status).toBe(201);
    expect((await stack.api('POST', '/v1/endpoints/live/promote', { model: 'archivable', version: 2, expectedRevision: 0 })).status).toBe(200);
  });

  it('refuses to archive a version an endpoint routes to, naming the endpoint', async () => {
    const res = await stack.api('DELETE', '/v1/models/archivable/versions/2');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('version_in_use');
    expect(res.body.detail).toBe('archivable v2 still receives traffic from endpoint "live" (revision 1): promote another version there before archiving it');
    expect((await stack.api('GET', '/v1/models/archivable/versions/2')).body.archivedAt).toBeNull();
  });

  it('archives a version nobody routes to: still readable, no longer deployable, numbering goes on', async () => {
    const res = await stack.api('DELETE', '/v1/models/archivable/versions/1');
    expect(res.status).toBe(200);
    expect(res.body.archivedAt).toEqual(expect.any(String));
    expect((await stack.api('DELETE', '/v1/models/archivable/versions/1')).status).toBe(200);
    const model = await stack.api('GET', '/v1/models/archivable');
    expect(model.body.versions.map((v: { version: number; archivedAt: string | null }) => [v.version, v.archivedAt !== null])).toEqual([
      [2, false],
      [1, true],
    ]);
    const promote = await stack.api('POST', '/v1/endpoints/live/promote', { model: 'archivable', version: 1, expectedRevision: 1 });
    expect(promote.status).toBe(409);
    expect(promote.body.detail).toMatch(/archived and cannot receive traffic/);
    // The same bytes as the archived version come back as a new version, not the archived one.
    const again = await upload('archivable', gemm(2));
    expect(again.status).toBe(201);
    expect(again.body.version).toBe(3);
  });

  it('lets the old version be archived once the endpoint moved on', async () => {
    expect((await stack.api('POST', '/v1/endpoints/live/promote', { model: 'archivable', version: 3, expectedRevision: 1 })).status).toBe(200);
    expect((await stack.api('DELETE', '/v1/models/archivable/versions/2')).status).toBe(200);
    const list = await stack.api('GET', '/v1/models?q=ARCHIV');
    expect(list.body.items).toEqual([expect.objectContaining({ name: 'archivable', versionCount: 3, latestVersion: 3 })]);
  });
});

describe('GET /v1/models/{model}/versions/{v}/artifact', () => {
  it('returns the exact bytes with the sha256 as ETag and digest, and 304 when unchanged', async () => {
    const bytes = gemm(4);
    const created = await upload('downloadable', bytes);
    const response = await fetch(`${stack.apiUrl}/v1/models/downloadable/versions/1/artifact`, { headers: bearer(stack.adminToken) });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(response.headers.get('etag')).toBe(`"${created.body.sha256}"`);
    expect(response.headers.get('digest')).toBe(`sha-256=${Buffer.from(created.body.sha256, 'hex').toString('base64')}`);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="downloadable-v1.onnx"');
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength));
    const cached = await fetch(`${stack.apiUrl}/v1/models/downloadable/versions/1/artifact`, { headers: { ...bearer(stack.adminToken), 'if-none-match': `"${created.body.sha256}"` } });
    expect(cached.status).toBe(304);
    expect((await fetch(`${stack.apiUrl}/v1/models/downloadable/versions/7/artifact`, { headers: bearer(stack.adminToken) })).status).toBe(404);
  });
});
