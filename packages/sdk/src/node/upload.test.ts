import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelgateApiError, ModelgateUnreachableError } from '../errors.js';
import { ModelFileError, uploadModelVersion } from './upload.js';

// The bytes on the wire, checked with a plain HTTP server that records what it receives: the real
// API only says whether it could parse the body, not whether Content-Length matched every byte.
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface RecordingServer {
  url: string;
  received: Received[];
  /** What the next requests get; `early` answers before reading the body. */
  answer: { status: number; body: string; early?: boolean; retryAfter?: string };
  close(): Promise<void>;
}

async function startRecordingServer(): Promise<RecordingServer> {
  const received: Received[] = [];
  const state: RecordingServer = {
    url: '',
    received,
    answer: { status: 201, body: '{"model":"m","version":1}' },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    const { status, body, early, retryAfter } = state.answer;
    const headers = { 'content-type': status < 300 ? 'application/json' : 'application/problem+json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) };
    const respond = () => response.writeHead(status, headers).end(body);
    if (early) {
      respond();
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

let server: RecordingServer;
let directory: string;

beforeAll(async () => {
  server = await startRecordingServer();
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-sdk-upload-'));
});
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});
afterEach(() => {
  server.received.length = 0;
  server.answer = { status: 201, body: '{"model":"m","version":1}' };
});

async function writeFileOf(name: string, bytes: Buffer): Promise<string> {
  const filePath = path.join(directory, name);
  await writeFile(filePath, bytes);
  return filePath;
}

describe('uploadModelVersion on the wire', () => {
  it('sends exactly Content-Length bytes: metadata first, then the file, byte for byte', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const filePath = await writeFileOf('big model.onnx', content);

    const outcome = await uploadModelVersion({ apiUrl: server.url, model: 'fraud-detector', filePath, metadata: { description: 'ü', tags: ['x'] } });

    expect(outcome).toEqual({ version: { model: 'm', version: 1 }, created: true });
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/models/fraud-detector/versions');
    expect(Number(request?.headers['content-length'])).toBe(request?.body.length);
    const form = await new Response(request?.body, { headers: { 'content-type': String(request?.headers['content-type']) } }).formData();
    expect([...form.keys()]).toEqual(['metadata', 'file']);
    expect(JSON.parse(String(form.get('metadata')))).toEqual({ description: 'ü', tags: ['x'] });
    const file = form.get('file') as File;
    expect(file.name).toBe('big model.onnx');
    expect(Buffer.from(await file.arrayBuffer()).equals(content)).toBe(true);
  });

  it('sends the token as Authorization: Bearer, and no such header without one', async () => {
    const filePath = await writeFileOf('authed.onnx', Buffer.from('bytes'));
    const token = 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs';
    await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath, token });
    await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath });
    expect(server.received.map((request) => request.headers.authorization)).toEqual([`Bearer ${token}`, undefined]);
  });

  it('keeps Retry-After of a refusal on the error', async () => {
    const problem = { type: 'x', title: 'Too Many Requests', status: 429, detail: 'over the rate limit', code: 'rate_limited' };
    server.answer = { status: 429, body: JSON.stringify(problem), retryAfter: '7' };
    const filePath = await writeFileOf('limited.onnx', Buffer.from('bytes'));
    const error = await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7, message: 'over the rate limit' });
  });

  it('reports progress from 0, never backwards, ending exactly at the file size', async () => {
    const size = 2 * 1024 * 1024 + 5;
    const filePath = await writeFileOf('progress.onnx', randomBytes(size));
    const calls: [number, number][] = [];

    await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath, onProgress: (sent, total) => calls.push([sent, total]) });

    expect(calls[0]).toEqual([0, size]);
    expect(calls.at(-1)).toEqual([size, size]);
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.every(([sent, total], index) => total === size && sent >= (calls[index - 1]?.[0] ?? 0))).toBe(true);
  });

  it('reports an empty file as 0 of 0 and still sends a well-formed body', async () => {
    const filePath = await writeFileOf('empty.onnx', Buffer.alloc(0));
    const calls: [number, number][] = [];
    await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath, onProgress: (sent, total) => calls.push([sent, total]) });
    expect(calls).toEqual([[0, 0]]);
    expect(Number(server.received[0]?.headers['content-length'])).toBe(server.received[0]?.body.length);
  });

  it('answers 200 as created: false', async () => {
    server.answer = { status: 200, body: '{"version":4}' };
    const filePath = await writeFileOf('again.onnx', Buffer.from('bytes'));
    expect(await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath })).toEqual({ version: { version: 4 }, created: false });
  });

  it('says so when a 2xx answer is not JSON (something else answered)', async () => {
    server.answer = { status: 201, body: '<html>welcome</html>' };
    const filePath = await writeFileOf('proxied.onnx', Buffer.from('x'));
    await expect(uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath })).rejects.toThrow(
      `the Modelgate API at ${server.url} answered 201 with a body that is not JSON: <html>welcome</html>`,
    );
  });

  it('turns a problem answer into ModelgateApiError, even when it comes before the body is sent', async () => {
    const problem = { type: 'x', title: 'Bad Request', status: 400, detail: 'model names are 2–63 characters', code: 'validation_failed' };
    server.answer = { status: 400, body: JSON.stringify(problem), early: true };
    const filePath = await writeFileOf('refused.onnx', randomBytes(8 * 1024 * 1024));

    const error = await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 400, message: 'model names are 2–63 characters', problem });
  });

  it('refuses a missing file before connecting, naming the path', async () => {
    const filePath = path.join(directory, 'nope', 'missing.onnx');
    const error = await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(`cannot read the model file ${filePath}: no such file`);
    expect(server.received).toEqual([]);
  });

  it('refuses a directory', async () => {
    const error = await uploadModelVersion({ apiUrl: server.url, model: 'm1', filePath: directory }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(`cannot read the model file ${directory}: it is a directory`);
  });

  it('says which URL does not answer', async () => {
    const filePath = await writeFileOf('unsent.onnx', Buffer.from('x'));
    const error = await uploadModelVersion({ apiUrl: 'http://127.0.0.1:9', model: 'm1', filePath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateUnreachableError);
    expect((error as Error).message).toBe('the Modelgate API at http://127.0.0.1:9 is not answering: ECONNREFUSED');
  });
});
