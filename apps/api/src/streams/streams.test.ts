import type { StreamBinding } from '@modelgate/contracts';
import { buildGemmModel, buildModel, defaultGemmParameters } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Stream bindings end to end, with real processes: the API in this process, the stack's worker and
 * (for the crash) a second worker process killed with SIGKILL; Redis Streams and PostgreSQL real.
 */
let stack: TestStack;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A claim happens 1.5 s after a consumer stopped acknowledging; a micro-batch is at most 8 messages. */
const STREAM_ENV = { MODELGATE_STREAM_CLAIM_IDLE_MS: '1500', MODELGATE_STREAM_READ_COUNT: '8', MODELGATE_STREAM_BLOCK_MS: '500' };

/**
 * A model that answers y = x (float32 [N,4]) after about `matmuls` × 8 ms of real work: a
 * 1024×1024 matrix derived from the inputs is multiplied `matmuls` times (the product is then
 * multiplied by 0 and added), so onnxruntime cannot skip it. Scoring a batch takes long enough
 * for a test to kill the worker while it holds the batch unacknowledged.
 */
function buildSlowEchoModel(matmuls: number): Uint8Array {
  const size = 1024;
  const shift = new Array<number>(size * size).fill(0);
  for (let row = 0; row < size; row++) shift[row * size + ((row + 1) % size)] = 1;
  const chain = Array.from({ length: matmuls }, (_, index) => ({ opType: 'MatMul', inputs: [`h${index}`, 'shift'], outputs: [`h${index + 1}`] }));
  return buildModel({
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 4] }],
    initializers: [
      { name: 'shift', dtype: 'float32', shape: [size, size], values: shift },
      { name: 'square', dtype: 'int64', shape: [2], values: [size, size] },
      { name: 'zero', dtype: 'float32', shape: [], values: [0] },
    ],
    nodes: [
      { opType: 'ReduceSum', inputs: ['x'], outputs: ['total'], attributes: { keepdims: { int: 0 } } },
      { opType: 'Expand', inputs: ['total', 'square'], outputs: ['h0'] },
      ...chain,
      { opType: 'ReduceSum', inputs: [`h${matmuls}`], outputs: ['work'], attributes: { keepdims: { int: 0 } } },
      { opType: 'Mul', inputs: ['work', 'zero'], outputs: ['nothing'] },
      { opType: 'Add', inputs: ['x', 'nothing'], outputs: ['y'] },
    ],
  });
}

/** What the fast endpoint's Gemm (4 → 2, default parameters) answers for one row. */
function gemm(row: number[]): number[] {
  const { weights, bias } = defaultGemmParameters(4, 2);
  return bias.map((b, column) => Math.fround(row.reduce((sum, value, index) => sum + value * weights[index]![column]!, b)));
}

/** Another worker process on the stack (its database, Redis prefix, data directory and stream settings), logging claims. */
function startWorker(workerId: string) {
  return stack.startWorker({ MODELGATE_LOG_LEVEL: 'info', MODELGATE_WORKER_ID: workerId });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, explain: () => string | Promise<string>): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(await explain());
    await sleep(50);
  }
}

const binding = async (name: string) => (await stack.api<StreamBinding>('GET', `/v1/streams/${name}`)).body;

async function createBinding(name: string, endpoint: string, extra: Record<string, unknown> = {}): Promise<StreamBinding> {
  const created = await stack.api<StreamBinding>('POST', '/v1/streams', { name, endpoint, source: `${name}-in`, sink: `${name}-out`, ...extra });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function publish(key: string, messages: Array<Record<string, string>>): Promise<string[]> {
  const pipeline = stack.redis.pipeline();
  for (const fields of messages) pipeline.xadd(key, '*', ...Object.entries(fields).flat());
  return ((await pipeline.exec()) ?? []).map(([error, id]) => {
    if (error) throw error;
    return id as string;
  });
}

/** Sink entries as field maps, in order. */
async function sinkEntries(key: string): Promise<Array<Record<string, string>>> {
  const entries = (await stack.redis.xrange(key, '-', '+')) as [string, string[]][];
  return entries.map(([, flat]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, index) => [flat[2 * index], flat[2 * index + 1]])));
}

/** Every message the group was given is acknowledged and none is left to deliver. */
async function drained(name: string): Promise<boolean> {
  const view = await binding(name);
  return view.lag === 0 && view.pending === 0;
}

const storedPredictions = async (bindingId: string) =>
  new Map((await stack.db.streamPrediction.findMany({ where: { bindingId } })).map((row) => [row.key, row]));

beforeAll(async () => {
  stack = await startTestStack(STREAM_ENV);
  for (const [model, bytes] of [
    ['streamed-gemm', buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })],
    ['streamed-slow', buildSlowEchoModel(120)],
  ] as const) {
    expect((await stack.api('POST', `/v1/models/${model}/versions`, modelForm(bytes))).status).toBe(201);
  }
  for (const [endpoint, model] of [
    ['fast', 'streamed-gemm'],
    ['slow', 'streamed-slow'],
  ]) {
    expect((await stack.api('POST', '/v1/endpoints', { name: endpoint, batching: { maxBatchSize: 8, maxDelayMs: 0 } })).status).toBe(201);
    expect((await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model, version: 1, expectedRevision: 0 })).status).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('creating a binding', () => {
  it('binds a stream under the installation prefix, with its group, and says where to publish', async () => {
    const created = await createBinding('orders', 'fast');
    const prefix = stack.config.MODELGATE_REDIS_PREFIX;
    expect(created).toMatchObject({
      name: 'orders',
      endpoint: 'fast',
      source: 'orders-in',
      sink: 'orders-out',
      sourceKey: `${prefix}:stream:orders-in`,
      sinkKey: `${prefix}:stream:orders-out`,
      group: `modelgate:${created.id}`,
      status: 'active',
      lag: 0,
      pending: 0,
      scored: 0,
      failed: 0,
      lastError: null,
      createdBy: 'admin@modelgate.test',
    });
    // The source exists (empty) with the group on it.
    const groups = (await stack.redis.call('XINFO', 'GROUPS', created.sourceKey)) as unknown[][];
    expect(groups.map((fields) => fields[1])).toEqual([created.group]);
    expect((await stack.api('GET', `/v1/streams/${created.id}`)).body).toMatchObject({ name: 'orders' });
    expect((await stack.api('GET', '/v1/streams')).body.items.map((item: StreamBinding) => item.name)).toContain('orders');
    const audit = await stack.db.auditEvent.findFirst({ where: { action: 'stream.create', targetLabel: 'orders' } });
    expect(audit?.after).toMatchObject({ endpoint: 'fast', source: 'orders-in', sink: 'orders-out', from: 'beginning' });
  });

  it('refuses what cannot work, saying why', async () => {
    const same = await stack.api('POST', '/v1/streams', { name: 'loop', endpoint: 'fast', source: 'events', sink: 'events' });
    expect(same.status).toBe(400);
    expect(same.body.detail).toMatch(/body\.sink: the sink must differ from the source/);
    const badName = await stack.api('POST', '/v1/streams', { name: 'x', endpoint: 'fast', source: 'has space', sink: 'ok' });
    expect(badName.status).toBe(400);
    expect(badName.body.errors).toEqual([
      { path: 'body.name', message: expect.stringContaining('stream binding names are 2–63 characters') },
      { path: 'body.source', message: 'a stream name is letters, digits, ":", "_", "." or "-"' },
    ]);
    const unknown = await stack.api('POST', '/v1/streams', { name: 'nowhere', endpoint: 'no-such-endpoint', source: 'a', sink: 'b' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('endpoint "no-such-endpoint" does not exist');
    const duplicate = await stack.api('POST', '/v1/streams', { name: 'orders', endpoint: 'fast', source: 'a', sink: 'b' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toContain('"orders" already exists');
    expect((await stack.api('POST', '/v1/streams/no-such-binding/pause')).status).toBe(404);
    expect((await stack.api('GET', '/v1/streams/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('starts at the beginning of the source by default, or only with new messages', async () => {
    const prefix = stack.config.MODELGATE_REDIS_PREFIX;
    for (const name of ['history-all', 'history-new']) {
      await publish(`${prefix}:stream:${name}-in`, [{ key: 'old', inputs: JSON.stringify({ x: [[1, 1, 1, 1]] }) }]);
    }
    const all = await createBinding('history-all', 'fast');
    const fresh = await createBinding('history-new', 'fast', { from: 'now' });
    await publish(fresh.sourceKey, [{ key: 'new', inputs: JSON.stringify({ x: [[2, 2, 2, 2]] }) }]);
    await waitFor(async () => (await drained('history-all')) && (await drained('history-new')), 20_000, async () => JSON.stringify([await binding('history-all'), await binding('history-new')]));
    expect([...(await storedPredictions(all.id)).keys()]).toEqual(['old']);
    expect([...(await storedPredictions(fresh.id)).keys()]).toEqual(['new']);
  });
});

describe('scoring messages', () => {
  it('scores each message, stores the newest per key, publishes what it stored, and bad messages fail alone', async () => {
    const created = await createBinding('mixed', 'fast');
    const good = (row: number[]) => JSON.stringify({ x: [row] });
    const messages: Array<Record<string, string>> = [
      { key: 'good-1', inputs: good([1, 2, 3, 4]) },
      { inputs: good([1, 1, 1, 1]) },
      { key: 'not-json', inputs: '{x: [[1,2,3,4]]' },
      { key: 'wrong-shape', inputs: good([1, 2, 3]) },
      { key: 'no-inputs', note: 'forgot them' },
      { key: 'good-2', inputs: good([0.5, 0, -1, 2]) },
      { key: 'good-1', inputs: good([4, 3, 2, 1]) },
    ];
    const ids = await publish(created.sourceKey, messages);
    await waitFor(() => drained('mixed'), 20_000, async () => JSON.stringify(await binding('mixed')));

    const stored = await storedPredictions(created.id);
    expect([...stored.keys()].sort()).toEqual(['good-1', 'good-2', 'no-inputs', 'not-json', 'wrong-shape']);
    // good-1 was sent twice: the newer message's prediction is the one kept.
    expect(stored.get('good-1')).toMatchObject({ messageId: ids[6], prediction: { y: [gemm([4, 3, 2, 1])] }, error: null });
    expect(stored.get('good-2')).toMatchObject({ messageId: ids[5], prediction: { y: [gemm([0.5, 0, -1, 2])] }, error: null });
    expect(stored.get('not-json')).toMatchObject({ messageId: ids[2], prediction: null, error: expect.stringMatching(/^the "inputs" field is not JSON/) });
    expect(stored.get('wrong-shape')).toMatchObject({ messageId: ids[3], prediction: null, error: expect.stringContaining('input "x"') });
    expect(stored.get('no-inputs')).toMatchObject({ messageId: ids[4], error: expect.stringContaining('no "inputs" field') });

    // The sink has one entry per message, in order, agreeing with what PostgreSQL keeps.
    const sink = await sinkEntries(created.sinkKey);
    expect(sink.map((entry) => entry.messageId)).toEqual(ids);
    expect(sink[1]).toEqual({ messageId: ids[1], error: expect.stringContaining('no "key" field') });
    expect(sink[0]).toEqual({ messageId: ids[0], key: 'good-1', prediction: JSON.stringify({ y: [gemm([1, 2, 3, 4])] }), model: 'streamed-gemm', version: '1' });
    for (const entry of sink.filter((each) => each.key !== undefined)) {
      const row = stored.get(entry.key!)!;
      if (row.messageId !== entry.messageId) continue; // superseded by a newer message of the key
      expect(entry.prediction === undefined ? null : JSON.parse(entry.prediction)).toEqual(row.prediction);
      expect(entry.error ?? null).toEqual(row.error);
    }

    const view = await binding('mixed');
    expect(view).toMatchObject({ scored: 3, failed: 4, lag: 0, pending: 0, lastError: expect.any(String), lastErrorAt: expect.any(String) });
    expect(view.throughput).toBeGreaterThan(0);
    const read = await stack.api('GET', `/v1/streams/mixed/predictions/good-1`);
    expect(read.body).toEqual({
      key: 'good-1',
      messageId: ids[6],
      status: 'scored',
      prediction: { y: [gemm([4, 3, 2, 1])] },
      model: 'streamed-gemm',
      version: 1,
      error: null,
      scoredAt: expect.any(String),
    });
    expect((await stack.api('GET', `/v1/streams/mixed/predictions/wrong-shape`)).body).toMatchObject({ status: 'failed', prediction: null, error: expect.stringContaining('input "x"') });
    expect((await stack.api('GET', `/v1/streams/mixed/predictions/never-sent`)).status).toBe(404);
  });
});

describe('pause, resume and delete', () => {
  it('pause stops consumption within a second (messages wait, lag grows); resume drains them', async () => {
    const created = await createBinding('pausable', 'fast');
    await publish(created.sourceKey, [{ key: 'before', inputs: JSON.stringify({ x: [[1, 2, 3, 4]] }) }]);
    await waitFor(() => drained('pausable'), 20_000, async () => JSON.stringify(await binding('pausable')));

    const paused = await stack.api<StreamBinding>('POST', '/v1/streams/pausable/pause');
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    await sleep(1_000);
    const waiting = Array.from({ length: 10 }, (_, index) => ({ key: `during-${index}`, inputs: JSON.stringify({ x: [[index, 0, 0, 0]] }) }));
    await publish(created.sourceKey, waiting);
    await sleep(1_500);
    expect(await binding('pausable')).toMatchObject({ status: 'paused', lag: 10, pending: 0, scored: 1 });
    expect([...(await storedPredictions(created.id)).keys()]).toEqual(['before']);
    // Pausing what is paused changes nothing and records nothing.
    expect((await stack.api('POST', `/v1/streams/${created.id}/pause`)).status).toBe(200);

    const resumed = await stack.api<StreamBinding>('POST', `/v1/streams/${created.id}/resume`);
    expect(resumed.body.status).toBe('active');
    await waitFor(() => drained('pausable'), 20_000, async () => JSON.stringify(await binding('pausable')));
    expect((await binding('pausable')).scored).toBe(11);
    expect((await storedPredictions(created.id)).size).toBe(11);
    const audit = await stack.db.auditEvent.findMany({ where: { targetLabel: 'pausable', action: { in: ['stream.pause', 'stream.resume'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['stream.pause', 'stream.resume']);
  });

  it('delete destroys the group and the stored predictions, keeps both streams, and nothing reads the source any more', async () => {
    const created = await createBinding('deletable', 'fast');
    await publish(created.sourceKey, [{ key: 'a', inputs: JSON.stringify({ x: [[1, 2, 3, 4]] }) }]);
    await waitFor(() => drained('deletable'), 20_000, async () => JSON.stringify(await binding('deletable')));

    const deleted = await stack.api('DELETE', '/v1/streams/deletable');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      id: created.id,
      name: 'deletable',
      group: created.group,
      groupDestroyed: true,
      sourceKey: created.sourceKey,
      sinkKey: created.sinkKey,
      detail: expect.stringContaining(`streams ${created.sourceKey} and ${created.sinkKey} kept with their messages`),
    });
    expect((await stack.api('GET', '/v1/streams/deletable')).status).toBe(404);
    expect(await stack.db.streamPrediction.count({ where: { bindingId: created.id } })).toBe(0);
    expect(await stack.redis.xlen(created.sourceKey)).toBe(1);
    expect(await stack.redis.xlen(created.sinkKey)).toBe(1);
    await publish(created.sourceKey, [{ key: 'b', inputs: JSON.stringify({ x: [[1, 2, 3, 4]] }) }]);
    await sleep(1_500);
    // No worker created the group again, and nothing was scored after the delete.
    expect(await stack.redis.call('XINFO', 'GROUPS', created.sourceKey)).toEqual([]);
    expect(await stack.redis.xlen(created.sinkKey)).toBe(1);
    expect(await stack.db.auditEvent.count({ where: { action: 'stream.delete', targetLabel: 'deletable' } })).toBe(1);
  });
});

describe('a worker killed with SIGKILL between reading and acknowledging', () => {
  it('its messages are claimed by another worker and scored once; every message ends acknowledged', async () => {
    const doomed = await startWorker('doomed-worker');
    const created = await createBinding('crashy', 'slow');
    const rows = Array.from({ length: 32 }, (_, index) => [index, index + 0.25, index + 0.5, index + 0.75]);
    const ids = await publish(
      created.sourceKey,
      rows.map((row, index) => ({ key: `k${index}`, inputs: JSON.stringify({ x: [row] }) })),
    );
    const idOfKey = new Map(ids.map((id, index) => [`k${index}`, id]));

    // Wait until the doomed worker holds messages it has read and not acknowledged: it is scoring them.
    const heldBy = async (consumer: string) =>
      ((await stack.redis.xpending(created.sourceKey, created.group, '-', '+', 100, consumer)) as [string, string, number, number][]).map(([id]) => id);
    let held: string[] = [];
    await waitFor(
      async () => (held = await heldBy('doomed-worker')).length > 0,
      30_000,
      () => `the doomed worker never read a batch:\n${doomed.log()}`,
    );
    doomed.process.kill('SIGKILL');
    await new Promise((resolve) => (doomed.process.signalCode !== null ? resolve(null) : doomed.process.once('exit', resolve)));
    expect(doomed.process.signalCode).toBe('SIGKILL');
    // Dead, it acknowledged none of them.
    expect((await heldBy('doomed-worker')).sort()).toEqual([...held].sort());

    await waitFor(() => drained('crashy'), 60_000, async () => `not drained: ${JSON.stringify(await binding('crashy'))}\n${stack.workerLog()}`);
    expect(await heldBy('doomed-worker')).toEqual([]);

    // Exactly one stored prediction per key, from its own message, with the right answer.
    const stored = await storedPredictions(created.id);
    expect(stored.size).toBe(32);
    rows.forEach((row, index) => {
      expect(stored.get(`k${index}`), `k${index}`).toMatchObject({ messageId: idOfKey.get(`k${index}`), prediction: { y: [row] }, error: null });
    });
    // Counted once each: the doomed worker died before writing, the claim wrote them once.
    expect(await binding('crashy')).toMatchObject({ scored: 32, failed: 0, lag: 0, pending: 0 });
    // The sink has every message at least once (at-least-once publish), each agreeing with PostgreSQL.
    const sink = await sinkEntries(created.sinkKey);
    expect(new Set(sink.map((entry) => entry.messageId))).toEqual(new Set(ids));
    for (const entry of sink) {
      expect(entry.messageId).toBe(idOfKey.get(entry.key!));
      expect(JSON.parse(entry.prediction!)).toEqual(stored.get(entry.key!)!.prediction);
    }
    // The surviving worker (the stack's) is the one that claimed them.
    expect(stack.workerLog()).toMatch(/claimed \d+ message\(s\) a stopped consumer left unacknowledged/);
  }, 120_000);
});
