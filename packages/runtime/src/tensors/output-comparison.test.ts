import { describe, expect, it } from 'vitest';
import type { HostTensor } from './host-tensor.js';
import { compareOutputs } from './output-comparison.js';

const scores = (rows: number[][]): HostTensor => ({ dtype: 'float32', shape: [rows.length, rows[0]!.length], data: Float32Array.from(rows.flat()) });
const labels = (values: number[]): HostTensor => ({ dtype: 'int64', shape: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

describe('compareOutputs', () => {
  it('agrees on class scores when every row picks the same class, and reports the largest difference', () => {
    expect(compareOutputs({ y: scores([[0.9, 0.1], [0.2, 0.8]]) }, { y: scores([[0.6, 0.4], [0.3, 0.7]]) })).toEqual({
      classified: true,
      agreed: true,
      maxAbsDiff: expect.closeTo(0.3, 6),
    });
    expect(compareOutputs({ y: scores([[0.9, 0.1], [0.2, 0.8]]) }, { y: scores([[0.9, 0.1], [0.6, 0.4]]) })).toMatchObject({ classified: true, agreed: false });
  });

  it('compares labels exactly, and strings too', () => {
    expect(compareOutputs({ label: labels([1, 2]) }, { label: labels([1, 2]) })).toEqual({ classified: true, agreed: true, maxAbsDiff: 0 });
    expect(compareOutputs({ label: labels([1, 2]) }, { label: labels([1, 0]) })).toEqual({ classified: true, agreed: false, maxAbsDiff: 2 });
    const names = (values: string[]): HostTensor => ({ dtype: 'string', shape: [values.length], data: values });
    expect(compareOutputs({ label: names(['cat']) }, { label: names(['dog']) })).toMatchObject({ classified: true, agreed: false, maxAbsDiff: null });
  });

  it('treats a single value per row as a regression: a difference, no agreement', () => {
    const value = (numbers: number[]): HostTensor => ({ dtype: 'float32', shape: [numbers.length, 1], data: Float32Array.from(numbers) });
    expect(compareOutputs({ y: value([1, 2]) }, { y: value([1.5, 2]) })).toEqual({ classified: false, agreed: false, maxAbsDiff: 0.5 });
  });

  it('counts a different shape as a disagreement, and only compares outputs both gave', () => {
    expect(compareOutputs({ y: scores([[0.9, 0.1]]) }, { y: scores([[0.9, 0.05, 0.05]]) })).toEqual({ classified: true, agreed: false, maxAbsDiff: null });
    expect(compareOutputs({ y: scores([[0.9, 0.1]]) }, { z: scores([[0.9, 0.1]]) })).toBeNull();
  });
});
