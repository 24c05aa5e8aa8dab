import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { RowScore, ScoreRow } from '../scoring/endpoint-scorer.js';
import { StreamConsumer, type StreamConsumerOptions } from './stream-consumer.js';
import { BindingGoneError, SourceGoneError, type MessageOutcome, type MessageSource, type PredictionSink, type PredictionStore, type SourceMessage } from './stream-ports.js';

/**
 * The consumer loop's delivery rules, against a broker kept in memory: the loop only knows the
 * MessageSource and PredictionSink interfaces, so this second broker is all it takes to run it
 * (the Redis one is proven on real Redis, and end to end with real worker processes, elsewhere).
 */
class MemoryBroker implements MessageSource, PredictionSink {
  readonly journal: string[] = [];
  readonly published: MessageOutcome[] = [];
  private readonly waiting: SourceMessage[] = [];
  readonly pending = new Map<string, SourceMessage>();
  abandoned: SourceMessage[] = [];
  gone = false;
  recreated = 0;
  renewals = 0;
  private sequence = 0;

  add(fields: Record<string, string>, deliveries = 1): string {
    const id = `${++this.sequence}-0`;
    this.waiting.push({ id, fields, deliveries });
    return id;
  }
  async readOwnPending(): Promise<SourceMessage[]> {
    if (this.gone) throw new SourceGoneError('group missing');
    return [];
  }
  async read(count: number, blockMs: number): Promise<SourceMessage[]> {
    if (this.gone) throw new SourceGoneError('group missing');
    if (this.waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(blockMs, 20)));
    const batch = this.waiting.splice(0, count);
    for (const message of batch) this.pending.set(message.id, message);
    if (batch.length) this.journal.push(`read ${batch.map((message) => message.id).join(',')}`);
    return batch;
  }
  async claimAbandoned(): Promise<SourceMessage[]> {
    const claimed = this.abandoned.splice(0);
    for (const message of claimed) this.pending.set(message.id, message);
    return claimed;
  }
  async renew(): Promise<void> {
    this.renewals++;
  }
  async ack(ids: string[]): Promise<void> {
    for (const id of ids) this.pending.delete(id);
    this.journal.push(`ack ${ids.join(',')}`);
  }
  async recreate(): Promise<void> {
    this.recreated++;
    this.gone = false;
  }
  async interrupt(): Promise<void> {}
  async close(): Promise<void> {}
  async publish(outcomes: MessageOutcome[]): Promise<void> {
    this.published.push(...outcomes);
    this.journal.push(`publish ${outcomes.map((outcome) => outcome.messageId).join(',')}`);
  }
}

const consumers: StreamConsumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop(1_000)));
});

function run(broker: MemoryBroker, overrides: Partial<StreamConsumerOptions> = {}) {
  const stored: MessageOutcome[] = [];
  const store: PredictionStore = {
    async record(outcomes) {
      stored.push(...outcomes);
      broker.journal.push(`store ${outcomes.map((outcome) => outcome.messageId).join(',')}`);
    },
  };
  const scoredRows: ScoreRow[] = [];
  const score = async (rows: ScoreRow[]): Promise<RowScore[]> => {
    scoredRows.push(...rows);
    return rows.map((row) => ({ ok: true, outputs: { doubled: Number((row.inputs as { v: number }).v) * 2 }, versionId: 'v1', model: 'm', version: 1 }));
  };
  let exitReason: string | undefined;
  const consumer = new StreamConsumer({
    name: 'memory',
    source: broker,
    sink: broker,
    store,
    throughput: { add: async () => undefined },
    score,
    isWanted: async () => true,
    readCount: 10,
    blockMs: 20,
    claimIdleMs: 60,
    maxDeliveries: 3,
    logger: new Logger('test'),
    ...overrides,
  });
  consumers.push(consumer);
  consumer.start((reason) => (exitReason = reason));
  return { stored, scoredRows, exitReason: () => exitReason };
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('StreamConsumer', () => {
  it('stores, then publishes, then acknowledges each batch; a bad message fails alone', async () => {
    const broker = new MemoryBroker();
    const first = broker.add({ key: 'a', inputs: '{"v": 2}' });
    const bad = broker.add({ key: 'b', inputs: 'nope' });
    const { stored } = run(broker);
    await until(() => broker.journal.some((line) => line.startsWith('ack')));
    expect(broker.journal).toEqual([`read ${first},${bad}`, `store ${first},${bad}`, `publish ${first},${bad}`, `ack ${first},${bad}`]);
    expect(stored).toEqual([
      { messageId: first, key: 'a', ok: true, outputs: { doubled: 4 }, versionId: 'v1', model: 'm', version: 1 },
      { messageId: bad, key: 'b', ok: false, error: expect.stringContaining('"inputs" field is not JSON') },
    ]);
    expect(broker.published).toEqual(stored);
  });

  it('holds a batch that cannot be scored (renewing its hold) and finishes it once it can, acknowledging only then', async () => {
    const broker = new MemoryBroker();
    const id = broker.add({ key: 'a', inputs: '{"v": 1}' });
    let refusals = 2;
    const { stored } = run(broker, {
      score: async (rows) => {
        if (refusals-- > 0) throw new Error('endpoint "e" has no deployed version');
        return rows.map(() => ({ ok: true, outputs: {}, versionId: 'v1', model: 'm', version: 1 }));
      },
    });
    await until(() => refusals === 1);
    expect(broker.pending.has(id)).toBe(true);
    expect(broker.journal.filter((line) => line.startsWith('ack'))).toEqual([]);
    await until(() => !broker.pending.has(id), 10_000);
    expect(stored.map((outcome) => outcome.messageId)).toEqual([id]);
    expect(broker.renewals).toBeGreaterThan(0);
  });

  it('fails, without scoring it, a message delivered more times than allowed (its readers died on it)', async () => {
    const broker = new MemoryBroker();
    broker.abandoned = [
      { id: '7-0', fields: { key: 'poison', inputs: '{"v": 1}' }, deliveries: 4 },
      { id: '8-0', fields: { key: 'fine', inputs: '{"v": 1}' }, deliveries: 3 },
    ];
    const { stored, scoredRows } = run(broker);
    await until(() => stored.length === 2);
    expect(stored[0]).toEqual({ messageId: '7-0', key: 'poison', ok: false, error: expect.stringMatching(/^delivered 4 times without being acknowledged/) });
    expect(stored[1]).toMatchObject({ messageId: '8-0', key: 'fine', ok: true });
    expect(scoredRows.map((row) => row.key)).toEqual(['fine']);
    expect(broker.pending.size).toBe(0);
  });

  it('a stop leaves a held batch unacknowledged (pending, for later) and ends the loop', async () => {
    const broker = new MemoryBroker();
    const id = broker.add({ key: 'a', inputs: '{"v": 1}' });
    let attempts = 0;
    const consumer = run(broker, {
      score: async () => {
        attempts++;
        throw new Error('database down');
      },
    });
    await until(() => attempts > 0);
    await consumers.pop()!.stop(2_000);
    expect(consumer.exitReason()).toBe('stopped');
    expect(broker.pending.has(id)).toBe(true);
    expect(broker.published).toEqual([]);
  });

  it('ends when the binding was deleted under a batch in flight', async () => {
    const broker = new MemoryBroker();
    broker.add({ key: 'a', inputs: '{"v": 1}' });
    const consumer = run(broker, {
      store: {
        record: async () => {
          throw new BindingGoneError('b1');
        },
      },
    });
    await until(() => consumer.exitReason() !== undefined);
    expect(consumer.exitReason()).toBe('the binding was deleted');
    expect(broker.published).toEqual([]);
  });

  it('creates a missing group again only while the binding is wanted', async () => {
    const wanted = new MemoryBroker();
    wanted.gone = true;
    const id = wanted.add({ key: 'a', inputs: '{"v": 1}' });
    run(wanted);
    await until(() => wanted.journal.includes(`ack ${id}`));
    expect(wanted.recreated).toBe(1);

    const deleted = new MemoryBroker();
    deleted.gone = true;
    const consumer = run(deleted, { isWanted: async () => false });
    await until(() => consumer.exitReason() !== undefined);
    expect(consumer.exitReason()).toBe('the binding was deleted or paused');
    expect(deleted.recreated).toBe(0);
  });
});
