import { z } from 'zod';

const Parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
  error: 'parameters must be an object of string, number or boolean values',
});

/**
 * The parts of an Open Inference Protocol inference request ($inference_request) the API reads
 * itself. `inputs` are the runtime codec's (decodeOipInputs): it checks them against the model's
 * signature in one pass over the values, and hands binary tensors their bytes.
 */
export const OipInferenceRequest = z.object({
  id: z.string().optional(),
  parameters: Parameters.optional(),
  inputs: z.array(z.unknown(), { error: 'inputs must be a list of tensors {"name", "shape", "datatype", "data"}' }).min(1, {
    error: 'inputs must list at least one tensor',
  }),
  outputs: z.array(z.object({ name: z.string().min(1), parameters: Parameters.optional() })).optional(),
});
export type OipInferenceRequest = z.infer<typeof OipInferenceRequest>;
