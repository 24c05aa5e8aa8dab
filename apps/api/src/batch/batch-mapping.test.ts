import type { Signature } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { ProblemException } from '../common/problem.exception.js';
import { resolveMapping } from './batch-mapping.js';

const tabular: Signature = { inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }], outputs: [], batchable: true };
const twoInputs: Signature = {
  inputs: [
    { name: 'image', dtype: 'float32', shape: ['N', 2, 2] },
    { name: 'scale', dtype: 'float32', shape: ['N', 1] },
  ],
  outputs: [],
  batchable: true,
};

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).getStatus()).toBe(400);
    return (error as ProblemException).message;
  }
  throw new Error('expected a refusal');
}

describe('resolveMapping', () => {
  it('reads each input from the column named after it', () => {
    expect(resolveMapping(twoInputs, ['id', 'scale', 'image'], undefined, 'csv')).toEqual({ image: 'image', scale: 'scale' });
    expect(resolveMapping(tabular, ['x', 'other'], undefined, 'jsonl')).toEqual({ x: 'x' });
  });

  it('gives a single [N, F] input all the columns, in order, when none is named after it', () => {
    expect(resolveMapping(tabular, ['a', 'b', 'c', 'd'], undefined, 'csv')).toEqual({ x: ['a', 'b', 'c', 'd'] });
    expect(refusal(() => resolveMapping(tabular, ['id', 'a', 'b', 'c', 'd'], undefined, 'csv'))).toBe(
      'input "x" takes 4 values per row, but the header has 5 columns (id, a, b, c, d); give "mapping": {"x": [the columns in order]}',
    );
  });

  it('refuses a file where an input has no column, naming the inputs and the columns there are', () => {
    expect(refusal(() => resolveMapping(twoInputs, ['image', 'size'], undefined, 'csv'))).toMatch(
      /^no column is named after input "scale" in the header \(image, size\): name a column after each input \(image, scale\) or give "mapping"/,
    );
  });

  it('checks a mapping given against the signature and the columns', () => {
    expect(resolveMapping(tabular, ['id', 'a', 'b', 'c', 'd'], { x: ['d', 'c', 'b', 'a'] }, 'csv')).toEqual({ x: ['d', 'c', 'b', 'a'] });
    expect(refusal(() => resolveMapping(tabular, ['a', 'b'], { x: ['a', 'b', 'z', 'a'] }, 'csv'))).toBe('column "z" (mapped to input "x") is not in the header (a, b)');
    expect(refusal(() => resolveMapping(tabular, ['a', 'b'], { x: ['a', 'b'] }, 'csv'))).toBe('input "x" takes 4 values per row, but the mapping names 2 columns for it');
    expect(refusal(() => resolveMapping(tabular, ['a'], { x: 'a', y: 'a' }, 'jsonl'))).toBe('the mapping names an input the model does not have: y (its inputs: x)');
    expect(refusal(() => resolveMapping(twoInputs, ['a'], { image: 'a' }, 'jsonl'))).toBe('the mapping gives no field for input scale: map every input (image, scale)');
    expect(refusal(() => resolveMapping(twoInputs, ['a', 'b'], { image: ['a', 'b'], scale: 'a' }, 'csv'))).toBe(
      'input "image" takes [2,2] per row, not one number per column: map it to one column holding a JSON array',
    );
  });

  it('refuses a CSV header that names a column twice', () => {
    expect(refusal(() => resolveMapping(tabular, ['a', 'b', 'a', 'c'], undefined, 'csv'))).toBe('the header names column "a" twice: each column needs its own name');
  });
});
