import { describe, expect, it } from 'vitest';
import { MicroBatcher, QueueFullError } from './micro-batcher.js';

/** A run that waits until released, recording the batches it was given. */
function controlledRun() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = (batch: number[]) => {
    batches.push(batch);
    return new Promise<Array<number | Error>>((resolve) => releases.push(() => resolve(batch.map((n) => (n < 0 ? new Error(`bad ${n}`) : n * 10)))));
  };
  return { batches, run, releaseNext: () => releases.shift()!() };
}

describe('MicroBatcher', () => {
  it('runs a request at once when idle, and batches what arrives while a run is in flight', async () => {
    const control = controlledRun();
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 3, maxQueued: 100, run: control.run });
    const first = batcher.submit(1);
    expect(control.batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((n) => batcher.submit(n));
    expect(batcher.queued).toBe(4);
    control.releaseNext();
    expect(await first).toBe(10);
    await Promise.resolve();
    expect(control.batches).toEqual([[1], [2, 3, 4]]);
    control.releaseNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.batches).toEqual([[1], [2, 3, 4], [5]]);
    control.releaseNext();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
  });

  it('fails only the request whose result is an error', async () => {
    const control = controlledRun();
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 8, maxQueued: 100, run: control.run });
    const blocker = batcher.submit(0);
    const results = [1, -2, 3].map((n) => batcher.submit(n).then((value) => value, (error: Error) => error.message));
    control.releaseNext();
    await blocker;
    await new Promise((resolve) => setImmediate(resolve));
    control.releaseNext();
    expect(await Promise.all(results)).toEqual([10, 'bad -2', 30]);
  });

  it('refuses requests beyond maxQueued with QueueFullError', async () => {
    const control = controlledRun();
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 8, maxQueued: 2, run: control.run });
    void batcher.submit(1);
    void batcher.submit(2);
    void batcher.submit(3);
    await expect(batcher.submit(4)).rejects.toBeInstanceOf(QueueFullError);
  });

  it('with maxConcurrentRuns 2, starts a second run at once and batches only when both are busy', async () => {
    const control = controlledRun();
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 8, maxQueued: 100, maxConcurrentRuns: 2, run: control.run });
    const all = [1, 2, 3, 4].map((n) => batcher.submit(n));
    expect(control.batches).toEqual([[1], [2]]);
    control.releaseNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.batches).toEqual([[1], [2], [3, 4]]);
    control.releaseNext();
    control.releaseNext();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });

  it('with maxDelayMs, waits for more requests before the first run', async () => {
    const control = controlledRun();
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 4, maxDelayMs: 30, maxQueued: 100, run: control.run });
    void batcher.submit(1);
    void batcher.submit(2);
    expect(control.batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(control.batches).toEqual([[1, 2]]);
  });
});
