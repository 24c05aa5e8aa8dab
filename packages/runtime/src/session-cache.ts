import { performance } from 'node:perf_hooks';

/** What the cache frees when it unloads a model (OnnxModel releases its onnxruntime session). */
export interface Releasable {
  release(): Promise<void> | void;
}

export interface LoadedModel<M> {
  model: M;
  /**
   * Bytes the loaded model is expected to hold in memory, which is what the budget counts. Only
   * the loader knows what it loaded; for ONNX models `OnnxModel.estimateMemoryBytes` gives it.
   */
  sizeBytes: number;
}

export interface SessionUseInfo {
  /** True when this call had to load the model (the caller paid for it). */
  coldStart: boolean;
  /** How long the load took, when this call triggered it; null otherwise. */
  loadMs: number | null;
}

export interface CachedSession<M> extends SessionUseInfo {
  model: M;
}

export interface VersionCachePolicy {
  /** Never evicted nor unloaded when idle (minReplicas ≥ 1). */
  pinned: boolean;
  /** Unload after this long without use (minReplicas 0); null keeps the model until evicted. Ignored when pinned. */
  idleTimeoutMs: number | null;
}

export type UnloadReason = 'idle' | 'evicted' | 'explicit';

export type SessionCacheEvent =
  | { type: 'loaded'; versionId: string; sizeBytes: number; loadMs: number }
  | { type: 'unloaded'; versionId: string; sizeBytes: number; reason: UnloadReason; idleMs: number }
  /** A load left more held than the budget because nothing else could be evicted (pinned, in use, or nothing else loaded). */
  | { type: 'over-budget'; versionId: string; sizeBytes: number; heldBytes: number; memoryBudgetBytes: number }
  | { type: 'load-failed'; versionId: string; error: unknown }
  | { type: 'release-failed'; versionId: string; error: unknown };

export interface SessionCacheOptions<M> {
  load(versionId: string): Promise<LoadedModel<M>>;
  /** What the loaded models may hold together (sum of their `sizeBytes`). Default: no limit. */
  memoryBudgetBytes?: number;
  /** Milliseconds; injectable so tests control idle time. Default: wall-clock time with sub-millisecond precision. */
  now?: () => number;
  /** Told about loads, unloads and budget overruns, for logs and metrics. Must not throw. */
  onEvent?: (event: SessionCacheEvent) => void;
}

export interface CachedVersionStats {
  versionId: string;
  sizeBytes: number;
  pinned: boolean;
  idleTimeoutMs: number | null;
  lastUsedAt: number;
  /** Calls running the model (or waiting for it) right now. */
  inUse: number;
  /** Loads of this version since the cache was created, this one included. */
  loads: number;
  lastLoadMs: number | null;
}

export interface SessionCacheStats {
  /** Loaded versions, least recently used first. */
  versions: CachedVersionStats[];
  /** Versions whose load is in progress. */
  loading: string[];
  /** Sum of `sizeBytes` of every model not yet released (including ones unloaded but still running). */
  heldBytes: number;
  memoryBudgetBytes: number;
  loads: number;
  loadFailures: number;
  unloads: Record<UnloadReason, number>;
}

interface VersionHistory {
  loads: number;
  lastLoadMs: number | null;
  sizeBytes: number;
}

class CacheEntry<M> {
  state: 'loading' | 'loaded' | 'failed' = 'loading';
  model: M | undefined;
  sizeBytes = 0;
  loadMs: number | null = null;
  /** Calls holding the model: while loading, the ones waiting for it. */
  users = 0;
  lastUsedAt: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** Set once the entry has left the cache; the model is released when its last user finishes. */
  removal: UnloadReason | undefined;
  releaseStarted = false;
  ready!: Promise<M>;
  /** Settles when the model has been released (or its load failed): what `unload` waits for. */
  readonly released: Promise<void>;
  settleRelease!: (error?: unknown) => void;

  constructor(
    readonly versionId: string,
    now: number,
  ) {
    this.lastUsedAt = now;
    this.released = new Promise<void>((resolve, reject) => {
      this.settleRelease = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Only explicit unloads await this; a failed background release is reported as an event.
    this.released.catch(() => undefined);
  }
}

const defaultClock = () => performance.timeOrigin + performance.now();

/**
 * Loaded models per version, held under a memory budget.
 *
 * - Concurrent first requests share one load; a failed load is not cached, so the next request
 *   tries again. Whoever triggers a load is told it paid a cold start and how long it took.
 * - `use` holds a reference while the model runs: eviction and idle unload only ever release a
 *   model nobody is running (an unload requested mid-run releases it after the last user).
 * - Eviction is least-recently-used among unpinned, unused versions, whenever the models held
 *   exceed `memoryBudgetBytes`. A model's size is known only once loaded, so the budget is
 *   enforced when a load completes (before it, for a version loaded before, whose size is
 *   remembered): memory may briefly exceed the budget by the model being loaded. When nothing can
 *   be evicted the model is kept anyway and an 'over-budget' event says so.
 * - Per version (`configure`): pinned versions (minReplicas ≥ 1) are never evicted nor unloaded
 *   when idle; unpinned ones with `idleTimeoutMs` (minReplicas 0) are unloaded after that long
 *   without use, so the next request pays a cold start, as a serverless deployment would.
 */
export class SessionCache<M extends Releasable> {
  /** Insertion order is recency: every use moves the entry to the end, so iteration starts at the LRU. */
  private readonly entries = new Map<string, CacheEntry<M>>();
  /** Unloaded while still in use: released when their last user finishes. */
  private readonly draining = new Set<CacheEntry<M>>();
  private readonly policies = new Map<string, VersionCachePolicy>();
  private readonly history = new Map<string, VersionHistory>();
  private readonly load: (versionId: string) => Promise<LoadedModel<M>>;
  private readonly memoryBudgetBytes: number;
  private readonly now: () => number;
  private readonly onEvent: (event: SessionCacheEvent) => void;
  private heldBytes = 0;
  private totals = { loads: 0, loadFailures: 0, unloads: { idle: 0, evicted: 0, explicit: 0 } };

  constructor(options: SessionCacheOptions<M>) {
    const budget = options.memoryBudgetBytes ?? Number.POSITIVE_INFINITY;
    if (!(budget > 0)) throw new RangeError(`memoryBudgetBytes must be a positive number of bytes; got ${budget}`);
    this.load = options.load;
    this.memoryBudgetBytes = budget;
    this.now = options.now ?? defaultClock;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /**
   * The model, loading it when needed. It is not held after this returns, so under memory
   * pressure it may be evicted while the caller still runs it: to run a model, prefer `use`.
   */
  async get(versionId: string): Promise<CachedSession<M>> {
    const { entry, coldStart } = this.acquire(versionId);
    try {
      const model = await entry.ready;
      return { model, coldStart, loadMs: coldStart ? entry.loadMs : null };
    } finally {
      this.finishUse(entry);
    }
  }

  /** Runs `fn` with the model, which stays loaded until `fn` settles. */
  async use<T>(versionId: string, fn: (model: M, info: SessionUseInfo) => Promise<T>): Promise<T> {
    const { entry, coldStart } = this.acquire(versionId);
    try {
      const model = await entry.ready;
      return await fn(model, { coldStart, loadMs: coldStart ? entry.loadMs : null });
    } finally {
      this.finishUse(entry);
    }
  }

  /** Loads the version now (e.g. a pinned one at worker start) so no request pays the cold start. */
  preload(versionId: string): Promise<CachedSession<M>> {
    return this.get(versionId);
  }

  /**
   * Sets how a version is kept. Takes effect at once for a loaded version (a new idle timeout
   * counts from its last use). `{ pinned: false, idleTimeoutMs: null }` is the default: LRU only.
   */
  configure(versionId: string, policy: VersionCachePolicy): void {
    const { idleTimeoutMs } = policy;
    if (idleTimeoutMs !== null && !(Number.isFinite(idleTimeoutMs) && idleTimeoutMs >= 0)) {
      throw new RangeError(`idleTimeoutMs for version ${versionId} must be null or a non-negative number of milliseconds; got ${idleTimeoutMs}`);
    }
    if (!policy.pinned && idleTimeoutMs === null) this.policies.delete(versionId);
    else this.policies.set(versionId, { pinned: policy.pinned, idleTimeoutMs });
    const entry = this.entries.get(versionId);
    if (entry) {
      this.clearIdleTimer(entry);
      this.armIdleTimer(entry);
    }
  }

  /** True while the version is loaded or loading. */
  has(versionId: string): boolean {
    return this.entries.has(versionId);
  }

  /** Versions loaded or loading. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Removes the version now (the next get loads it again) and resolves once its model is
   * released, which waits for calls still running it. Its policy (`configure`) is kept.
   */
  async unload(versionId: string): Promise<void> {
    const entry = this.entries.get(versionId);
    if (!entry) return;
    this.remove(entry, 'explicit');
    await entry.released;
  }

  /** Unloads every version and waits for every release, including ones still draining. */
  async clear(): Promise<void> {
    const pending = [...this.entries.values(), ...this.draining];
    for (const entry of this.entries.values()) this.remove(entry, 'explicit');
    await Promise.all(pending.map((entry) => entry.released.catch(() => undefined)));
  }

  stats(): SessionCacheStats {
    const versions: CachedVersionStats[] = [];
    const loading: string[] = [];
    for (const entry of this.entries.values()) {
      if (entry.state === 'loading') {
        loading.push(entry.versionId);
        continue;
      }
      const policy = this.policies.get(entry.versionId);
      const history = this.history.get(entry.versionId);
      versions.push({
        versionId: entry.versionId,
        sizeBytes: entry.sizeBytes,
        pinned: policy?.pinned ?? false,
        idleTimeoutMs: policy?.idleTimeoutMs ?? null,
        lastUsedAt: entry.lastUsedAt,
        inUse: entry.users,
        loads: history?.loads ?? 0,
        lastLoadMs: history?.lastLoadMs ?? null,
      });
    }
    return {
      versions,
      loading,
      heldBytes: this.heldBytes,
      memoryBudgetBytes: this.memoryBudgetBytes,
      loads: this.totals.loads,
      loadFailures: this.totals.loadFailures,
      unloads: { ...this.totals.unloads },
    };
  }

  private acquire(versionId: string): { entry: CacheEntry<M>; coldStart: boolean } {
    let entry = this.entries.get(versionId);
    let coldStart = false;
    if (!entry) {
      entry = this.startLoad(versionId);
      coldStart = true;
    }
    // Counted before any await, so nothing can evict the model between its load and its use.
    entry.users += 1;
    this.touch(entry);
    return { entry, coldStart };
  }

  /** Recency is both when a use starts and when it ends: a long run keeps its model recent. */
  private touch(entry: CacheEntry<M>): void {
    entry.lastUsedAt = this.now();
    if (this.entries.get(entry.versionId) !== entry) return;
    this.entries.delete(entry.versionId);
    this.entries.set(entry.versionId, entry);
  }

  private finishUse(entry: CacheEntry<M>): void {
    entry.users -= 1;
    if (entry.state !== 'loaded') return;
    this.touch(entry);
    if (entry.users > 0) return;
    if (entry.removal) {
      this.releaseModel(entry);
      return;
    }
    this.armIdleTimer(entry);
    // An earlier load may have overrun the budget while this or another model was running.
    if (this.heldBytes > this.memoryBudgetBytes) this.evictFor(0, entry);
  }

  private startLoad(versionId: string): CacheEntry<M> {
    const entry = new CacheEntry<M>(versionId, this.now());
    this.entries.set(versionId, entry);
    entry.ready = this.loadInto(entry);
    // Waiters see the rejection themselves; this only keeps a load nobody awaits from being unhandled.
    entry.ready.catch(() => undefined);
    return entry;
  }

  private async loadInto(entry: CacheEntry<M>): Promise<M> {
    const { versionId } = entry;
    const history = this.history.get(versionId) ?? { loads: 0, lastLoadMs: null, sizeBytes: 0 };
    // A version seen before has a known size: make room first rather than overshoot while loading.
    if (history.loads > 0) this.evictFor(history.sizeBytes, entry);

    const startedAt = this.now();
    let loaded: LoadedModel<M>;
    try {
      loaded = await this.load(versionId);
      const { sizeBytes } = loaded;
      if (!(Number.isFinite(sizeBytes) && sizeBytes >= 0)) {
        await loaded.model.release();
        throw new Error(`the loader of version ${versionId} returned sizeBytes ${sizeBytes}; expected a non-negative number of bytes`);
      }
    } catch (error) {
      entry.state = 'failed';
      if (this.entries.get(versionId) === entry) this.entries.delete(versionId);
      this.totals.loadFailures += 1;
      entry.settleRelease();
      this.onEvent({ type: 'load-failed', versionId, error });
      throw error;
    }

    entry.state = 'loaded';
    entry.model = loaded.model;
    entry.sizeBytes = loaded.sizeBytes;
    entry.loadMs = this.now() - startedAt;
    entry.lastUsedAt = this.now();
    this.heldBytes += entry.sizeBytes;
    this.history.set(versionId, { loads: history.loads + 1, lastLoadMs: entry.loadMs, sizeBytes: entry.sizeBytes });
    this.totals.loads += 1;
    this.onEvent({ type: 'loaded', versionId, sizeBytes: entry.sizeBytes, loadMs: entry.loadMs });

    if (entry.removal) {
      // Unloaded while loading: the callers waiting for it still get it, then it is released.
      this.draining.add(entry);
      if (entry.users === 0) this.releaseModel(entry);
      return loaded.model;
    }
    this.evictFor(0, entry);
    if (this.heldBytes > this.memoryBudgetBytes) {
      this.onEvent({
        type: 'over-budget',
        versionId,
        sizeBytes: entry.sizeBytes,
        heldBytes: this.heldBytes,
        memoryBudgetBytes: this.memoryBudgetBytes,
      });
    }
    this.armIdleTimer(entry);
    return loaded.model;
  }

  /** Evicts least recently used, unpinned, unused models until `incomingBytes` more fits the budget. */
  private evictFor(incomingBytes: number, keep: CacheEntry<M>): void {
    for (const candidate of this.entries.values()) {
      if (this.heldBytes + incomingBytes <= this.memoryBudgetBytes) return;
      if (candidate === keep || candidate.state !== 'loaded' || candidate.users > 0) continue;
      if (this.policies.get(candidate.versionId)?.pinned) continue;
      this.remove(candidate, 'evicted');
    }
  }

  private remove(entry: CacheEntry<M>, reason: UnloadReason): void {
    if (entry.removal) return;
    entry.removal = reason;
    if (this.entries.get(entry.versionId) === entry) this.entries.delete(entry.versionId);
    this.clearIdleTimer(entry);
    if (entry.state !== 'loaded') return; // a load in progress finishes first (see loadInto)
    this.draining.add(entry);
    if (entry.users === 0) this.releaseModel(entry);
  }

  private releaseModel(entry: CacheEntry<M>): void {
    if (entry.releaseStarted || entry.state !== 'loaded') return;
    entry.releaseStarted = true;
    // The memory is counted as free once the release starts, so an eviction is not double-counted
    // by the load that caused it.
    this.heldBytes -= entry.sizeBytes;
    const reason = entry.removal ?? 'explicit';
    this.totals.unloads[reason] += 1;
    this.onEvent({
      type: 'unloaded',
      versionId: entry.versionId,
      sizeBytes: entry.sizeBytes,
      reason,
      idleMs: Math.max(0, this.now() - entry.lastUsedAt),
    });
    const model = entry.model!;
    entry.model = undefined;
    Promise.resolve()
      .then(() => model.release())
      .then(
        () => {
          this.draining.delete(entry);
          entry.settleRelease();
        },
        (error: unknown) => {
          this.draining.delete(entry);
          this.onEvent({ type: 'release-failed', versionId: entry.versionId, error });
          entry.settleRelease(error);
        },
      );
  }

  private armIdleTimer(entry: CacheEntry<M>): void {
    if (entry.idleTimer || entry.state !== 'loaded' || entry.removal || entry.users > 0) return;
    const policy = this.policies.get(entry.versionId);
    if (!policy || policy.pinned || policy.idleTimeoutMs === null) return;
    const delay = Math.max(0, entry.lastUsedAt + policy.idleTimeoutMs - this.now());
    entry.idleTimer = setTimeout(() => this.onIdleTimer(entry), delay);
    // An idle timer must not keep a worker process alive at shutdown.
    entry.idleTimer.unref();
  }

  private clearIdleTimer(entry: CacheEntry<M>): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
  }

  /**
   * One timer per idle entry, not one per request: uses since it was armed only move
   * `lastUsedAt`, and the timer re-arms for the remainder when it fires early.
   */
  private onIdleTimer(entry: CacheEntry<M>): void {
    entry.idleTimer = undefined;
    if (entry.removal || entry.users > 0) return; // finishUse re-arms it
    const policy = this.policies.get(entry.versionId);
    if (!policy || policy.pinned || policy.idleTimeoutMs === null) return;
    if (this.now() - entry.lastUsedAt < policy.idleTimeoutMs) {
      this.armIdleTimer(entry);
      return;
    }
    this.remove(entry, 'idle');
  }
}
