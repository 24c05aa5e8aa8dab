import type { Signature } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { decodeRequestInputs } from './request-inputs.js';
import { TensorInputError } from './tensor-input-error.js';

const single: Signature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 2] }],
  outputs: [{ name: 'y', isTensor: true, dtype: 'float32', shape: ['N', 1] }],
  batchable: true,
};
const pair: Signature = {
  inputs: [
    { name: 'x', dtype: 'float32', shape: ['N', 2] },
    { name: 'y', dtype: 'int64', shape: ['N'] },
  ],
  outputs: [{ name: 'z', isTensor: true, dtype: 'float32', shape: ['N'] }],
  batchable: true,
};

function refusal(run: () => unknown): TensorInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TensorInputError);
    return error as TensorInputError;
  }
  throw new Error('expected a TensorInputError');
}

describe('decodeRequestInputs', () => {
  it('decodes every named input', () => {
    const tensors = decodeRequestInputs(pair, { inputs: { x: [[1, 2]], y: { shape: [1], data: ['7'] } } });
    expect(tensors.x).toEqual({ dtype: 'float32', shape: [1, 2], data: new Float32Array([1, 2]) });
    expect(tensors.y).toEqual({ dtype: 'int64', shape: [1], data: new BigInt64Array([7n]) });
  });

  it('refuses a missing input, listing what the model expects', () => {
    const error = refusal(() => decodeRequestInputs(pair, { inputs: { x: [[1, 2]] } }));
    expect(error.message).toBe('missing input "y" (the model expects: x, y)');
    expect(error.input).toBe('y');
    expect(error.path).toBe('inputs.y');
  });

  it('refuses an unknown input before complaining about the missing one (a typo is both)', () => {
    const error = refusal(() => decodeRequestInputs(single, { inputs: { z: [[1, 2]] } }));
    expect(error.message).toBe('unknown input "z" (the model expects: x)');
    expect(error.path).toBe('inputs.z');
  });

  it('takes instances as the rows of the batch for a single-input model', () => {
    const tensors = decodeRequestInputs(single, { instances: [[1, 2], [3, 4], [5, 6]] });
    expect(tensors.x!.shape).toEqual([3, 2]);
    expect([...tensors.x!.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const error = refusal(() => decodeRequestInputs(single, { instances: [[1, 2], [3, 'a']] }));
    expect(error.path).toBe('instances[1][1]');
    expect(error.message).toContain('got "a" at [1][1]');
  });

  it('refuses instances for a model with several inputs', () => {
    expect(refusal(() => decodeRequestInputs(pair, { instances: [[1, 2]] })).message).toBe(
      '"instances" is accepted only for single-input models; this model expects: x, y. Send {"inputs": {"<name>": <tensor>, ...}} instead',
    );
  });
});
