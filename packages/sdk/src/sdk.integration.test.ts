// The SDK against the real stack: built api + worker, PostgreSQL, Redis, onnxruntime.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BatchJob } from '@modelgate/contracts';
import { buildGemmModel, writeModelFile } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelgateClient } from './client.js';
import { ModelgateApiError } from './errors.js';
import { issuePersonalToken } from './node/personal-token.js';
import { downloadBatchResults, submitBatchJob } from './node/batch-jobs.js';
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
  client = new ModelgateClient({ apiUrl: stack.apiUrl, token: stack.adminToken });
  directory = await mkdtemp(path.join(os.tmpdir(), 'modelgate-sdk-it-'));
});
afterAll(async () => {
  await stack?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('uploadModelVersion', () => {
  it('is refused without a token, before anything is stored', async () => {
    const error = await uploadModelVersion({ apiUrl: stack.apiUrl, model: 'anonymous-upload', filePath: IRIS }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 401, problem: { code: 'unauthenticated' } });
    const missing = await client.getModel('anonymous-upload').catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('creates a version with its signature, then answers the same bytes with that version', async () => {
    const progress: number[] = [];
    const first = await uploadModelVersion({
      apiUrl: stack.apiUrl,
      token: stack.adminToken,
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

    const again = await uploadModelVersion({ apiUrl: stack.apiUrl, token: stack.adminToken, model: 'iris-classifier', filePath: IRIS });
    expect(again.created).toBe(false);
    expect(again.version.id).toBe(first.version.id);
  });

  it('streams a multi-megabyte model with progress up to its size', async () => {
    const filePath = await writeModelFile(directory, 'wide.onnx', buildGemmModel({ inFeatures: 1024, outFeatures: 768 }));
    const calls: [number, number][] = [];

    const { version, created } = await uploadModelVersion({
      apiUrl: stack.apiUrl,
      token: stack.adminToken,
      model: 'wide-gemm',
      filePath,
      onProgress: (sent, total) => calls.push([sent, total]),
    });

    expect(created).toBe(true);
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.at(-1)).toEqual([version.sizeBytes, version.sizeBytes]);
    expect(version.sizeBytes).toBeGreaterThan(3 * 1024 * 1024);
  });

  it("surfaces the API's refusal of a pickle as ModelgateApiError 422", async () => {
    const filePath = path.join(directory, 'model.pkl');
    await writeFile(filePath, PICKLE);
    const error = await uploadModelVersion({ apiUrl: stack.apiUrl, token: stack.adminToken, model: 'pickled', filePath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 422, problem: { code: 'invalid_model' } });
    expect((error as Error).message).toContain('pickle files are never loaded');
  });

  it('surfaces metadata the API refuses as a 400 with the offending field', async () => {
    const error = await uploadModelVersion({
      apiUrl: stack.apiUrl,
      token: stack.adminToken,
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

/** A client for `token` on the test stack. */
const clientWith = (token: string) => new ModelgateClient({ apiUrl: stack.apiUrl, token });

/** Revocation reaches every API process within a second; this waits a little longer than that. */
async function expectRefusedSoon(token: string): Promise<void> {
  await expect
    .poll(async () => (await clientWith(token).me().catch((caught: unknown) => caught)) as ModelgateApiError, { timeout: 3_000, interval: 100 })
    .toMatchObject({ status: 401 });
}

describe('authentication', () => {
  it('refuses a client without a token with 401', async () => {
    const error = await new ModelgateClient({ apiUrl: stack.apiUrl }).listModels().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 401, problem: { code: 'unauthenticated' } });
  });

  it('me() names the admin behind the token', async () => {
    const caller = await client.me();
    expect(caller).toMatchObject({ kind: 'user', via: 'personal_token', csrfToken: null, user: { email: stack.adminEmail, role: 'admin' } });
  });

  it('issuePersonalToken trades a password for a working token and leaves no session behind', async () => {
    const created = await issuePersonalToken({ apiUrl: stack.apiUrl, email: stack.adminEmail, password: stack.adminPassword, tokenName: 'sdk integration test' });

    expect(created).toMatchObject({ kind: 'personal_token', name: 'sdk integration test', revokedAt: null });
    expect(created.secret.startsWith(`${created.prefix}_`)).toBe(true);
    expect(await clientWith(created.secret).me()).toMatchObject({ kind: 'user', user: { email: stack.adminEmail } });
    expect((await client.listPersonalTokens()).items.map((token) => token.prefix)).toContain(created.prefix);
    const logouts = await client.listAudit({ action: 'auth.logout', actor: stack.adminEmail });
    expect(logouts.items.length).toBeGreaterThanOrEqual(1);
  });

  it('issuePersonalToken surfaces a wrong password as the API says it', async () => {
    const error = await issuePersonalToken({ apiUrl: stack.apiUrl, email: stack.adminEmail, password: 'not the password at all', tokenName: 'x' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 401, message: 'email or password is wrong' });
  });

  it('a revoked personal token is refused', async () => {
    const created = await client.createPersonalToken({ name: 'to revoke' });
    expect((await clientWith(created.secret).me()).kind).toBe('user');

    const revoked = await client.revokePersonalToken(created.id);

    expect(revoked).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    await expectRefusedSoon(created.secret);
  });
});

describe('revisions', () => {
  it('deploys a split, rolls it back and lists the history, newest first', async () => {
    const before = (await client.getEndpoint('iris')).activeRevision?.number ?? 0;

    const deployed = await client.deploy('iris', {
      routes: [{ model: 'iris-classifier', version: 1, weight: 100 }],
      expectedRevision: before,
      reason: 'sdk deploy',
    });
    expect(deployed.activeRevision).toMatchObject({ number: before + 1, kind: 'deploy', reason: 'sdk deploy' });

    const rolledBack = await client.rollback('iris', { expectedRevision: before + 1, reason: 'sdk rollback' });
    expect(rolledBack.activeRevision).toMatchObject({ number: before + 2, kind: 'rollback' });

    const history = await client.listRevisions('iris');
    expect(history.items.map((revision) => revision.number)).toEqual(Array.from({ length: before + 2 }, (_, index) => before + 2 - index));

    const stale = await client.rollback('iris', { expectedRevision: before }).catch((caught: unknown) => caught);
    expect(stale).toMatchObject({ status: 409, problem: { code: 'stale_revision' } });
  });
});

describe('users', () => {
  it('creates, lists and updates users; roles limit what their tokens may do', async () => {
    const created = await client.createUser({ email: 'Grace@Example.com', name: 'Grace', role: 'data_scientist', password: 'a data scientist password' });
    expect(created).toMatchObject({ email: 'grace@example.com', name: 'Grace', role: 'data_scientist', disabledAt: null });
    expect((await client.listUsers()).items.map((user) => user.email)).toEqual(expect.arrayContaining([stack.adminEmail, 'grace@example.com']));

    const grace = await issuePersonalToken({ apiUrl: stack.apiUrl, email: 'grace@example.com', password: 'a data scientist password', tokenName: 'grace' });
    const asGrace = clientWith(grace.secret);
    const current = (await asGrace.getEndpoint('iris')).activeRevision?.number ?? 0;
    const refused = await asGrace.rollback('iris', { expectedRevision: current }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 403, message: expect.stringContaining('only admins can roll back') });

    const demoted = await client.updateUser(created.id, { role: 'viewer' });
    expect(demoted.role).toBe('viewer');
    expect(await asGrace.me()).toMatchObject({ kind: 'user', user: { role: 'viewer' } });

    await client.updateUser(created.id, { disabled: true });
    await expectRefusedSoon(grace.secret);
  });
});

describe('API keys', () => {
  it('a key scoped to one endpoint predicts there and nothing else; once revoked it is refused', async () => {
    const created = await client.createApiKey({ name: 'checkout', scopes: { predict: ['iris'], read: false } });
    expect(created).toMatchObject({ kind: 'api_key', name: 'checkout', scopes: { predict: ['iris'], read: false }, revokedAt: null });
    expect(created.secret.startsWith(`${created.prefix}_`)).toBe(true);
    const listed = (await client.listApiKeys()).items.find((key) => key.id === created.id);
    expect(listed).toMatchObject({ prefix: created.prefix });
    expect(listed).not.toHaveProperty('secret');

    const asApplication = clientWith(created.secret);
    expect(await asApplication.me()).toMatchObject({ kind: 'api_key', apiKey: { id: created.id } });
    const prediction = await asApplication.predict('iris', { inputs: { input: [[5.1, 3.5, 1.4]] } });
    expect(prediction.model).toBe('iris-classifier');
    const read = await asApplication.listModels().catch((caught: unknown) => caught);
    expect(read).toMatchObject({ status: 403, message: 'this API key has no read scope' });

    const revoked = await client.revokeApiKey(created.id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await expectRefusedSoon(created.secret);
  });
});

describe('audit', () => {
  it('lists what was done, by whom, filtered by action', async () => {
    const rollbacks = await client.listAudit({ action: 'endpoint.rollback' });
    expect(rollbacks.items.length).toBeGreaterThanOrEqual(1);
    expect(rollbacks.items.every((event) => event.action === 'endpoint.rollback')).toBe(true);
    expect(rollbacks.items[0]).toMatchObject({ outcome: 'success', actor: { type: 'user', label: stack.adminEmail }, target: { label: expect.stringContaining('iris') } });

    const denied = await client.listAudit({ outcome: 'denied', limit: 500 });
    expect(denied.items.map((event) => event.action)).toContain('auth.login_failed');
  });
});

describe('batch jobs, records and streams', () => {
  /** y = a + 2b + 3c + 0.5 on an endpoint of its own. */
  let gemmEndpoint: string;

  beforeAll(async () => {
    const filePath = await writeModelFile(directory, 'abc.onnx', buildGemmModel({ inFeatures: 3, outFeatures: 1, weights: [[1], [2], [3]], bias: [0.5] }));
    const { version } = await uploadModelVersion({ apiUrl: stack.apiUrl, token: stack.adminToken, model: 'abc-gemm', filePath });
    gemmEndpoint = 'abc';
    await client.createEndpoint({ name: gemmEndpoint });
    await client.promote(gemmEndpoint, { model: 'abc-gemm', version: version.version, expectedRevision: 0 });
  });

  async function finished(id: string): Promise<BatchJob> {
    await expect.poll(async () => (await client.getBatchJob(id)).status, { timeout: 30_000, interval: 200 }).toMatch(/^(succeeded|failed|cancelled)$/);
    return client.getBatchJob(id);
  }

  it('submits a CSV with progress, follows it to the end, and downloads its results to a file and a stream', async () => {
    const rows = Array.from({ length: 2500 }, (_, row) => [row % 10, row % 7, row % 3]);
    const filePath = path.join(directory, 'rows.csv');
    await writeFile(filePath, `a,b,c\n${rows.map((row) => row.join(',')).join('\n')}\n`);
    const progress: number[] = [];

    const submitted = await submitBatchJob({
      apiUrl: stack.apiUrl,
      token: stack.adminToken,
      filePath,
      spec: { endpoint: gemmEndpoint, mapping: { x: ['a', 'b', 'c'] }, chunkSize: 300 },
      onProgress: (sent) => progress.push(sent),
    });

    expect(submitted).toMatchObject({ fileName: 'rows.csv', format: 'csv', target: { endpoint: gemmEndpoint }, chunkSize: 300, progress: { totalRows: 2500 } });
    expect(progress.at(-1)).toBe((await readFile(filePath)).length);
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', progress: { rowsDone: 2500, rowsFailed: 0 } });
    expect((await client.listBatchJobs({ status: 'succeeded' })).items.map((item) => item.id)).toContain(job.id);

    const csvPath = path.join(directory, 'results.csv');
    const received: number[] = [];
    const csv = await downloadBatchResults({ apiUrl: stack.apiUrl, token: stack.adminToken, jobId: job.id, to: csvPath, onProgress: (bytes) => received.push(bytes) });
    expect(csv.format).toBe('csv');
    const lines = (await readFile(csvPath, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2501);
    expect(received.at(-1)).toBe(csv.bytes);

    const chunks: Buffer[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => (chunks.push(chunk), callback()) });
    const jsonl = await downloadBatchResults({ apiUrl: stack.apiUrl, token: stack.adminToken, jobId: job.id, format: 'jsonl', to: sink });
    expect(jsonl.format).toBe('jsonl');
    const results = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { row: number; outputs: { y: number[] } });
    expect(results).toHaveLength(2500);
    for (const result of results) {
      const [a = 0, b = 0, c = 0] = rows[result.row] ?? [];
      expect(result.outputs.y[0]).toBeCloseTo(a + 2 * b + 3 * c + 0.5, 4);
    }
  });

  it('lists failed rows with their lines, and refuses to cancel a job that has ended', async () => {
    const filePath = path.join(directory, 'bad.csv');
    await writeFile(filePath, 'a,b,c\n1,2,3\n1,two,3\n1,2\n');
    const submitted = await submitBatchJob({ apiUrl: stack.apiUrl, token: stack.adminToken, filePath, spec: { endpoint: gemmEndpoint, errorBudget: 1 } });
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', progress: { rowsDone: 3, rowsFailed: 2 } });

    const failures = await client.listBatchFailures(job.id, { limit: 1 });
    expect(failures.items).toEqual([{ row: 1, line: 3, error: expect.stringContaining('two') }]);
    const rest = await client.listBatchFailures(job.id, { cursor: failures.nextCursor ?? undefined });
    expect(rest).toEqual({ items: [{ row: 2, line: 4, error: expect.stringContaining('missing') }], nextCursor: null });

    const late = await client.cancelBatchJob(job.id).catch((caught: unknown) => caught);
    expect(late).toMatchObject({ status: 409 });
  });

  it('pushes records idempotently, scores them on request, and keeps a schedule with its next runs', async () => {
    const records = [
      { key: 'r1', inputs: { x: [[1, 1, 1]] } },
      { key: 'r2', inputs: { x: [[0, 0, 0]] } },
    ];
    expect(await client.pushRecords(gemmEndpoint, { records })).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await client.pushRecords(gemmEndpoint, { records })).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect((await client.listRecords(gemmEndpoint, { status: 'pending' })).counts).toEqual({ pending: 2, scored: 0, failed: 0 });

    const queued = await client.scoreRecords(gemmEndpoint);
    expect(queued.pending).toBe(2);
    await expect.poll(async () => (await client.getRecord(gemmEndpoint, 'r1')).status, { timeout: 20_000, interval: 200 }).toBe('scored');
    const scored = await client.getRecord(gemmEndpoint, 'r1');
    expect(scored).toMatchObject({ model: 'abc-gemm', version: 1, prediction: { y: [[6.5]] } });
    const page = await client.listRecords(gemmEndpoint, { limit: 1 });
    expect(page.items.map((record) => record.key)).toEqual(['r1']);
    expect((await client.listRecords(gemmEndpoint, { limit: 1, cursor: page.nextCursor ?? undefined })).items.map((record) => record.key)).toEqual(['r2']);

    const schedule = await client.setSchedule(gemmEndpoint, { cron: '0 3 * * *', timezone: 'Asia/Tokyo' });
    expect(schedule).toMatchObject({ cron: '0 3 * * *', timezone: 'Asia/Tokyo', rescoreOnPromote: false });
    expect(schedule.nextRuns.length).toBeGreaterThan(0);
    // 03:00 in Tokyo is 18:00 UTC the day before.
    for (const run of schedule.nextRuns) expect(new Date(run).getUTCHours()).toBe(18);
    expect((await client.getSchedule(gemmEndpoint)).runs[0]).toMatchObject({ trigger: 'manual', status: 'succeeded', scored: 2 });
    expect(await client.deleteSchedule(gemmEndpoint)).toMatchObject({ cron: null, nextRuns: [] });
  });

  it('binds a stream, pauses, resumes and deletes it', async () => {
    const created = await client.createStream({ name: 'sdk-orders', endpoint: gemmEndpoint, source: 'sdk-orders', sink: 'sdk-orders-scored' });
    expect(created).toMatchObject({ name: 'sdk-orders', endpoint: gemmEndpoint, status: 'active', sourceKey: expect.stringMatching(/:stream:sdk-orders$/) });
    expect((await client.listStreams()).items.map((binding) => binding.name)).toEqual(['sdk-orders']);
    expect((await client.pauseStream('sdk-orders')).status).toBe('paused');
    expect((await client.resumeStream(created.id)).status).toBe('active');
    expect(await client.getStream('sdk-orders')).toMatchObject({ id: created.id });
    const missing = await client.getStreamPrediction('sdk-orders', 'nothing-yet').catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 404 });
    expect(await client.deleteStream('sdk-orders')).toMatchObject({ id: created.id, groupDestroyed: true });
    expect((await client.listStreams()).items).toEqual([]);
  });
});
