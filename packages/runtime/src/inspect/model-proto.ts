import type { ModelFacts } from '@modelgate/contracts';
import onnxProto from 'onnx-proto';
import { refuseLegacyPickle } from './foreign-format.js';
import { InvalidModelError } from './invalid-model-error.js';

const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;

/** protobufjs gives int64 fields as Long objects when the `long` package is present, numbers otherwise. */
export function int64ToNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

const NOT_ONNX = 'not an ONNX model (could not parse ModelProto: truncated or another format)';

/** Decodes the bytes as onnx.ModelProto, refusing anything that is not a plausible model. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    refuseLegacyPickle(bytes);
    throw new InvalidModelError('not-onnx', NOT_ONNX);
  }
  // Other protobuf files (a TensorFlow GraphDef/SavedModel, say) often decode without error but
  // carry none of the fields every ONNX exporter writes.
  if (int64ToNumber(model.irVersion) <= 0 || !model.graph) {
    refuseLegacyPickle(bytes);
    throw new InvalidModelError(
      'not-onnx',
      'not an ONNX model (it parsed as protobuf but has no graph or ir_version: a TensorFlow .pb? convert it with tf2onnx)',
    );
  }
  const external = (model.graph.initializer ?? []).find(
    (tensor) => tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
  );
  if (external) {
    // Loading external data would read files relative to wherever the artifact sits, and they are not uploaded.
    throw new InvalidModelError(
      'external-data',
      `the model keeps weights in external files (initializer "${external.name}"), which are not part of the upload: ` +
        'save it as a single file with onnx.save_model(model, path, save_as_external_data=False) (models under 2 GB)',
    );
  }
  return model;
}

const ELEMENT_TYPE_NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

function elementTypeName(elemType: number | null | undefined): string {
  return ELEMENT_TYPE_NAMES[elemType ?? 0] ?? `element type ${elemType ?? 'unknown'}`;
}

/** ONNX's own notation for a value type, as onnxruntime prints it: `seq(map(int64,tensor(float)))`. */
export function formatValueType(type: onnxProto.onnx.ITypeProto | null | undefined): string {
  if (!type) return 'unknown';
  if (type.tensorType) return `tensor(${elementTypeName(type.tensorType.elemType)})`;
  if (type.sequenceType) return `seq(${formatValueType(type.sequenceType.elemType)})`;
  if (type.mapType) return `map(${elementTypeName(type.mapType.keyType)},${formatValueType(type.mapType.valueType)})`;
  if (type.optionalType) return `optional(${formatValueType(type.optionalType.elemType)})`;
  if (type.sparseTensorType) return `sparse_tensor(${elementTypeName(type.sparseTensorType.elemType)})`;
  return 'unknown';
}

export interface GraphValueTypes {
  /** Type notation per graph input and output name. */
  types: Map<string, string>;
  /** Tensor inputs that declare no shape at all (not even their rank). */
  inputsWithoutShape: Set<string>;
}

export function readGraphValueTypes(model: ModelProto): GraphValueTypes {
  const types = new Map<string, string>();
  const inputsWithoutShape = new Set<string>();
  for (const input of model.graph?.input ?? []) {
    types.set(input.name ?? '', formatValueType(input.type));
    if (input.type?.tensorType && !input.type.tensorType.shape) inputsWithoutShape.add(input.name ?? '');
  }
  for (const output of model.graph?.output ?? []) types.set(output.name ?? '', formatValueType(output.type));
  return { types, inputsWithoutShape };
}

export function readModelFacts(model: ModelProto): ModelFacts {
  const metadataProps: Record<string, string> = {};
  for (const entry of model.metadataProps) metadataProps[entry.key ?? ''] = entry.value ?? '';
  return {
    irVersion: int64ToNumber(model.irVersion),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: int64ToNumber(model.modelVersion),
    docString: model.docString,
    // The empty domain is the default operator set, which everyone calls ai.onnx.
    opsets: model.opsetImport.map((opset) => ({ domain: opset.domain || 'ai.onnx', version: int64ToNumber(opset.version) })),
    metadataProps,
  };
}
