import { describe, expect, it } from 'vitest';
import { parseShapeHeader, tensorFromRawBytes } from './raw-tensor-body.js';
import { tensorInputErrorOf, tensorSpec as spec } from '../testing/tensor-input-errors.js';

const float32Bytes = (...values: number[]) => Buffer.from(new Float32Array(values).buffer);

describe('tensorFromRawBytes', () => {
  it('takes a fully static shape from the signature', () => {
    const tensor = tensorFromRawBytes(spec('float32', [2, 2]), float32Bytes(1, 2, 3, 4), undefined);
    expect(tensor).toEqual({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
  });

  it('infers a symbolic first dimension from the byte count', () => {
    const tensor = tensorFromRawBytes(spec('int64', ['N', 2]), Buffer.from(new BigInt64Array([1n, -2n, 2n ** 62n, 4n, 5n, 6n]).buffer), undefined);
    expect(tensor.shape).toEqual([3, 2]);
    expect([...tensor.data]).toEqual([1n, -2n, 2n ** 62n, 4n, 5n, 6n]);
  });

  it('takes the shape the caller sends, checked against the signature', () => {
    const tensor = tensorFromRawBytes(spec('uint8', ['N', 'H', 3]), Buffer.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    expect(tensor).toEqual({ dtype: 'uint8', shape: [1, 2, 3], data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
    const wrong = tensorInputErrorOf(() => tensorFromRawBytes(spec('uint8', ['N', 'H', 3]), Buffer.from([1, 2, 3, 4, 5, 6]), [1, 3, 2]));
    expect(wrong.message).toBe('input "x" expects uint8 [N,H,3]; got [1,3,2]');
    expect(wrong.path).toBe('X-Modelgate-Shape');
  });

  it('refuses a body whose size does not match the shape, naming both', () => {
    const staticShape = tensorInputErrorOf(() => tensorFromRawBytes(spec('float32', [1, 3, 224, 224]), Buffer.alloc(602_108), undefined));
    expect(staticShape.message).toBe('input "x" of shape [1,3,224,224] needs 602112 bytes of float32 (150528 values × 4 bytes); the body has 602108');
    expect(staticShape.path).toBe('body');
    expect(tensorInputErrorOf(() => tensorFromRawBytes(spec('float32', ['N', 'H']), float32Bytes(1, 2, 3), [2, 2])).message).toBe(
      'input "x" of shape [2,2] needs 16 bytes of float32 (4 values × 4 bytes); the body has 12',
    );
  });

  it('refuses a body that is not a whole number of rows, or empty, when inferring the first dimension', () => {
    expect(tensorInputErrorOf(() => tensorFromRawBytes(spec('float32', ['N', 3, 2]), Buffer.alloc(30), undefined)).message).toBe(
      'input "x" takes float32 [N,3,2]: one or more whole rows of 24 bytes (6 values × 4 bytes); the body has 30 bytes',
    );
    expect(tensorInputErrorOf(() => tensorFromRawBytes(spec('float32', ['N', 3, 2]), Buffer.alloc(0), undefined)).message).toBe(
      'input "x" takes float32 [N,3,2]: one or more whole rows of 24 bytes (6 values × 4 bytes); the body has 0 bytes',
    );
  });

  it('asks for the shape header when dimensions other than the first are symbolic', () => {
    const error = tensorInputErrorOf(() => tensorFromRawBytes(spec('float32', ['N', 3, 'H', 'W']), Buffer.alloc(48), undefined));
    expect(error.message).toBe(
      'input "x" has symbolic dimensions other than the first (float32 [N,3,H,W]), which the body\'s size cannot tell: ' +
        'send its shape in X-Modelgate-Shape, e.g. X-Modelgate-Shape: <N>,3,<H>,<W>',
    );
    expect(error.path).toBe('X-Modelgate-Shape');
  });

  it('refuses string inputs, which have no fixed-size layout', () => {
    expect(tensorInputErrorOf(() => tensorFromRawBytes(spec('string', ['N']), Buffer.from('hello'), undefined)).message).toBe(
      'input "x" is a string tensor, and a raw application/octet-stream body carries fixed-size numbers only: send JSON, or the Open Inference Protocol with BYTES',
    );
  });

  it('refuses bool bytes other than 0 and 1', () => {
    expect(tensorInputErrorOf(() => tensorFromRawBytes(spec('bool', [3]), Buffer.from([0, 1, 2]), undefined)).message).toBe(
      'input "x" is bool, one byte per value, 0 or 1; byte 2 of the body is 2',
    );
  });

  it('reads numbers at an unaligned offset of a larger buffer', () => {
    const body = Buffer.concat([Buffer.from([0]), float32Bytes(0.5, -1)]).subarray(1);
    expect(body.byteOffset % 4).not.toBe(0);
    expect([...tensorFromRawBytes(spec('float32', ['N']), body, undefined).data]).toEqual([0.5, -1]);
  });
});

describe('parseShapeHeader', () => {
  it('reads comma-separated sizes, and nothing when the header is absent', () => {
    expect(parseShapeHeader('1,3,224,224')).toEqual([1, 3, 224, 224]);
    expect(parseShapeHeader(' 2 , 5 ')).toEqual([2, 5]);
    expect(parseShapeHeader(undefined)).toBeUndefined();
  });

  it('refuses anything else, quoting it', () => {
    for (const value of ['', '1,,3', '1,-3', '1x3', '1.5']) {
      const error = tensorInputErrorOf(() => parseShapeHeader(value));
      expect(error.message).toBe(`X-Modelgate-Shape must be comma-separated sizes such as 1,3,224,224; got ${JSON.stringify(value)}`);
      expect(error.path).toBe('X-Modelgate-Shape');
    }
  });
});
