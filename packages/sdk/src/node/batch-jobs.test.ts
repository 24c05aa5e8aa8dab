import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelgateApiError, ModelgateUnreachableError } from '../errors.js';
import { downloadBatchResults, submitBatchJob } from './batch-jobs.js';
import { BatchFileError, ResultsFileError } from './local-file-errors.js';

// A plain HTTP server standing in for the API: what goes over the wire is checked byte for byte,
// and answers the real API never gives (a connection cut midway) can be produced on demand.
type Handler = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => void;

let handler: Handler;
let server: http.Server;
let apiUrl: string;
let directory: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-sdk-batch-'));
});
afterAll(async () => {
  // fetch keeps its connections alive: closing them ends the server at once.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(directory, { recursive: true, force: true });
});

const JOB = { id: 'b1', status: 'queued', progress: { totalRows: 3, rowsDone: 0 } };

describe('submitBatchJob', () => {
  it('sends the spec, then the file byte for byte, with progress up to its size', async () => {
    const csv = `a,b,c\n${Array.from({ length: 20_000 }, (_, row) => `${row},${row * 2},"${row}, quoted"`).join('\n')}\n`;
    const filePath = path.join(directory, 'rows.csv');
    await writeFile(filePath, csv);
    let received: { url: string; headers: http.IncomingHttpHeaders; body: Buffer } | undefined;
    handler = (request, body, response) => {
      received = { url: request.url ?? '', headers: request.headers, body };
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(JOB));
    };
    const progress: [number, number][] = [];

    const job = await submitBatchJob({
      apiUrl,
      token: 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs',
      filePath,
      spec: { endpoint: 'fraud', mapping: { x: ['a', 'b', 'c'] }, chunkSize: 500, errorBudget: 0.02 },
      onProgress: (sent, total) => progress.push([sent, total]),
    });

    expect(job).toEqual(JOB);
    expect(received?.url).toBe('/v1/batch-jobs');
    expect(received?.headers.authorization).toMatch(/^Bearer mgp_3fA9xQ2p_/);
    expect(Number(received?.headers['content-length'])).toBe(received?.body.length);
    const form = await new Response(received?.body, { headers: { 'content-type': String(received?.headers['content-type']) } }).formData();
    expect([...form.keys()]).toEqual(['spec', 'file']);
    expect(JSON.parse(String(form.get('spec')))).toEqual({ endpoint: 'fraud', mapping: { x: ['a', 'b', 'c'] }, chunkSize: 500, errorBudget: 0.02 });
    const file = form.get('file') as File;
    expect(file.name).toBe('rows.csv');
    expect(await file.text()).toBe(csv);
    const size = Buffer.byteLength(csv);
    expect(progress[0]).toEqual([0, size]);
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it("surfaces the API's refusal (a malformed file, with its line) as ModelgateApiError", async () => {
    const filePath = path.join(directory, 'bad.jsonl');
    await writeFile(filePath, '{"x": 1}\n{"x": \n');
    const problem = { type: 't', title: 'Unprocessable Content', status: 422, detail: 'bad.jsonl line 2 is not JSON', code: 'invalid_batch_file' };
    handler = (_request, _body, response) => response.writeHead(422, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));

    const error = await submitBatchJob({ apiUrl, filePath, spec: { model: 'm', version: 1 } }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 422, message: 'bad.jsonl line 2 is not JSON' });
  });

  it('refuses a missing file, naming it, before connecting', async () => {
    let called = false;
    handler = (_request, _body, response) => {
      called = true;
      response.end();
    };
    const filePath = path.join(directory, 'nope.csv');

    const error = await submitBatchJob({ apiUrl, filePath, spec: { endpoint: 'fraud' } }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BatchFileError);
    expect((error as Error).message).toBe(`cannot read the batch file ${filePath}: no such file`);
    expect(called).toBe(false);
  });
});

describe('downloadBatchResults', () => {
  const RESULTS = `row,y\n${Array.from({ length: 50_000 }, (_, row) => `${row},${row / 2}`).join('\n')}\n`;

  it('streams the results into the file, with progress against Content-Length', async () => {
    let url = '';
    handler = (request, _body, response) => {
      url = request.url ?? '';
      response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': String(Buffer.byteLength(RESULTS)) }).end(RESULTS);
    };
    const target = path.join(directory, 'results.csv');
    const progress: [number, number | undefined][] = [];

    const outcome = await downloadBatchResults({ apiUrl, jobId: 'b1', format: 'csv', to: target, onProgress: (received, total) => progress.push([received, total]) });

    expect(url).toBe('/v1/batch-jobs/b1/results?format=csv');
    expect(outcome).toEqual({ bytes: Buffer.byteLength(RESULTS), format: 'csv' });
    expect(await readFile(target, 'utf8')).toBe(RESULTS);
    expect(progress[0]).toEqual([0, Buffer.byteLength(RESULTS)]);
    expect(progress.at(-1)).toEqual([Buffer.byteLength(RESULTS), Buffer.byteLength(RESULTS)]);
    // Only the file itself is left: the partial file was renamed into place.
    expect((await readdir(directory)).filter((name) => name.includes('results.csv'))).toEqual(['results.csv']);
  });

  it('takes the format from Content-Type when none was asked for, and writes to a stream without ending it', async () => {
    handler = (_request, _body, response) => response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('{"row":0,"outputs":{"y":[1]}}\n');
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));

    const outcome = await downloadBatchResults({ apiUrl, jobId: 'b2', to: sink });

    expect(outcome).toEqual({ bytes: 30, format: 'jsonl' });
    expect(Buffer.concat(chunks).toString()).toBe('{"row":0,"outputs":{"y":[1]}}\n');
    expect(sink.writableEnded).toBe(false);
  });

  it('leaves no file behind when the connection breaks off midway', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(Buffer.byteLength(RESULTS)) });
      response.write(RESULTS.slice(0, 10_000), () => response.socket?.destroy());
    };
    const target = path.join(directory, 'cut.csv');

    const error = await downloadBatchResults({ apiUrl, jobId: 'b3', to: target }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelgateUnreachableError);
    expect((error as Error).message).toContain('the download broke off');
    expect((await readdir(directory)).filter((name) => name.includes('cut.csv'))).toEqual([]);
  });

  it("surfaces the API's refusal and writes nothing", async () => {
    const problem = { type: 't', title: 'Not Found', status: 404, detail: 'batch job "b9" does not exist', code: 'not_found' };
    handler = (_request, _body, response) => response.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));
    const target = path.join(directory, 'missing.csv');

    const error = await downloadBatchResults({ apiUrl, jobId: 'b9', to: target }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 404, message: 'batch job "b9" does not exist' });
    expect((await readdir(directory)).filter((name) => name.includes('missing.csv'))).toEqual([]);
  });

  it('names the results file it cannot write', async () => {
    handler = (_request, _body, response) => response.writeHead(200, { 'content-type': 'text/csv' }).end(RESULTS);
    const target = path.join(directory, 'no-such-directory', 'results.csv');

    const error = await downloadBatchResults({ apiUrl, jobId: 'b1', to: target }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResultsFileError);
    expect((error as Error).message).toBe(`cannot write the results file ${target}: no such file`);
  });
});
