import type { Signature, TensorSpec } from '@modelgate/contracts';
import { tensorFromBinary, tensorToBinary } from './binary-tensor.js';
import { elementCount, formatShape, type HostTensor } from './host-tensor.js';
import { checkTensorShape, describeJsonValue, inferNestedShape, tensorFromJson, tensorToFlatJson } from './json-codec.js';
import { fromOipDatatype, toOipDatatype, type OipDatatype } from './oip-datatype.js';
import { TensorInputError } from './tensor-input-error.js';

/**
 * Open Inference Protocol (KServe V2) tensors, in JSON and with the binary tensor data extension:
 * a body is a JSON header of `Inference-Header-Content-Length` bytes, then the bytes of every
 * tensor whose `parameters.binary_data_size` is set, in the order the header lists them.
 */

export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

/** A tensor of a request's `inputs` (or a response's `outputs`) as the protocol writes it. */
export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  data?: unknown;
  parameters?: Record<string, unknown>;
}

export interface OipOutput extends OipTensor {
  datatype: OipDatatype;
}

function headerError(message: string, path: string, input = ''): TensorInputError {
  return new TensorInputError(message, { input, path });
}

/**
 * Separates a request body into its JSON header and its binary part. Without a header length
 * (a plain JSON request) the whole body is the header.
 */
export function splitInferenceBody(body: Uint8Array, headerLength: number | undefined): { header: unknown; binary: Buffer } {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const length = headerLength ?? bytes.byteLength;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw headerError(`${INFERENCE_HEADER_CONTENT_LENGTH} must be a whole number of bytes; got ${headerLength}`, INFERENCE_HEADER_CONTENT_LENGTH);
  }
  if (length > bytes.byteLength) {
    throw headerError(
      `${INFERENCE_HEADER_CONTENT_LENGTH} is ${length}, but the body has only ${bytes.byteLength} bytes`,
      INFERENCE_HEADER_CONTENT_LENGTH,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, length));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const extent = headerLength === undefined ? 'the body' : `the inference header (the first ${length} bytes of the body, per ${INFERENCE_HEADER_CONTENT_LENGTH})`;
    throw headerError(`${extent} is not valid JSON: ${reason}`, headerLength === undefined ? 'body' : INFERENCE_HEADER_CONTENT_LENGTH);
  }
  return { header, binary: bytes.subarray(length) };
}

/** Header lengths are rounded up to this, so a reader can view the first tensor's bytes in place. */
const CHUNK_ALIGNMENT = 8;

/**
 * A binary body: the JSON header, then the chunks in the order its tensors list them. The header
 * is padded with trailing spaces (still valid JSON) to a multiple of 8 bytes: numeric tensors
 * whose bytes start at an aligned offset are decoded without a copy.
 */
export function buildInferenceBody(header: unknown, chunks: readonly Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = JSON.stringify(header);
  const jsonLength = Buffer.byteLength(json, 'utf8');
  const headerLength = Math.ceil(jsonLength / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
  const headerBytes = Buffer.alloc(headerLength, ' ');
  headerBytes.write(json, 0, 'utf8');
  return { body: Buffer.concat([headerBytes, ...chunks]), headerLength };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function binaryDataSize(input: OipTensor, path: string): number | undefined {
  const size = input.parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw headerError(
      `input "${input.name}" parameters.binary_data_size must be a whole number of bytes; got ${describeJsonValue(size)}`,
      `${path}.parameters.binary_data_size`,
      input.name,
    );
  }
  return size as number;
}

function checkDatatype(spec: TensorSpec, input: OipTensor, path: string): void {
  const expected = toOipDatatype(spec.dtype);
  if (input.datatype === expected) return;
  const known = typeof input.datatype === 'string' && fromOipDatatype(input.datatype) !== undefined;
  throw new TensorInputError(
    `input "${spec.name}" expects datatype ${expected} (the model's ${spec.dtype}); got ${describeJsonValue(input.datatype)}` +
      (known ? '' : ' (not an Open Inference Protocol datatype this server takes: BOOL, UINT8…64, INT8…64, FP16, FP32, FP64, BYTES)'),
    { input: spec.name, path: `${path}.datatype` },
  );
}

function checkShape(spec: TensorSpec, shape: unknown, path: string): number[] {
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0)) {
    throw new TensorInputError(`input "${spec.name}" has an invalid shape ${JSON.stringify(shape)}: expected a list of non-negative integers`, {
      input: spec.name,
      path: `${path}.shape`,
    });
  }
  const dims = [...(shape as number[])];
  checkTensorShape(spec, dims, `${path}.shape`);
  return dims;
}

/**
 * One request input as a host tensor for the model input `spec`: from its JSON `data` (flat, or
 * nested exactly as its shape) or, when `parameters.binary_data_size` is set, from `binary` (this
 * tensor's chunk of the binary part). Checks the datatype against the model's dtype, the shape
 * against the signature (symbolic dimensions take any size), the element count against the
 * shape, and the chunk size against datatype × count. `requestPath` names the tensor in errors.
 */
export function tensorFromOip(spec: TensorSpec, input: OipTensor, binary: Uint8Array | undefined, requestPath = `inputs.${spec.name}`): HostTensor {
  checkDatatype(spec, input, requestPath);
  const shape = checkShape(spec, input.shape, requestPath);
  const binarySize = binaryDataSize(input, requestPath);

  if (binarySize !== undefined) {
    if (input.data !== undefined) {
      throw new TensorInputError(
        `input "${spec.name}" has both data and parameters.binary_data_size: send its values in one or the other`,
        { input: spec.name, path: `${requestPath}.data` },
      );
    }
    if (!binary || binary.byteLength !== binarySize) {
      throw new TensorInputError(
        `input "${spec.name}" has parameters.binary_data_size ${binarySize}, but ${binary ? `its binary data has ${binary.byteLength} bytes` : 'the request has no binary data for it'}`,
        { input: spec.name, path: `${requestPath}.parameters.binary_data_size` },
      );
    }
    return tensorFromBinary(spec, shape, binary, {
      path: `${requestPath}.parameters.binary_data_size`,
      description: 'its binary data',
      typeName: input.datatype,
    });
  }

  const { data } = input;
  if (!Array.isArray(data)) {
    throw new TensorInputError(
      `input "${spec.name}" needs data (a list of its values, flat in row-major order or nested as its shape) or parameters.binary_data_size; got ${describeJsonValue(data)}`,
      { input: spec.name, path: `${requestPath}.data` },
    );
  }
  const isNested = data.length > 0 && Array.isArray(data[0]);
  if (!isNested) return tensorFromJson(spec, { shape, data }, requestPath);

  const nesting = inferNestedShape(data);
  if (nesting.length !== shape.length || nesting.some((dim, axis) => dim !== shape[axis])) {
    throw new TensorInputError(
      `input "${spec.name}" has data nested as ${formatShape(nesting)}, but its shape is ${formatShape(shape)}: nest the data exactly as the shape, or send it flat`,
      { input: spec.name, path: `${requestPath}.data` },
    );
  }
  // The nesting equals the declared shape, which fits the spec: decode against the declared shape.
  return tensorFromJson({ name: spec.name, dtype: spec.dtype, shape }, data, `${requestPath}.data`);
}

function wrongHeader(message: string, path: string): TensorInputError {
  return headerError(`the inference request ${message}`, path);
}

function readRequestInput(value: unknown, index: number): OipTensor {
  const path = `inputs[${index}]`;
  if (!isPlainObject(value)) throw wrongHeader(`has ${describeJsonValue(value)} at ${path}; expected a tensor {"name", "shape", "datatype", "data"}`, path);
  if (typeof value.name !== 'string') throw wrongHeader(`input at ${path} needs a "name" string; got ${describeJsonValue(value.name)}`, `${path}.name`);
  if (value.parameters !== undefined && !isPlainObject(value.parameters)) {
    throw headerError(`input "${value.name}" parameters must be an object; got ${describeJsonValue(value.parameters)}`, `${path}.parameters`, value.name);
  }
  return value as unknown as OipTensor;
}

/**
 * The model inputs of an inference request: walks the header's `inputs` in order, hands each
 * binary tensor its chunk of `binary` by `binary_data_size`, and decodes each against the
 * signature. Refuses unknown, repeated and missing inputs, and chunk sizes that do not add up to
 * the binary part exactly.
 */
export function decodeOipInputs(signature: Signature, header: unknown, binary: Uint8Array = new Uint8Array(0)): Record<string, HostTensor> {
  const expectedNames = signature.inputs.map((input) => input.name).join(', ');
  if (!isPlainObject(header)) throw wrongHeader(`must be a JSON object; got ${describeJsonValue(header)}`, '');
  if (!Array.isArray(header.inputs)) {
    throw wrongHeader(`needs "inputs", a list of tensors (the model expects: ${expectedNames}); got ${describeJsonValue(header.inputs)}`, 'inputs');
  }
  const inputs = header.inputs.map(readRequestInput);

  // Chunks first: when the sizes do not add up, that (not a later tensor) is the mistake to report.
  const chunks: (Uint8Array | undefined)[] = [];
  let offset = 0;
  inputs.forEach((input, index) => {
    const size = binaryDataSize(input, `inputs[${index}]`);
    if (size === undefined) {
      chunks.push(undefined);
      return;
    }
    if (offset + size > binary.byteLength) {
      const hint = binary.byteLength === 0 ? ` (was ${INFERENCE_HEADER_CONTENT_LENGTH} sent?)` : '';
      throw headerError(
        `input "${input.name}" has parameters.binary_data_size ${size} at byte ${offset} of the binary data, but the binary data has only ${binary.byteLength} bytes${hint}`,
        `inputs[${index}].parameters.binary_data_size`,
        input.name,
      );
    }
    chunks.push(binary.subarray(offset, offset + size));
    offset += size;
  });
  if (offset !== binary.byteLength) {
    throw wrongHeader(
      `has ${binary.byteLength} bytes of binary data after its header, but its inputs' parameters.binary_data_size add up to ${offset}`,
      INFERENCE_HEADER_CONTENT_LENGTH,
    );
  }

  const specs = new Map(signature.inputs.map((spec) => [spec.name, spec]));
  const tensors: Record<string, HostTensor> = {};
  inputs.forEach((input, index) => {
    const spec = specs.get(input.name);
    if (!spec) {
      throw headerError(`unknown input "${input.name}" (the model expects: ${expectedNames})`, `inputs[${index}].name`, input.name);
    }
    if (Object.hasOwn(tensors, input.name)) {
      throw headerError(`input "${input.name}" is given more than once`, `inputs[${index}].name`, input.name);
    }
    tensors[input.name] = tensorFromOip(spec, input, chunks[index], `inputs[${index}]`);
  });
  for (const spec of signature.inputs) {
    if (!Object.hasOwn(tensors, spec.name)) {
      throw headerError(`missing input "${spec.name}" (the model expects: ${expectedNames})`, 'inputs', spec.name);
    }
  }
  return tensors;
}

/**
 * Whether the request asks for `outputName` as binary data: the output's own
 * `parameters.binary_data` wins over the request's `parameters.binary_data_output`.
 */
export function binaryOutputRequested(header: unknown, outputName: string): boolean {
  if (!isPlainObject(header)) return false;
  const outputs = Array.isArray(header.outputs) ? header.outputs : [];
  const requested = outputs.find((output): output is Record<string, unknown> => isPlainObject(output) && output.name === outputName);
  const own = isPlainObject(requested?.parameters) ? requested.parameters.binary_data : undefined;
  if (typeof own === 'boolean') return own;
  return isPlainObject(header.parameters) && header.parameters.binary_data_output === true;
}

/**
 * A model output for a response: JSON `data` flat in row-major order (int64 beyond ±2^53-1 as
 * decimal strings, non-finite floats as "NaN"/"Infinity"/"-Infinity"), or with `binary` its bytes
 * as `chunk` and their size in `parameters.binary_data_size` (no `data`, as the extension has it).
 */
export function tensorToOip(name: string, tensor: HostTensor, options: { binary: boolean }): { output: OipOutput; chunk?: Uint8Array } {
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    throw new Error(`output "${name}" (${tensor.dtype}) has ${tensor.data.length} values but its shape ${formatShape(tensor.shape)} needs ${count}`);
  }
  const datatype = toOipDatatype(tensor.dtype);
  const shape = [...tensor.shape];
  if (!options.binary) return { output: { name, shape, datatype, data: tensorToFlatJson(tensor) } };
  const chunk = tensorToBinary(tensor);
  return { output: { name, shape, datatype, parameters: { binary_data_size: chunk.byteLength } }, chunk };
}
