import { z } from 'zod';

/**
 * Tensor values are checked against the model signature by the runtime's codec in one pass,
 * not element by element here: a 224×224 image is 150k numbers.
 */
export const TensorJson = z.unknown();

export const PredictRequest = z.union([
  z.object({ inputs: z.record(z.string(), TensorJson), outputs: z.array(z.string()).optional() }).strict(),
  /** TF-Serving style, for single-input models: each instance is one row of the batch. */
  z.object({ instances: z.array(TensorJson) }).strict(),
], {
  error: 'expected {"inputs": {"<input name>": tensor, …}} (optionally with "outputs": ["<name>", …]) or, for a single-input model, {"instances": [row, …]}',
});
export type PredictRequest = z.infer<typeof PredictRequest>;

export const PredictResponse = z.object({
  outputs: z.record(z.string(), z.unknown()),
  model: z.string(),
  version: z.number().int(),
  revision: z.number().int(),
  requestId: z.string(),
});
export type PredictResponse = z.infer<typeof PredictResponse>;
