import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { buildModel, onnxElementType } from '@modelgate/runtime/testing';
import { parse } from 'yaml';

/**
 * The Open Inference Protocol for tests: its own OpenAPI schemas (the copy in src/oip/spec, with
 * its provenance), compiled once, so the /v2 tests check responses against the spec rather than
 * against themselves; and the model and request of its inference example.
 */
const document = parse(readFileSync(new URL('../oip/spec/open_inference_rest.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};

// OpenAPI 3.0 schemas are JSON Schema plus annotations such as x-examples, which strict mode refuses.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'open_inference_rest', components: document.components });

export type OipSchemaName = keyof typeof document.components.schemas & string;

/** The ways `value` breaks the spec's schema `name`, or an empty list when it conforms. */
export function oipSchemaErrors(name: OipSchemaName, value: unknown): string[] {
  if (!(name in document.components.schemas)) throw new Error(`the spec has no schema "${name}"`);
  const validate = ajv.getSchema(`open_inference_rest#/components/schemas/${name}`)!;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''}`);
}

/**
 * The model of the spec's inference example: input0 UINT32 [2,2] and input1 BOOL [3] in, output0
 * FP32 [3,2] out, plus a second output (output1 BOOL [3]) so that asking for output0 alone means
 * something. output0[i][j] = input1[i] · Σ_k input0[k][j]; output1 = not input1.
 */
export function buildSpecExampleModel(): Uint8Array {
  return buildModel({
    inputs: [
      { name: 'input0', dtype: 'uint32', shape: [2, 2] },
      { name: 'input1', dtype: 'bool', shape: [3] },
    ],
    outputs: [
      { name: 'output0', dtype: 'float32', shape: [3, 2] },
      { name: 'output1', dtype: 'bool', shape: [3] },
    ],
    initializers: [
      { name: 'rows', dtype: 'int64', shape: [1], values: [0] },
      { name: 'column', dtype: 'int64', shape: [1], values: [1] },
    ],
    nodes: [
      { opType: 'Cast', inputs: ['input0'], outputs: ['input0_float'], attributes: { to: { int: onnxElementType('float32') } } },
      { opType: 'ReduceSum', inputs: ['input0_float', 'rows'], outputs: ['column_sums'], attributes: { keepdims: { int: 1 } } },
      { opType: 'Cast', inputs: ['input1'], outputs: ['input1_float'], attributes: { to: { int: onnxElementType('float32') } } },
      { opType: 'Unsqueeze', inputs: ['input1_float', 'column'], outputs: ['input1_column'] },
      { opType: 'Mul', inputs: ['input1_column', 'column_sums'], outputs: ['output0'] },
      { opType: 'Not', inputs: ['input1'], outputs: ['output1'] },
    ],
  });
}

/** The spec's inference request example, with input1 carrying the three values its shape [3] promises (the spec's shows one). */
export const SPEC_EXAMPLE_REQUEST = {
  id: '42',
  inputs: [
    { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
    { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
  ],
  outputs: [{ name: 'output0' }],
};
