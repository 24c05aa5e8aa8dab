import type { SampleInput, Signature } from '@modelgate/contracts';
import { decodeRequestInputs, TensorInputError } from '@modelgate/runtime/tensors';
import { ProblemException } from '../common/problem.exception.js';

/** A sample input is only useful if it is a request the version would accept: check it the same way. */
export function assertSampleInputFits(signature: Signature, sampleInput: SampleInput, where: string) {
  try {
    decodeRequestInputs(signature, sampleInput);
  } catch (error) {
    if (error instanceof TensorInputError) {
      throw ProblemException.badInput(`${where}.sampleInput does not fit the model's signature: ${error.message}`, [
        { path: `${where}.sampleInput.${error.path}`, message: error.message },
      ]);
    }
    throw error;
  }
}
