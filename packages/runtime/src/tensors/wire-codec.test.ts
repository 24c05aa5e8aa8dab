import type { WireTensor } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from './host-tensor.js';
import { fromWire, toWire, WireTensorError } from './wire-codec.js';

const tensors: HostTensor[] = [
  { dtype: 'float32', shape: [2, 2], data: new Float32Array([1.5, Number.NaN, -Infinity, 3]) },
  { dtype: 'float64', shape: [1], data: new Float64Array([0.1]) },
  { dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0x7bff]) },
  { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
  { dtype: 'int16', shape: [1], data: new Int16Array([-300]) },
  { dtype: 'int32', shape: [2], data: new Int32Array([-1, 2 ** 31 - 1]) },
  { dtype: 'int64', shape: [3], data: new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]) },
  { dtype: 'uint8', shape: [1, 3], data: new Uint8Array([0, 1, 255]) },
  { dtype: 'uint16', shape: [1], data: new Uint16Array([65535]) },
  { dtype: 'uint32', shape: [1], data: new Uint32Array([4294967295]) },
  { dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
  { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
  { dtype: 'string', shape: [2, 1], data: ['héllo', ''] },
  { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
  { dtype: 'int64', shape: [], data: new BigInt64Array([42n]) },
];

describe('wire tensors', () => {
  it.each(tensors.map((tensor) => [`${tensor.dtype} ${JSON.stringify(tensor.shape)}`, tensor] as const))(
    '%s round-trips exactly',
    (_, tensor) => {
      const wire = toWire(tensor);
      // The payload must survive JSON (queues and results are JSON).
      const back = fromWire(JSON.parse(JSON.stringify(wire)) as WireTensor);
      expect(back).toEqual(tensor);
    },
  );

  it('sends numbers as little-endian bytes in base64 and strings as a list', () => {
    expect(toWire({ dtype: 'int32', shape: [2], data: new Int32Array([1, 256]) })).toEqual({
      encoding: 'bytes',
      dtype: 'int32',
      shape: [2],
      data: Buffer.from([1, 0, 0, 0, 0, 1, 0, 0]).toString('base64'),
    });
    expect(toWire({ dtype: 'string', shape: [1], data: ['a'] })).toEqual({ encoding: 'strings', dtype: 'string', shape: [1], data: ['a'] });
  });

  it('encodes only the view of a typed array, not the whole buffer behind it', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    const wire = toWire({ dtype: 'float32', shape: [2], data: backing.subarray(1, 3) });
    expect([...fromWire(wire).data]).toEqual([1, 2]);
  });

  it('refuses a byte length that does not match dtype and shape', () => {
    const wire: WireTensor = { encoding: 'bytes', dtype: 'float32', shape: [2, 2], data: Buffer.alloc(12).toString('base64') };
    expect(() => fromWire(wire)).toThrow(WireTensorError);
    expect(() => fromWire(wire)).toThrow('float32 wire tensor of shape [2,2] needs 16 bytes (4 × 4); got 12');
    const int64AsInt32 = { ...toWire({ dtype: 'int32', shape: [2], data: new Int32Array([1, 2]) }), dtype: 'int64' } as WireTensor;
    expect(() => fromWire(int64AsInt32)).toThrow('int64 wire tensor of shape [2] needs 16 bytes (2 × 8); got 8');
  });

  it('refuses a string count that does not match the shape, and a bad shape', () => {
    expect(() => fromWire({ encoding: 'strings', dtype: 'string', shape: [3], data: ['a', 'b'] })).toThrow(
      'string wire tensor has 2 values but shape [3] needs 3',
    );
    expect(() => fromWire({ encoding: 'bytes', dtype: 'uint8', shape: [-1], data: '' })).toThrow('invalid shape [-1]');
  });

  it('copies bytes that arrive unaligned for the element size', () => {
    // Small base64 strings decode into Node's shared pool at arbitrary offsets.
    for (let attempt = 0; attempt < 8; attempt++) {
      Buffer.from('x'.repeat(attempt + 1)); // shift the pool offset
      const back = fromWire(toWire({ dtype: 'float64', shape: [2], data: new Float64Array([attempt, 0.5]) }));
      expect([...back.data]).toEqual([attempt, 0.5]);
    }
  });
});
