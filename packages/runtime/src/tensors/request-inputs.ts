import type { PredictRequest, Signature } from '@modelgate/contracts';
import type { HostTensor } from './host-tensor.js';
import { tensorFromJson } from './json-codec.js';
import { TensorInputError } from './tensor-input-error.js';

/**
 * Turns a predict request body into one host tensor per model input, refusing missing and unknown
 * names. `{"instances": [...]}` (TF-Serving style) is only meaningful for single-input models: the
 * instances are the rows of the batch, so the list itself is the input tensor.
 */
export function decodeRequestInputs(signature: Signature, request: PredictRequest): Record<string, HostTensor> {
  const expectedNames = signature.inputs.map((input) => input.name).join(', ');

  if ('instances' in request) {
    const [only, ...others] = signature.inputs;
    if (!only || others.length > 0) {
      throw new TensorInputError(
        `"instances" is accepted only for single-input models; this model expects: ${expectedNames}. ` +
          'Send {"inputs": {"<name>": <tensor>, ...}} instead',
        { input: '', path: 'instances' },
      );
    }
    return { [only.name]: tensorFromJson(only, request.instances, 'instances') };
  }

  const given = request.inputs as unknown;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TensorInputError(`"inputs" must be an object keyed by input name (the model expects: ${expectedNames})`, {
      input: '',
      path: 'inputs',
    });
  }
  const values = given as Record<string, unknown>;
  const known = new Set(signature.inputs.map((input) => input.name));
  // Unknown names first: a misspelt name is both unknown and missing, and "unknown" points at the typo.
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      throw new TensorInputError(`unknown input "${name}" (the model expects: ${expectedNames})`, {
        input: name,
        path: `inputs.${name}`,
      });
    }
  }
  const tensors: Record<string, HostTensor> = {};
  for (const spec of signature.inputs) {
    if (!Object.hasOwn(values, spec.name)) {
      throw new TensorInputError(`missing input "${spec.name}" (the model expects: ${expectedNames})`, {
        input: spec.name,
        path: `inputs.${spec.name}`,
      });
    }
    tensors[spec.name] = tensorFromJson(spec, values[spec.name]);
  }
  return tensors;
}
