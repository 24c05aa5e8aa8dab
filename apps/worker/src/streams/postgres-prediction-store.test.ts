import { createPrismaClient, type Db } from '@modelgate/db';
import { createTestDatabase, type TestDatabase } from '@modelgate/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compareMessageIds, PostgresPredictionStore } from './postgres-prediction-store.js';
import { BindingGoneError, type MessageOutcome } from './stream-ports.js';

/** The store on real PostgreSQL: one row per key, the newest message winning, counters counting each message once. */
let database: TestDatabase;
let db: Db;
let endpointId: string;
let bindingId: string;
let store: PostgresPredictionStore;
const VERSION_ID = '22222222-2222-4222-8222-222222222222';

const scored = (messageId: string, key: string, value: number): MessageOutcome => ({ messageId, key, ok: true, outputs: { y: [[value]] }, versionId: VERSION_ID, model: 'm', version: 1 });
const failed = (messageId: string, error: string, key?: string): MessageOutcome => ({ messageId, ...(key ? { key } : {}), ok: false, error });
const rows = () => db.streamPrediction.findMany({ where: { bindingId }, orderBy: { key: 'asc' }, select: { key: true, messageId: true, prediction: true, error: true } });
const counters = async () => {
  const row = await db.streamBinding.findUniqueOrThrow({ where: { id: bindingId } });
  return { scored: Number(row.scored), failed: Number(row.failed), lastError: row.lastError };
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrismaClient(database.url);
  endpointId = (await db.endpoint.create({ data: { name: 'streamed', config: {} } })).id;
}, 60_000);

beforeEach(async () => {
  const binding = await db.streamBinding.create({ data: { name: `b-${Date.now()}-${Math.random().toString(16).slice(2)}`, endpointId, source: 'in', sink: 'out', group: 'g' } });
  bindingId = binding.id;
  store = new PostgresPredictionStore(db, bindingId);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('compareMessageIds', () => {
  it('orders stream ids as numbers, part by part', () => {
    expect(compareMessageIds('9-0', '10-0')).toBe(-1);
    expect(compareMessageIds('10-2', '10-10')).toBe(-1);
    expect(compareMessageIds('1700000000000-5', '1700000000000-5')).toBe(0);
    expect(compareMessageIds('1700000000001-0', '1700000000000-99')).toBe(1);
  });
});

describe('PostgresPredictionStore', () => {
  it('stores each key once with its message id, and counts scored and failed messages', async () => {
    await store.record([scored('1-0', 'a', 1), scored('2-0', 'b', 2), failed('3-0', 'input "x" expects float32 [N,4]; got [1,3]', 'c'), failed('4-0', 'the message has no "key" field')]);
    expect(await rows()).toEqual([
      { key: 'a', messageId: '1-0', prediction: { y: [[1]] }, error: null },
      { key: 'b', messageId: '2-0', prediction: { y: [[2]] }, error: null },
      { key: 'c', messageId: '3-0', prediction: null, error: 'input "x" expects float32 [N,4]; got [1,3]' },
    ]);
    expect(await counters()).toEqual({ scored: 2, failed: 2, lastError: 'the message has no "key" field' });
  });

  it('a batch recorded again (scored again after a crash before its acknowledgement) changes and counts nothing', async () => {
    const batch = [scored('5-0', 'a', 1), scored('6-0', 'b', 2), failed('7-0', 'bad', 'c')];
    await store.record(batch);
    const first = await rows();
    await store.record(batch.map((outcome) => (outcome.ok ? { ...outcome, outputs: { y: [[99]] } } : outcome)));
    expect(await rows()).toEqual(first);
    expect(await counters()).toMatchObject({ scored: 2, failed: 1 });
  });

  it('keeps the newest message of a key: within a batch, and against an older message arriving late', async () => {
    await store.record([scored('10-0', 'a', 10), scored('12-0', 'a', 12), scored('11-0', 'a', 11)]);
    expect(await rows()).toEqual([{ key: 'a', messageId: '12-0', prediction: { y: [[12]] }, error: null }]);
    // An old message claimed late (its worker died) is counted, published, but does not replace the newer outcome.
    await store.record([scored('9-5', 'a', 9)]);
    expect(await rows()).toEqual([{ key: 'a', messageId: '12-0', prediction: { y: [[12]] }, error: null }]);
    await store.record([failed('100-0', 'model failed on this row', 'a')]);
    expect(await rows()).toEqual([{ key: 'a', messageId: '100-0', prediction: null, error: 'model failed on this row' }]);
    expect(await counters()).toMatchObject({ scored: 4, failed: 1, lastError: 'model failed on this row' });
  });

  it('compares ids as numbers, not text', async () => {
    await store.record([scored('9-0', 'a', 9)]);
    await store.record([scored('10-0', 'a', 10)]);
    expect((await rows())[0]).toMatchObject({ messageId: '10-0' });
  });

  it('concurrent batches on the same keys keep the newest and count every message', async () => {
    const batches = Array.from({ length: 8 }, (_, batch) => Array.from({ length: 20 }, (_, index) => scored(`${1000 + batch * 20 + index}-0`, `k${index % 5}`, batch * 20 + index)));
    await Promise.all(batches.map((batch) => store.record(batch)));
    const stored = await rows();
    expect(stored.map((row) => [row.key, row.messageId])).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'].map((key, index) => [key, `${1000 + 140 + 15 + index}-0`]));
    expect(await counters()).toMatchObject({ scored: 160, failed: 0 });
  });

  it('refuses to store for a binding deleted meanwhile', async () => {
    await db.streamBinding.delete({ where: { id: bindingId } });
    await expect(store.record([scored('1-0', 'a', 1)])).rejects.toBeInstanceOf(BindingGoneError);
    await expect(store.record([failed('2-0', 'no key')])).rejects.toBeInstanceOf(BindingGoneError);
  });
});
