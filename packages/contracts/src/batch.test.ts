import { describe, expect, it } from 'vitest';
import { automaticChunkSize, BATCH_INDEX_STRIDE } from './batch.js';

describe('automaticChunkSize', () => {
  it('is a whole number of index strides, at least one', () => {
    for (const [rows, bytes] of [
      [1, 10],
      [6_000, 60_000],
      [123_457, 7_000_000],
      [1_000_000, 57_000_000],
      [40_000_000, 2e9],
    ] as const) {
      const size = automaticChunkSize(rows, bytes);
      expect(size % BATCH_INDEX_STRIDE, `${rows} rows`).toBe(0);
      expect(size).toBeGreaterThanOrEqual(BATCH_INDEX_STRIDE);
    }
  });

  it('keeps at least 50 chunks, at most 10,000 rows and about 16 MiB a chunk', () => {
    // Small files: one stride a chunk, as before there was a choice.
    expect(automaticChunkSize(6_000, 300_000)).toBe(1_000);
    expect(automaticChunkSize(100_000, 5_000_000)).toBe(2_000);
    // A million narrow rows: 10,000 a chunk (100 chunks, not 1,000).
    expect(automaticChunkSize(1_000_000, 57_000_000)).toBe(10_000);
    // Wide rows (a 150 KB image as JSON per line): the bytes decide, down to one stride.
    expect(automaticChunkSize(1_000_000, 1_000_000 * 4_000)).toBe(4_000);
    expect(automaticChunkSize(1_000_000, 1_000_000 * 150_000)).toBe(1_000);
  });
});
