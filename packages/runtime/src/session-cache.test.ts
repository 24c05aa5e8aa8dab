import { describe, expect, it } from 'vitest';
import { SessionCache } from './session-cache.js';

class FakeModel {
  released = false;
  constructor(readonly id: string) {}
  release() {
    this.released = true;
  }
}

describe('SessionCache', () => {
  it('loads once for concurrent callers and reports the cold start to one of them', async () => {
    let loads = 0;
    const cache = new SessionCache(async (id) => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return new FakeModel(id);
    });
    const results = await Promise.all([cache.get('v1'), cache.get('v1'), cache.get('v1')]);
    expect(loads).toBe(1);
    expect(results.filter((result) => result.coldStart)).toHaveLength(1);
    expect(new Set(results.map((result) => result.model)).size).toBe(1);
    expect((await cache.get('v1')).coldStart).toBe(false);
  });

  it('does not cache a failed load', async () => {
    let attempts = 0;
    const cache = new SessionCache(async (id) => {
      attempts += 1;
      if (attempts === 1) throw new Error('artifact missing');
      return new FakeModel(id);
    });
    await expect(cache.get('v1')).rejects.toThrow('artifact missing');
    expect(cache.has('v1')).toBe(false);
    expect((await cache.get('v1')).coldStart).toBe(true);
  });

  it('releases models on unload', async () => {
    const cache = new SessionCache(async (id) => new FakeModel(id));
    const { model } = await cache.get('v1');
    await cache.unload('v1');
    expect(model.released).toBe(true);
    expect(cache.size).toBe(0);
  });
});
