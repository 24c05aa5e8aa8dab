import type { TensorDtype } from '@modelgate/contracts';

export type HostTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** Storage of every dtype but string. */
export type NumericTensorData = Exclude<HostTensorData, string[]>;

/**
 * A tensor in host memory, row-major. bool is stored as a Uint8Array of 0/1 and float16 as its
 * raw IEEE 754 half-precision bits in a Uint16Array, which is how onnxruntime takes them.
 */
export interface HostTensor {
  dtype: TensorDtype;
  shape: number[];
  data: HostTensorData;
}

/** Every dtype stored in a typed array, i.e. with a fixed size per element. */
export type NumericDtype = Exclude<TensorDtype, 'string'>;

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor;

const TYPED_ARRAY_BY_DTYPE: Record<NumericDtype, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** Allocates zeroed storage of the right element type (a plain array for strings). */
export function allocateTensorData(dtype: TensorDtype, length: number): HostTensorData {
  if (dtype === 'string') return new Array<string>(length).fill('');
  return new TYPED_ARRAY_BY_DTYPE[dtype](length);
}

/** Views raw little-endian bytes as the dtype's typed array; `bytes` must be aligned to the element size. */
export function viewTensorBytes(dtype: NumericDtype, buffer: ArrayBufferLike, byteOffset: number, length: number) {
  return new TYPED_ARRAY_BY_DTYPE[dtype](buffer as ArrayBuffer, byteOffset, length);
}

/**
 * `count` elements of `dtype` from little-endian bytes, without per-element work: a view when the
 * bytes sit at an offset aligned to the element size, else one copy (a typed array cannot start
 * at an unaligned offset, and Buffers routinely do: pooled allocations, chunks inside a body).
 * The caller has checked that `bytes` holds exactly `count` elements.
 */
export function tensorDataFromBytes(dtype: NumericDtype, bytes: Uint8Array, count: number): NumericTensorData {
  const aligned = bytes.byteOffset % bytesPerElement(dtype) === 0 ? bytes : new Uint8Array(bytes);
  return viewTensorBytes(dtype, aligned.buffer, aligned.byteOffset, count);
}

/** A numeric tensor's storage as its little-endian bytes (a view, not a copy). */
export function tensorDataBytes(data: NumericTensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function bytesPerElement(dtype: NumericDtype): number {
  return TYPED_ARRAY_BY_DTYPE[dtype].BYTES_PER_ELEMENT;
}

/** Number of elements a shape holds: 1 for a scalar (shape []). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** `[N,4]`, the notation error messages use for both specs and actual shapes. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}
