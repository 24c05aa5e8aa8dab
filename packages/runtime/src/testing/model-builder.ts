import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TensorDtype } from '@modelgate/contracts';
import onnxProto from 'onnx-proto';
import { tensorFromJson } from '../tensors/json-codec.js';

const { onnx } = onnxProto;

/**
 * Writes small but real ONNX models (ModelProto bytes) so tests need no Python and no downloads.
 * Only what tests need: tensor and sequence values, common attribute kinds, initializers.
 */

const ELEMENT_TYPE: Record<TensorDtype, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int8: onnx.TensorProto.DataType.INT8,
  int16: onnx.TensorProto.DataType.INT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  uint8: onnx.TensorProto.DataType.UINT8,
  uint16: onnx.TensorProto.DataType.UINT16,
  uint32: onnx.TensorProto.DataType.UINT32,
  uint64: onnx.TensorProto.DataType.UINT64,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
};

/** ONNX's TensorProto.DataType number for a dtype, e.g. for Cast's `to` attribute. */
export function onnxElementType(dtype: TensorDtype): number {
  return ELEMENT_TYPE[dtype];
}

export interface GraphValue {
  name: string;
  dtype: TensorDtype;
  /**
   * Dimensions: a number is fixed, a string is symbolic ("N"), "" or "?" is dynamic without a name.
   * Omitted: the value declares no shape at all (unknown rank).
   */
  shape?: (number | string)[];
  /** Declare a sequence of such tensors (seq(tensor(...))) instead of a tensor. */
  sequence?: boolean;
}

export type AttributeValue =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] }
  | { tensor: TensorValue };

export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Operator domain: '' (default) for ai.onnx, 'ai.onnx.ml' for the ML operators. */
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

/** A constant tensor: values are flat, row-major, in the JSON form the codec takes ("NaN", int64 strings, booleans). */
export interface TensorValue {
  name?: string;
  dtype: TensorDtype;
  shape: number[];
  values: unknown[];
}

export interface ModelDefinition {
  inputs: GraphValue[];
  outputs: GraphValue[];
  nodes: GraphNode[];
  initializers?: (TensorValue & { name: string })[];
  /** Default opset 13 of ai.onnx. */
  opset?: number;
  /** Further opset imports, e.g. { 'ai.onnx.ml': 3 }. */
  extraOpsets?: Record<string, number>;
  /** Default 8 (what onnxruntime 1.30 and onnx 1.10 both read). */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadataProps?: Record<string, string>;
  graphName?: string;
}

function dimension(dim: number | string): onnxProto.onnx.TensorShapeProto.IDimension {
  if (typeof dim === 'number') return { dimValue: dim };
  return dim === '' || dim === '?' ? {} : { dimParam: dim };
}

function valueInfo(value: GraphValue): onnxProto.onnx.IValueInfoProto {
  const tensorType: onnxProto.onnx.TypeProto.ITensor = { elemType: ELEMENT_TYPE[value.dtype] };
  if (value.shape) tensorType.shape = { dim: value.shape.map(dimension) };
  const type: onnxProto.onnx.ITypeProto = value.sequence ? { sequenceType: { elemType: { tensorType } } } : { tensorType };
  return { name: value.name, type };
}

function tensorProto(value: TensorValue): onnxProto.onnx.ITensorProto {
  const host = tensorFromJson(
    { name: value.name ?? 'constant', dtype: value.dtype, shape: value.shape },
    { shape: value.shape, data: value.values },
  );
  const proto: onnxProto.onnx.ITensorProto = { name: value.name ?? '', dataType: ELEMENT_TYPE[value.dtype], dims: value.shape };
  if (Array.isArray(host.data)) {
    proto.stringData = host.data.map((text) => Buffer.from(text, 'utf8'));
  } else {
    proto.rawData = new Uint8Array(host.data.buffer, host.data.byteOffset, host.data.byteLength);
  }
  return proto;
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const kind = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: kind.INT, i: value.int };
  if ('float' in value) return { name, type: kind.FLOAT, f: value.float };
  if ('string' in value) return { name, type: kind.STRING, s: Buffer.from(value.string, 'utf8') };
  if ('ints' in value) return { name, type: kind.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: kind.FLOATS, floats: value.floats };
  if ('strings' in value) return { name, type: kind.STRINGS, strings: value.strings.map((text) => Buffer.from(text, 'utf8')) };
  return { name, type: kind.TENSOR, t: tensorProto(value.tensor) };
}

/** Serialized ModelProto for the given graph. */
export function buildModel(definition: ModelDefinition): Uint8Array {
  const opsets: onnxProto.onnx.IOperatorSetIdProto[] = [{ domain: '', version: definition.opset ?? 13 }];
  for (const [domain, version] of Object.entries(definition.extraOpsets ?? {})) opsets.push({ domain, version });
  const model = onnx.ModelProto.create({
    irVersion: definition.irVersion ?? 8,
    producerName: definition.producerName ?? 'modelgate-testing',
    producerVersion: definition.producerVersion ?? '1',
    docString: definition.docString ?? '',
    opsetImport: opsets,
    metadataProps: Object.entries(definition.metadataProps ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: definition.graphName ?? 'test-graph',
      node: definition.nodes.map((node, index) => ({
        name: node.name ?? `${node.opType}_${index}`,
        opType: node.opType,
        domain: node.domain ?? '',
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: (definition.initializers ?? []).map(tensorProto),
      input: definition.inputs.map(valueInfo),
      output: definition.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export interface GemmModelOptions {
  inputName?: string;
  outputName?: string;
  inFeatures: number;
  outFeatures: number;
  /** [inFeatures][outFeatures]: y = x · weights + bias. Default: `defaultGemmParameters`. */
  weights?: number[][];
  bias?: number[];
  /** First dimension of input and output: symbolic name (default "N") or a fixed size. */
  batchDim?: string | number;
}

/** Deterministic, distinct weights and bias so tests can compute the expected answer by hand. */
export function defaultGemmParameters(inFeatures: number, outFeatures: number): { weights: number[][]; bias: number[] } {
  const weights = Array.from({ length: inFeatures }, (_, row) =>
    Array.from({ length: outFeatures }, (_, column) => ((row + 1) * (column + 2)) / 8 - column / 4),
  );
  const bias = Array.from({ length: outFeatures }, (_, column) => column / 2 - 0.25);
  return { weights, bias };
}

/** A one-node Gemm model (opset 13, IR 8): x float32[batch, inFeatures] → y float32[batch, outFeatures]. */
export function buildGemmModel(options: GemmModelOptions): Uint8Array {
  const { inFeatures, outFeatures } = options;
  const defaults = defaultGemmParameters(inFeatures, outFeatures);
  const weights = options.weights ?? defaults.weights;
  const bias = options.bias ?? defaults.bias;
  if (weights.length !== inFeatures || weights.some((row) => row.length !== outFeatures)) {
    throw new Error(`weights must be ${inFeatures} rows of ${outFeatures} (inFeatures × outFeatures)`);
  }
  if (bias.length !== outFeatures) throw new Error(`bias must have ${outFeatures} values`);
  const batchDim = options.batchDim ?? 'N';
  const inputName = options.inputName ?? 'x';
  const outputName = options.outputName ?? 'y';
  return buildModel({
    inputs: [{ name: inputName, dtype: 'float32', shape: [batchDim, inFeatures] }],
    outputs: [{ name: outputName, dtype: 'float32', shape: [batchDim, outFeatures] }],
    initializers: [
      { name: 'W', dtype: 'float32', shape: [inFeatures, outFeatures], values: weights.flat() },
      { name: 'B', dtype: 'float32', shape: [outFeatures], values: bias },
    ],
    nodes: [{ opType: 'Gemm', inputs: [inputName, 'W', 'B'], outputs: [outputName] }],
  });
}

/** Writes model bytes to `directory/name` (creating the directory) and returns the file path. */
export async function writeModelFile(directory: string, name: string, bytes: Uint8Array): Promise<string> {
  await mkdir(directory, { recursive: true });
  const filePath = path.join(directory, name);
  await writeFile(filePath, bytes);
  return filePath;
}
