import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisStreamSource } from './redis-stream-source.js';
import { SourceGoneError } from './stream-ports.js';

/** The Redis Streams MessageSource on a real Redis: what each operation does to the consumer group. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mgtest-source-${randomBytes(6).toString('hex')}`;
const redis = new Redis(REDIS_URL);
const opened: RedisStreamSource[] = [];
let key: string;
const GROUP = 'scorers';

function source(consumer: string, forgetConsumersIdleMs = 3_600_000) {
  const created = new RedisStreamSource({ commands: redis, blocking: new Redis(REDIS_URL), key, group: GROUP, consumer, forgetConsumersIdleMs });
  opened.push(created);
  return created;
}

const publish = async (count: number) => {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await redis.xadd(key, '*', 'key', `k${index}`, 'inputs', '{}'))!);
  return ids;
};
const pendingOf = async (consumer?: string) =>
  ((await (consumer ? redis.xpending(key, GROUP, '-', '+', 1000, consumer) : redis.xpending(key, GROUP, '-', '+', 1000))) as [string, string, number, number][]).map(([id, owner, , deliveries]) => ({ id, owner, deliveries }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  key = `${prefix}:stream:${randomBytes(4).toString('hex')}`;
  await redis.xgroup('CREATE', key, GROUP, '0', 'MKSTREAM');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.close()));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('RedisStreamSource', () => {
  it('reads new messages in order with their fields, holds them pending until acknowledged', async () => {
    const ids = await publish(3);
    const reader = source('a');
    const batch = await reader.read(10, 100);
    expect(batch).toEqual(ids.map((id, index) => ({ id, fields: { key: `k${index}`, inputs: '{}' }, deliveries: 1 })));
    expect((await pendingOf('a')).map((entry) => entry.id)).toEqual(ids);
    await reader.ack(ids.slice(0, 2));
    expect((await pendingOf()).map((entry) => entry.id)).toEqual([ids[2]]);
    expect(await reader.read(10, 50)).toEqual([]);
  });

  it('reads at most `count` messages at once', async () => {
    await publish(5);
    expect(await source('a').read(2, 50)).toHaveLength(2);
  });

  it('gives a consumer back what it holds (a restart under the same name), counting the delivery', async () => {
    const ids = await publish(2);
    await source('a').read(10, 50);
    const again = await source('a').readOwnPending(10);
    expect(again.map((message) => [message.id, message.deliveries])).toEqual(ids.map((id) => [id, 2]));
    expect(await source('b').readOwnPending(10)).toEqual([]);
  });

  it('acknowledges, without returning, pending messages trimmed from the stream', async () => {
    const ids = await publish(2);
    await source('a').read(10, 50);
    await redis.xdel(key, ids[0]!);
    expect((await source('a').readOwnPending(10)).map((message) => message.id)).toEqual([ids[1]]);
    expect((await pendingOf()).map((entry) => entry.id)).toEqual([ids[1]]);
  });

  it('claims what another consumer left idle long enough, with its delivery count, and not before', async () => {
    const ids = await publish(3);
    await source('dead').read(10, 50);
    const survivor = source('alive');
    expect(await survivor.claimAbandoned(60_000, 10)).toEqual([]);
    await sleep(120);
    const claimed = await survivor.claimAbandoned(100, 10);
    expect(claimed.map((message) => [message.id, message.deliveries, message.fields.key])).toEqual(ids.map((id, index) => [id, 2, `k${index}`]));
    expect((await pendingOf()).map((entry) => entry.owner)).toEqual(['alive', 'alive', 'alive']);
  });

  it('renewing what a live consumer holds keeps it from being claimed, without counting a delivery', async () => {
    const ids = await publish(2);
    const holder = source('holder');
    await holder.read(10, 50);
    await sleep(150);
    await holder.renew(ids);
    expect(await source('other').claimAbandoned(100, 10)).toEqual([]);
    expect(await pendingOf()).toEqual(ids.map((id) => ({ id, owner: 'holder', deliveries: 1 })));
  });

  it('forgets consumers that hold nothing and were idle long enough, when claiming', async () => {
    const ids = await publish(1);
    const gone = source('gone');
    await gone.read(10, 50);
    await gone.ack(ids);
    await sleep(120);
    const names = async () => ((await redis.call('XINFO', 'CONSUMERS', key, GROUP)) as unknown[][]).map((fields) => fields[1]);
    await source('patient', 60_000).claimAbandoned(100, 10);
    expect(await names()).toContain('gone');
    await source('strict', 100).claimAbandoned(100, 10);
    expect(await names()).not.toContain('gone');
  });

  it('an interrupted read returns nothing at once, and loses nothing', async () => {
    const reader = source('a');
    await reader.read(1, 10); // learns its connection's id
    const started = Date.now();
    const waiting = reader.read(10, 10_000);
    await sleep(100);
    await reader.interrupt();
    expect(await waiting).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await publish(1);
    expect(await reader.read(10, 100)).toHaveLength(1);
  });

  it('says the source is gone when the group is, and creates it again from the beginning', async () => {
    const ids = await publish(2);
    await redis.xgroup('DESTROY', key, GROUP);
    const reader = source('a');
    await expect(reader.read(10, 50)).rejects.toBeInstanceOf(SourceGoneError);
    await expect(reader.readOwnPending(10)).rejects.toThrow(/consumer group "scorers" on .* is missing/);
    await reader.recreate();
    await reader.recreate(); // already there: nothing to do
    expect((await reader.read(10, 50)).map((message) => message.id)).toEqual(ids);
  });

  it('a reader waiting on a group that is destroyed is told the source is gone', async () => {
    const reader = source('a');
    const outcome = reader.read(10, 10_000).then(
      () => 'returned',
      (error: unknown) => error,
    );
    await sleep(100);
    await redis.xgroup('DESTROY', key, GROUP);
    expect(await outcome).toBeInstanceOf(SourceGoneError);
  });
});
