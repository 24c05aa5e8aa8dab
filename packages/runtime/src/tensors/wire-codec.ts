import type { WireTensor } from '@modelgate/contracts';
import { bytesPerElement, elementCount, formatShape, tensorDataFromBytes, type HostTensor } from './host-tensor.js';

/** A wire tensor whose bytes do not match its dtype and shape: a producer bug or a corrupted payload. */
export class WireTensorError extends Error {
  override readonly name = 'WireTensorError';
}

/**
 * Host tensor -> queue/result payload. Typed arrays are in platform byte order, and every platform
 * onnxruntime-node ships for (x64, arm64) is little-endian, which is what the wire format promises.
 */
export function toWire(tensor: HostTensor): WireTensor {
  const shape = [...tensor.shape];
  if (tensor.dtype === 'string') {
    if (!Array.isArray(tensor.data)) throw new WireTensorError('a string tensor must hold its values in a string[]');
    return { encoding: 'strings', dtype: 'string', shape, data: [...tensor.data] };
  }
  if (Array.isArray(tensor.data)) throw new WireTensorError(`a ${tensor.dtype} tensor must hold a typed array, not string[]`);
  const { buffer, byteOffset, byteLength } = tensor.data;
  return {
    encoding: 'bytes',
    dtype: tensor.dtype,
    shape,
    data: Buffer.from(buffer, byteOffset, byteLength).toString('base64'),
  };
}

function checkShape(wire: WireTensor): void {
  if (!Array.isArray(wire.shape) || !wire.shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new WireTensorError(`wire tensor has an invalid shape ${JSON.stringify(wire.shape)}`);
  }
}

/**
 * Queue/result payload -> host tensor. Trusts nothing but checks only sizes: the byte length must
 * be exactly product(shape) × bytes per element, which catches truncation and dtype mix-ups
 * without touching each element.
 */
export function fromWire(wire: WireTensor): HostTensor {
  checkShape(wire);
  const count = elementCount(wire.shape);
  if (wire.encoding === 'strings') {
    if (wire.dtype !== 'string' || !Array.isArray(wire.data)) {
      throw new WireTensorError(`wire tensor with encoding "strings" must be dtype string with a list of strings`);
    }
    if (wire.data.length !== count) {
      throw new WireTensorError(
        `string wire tensor has ${wire.data.length} values but shape ${formatShape(wire.shape)} needs ${count}`,
      );
    }
    return { dtype: 'string', shape: [...wire.shape], data: [...wire.data] };
  }
  if (wire.encoding !== 'bytes' || typeof wire.data !== 'string' || (wire.dtype as string) === 'string') {
    throw new WireTensorError(`wire tensor of dtype ${wire.dtype} must use encoding "bytes" with base64 data`);
  }
  const elementSize = bytesPerElement(wire.dtype);
  const bytes = Buffer.from(wire.data, 'base64');
  const expectedBytes = count * elementSize;
  if (bytes.byteLength !== expectedBytes) {
    throw new WireTensorError(
      `${wire.dtype} wire tensor of shape ${formatShape(wire.shape)} needs ${expectedBytes} bytes ` +
        `(${count} × ${elementSize}); got ${bytes.byteLength}`,
    );
  }
  return { dtype: wire.dtype, shape: [...wire.shape], data: tensorDataFromBytes(wire.dtype, bytes, count) };
}
