import type { Redis } from 'ioredis';
import { SourceGoneError, type MessageSource, type SourceMessage } from './stream-ports.js';

export interface RedisStreamSourceOptions {
  /** Shared connection for commands that return at once. */
  commands: Redis;
  /** This source's own connection: XREADGROUP BLOCK holds a connection while it waits. */
  blocking: Redis;
  key: string;
  group: string;
  consumer: string;
  /** Consumers of the group that hold nothing and were not seen for this long are removed when claiming (their workers are gone). */
  forgetConsumersIdleMs: number;
}

type RawEntry = [id: string, fields: string[] | null];

/** Redis answers NOGROUP when the group is missing, and unblocks waiting readers with an error when the key or group goes away. */
const GONE = /NOGROUP|no longer exists/i;

/**
 * A consumer group on a Redis Stream as a MessageSource: XREADGROUP (`>` for new messages, `0`
 * for this consumer's own pending ones), XAUTOCLAIM for what dead consumers left, XCLAIM JUSTID to
 * renew what this consumer holds (resets the idle time without counting a delivery), XACK.
 */
export class RedisStreamSource implements MessageSource {
  private blockingClientId: number | undefined;
  /** Where the next XAUTOCLAIM scan of the pending entries continues. */
  private claimCursor = '0-0';

  constructor(private readonly options: RedisStreamSourceOptions) {
    // A reconnected blocking connection is a new client with a new id (needed for CLIENT UNBLOCK).
    options.blocking.on('close', () => (this.blockingClientId = undefined));
  }

  async readOwnPending(count: number): Promise<SourceMessage[]> {
    const { group, consumer, key } = this.options;
    const reply = await this.call(() => this.options.commands.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '0'));
    const entries = this.entriesOf(reply);
    // An entry trimmed from the stream while pending comes back without fields: nothing left to score.
    const trimmed = entries.filter(([, fields]) => fields === null).map(([id]) => id);
    if (trimmed.length) await this.ack(trimmed);
    return this.withDeliveries(entries.filter(([, fields]) => fields !== null));
  }

  async read(count: number, blockMs: number): Promise<SourceMessage[]> {
    const { blocking, group, consumer, key } = this.options;
    if (this.blockingClientId === undefined) this.blockingClientId = Number(await blocking.client('ID'));
    const reply = await this.call(() => blocking.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, '>'));
    return this.entriesOf(reply)
      .filter(([, fields]) => fields !== null)
      .map(([id, fields]) => ({ id, fields: fieldsOf(fields!), deliveries: 1 }));
  }

  async claimAbandoned(minIdleMs: number, count: number): Promise<SourceMessage[]> {
    const { commands, group, consumer, key } = this.options;
    // Entries deleted from the stream while pending are dropped from the group by XAUTOCLAIM itself (third element).
    const [next, entries] = (await this.call(() => commands.call('XAUTOCLAIM', key, group, consumer, minIdleMs, this.claimCursor, 'COUNT', count))) as [string, RawEntry[], string[]];
    this.claimCursor = next;
    await this.forgetIdleConsumers();
    return this.withDeliveries(entries.filter(([, fields]) => fields !== null));
  }

  /**
   * XCLAIM with no minimum idle time moves a message to this consumer whoever holds it: a
   * consumer stalled past the claim idle time (its messages claimed meanwhile) takes them back,
   * and both finish them — a duplicate publish, never a lost message or a second stored row.
   */
  async renew(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { commands, group, consumer, key } = this.options;
    await this.call(() => commands.call('XCLAIM', key, group, consumer, 0, ...ids, 'JUSTID'));
  }

  async ack(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { commands, group, key } = this.options;
    await this.call(() => commands.xack(key, group, ...ids));
  }

  async recreate(): Promise<void> {
    const { commands, group, key } = this.options;
    try {
      await commands.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  async interrupt(): Promise<void> {
    if (this.blockingClientId === undefined) return;
    // Unblocks as if the wait had timed out: the read returns nothing and loses nothing.
    await this.options.commands.client('UNBLOCK', this.blockingClientId, 'TIMEOUT');
  }

  async close(): Promise<void> {
    this.options.blocking.disconnect();
  }

  /** Removes consumers that hold nothing and have not been seen for a long time: workers that are gone. */
  private async forgetIdleConsumers() {
    const { commands, group, consumer, key, forgetConsumersIdleMs } = this.options;
    const consumers = ((await this.call(() => commands.call('XINFO', 'CONSUMERS', key, group))) as unknown[][]).map(fieldMap);
    for (const other of consumers) {
      if (other.name !== consumer && Number(other.pending) === 0 && Number(other.idle) >= forgetConsumersIdleMs) {
        await commands.call('XGROUP', 'DELCONSUMER', key, group, String(other.name));
      }
    }
  }

  /** Delivery counts of messages this consumer now holds (XPENDING, one exact range per id). */
  private async withDeliveries(entries: RawEntry[]): Promise<SourceMessage[]> {
    if (entries.length === 0) return [];
    const { commands, group, consumer, key } = this.options;
    const pipeline = commands.pipeline();
    for (const [id] of entries) pipeline.xpending(key, group, id, id, 1, consumer);
    const replies = (await pipeline.exec()) ?? [];
    return entries.map(([id, fields], index) => {
      const [error, rows] = replies[index] ?? [null, []];
      const row = !error && Array.isArray(rows) ? (rows as [string, string, number, number][])[0] : undefined;
      return { id, fields: fieldsOf(fields!), deliveries: row ? Number(row[3]) : 1 };
    });
  }

  private entriesOf(reply: unknown): RawEntry[] {
    if (!reply) return [];
    const [[, entries]] = reply as [[string, RawEntry[]]];
    return entries;
  }

  /** Runs a command, turning "the group or stream is gone" into SourceGoneError. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const message = (error as Error).message;
      if (GONE.test(message)) throw new SourceGoneError(`consumer group "${this.options.group}" on ${this.options.key} is missing: ${message}`);
      throw error;
    }
  }
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!;
  return fields;
}

function fieldMap(flat: unknown[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) map[String(flat[index])] = flat[index + 1];
  return map;
}
