import type { TensorDtype, TensorSpec } from '@modelgate/contracts';
import { TensorInputError } from '../tensors/tensor-input-error.js';

/** A model input's spec, for codec tests: `tensorSpec('float32', ['N', 4])`. */
export const tensorSpec = (dtype: TensorDtype, shape: (number | string)[], name = 'x'): TensorSpec => ({ name, dtype, shape });

/** The TensorInputError `run` throws, for assertions on its message and path; fails otherwise. */
export function tensorInputErrorOf(run: () => unknown): TensorInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof TensorInputError) return error;
    throw new Error(`expected a TensorInputError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  throw new Error('expected a TensorInputError, but nothing was thrown');
}
