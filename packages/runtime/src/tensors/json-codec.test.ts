import type { TensorDtype } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { float16BitsToNumber, numberToFloat16Bits } from './float16.js';
import { tensorFromJson, tensorRowJson, tensorToJson } from './json-codec.js';
import { allocateTensorData, elementCount, type HostTensor } from './host-tensor.js';
import { tensorInputErrorOf, tensorSpec as spec } from '../testing/tensor-input-errors.js';



describe('tensorFromJson: every dtype', () => {
  const cases: { dtype: TensorDtype; json: unknown[]; type: unknown; stored: unknown[]; back?: unknown[] }[] = [
    { dtype: 'float32', json: [1.5, -2, 'NaN'], type: Float32Array, stored: [1.5, -2, Number.NaN], back: [1.5, -2, 'NaN'] },
    { dtype: 'float64', json: [0.1, 'Infinity', '-Infinity'], type: Float64Array, stored: [0.1, Infinity, -Infinity] },
    { dtype: 'int8', json: [-128, 0, 127], type: Int8Array, stored: [-128, 0, 127] },
    { dtype: 'int16', json: [-32768, 1, 32767], type: Int16Array, stored: [-32768, 1, 32767] },
    { dtype: 'int32', json: [-2147483648, 7, 2147483647], type: Int32Array, stored: [-2147483648, 7, 2147483647] },
    {
      dtype: 'int64',
      json: [-3, '9223372036854775807', '-9223372036854775808'],
      type: BigInt64Array,
      stored: [-3n, 9223372036854775807n, -9223372036854775808n],
      back: [-3, '9223372036854775807', '-9223372036854775808'],
    },
    { dtype: 'uint8', json: [0, 128, 255], type: Uint8Array, stored: [0, 128, 255] },
    { dtype: 'uint16', json: [0, 1, 65535], type: Uint16Array, stored: [0, 1, 65535] },
    { dtype: 'uint32', json: [0, 1, 4294967295], type: Uint32Array, stored: [0, 1, 4294967295] },
    {
      dtype: 'uint64',
      json: [0, 9007199254740991, '18446744073709551615'],
      type: BigUint64Array,
      stored: [0n, 9007199254740991n, 18446744073709551615n],
    },
    { dtype: 'bool', json: [true, false, true], type: Uint8Array, stored: [1, 0, 1] },
    { dtype: 'string', json: ['a', '', 'ünï'], type: Array, stored: ['a', '', 'ünï'] },
    { dtype: 'float16', json: [1, -0.5, 65504], type: Uint16Array, stored: [0x3c00, 0xb800, 0x7bff] },
  ];

  it.each(cases)('$dtype: nested arrays in, typed storage, the same JSON out', ({ dtype, json, type, stored, back }) => {
    const tensor = tensorFromJson(spec(dtype, ['N', 3]), [json]);
    expect(tensor.dtype).toBe(dtype);
    expect(tensor.shape).toEqual([1, 3]);
    expect(tensor.data).toBeInstanceOf(type);
    expect([...tensor.data]).toEqual(stored);
    expect(tensorToJson(tensor)).toEqual([back ?? json]);
  });

  it.each(cases)('$dtype: {shape, data} gives the same tensor as nested arrays', ({ dtype, json }) => {
    const nested = tensorFromJson(spec(dtype, ['N', 3]), [json]);
    const flat = tensorFromJson(spec(dtype, ['N', 3]), { shape: [1, 3], data: json });
    expect(flat).toEqual(nested);
  });
});

describe('tensorFromJson: shapes', () => {
  it('reads nested arrays of any rank in row-major order', () => {
    const tensor = tensorFromJson(spec('int32', [2, 'H', 2]), [
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    ]);
    expect(tensor.shape).toEqual([2, 3, 2]);
    expect([...tensor.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(tensorToJson(tensor)).toEqual([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    ]);
  });

  it('takes a bare value for a scalar input and gives one back', () => {
    const tensor = tensorFromJson(spec('float32', []), 2.5);
    expect(tensor.shape).toEqual([]);
    expect([...tensor.data]).toEqual([2.5]);
    expect(tensorToJson(tensor)).toBe(2.5);
    expect(tensorToJson(tensorFromJson(spec('int64', []), '1234567890123456789'))).toBe('1234567890123456789');
  });

  it('accepts any size for symbolic and unnamed dimensions', () => {
    expect(tensorFromJson(spec('float32', ['batch', '?']), [[1, 2, 3, 4, 5]]).shape).toEqual([1, 5]);
    expect(tensorFromJson(spec('float32', ['batch', 2]), { shape: [4, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }).shape).toEqual([4, 2]);
  });

  it('refuses a wrong fixed dimension naming the expected and received shapes', () => {
    const error = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 4]), [[1, 2, 3]]));
    expect(error.message).toBe('input "x" expects float32 [N,4]; got [1,3]');
    expect(error.input).toBe('x');
    expect(error.path).toBe('inputs.x');
  });

  it('refuses a wrong rank', () => {
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 4]), [1, 2, 3, 4])).message).toBe(
      'input "x" expects float32 [N,4]; got [4]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 4]), 7)).message).toBe(
      'input "x" expects float32 [N,4]; got a single value 7',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', []), [7])).message).toBe('input "x" expects a float32 scalar; got [1]');
    const flat = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 4]), { shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }));
    expect(flat.message).toBe('input "x" expects float32 [N,4]; got [2,2,2]');
    expect(flat.path).toBe('inputs.x.shape');
  });

  it('refuses ragged nested arrays, saying which row differs from which', () => {
    const shorter = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 3]), [[1, 2, 3], [4, 5]]));
    expect(shorter.message).toBe(
      'input "x" has ragged nested arrays (every row must have the same length): [1] has 2 elements, but [0] has 3',
    );
    expect(shorter.path).toBe('inputs.x[1]');

    const deeper = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 2]), [[1, 2], [3, [4]]]));
    expect(deeper.message).toBe(
      'input "x" has ragged nested arrays (every row must have the same length): [1][1] is an array of 1, but [0][0] is a value',
    );

    const flatter = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 2]), [[1, 2], 3]));
    expect(flatter.message).toBe(
      'input "x" has ragged nested arrays (every row must have the same length): [1] is 3, but [0] is an array of 2',
    );

    const inner = tensorInputErrorOf(() => tensorFromJson(spec('int32', ['N', 2, 2]), [[[1, 2], [3, 4]], [[5, 6], [7]]]));
    expect(inner.message).toContain('[1][1] has 1 elements, but [0][0] has 2');
  });

  it('checks {shape, data}: data length, flatness, shape values, dtype and stray keys', () => {
    const x = spec('float32', ['N', 2]);
    expect(tensorInputErrorOf(() => tensorFromJson(x, { shape: [2, 2], data: [1, 2, 3] })).message).toBe(
      'input "x" has shape [2,2], which holds 4 values, but data has 3',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(x, { shape: [1, 2], data: [[1, 2]] })).message).toBe(
      'input "x" data must be flat (row-major, shape given separately); got an array at data[0]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(x, { shape: [1, -2], data: [] })).message).toBe(
      'input "x" has an invalid shape [1,-2]: expected a list of non-negative integers',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(x, { shape: [1, 2], data: [1, 2], dtype: 'float64' })).message).toBe(
      'input "x" expects float32; got dtype "float64"',
    );
    expect(tensorFromJson(x, { shape: [1, 2], data: [1, 2], dtype: 'float32' }).shape).toEqual([1, 2]);
    expect(tensorInputErrorOf(() => tensorFromJson(x, { values: [1, 2] })).message).toBe(
      'input "x" expects a nested array or {"shape": [...], "data": [...]}; got an object with keys values',
    );
  });

  it('refuses a shape too large to allocate before allocating it', () => {
    const rows = Array.from({ length: 20_000 }, () => [0]);
    rows[0] = new Array(20_000).fill(0);
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 'M']), rows)).message).toContain(
      'has shape [20000,20000] (400000000 values), more than the 134217728 one input may carry',
    );
  });
});

describe('tensorFromJson: values', () => {
  it('refuses a non-number in a float tensor with its position', () => {
    const error = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 3]), [[1, 2, 'abc']]));
    expect(error.message).toBe(
      'input "x" expects float32 numbers; got "abc" at [0][2] (JSON has no NaN or infinity: write them as "NaN", "Infinity", "-Infinity")',
    );
    expect(error.path).toBe('inputs.x[0][2]');
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float64', [2]), [1, null])).message).toBe(
      'input "x" expects float64 numbers; got null at [1]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', [1]), { shape: [1], data: [true] })).message).toBe(
      'input "x" expects float32 numbers; got true at data[0]',
    );
  });

  it('refuses a number outside the float32 range instead of storing Infinity', () => {
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float32', [1]), [1e39])).message).toBe(
      'input "x" expects float32 numbers; got 1e+39 at [0] (outside the float32 range ±3.4028235e38)',
    );
    expect([...tensorFromJson(spec('float64', [1]), [1e300]).data]).toEqual([1e300]);
  });

  it('refuses integers that are fractional or out of range', () => {
    expect(tensorInputErrorOf(() => tensorFromJson(spec('int32', [2]), [1, 1.5])).message).toBe(
      'input "x" expects int32 integers in -2147483648..2147483647; got 1.5 at [1]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('uint8', [1, 2]), [[0, 256]])).message).toBe(
      'input "x" expects uint8 integers in 0..255; got 256 at [0][1]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('uint8', [1]), [-1])).message).toContain('got -1 at [0]');
    expect(tensorInputErrorOf(() => tensorFromJson(spec('int8', [1]), ['1'])).message).toBe(
      'input "x" expects int8 integers in -128..127; got "1" at [0]',
    );
  });

  it('int64: takes safe numbers and decimal strings, refuses unsafe numbers saying to send strings', () => {
    const ids = spec('int64', ['N']);
    expect([...tensorFromJson(ids, [9007199254740991, '-9007199254740993']).data]).toEqual([
      9007199254740991n,
      -9007199254740993n,
    ]);
    expect(tensorInputErrorOf(() => tensorFromJson(ids, [2 ** 53])).message).toBe(
      'input "x" expects int64 integers (JSON numbers within ±2^53-1, or decimal strings); got 9007199254740992 at [0] ' +
        '(JSON numbers beyond ±9007199254740991 lose precision before they arrive: send such values as decimal strings, e.g. "9007199254740993")',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(ids, ['9223372036854775808'])).message).toContain(
      'got "9223372036854775808" at [0] (outside the int64 range -9223372036854775808..9223372036854775807)',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(ids, ['12abc'])).message).toContain('got "12abc" at [0]');
    expect(tensorInputErrorOf(() => tensorFromJson(ids, [1.5])).message).toContain('got 1.5 at [0]');
    expect(tensorInputErrorOf(() => tensorFromJson(spec('uint64', [1]), ['-1'])).message).toContain('outside the uint64 range');
  });

  it('bool takes only true/false and string only strings', () => {
    expect(tensorInputErrorOf(() => tensorFromJson(spec('bool', [2]), [true, 1])).message).toBe(
      'input "x" expects bool values (true or false); got 1 at [1]',
    );
    expect(tensorInputErrorOf(() => tensorFromJson(spec('string', [2]), ['a', 3])).message).toBe('input "x" expects strings; got 3 at [1]');
  });

  it('reports the request path it is given (instances)', () => {
    const error = tensorInputErrorOf(() => tensorFromJson(spec('float32', ['N', 2]), [[1, 2], [3, 'x']], 'instances'));
    expect(error.path).toBe('instances[1][1]');
  });
});

describe('tensorToJson', () => {
  it('writes non-finite floats as strings and int64 beyond 2^53 as decimal strings', () => {
    expect(tensorToJson({ dtype: 'float32', shape: [4], data: new Float32Array([Number.NaN, Infinity, -Infinity, 0.5]) })).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      0.5,
    ]);
    expect(
      tensorToJson({ dtype: 'int64', shape: [2, 1], data: new BigInt64Array([9007199254740991n, -9007199254740992n]) }),
    ).toEqual([[9007199254740991], ['-9007199254740992']]);
    expect(tensorToJson({ dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) })).toEqual(['18446744073709551615']);
  });

  it('writes bool as true/false and follows zero-sized dimensions', () => {
    expect(tensorToJson({ dtype: 'bool', shape: [1, 2], data: new Uint8Array([1, 0]) })).toEqual([[true, false]]);
    expect(tensorToJson({ dtype: 'float32', shape: [2, 0], data: new Float32Array(0) })).toEqual([[], []]);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => tensorToJson({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(
      'float32 tensor has 3 values but its shape [2,2] needs 4',
    );
  });
});

describe('float16', () => {
  it('rounds to nearest even and round-trips exactly representable values', () => {
    for (const value of [0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, 0.0999755859375]) {
      expect(float16BitsToNumber(numberToFloat16Bits(value))).toBe(value);
    }
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next half: to even
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0); // halfway to the smallest subnormal: to even (0)
    expect(numberToFloat16Bits(65519)).toBe(0x7bff);
    expect(numberToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(Number.isNaN(float16BitsToNumber(numberToFloat16Bits(Number.NaN)))).toBe(true);
    expect(Object.is(float16BitsToNumber(numberToFloat16Bits(-0)), -0)).toBe(true);
  });

  it('refuses JSON numbers beyond the float16 range', () => {
    expect(tensorInputErrorOf(() => tensorFromJson(spec('float16', [1]), [70000])).message).toContain('(outside the float16 range ±65504)');
  });
});

describe('tensorRowJson', () => {
  const dtypes: TensorDtype[] = ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string'];
  const shapes = [[3], [3, 4], [2, 1], [2, 2, 3], [1, 0]];
  /** Element `index` of a tensor of `dtype`: a spread of values, non-finite floats among them. */
  const element = (dtype: TensorDtype, index: number): unknown => {
    const floats = [0.1, -2.5, 3.4028234663852886e38, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-7, 123456.789];
    switch (dtype) {
      case 'float32':
      case 'float64':
        return floats[index % floats.length];
      case 'float16':
        return numberToFloat16Bits(floats[index % floats.length]!);
      case 'int64':
      case 'uint64':
        return BigInt(index) * 2n ** 60n + 7n;
      case 'bool':
        return index % 2;
      case 'string':
        return `s"${index}\n`;
      default:
        return (index * 37) % 100;
    }
  };

  for (const dtype of dtypes) {
    it(`writes each row of a ${dtype} tensor as JSON.stringify(tensorToJson(row)) does`, () => {
      for (const shape of shapes) {
        const data = allocateTensorData(dtype, elementCount(shape));
        for (let index = 0; index < data.length; index++) (data as unknown[])[index] = element(dtype, index);
        const tensor: HostTensor = { dtype, shape, data };
        const rows = tensorToJson(tensor) as unknown[];
        for (let row = 0; row < shape[0]!; row++) expect(tensorRowJson(tensor, row), `${dtype} ${JSON.stringify(shape)} row ${row}`).toBe(JSON.stringify(rows[row]));
      }
    });
  }
});
