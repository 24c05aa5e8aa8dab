import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OnnxModel } from './onnx-model.js';
import { SessionCache, type SessionCacheEvent, type SessionCacheOptions } from './session-cache.js';
import { loadReferenceModel, referenceInputs, rejectionOf } from './testing/index.js';

class FakeModel {
  released = false;
  constructor(readonly id: string) {}
  release() {
    this.released = true;
  }
}

/** A cache of fake models with a recorded event log; each load takes `loadMs` on the (fake) clock. */
function fakeCache(options: Partial<SessionCacheOptions<FakeModel>> & { sizes?: Record<string, number>; loadMs?: number } = {}) {
  const events: SessionCacheEvent[] = [];
  const loaded: FakeModel[] = [];
  const loadCalls: string[] = [];
  const cache = new SessionCache<FakeModel>({
    now: () => Date.now(),
    onEvent: (event) => events.push(event),
    load: async (versionId) => {
      loadCalls.push(versionId);
      await vi.advanceTimersByTimeAsync(options.loadMs ?? 0);
      const model = new FakeModel(versionId);
      loaded.push(model);
      return { model, sizeBytes: options.sizes?.[versionId] ?? 10 };
    },
    ...options,
  });
  const unloads = () =>
    events.flatMap((event) => (event.type === 'unloaded' ? [`${event.versionId}:${event.reason}`] : []));
  const latest = (versionId: string) => loaded.filter((model) => model.id === versionId).at(-1)!;
  return { cache, events, loaded, loadCalls, unloads, latest };
}

/** A promise with its resolve exposed, to hold a `use` open while the test acts. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('SessionCache: loading', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads once for concurrent callers, and reports the cold start and its duration to the one that triggered it', async () => {
    const { cache, loadCalls, events } = fakeCache({ loadMs: 250 });
    const results = await Promise.all([cache.get('v1'), cache.get('v1'), cache.use('v1', async (model, info) => ({ model, ...info }))]);
    expect(loadCalls).toEqual(['v1']);
    expect(results.map(({ coldStart, loadMs }) => ({ coldStart, loadMs }))).toEqual([
      { coldStart: true, loadMs: 250 },
      { coldStart: false, loadMs: null },
      { coldStart: false, loadMs: null },
    ]);
    expect(new Set(results.map((result) => result.model)).size).toBe(1);
    expect(await cache.get('v1')).toMatchObject({ coldStart: false, loadMs: null });
    expect(events).toEqual([{ type: 'loaded', versionId: 'v1', sizeBytes: 10, loadMs: 250 }]);
  });

  it('does not cache a failed load: the next call loads again', async () => {
    let attempts = 0;
    const events: SessionCacheEvent[] = [];
    const cache = new SessionCache<FakeModel>({
      onEvent: (event) => events.push(event),
      load: async (id) => {
        attempts += 1;
        if (attempts === 1) throw new Error('artifact missing');
        return { model: new FakeModel(id), sizeBytes: 1 };
      },
    });
    await expect(cache.get('v1')).rejects.toThrow('artifact missing');
    expect(cache.has('v1')).toBe(false);
    expect(cache.stats()).toMatchObject({ loadFailures: 1, loads: 0, heldBytes: 0 });
    expect(events.map((event) => event.type)).toEqual(['load-failed']);
    expect(await cache.get('v1')).toMatchObject({ coldStart: true });
    expect(cache.stats()).toMatchObject({ loadFailures: 1, loads: 1, heldBytes: 1 });
  });

  it('refuses a loader size that is not a number of bytes, and releases what it loaded', async () => {
    const model = new FakeModel('v1');
    const cache = new SessionCache<FakeModel>({ load: async () => ({ model, sizeBytes: Number.NaN }) });
    await expect(cache.get('v1')).rejects.toThrow('the loader of version v1 returned sizeBytes NaN; expected a non-negative number of bytes');
    expect(model.released).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('refuses a budget and an idle timeout that are not sizes', () => {
    expect(() => new SessionCache<FakeModel>({ load: async (id) => ({ model: new FakeModel(id), sizeBytes: 1 }), memoryBudgetBytes: 0 })).toThrow(
      'memoryBudgetBytes must be a positive number of bytes; got 0',
    );
    const { cache } = fakeCache();
    expect(() => cache.configure('v1', { pinned: false, idleTimeoutMs: -5 })).toThrow(
      'idleTimeoutMs for version v1 must be null or a non-negative number of milliseconds; got -5',
    );
  });
});

describe('SessionCache: memory budget', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('evicts the least recently used model when a load goes over the budget', async () => {
    const { cache, unloads, latest } = fakeCache({ memoryBudgetBytes: 100, sizes: { a: 40, b: 40, c: 40 } });
    await cache.get('a');
    await vi.advanceTimersByTimeAsync(10);
    await cache.get('b');
    await vi.advanceTimersByTimeAsync(10);
    await cache.get('a'); // a is now more recent than b
    await vi.advanceTimersByTimeAsync(10);
    await cache.get('c');
    expect(unloads()).toEqual(['b:evicted']);
    expect(latest('b').released).toBe(true);
    expect(latest('a').released).toBe(false);
    expect(cache.stats()).toMatchObject({ heldBytes: 80, unloads: { evicted: 1, idle: 0, explicit: 0 } });
    expect(cache.stats().versions.map((version) => version.versionId)).toEqual(['a', 'c']);
    expect(await cache.get('b')).toMatchObject({ coldStart: true });
    expect(unloads()).toEqual(['b:evicted', 'a:evicted']);
  });

  it('makes room before loading a version whose size it already knows', async () => {
    const { cache, events } = fakeCache({ memoryBudgetBytes: 100, sizes: { a: 60, b: 60 } });
    await cache.get('a');
    await cache.get('b'); // b's size is unknown until it has loaded, so a goes after
    events.length = 0;
    await cache.get('a'); // a's size is known now: b goes before a is loaded
    expect(events.map((event) => `${event.type}:${event.versionId}`)).toEqual(['unloaded:b', 'loaded:a']);
    expect(cache.stats().heldBytes).toBe(60);
  });

  it('never evicts a pinned version, even when it is the least recently used', async () => {
    const { cache, unloads } = fakeCache({ memoryBudgetBytes: 100, sizes: { a: 40, b: 40, c: 40 } });
    cache.configure('a', { pinned: true, idleTimeoutMs: null });
    await cache.preload('a');
    await cache.get('b');
    await cache.get('c');
    expect(unloads()).toEqual(['b:evicted']);
    expect(cache.stats().versions.find((version) => version.versionId === 'a')).toMatchObject({ pinned: true });
  });

  it('never releases a model while it runs; an over-budget load is reported, then resolved when the run ends', async () => {
    const { cache, events, unloads, latest } = fakeCache({ memoryBudgetBytes: 100, sizes: { a: 60, b: 60 } });
    const running = gate();
    let releasedDuringRun: boolean | undefined;
    const run = cache.use('a', async (model) => {
      await running.opened;
      releasedDuringRun = model.released;
      return 'answer';
    });
    await vi.advanceTimersByTimeAsync(0);
    await cache.get('b');
    expect(unloads()).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'over-budget', versionId: 'b', sizeBytes: 60, heldBytes: 120, memoryBudgetBytes: 100 });
    expect(cache.stats().versions.find((version) => version.versionId === 'a')).toMatchObject({ inUse: 1 });

    running.open();
    expect(await run).toBe('answer');
    expect(releasedDuringRun).toBe(false);
    // a finished last, so b is now the least recently used one and goes.
    expect(unloads()).toEqual(['b:evicted']);
    expect(latest('b').released).toBe(true);
    expect(cache.stats().heldBytes).toBe(60);
  });

  it('still loads a model bigger than the whole budget when nothing else can go, with a warning', async () => {
    const { cache, events } = fakeCache({ memoryBudgetBytes: 100, sizes: { huge: 500 } });
    const { model } = await cache.get('huge');
    expect(model.released).toBe(false);
    expect(events.map((event) => event.type)).toEqual(['loaded', 'over-budget']);
    // It stays loaded across uses: evicting it after every request would make each one a cold start.
    expect(await cache.get('huge')).toMatchObject({ coldStart: false });
    expect(model.released).toBe(false);
  });

  it('releases on explicit unload after the last user finishes, and keeps serving new callers a fresh load', async () => {
    const { cache, unloads, loaded } = fakeCache();
    const running = gate();
    const run = cache.use('a', async (model) => {
      await running.opened;
      return model.released;
    });
    await vi.advanceTimersByTimeAsync(0);
    const unloaded = cache.unload('a');
    expect(cache.has('a')).toBe(false);
    expect(loaded[0]!.released).toBe(false);
    expect(cache.stats().heldBytes).toBe(10);
    expect(await cache.get('a')).toMatchObject({ coldStart: true });

    running.open();
    expect(await run).toBe(false);
    await unloaded;
    expect(loaded[0]!.released).toBe(true);
    expect(loaded[1]!.released).toBe(false);
    expect(unloads()).toEqual(['a:explicit']);
  });

  it('clear releases everything and waits for it', async () => {
    const { cache, loaded } = fakeCache();
    await cache.get('a');
    await cache.get('b');
    await cache.clear();
    expect(loaded.map((model) => model.released)).toEqual([true, true]);
    expect(cache.size).toBe(0);
    expect(cache.stats()).toMatchObject({ heldBytes: 0, versions: [], unloads: { explicit: 2 } });
  });
});

describe('SessionCache: idle unload and pinning', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('unloads an unpinned version after idleTimeoutMs without use; the next call pays a cold start', async () => {
    const { cache, unloads, latest, events } = fakeCache({ loadMs: 30 });
    cache.configure('a', { pinned: false, idleTimeoutMs: 1_000 });
    expect(await cache.get('a')).toMatchObject({ coldStart: true, loadMs: 30 });
    await vi.advanceTimersByTimeAsync(600);
    await cache.get('a'); // a use restarts the idle period
    await vi.advanceTimersByTimeAsync(600);
    expect(cache.has('a')).toBe(true);
    await vi.advanceTimersByTimeAsync(400);
    expect(cache.has('a')).toBe(false);
    expect(unloads()).toEqual(['a:idle']);
    expect(events.find((event) => event.type === 'unloaded')).toMatchObject({ idleMs: 1_000 });
    expect(latest('a').released).toBe(true);

    expect(await cache.get('a')).toMatchObject({ coldStart: true, loadMs: 30 });
    expect(cache.stats().versions).toEqual([
      expect.objectContaining({ versionId: 'a', loads: 2, lastLoadMs: 30, idleTimeoutMs: 1_000, inUse: 0 }),
    ]);
  });

  it('does not unload a model while it runs, however long the run; the idle period starts when it ends', async () => {
    const { cache, unloads } = fakeCache();
    cache.configure('a', { pinned: false, idleTimeoutMs: 100 });
    const running = gate();
    const run = cache.use('a', async (model) => {
      await running.opened;
      return model.released;
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(cache.has('a')).toBe(true);
    running.open();
    expect(await run).toBe(false);
    await vi.advanceTimersByTimeAsync(99);
    expect(cache.has('a')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(unloads()).toEqual(['a:idle']);
  });

  it('keeps a pinned version however long it is idle; unpinning it starts its idle timeout', async () => {
    const { cache, unloads } = fakeCache();
    cache.configure('a', { pinned: true, idleTimeoutMs: 100 });
    expect(await cache.preload('a')).toMatchObject({ coldStart: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(cache.has('a')).toBe(true);
    cache.configure('a', { pinned: false, idleTimeoutMs: 100 });
    // Idle for a minute already: it goes as soon as the timer runs.
    await vi.advanceTimersByTimeAsync(0);
    expect(unloads()).toEqual(['a:idle']);
  });

  it('leaves unconfigured versions to the LRU alone', async () => {
    const { cache } = fakeCache();
    await cache.get('a');
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(cache.has('a')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('SessionCache with a real OnnxModel (mnist)', () => {
  const mnist = loadReferenceModel('mnist');
  const digit = mnist.reference.cases[0]!;

  it('measures the cold start, and idle unload releases the onnxruntime session', async () => {
    const events: SessionCacheEvent[] = [];
    const cache = new SessionCache<OnnxModel>({
      onEvent: (event) => events.push(event),
      load: async () => {
        const model = await OnnxModel.load(mnist.path);
        return { model, sizeBytes: OnnxModel.estimateMemoryBytes(26_454) };
      },
    });
    cache.configure('mnist-v1', { pinned: false, idleTimeoutMs: 50 });
    const idleUnload = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (events.some((event) => event.type === 'unloaded')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });

    const first = await cache.use('mnist-v1', async (model, info) => ({ model, info, outputs: await model.run(referenceInputs(digit)) }));
    expect(first.info.coldStart).toBe(true);
    expect(first.info.loadMs).toBeGreaterThan(0);
    expect(events[0]).toEqual({ type: 'loaded', versionId: 'mnist-v1', sizeBytes: 3 * 26_454 + 4 * 1024 * 1024, loadMs: first.info.loadMs });
    expect(Object.keys(first.outputs)).toEqual(['Plus214_Output_0']);

    await idleUnload;
    expect(events.at(-1)).toMatchObject({ type: 'unloaded', versionId: 'mnist-v1', reason: 'idle' });
    expect(cache.has('mnist-v1')).toBe(false);
    const afterUnload = await rejectionOf(first.model.run(referenceInputs(digit)));
    expect(afterUnload.message).toBe('this model has been released; load it again to run it');

    const second = await cache.get('mnist-v1');
    expect(second.coldStart).toBe(true);
    expect(second.model).not.toBe(first.model);
    const again = await second.model.run(referenceInputs(digit));
    expect([...again.Plus214_Output_0!.data]).toEqual([...first.outputs.Plus214_Output_0!.data]);
    await cache.clear();
  });
});
