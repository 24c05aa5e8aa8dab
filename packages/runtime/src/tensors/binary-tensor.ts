import type { TensorSpec } from '@modelgate/contracts';
import { bytesPerElement, elementCount, formatShape, tensorDataBytes, tensorDataFromBytes, type HostTensor } from './host-tensor.js';
import { TensorInputError } from './tensor-input-error.js';

/**
 * Tensors as raw bytes, the layout of the Open Inference Protocol's binary tensor data and of raw
 * request bodies: numbers little-endian in row-major order, bool one byte (0 or 1) per value,
 * strings (BYTES) each a 4-byte little-endian length then that many bytes of UTF-8. Typed arrays
 * are in platform byte order, and every platform onnxruntime-node ships for (x64, arm64) is
 * little-endian, so numbers need no per-element work.
 */

/** Where the bytes came from, as error messages name it. */
export interface BinarySource {
  /** The tensor's place in the request, for TensorInputError.path. */
  path: string;
  /** `its binary data`, `the request body`. */
  description: string;
  /** How messages name the element type: the protocol's `FP32` or our `float32`. */
  typeName: string;
}

function binaryError(spec: TensorSpec, source: BinarySource, message: string): TensorInputError {
  return new TensorInputError(`input "${spec.name}" ${message}`, { input: spec.name, path: source.path });
}

const STRING_LENGTH_BYTES = 4;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeByteStrings(spec: TensorSpec, shape: readonly number[], bytes: Uint8Array, source: BinarySource): string[] {
  const count = elementCount(shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Array<string>(count);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const remaining = bytes.byteLength - offset;
    if (remaining < STRING_LENGTH_BYTES) {
      throw binaryError(
        spec,
        source,
        remaining === 0
          ? `of shape ${formatShape(shape)} needs ${count} ${source.typeName} elements; ${source.description} ends after ${index}`
          : `${source.typeName} element ${index} starts with a 4-byte length, but ${source.description} ends ${remaining} bytes later`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += STRING_LENGTH_BYTES;
    if (length > bytes.byteLength - offset) {
      throw binaryError(
        spec,
        source,
        `${source.typeName} element ${index} claims ${length} bytes, but ${source.description} has only ${bytes.byteLength - offset} left`,
      );
    }
    try {
      values[index] = utf8.decode(bytes.subarray(offset, offset + length));
    } catch {
      throw binaryError(spec, source, `${source.typeName} element ${index} is not valid UTF-8 (the model's string input takes text)`);
    }
    offset += length;
  }
  if (offset !== bytes.byteLength) {
    throw binaryError(
      spec,
      source,
      `of shape ${formatShape(shape)} needs ${count} ${source.typeName} elements, but ${source.description} has ${bytes.byteLength - offset} bytes more after them`,
    );
  }
  return values;
}

/**
 * The tensor `bytes` hold, given its shape (already checked against the spec). Checks only what
 * costs no per-element work, plus bool values (anything but 0 or 1 is undefined behaviour in
 * onnxruntime) and the framing of strings.
 */
export function tensorFromBinary(spec: TensorSpec, shape: number[], bytes: Uint8Array, source: BinarySource): HostTensor {
  if (spec.dtype === 'string') return { dtype: 'string', shape, data: decodeByteStrings(spec, shape, bytes, source) };
  const count = elementCount(shape);
  const elementSize = bytesPerElement(spec.dtype);
  const expectedBytes = count * elementSize;
  if (bytes.byteLength !== expectedBytes) {
    throw binaryError(
      spec,
      source,
      `of shape ${formatShape(shape)} needs ${expectedBytes} bytes of ${source.typeName} (${count} values × ${elementSize} bytes); ${source.description} has ${bytes.byteLength}`,
    );
  }
  if (spec.dtype === 'bool') {
    for (let index = 0; index < bytes.byteLength; index++) {
      if (bytes[index]! > 1) {
        throw binaryError(spec, source, `is ${source.typeName}, one byte per value, 0 or 1; byte ${index} of ${source.description} is ${bytes[index]}`);
      }
    }
  }
  return { dtype: spec.dtype, shape, data: tensorDataFromBytes(spec.dtype, bytes, count) };
}

/** A tensor's bytes in the same layout: a view of numeric storage, an encoding of strings. */
export function tensorToBinary(tensor: HostTensor): Uint8Array {
  if (!Array.isArray(tensor.data)) return tensorDataBytes(tensor.data);
  const strings = tensor.data;
  let total = 0;
  const encoded = strings.map((value) => {
    const bytes = Buffer.from(value, 'utf8');
    total += STRING_LENGTH_BYTES + bytes.byteLength;
    return bytes;
  });
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const bytes of encoded) {
    out.writeUInt32LE(bytes.byteLength, offset);
    offset += STRING_LENGTH_BYTES;
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out;
}
