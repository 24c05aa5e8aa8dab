import { z } from 'zod';

/** Element types a tensor can carry over the API (the ONNX tensor types onnxruntime-node supports). */
export const TensorDtype = z.enum([
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
]);
export type TensorDtype = z.infer<typeof TensorDtype>;

/**
 * A dimension: a fixed size, or a symbolic one given by its name in the model ("batch", "N").
 * Dynamic dimensions the model leaves unnamed are reported as "?".
 */
export const Dim = z.union([z.number().int().nonnegative(), z.string()]);
export type Dim = z.infer<typeof Dim>;
export const UNNAMED_DIM = '?';

export const TensorSpec = z.object({
  name: z.string(),
  dtype: TensorDtype,
  shape: z.array(Dim),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

/** Outputs may be non-tensors (scikit-learn's ZipMap gives seq(map)); those are never returned. */
export const OutputSpec = z.discriminatedUnion('isTensor', [
  TensorSpec.extend({ isTensor: z.literal(true) }),
  z.object({ name: z.string(), isTensor: z.literal(false), type: z.string() }),
]);
export type OutputSpec = z.infer<typeof OutputSpec>;

export const OpsetImport = z.object({ domain: z.string(), version: z.number().int() });

export const Signature = z.object({
  inputs: z.array(TensorSpec),
  outputs: z.array(OutputSpec),
  /** True when every input's first dimension is symbolic: requests can be stacked into one batch. */
  batchable: z.boolean(),
});
export type Signature = z.infer<typeof Signature>;

/** Facts about the artifact read from its ModelProto. */
export const ModelFacts = z.object({
  irVersion: z.number().int(),
  producerName: z.string(),
  producerVersion: z.string(),
  domain: z.string(),
  modelVersion: z.number().int(),
  docString: z.string(),
  opsets: z.array(OpsetImport),
  metadataProps: z.record(z.string(), z.string()),
});
export type ModelFacts = z.infer<typeof ModelFacts>;

/** What validation learns from a model file. */
export const ModelInspection = z.object({
  signature: Signature,
  facts: ModelFacts,
  warnings: z.array(z.string()),
});
export type ModelInspection = z.infer<typeof ModelInspection>;

/** The outputs that can be returned: onnxruntime-node cannot fetch a non-tensor one (a ZipMap). */
export const tensorOutputNames = (signature: { outputs: readonly OutputSpec[] }): string[] =>
  signature.outputs.flatMap((output) => (output.isTensor ? [output.name] : []));
