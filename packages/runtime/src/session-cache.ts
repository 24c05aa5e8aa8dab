/**
 * Loaded models per version. Concurrent first requests share one load; a failed load is not
 * cached, so the next request tries again. Whoever triggers a load is told it paid a cold start.
 */
export interface Releasable {
  release(): Promise<void> | void;
}

export interface CachedSession<M> {
  model: M;
  /** True when this call had to load the model (the caller paid for it). */
  coldStart: boolean;
}

export class SessionCache<M extends Releasable> {
  private readonly entries = new Map<string, Promise<M>>();

  constructor(private readonly load: (versionId: string) => Promise<M>) {}

  async get(versionId: string): Promise<CachedSession<M>> {
    const existing = this.entries.get(versionId);
    if (existing) return { model: await existing, coldStart: false };
    const loading = this.load(versionId);
    this.entries.set(versionId, loading);
    try {
      return { model: await loading, coldStart: true };
    } catch (error) {
      this.entries.delete(versionId);
      throw error;
    }
  }

  has(versionId: string): boolean {
    return this.entries.has(versionId);
  }

  get size(): number {
    return this.entries.size;
  }

  async unload(versionId: string): Promise<void> {
    const entry = this.entries.get(versionId);
    if (!entry) return;
    this.entries.delete(versionId);
    const model = await entry.catch(() => null);
    await model?.release();
  }

  async clear(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((versionId) => this.unload(versionId)));
  }
}
