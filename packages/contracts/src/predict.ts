import { z } from 'zod';
import { Problem } from './problem.js';

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

/** `?async=true`: the prediction runs in the background; poll `statusUrl`. */
export const AsyncPredictionAccepted = z.object({ id: z.string(), status: z.literal('pending'), statusUrl: z.string() });
export type AsyncPredictionAccepted = z.infer<typeof AsyncPredictionAccepted>;

export const AsyncPrediction = z.object({
  id: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  endpoint: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** The same body a synchronous call answers, once succeeded. */
  result: PredictResponse.nullable(),
  /** The problem a synchronous call would have answered, once failed. */
  error: Problem.nullable(),
});
export type AsyncPrediction = z.infer<typeof AsyncPrediction>;
