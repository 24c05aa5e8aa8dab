import type { TensorSpec } from '@modelgate/contracts';
import { tensorFromBinary } from './binary-tensor.js';
import { bytesPerElement, elementCount, formatShape, type HostTensor } from './host-tensor.js';
import { checkTensorShape } from './json-codec.js';
import { TensorInputError } from './tensor-input-error.js';

/**
 * A raw `application/octet-stream` predict body for a single-input model: the input's values as
 * little-endian bytes, row-major, nothing else. The cheapest way to send an image tensor: no JSON
 * to write or parse, no per-element work on arrival.
 */

/** Carries the shape of a raw body, e.g. `X-Modelgate-Shape: 1,3,224,224`. */
export const RAW_TENSOR_SHAPE_HEADER = 'X-Modelgate-Shape';

const DIMENSION = /^\d{1,15}$/;

/** The shape a `X-Modelgate-Shape` value gives (comma-separated sizes), or undefined when absent. */
export function parseShapeHeader(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const dims = value.split(',').map((dim) => dim.trim());
  if (!dims.every((dim) => DIMENSION.test(dim))) {
    throw new TensorInputError(
      `${RAW_TENSOR_SHAPE_HEADER} must be comma-separated sizes such as 1,3,224,224; got ${JSON.stringify(value)}`,
      { input: '', path: RAW_TENSOR_SHAPE_HEADER },
    );
  }
  return dims.map(Number);
}

function describeSpecShape(spec: TensorSpec): string {
  return `${spec.dtype} ${formatShape(spec.shape)}`;
}

/** The spec's shape with symbolic dimensions as placeholders: `<N>,3,<H>,<W>`. */
function shapeHeaderExample(spec: TensorSpec): string {
  return spec.shape.map((dim) => (typeof dim === 'string' ? `<${dim}>` : String(dim))).join(',');
}

/**
 * The input tensor a raw body holds. The shape is the caller's (from X-Modelgate-Shape) or, when
 * absent, the signature's when fully static, or with only the first dimension symbolic, the
 * number of whole rows the body holds.
 */
export function tensorFromRawBytes(spec: TensorSpec, bytes: Uint8Array, shape: number[] | undefined): HostTensor {
  const refuse = (message: string, path = 'body') => new TensorInputError(`input "${spec.name}" ${message}`, { input: spec.name, path });
  if (spec.dtype === 'string') {
    throw refuse(
      'is a string tensor, and a raw application/octet-stream body carries fixed-size numbers only: send JSON, or the Open Inference Protocol with BYTES',
    );
  }
  const source = { path: 'body', description: 'the body', typeName: spec.dtype };
  if (shape) {
    checkTensorShape(spec, shape, RAW_TENSOR_SHAPE_HEADER);
    return tensorFromBinary(spec, [...shape], bytes, source);
  }

  const symbolicAxes = spec.shape.flatMap((dim, axis) => (typeof dim === 'string' ? [axis] : []));
  if (symbolicAxes.length === 0) return tensorFromBinary(spec, spec.shape as number[], bytes, source);
  if (symbolicAxes.length > 1 || symbolicAxes[0] !== 0) {
    throw refuse(
      `has symbolic dimensions other than the first (${describeSpecShape(spec)}), which the body's size cannot tell: send its shape in ${RAW_TENSOR_SHAPE_HEADER}, e.g. ${RAW_TENSOR_SHAPE_HEADER}: ${shapeHeaderExample(spec)}`,
      RAW_TENSOR_SHAPE_HEADER,
    );
  }

  const rowShape = spec.shape.slice(1) as number[];
  const rowBytes = elementCount(rowShape) * bytesPerElement(spec.dtype);
  if (rowBytes === 0) {
    throw refuse(`has empty rows (${describeSpecShape(spec)}), so the body cannot tell how many: send ${RAW_TENSOR_SHAPE_HEADER}`, RAW_TENSOR_SHAPE_HEADER);
  }
  if (bytes.byteLength === 0 || bytes.byteLength % rowBytes !== 0) {
    throw refuse(
      `takes ${describeSpecShape(spec)}: one or more whole rows of ${rowBytes} bytes (${elementCount(rowShape)} values × ${bytesPerElement(spec.dtype)} bytes); the body has ${bytes.byteLength} bytes`,
    );
  }
  const rows = bytes.byteLength / rowBytes;
  const inferred = [rows, ...rowShape];
  checkTensorShape(spec, inferred, 'body');
  return tensorFromBinary(spec, inferred, bytes, source);
}
