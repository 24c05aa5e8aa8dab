import type { Signature, TensorDtype, TensorSpec } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { tensorToBinary } from './binary-tensor.js';
import type { HostTensor } from './host-tensor.js';
import {
  binaryOutputRequested,
  buildInferenceBody,
  decodeOipInputs,
  splitInferenceBody,
  tensorFromOip,
  tensorToOip,
  type OipTensor,
} from './oip-codec.js';
import { fromOipDatatype, toOipDatatype } from './oip-datatype.js';
import { tensorInputErrorOf, tensorSpec as spec } from '../testing/tensor-input-errors.js';


const signatureOf = (...inputs: TensorSpec[]): Signature => ({ inputs, outputs: [], batchable: false });

/** A binary request with `tensors` as binary inputs, as a client would send it. */
function binaryRequest(tensors: Record<string, HostTensor>, extraHeader: Record<string, unknown> = {}) {
  const encoded = Object.entries(tensors).map(([name, tensor]) => tensorToOip(name, tensor, { binary: true }));
  return buildInferenceBody({ ...extraHeader, inputs: encoded.map(({ output }) => output) }, encoded.map(({ chunk }) => chunk!));
}

const everyDtype: HostTensor[] = [
  { dtype: 'float32', shape: [2, 2], data: new Float32Array([1.5, Number.NaN, -Infinity, Infinity]) },
  { dtype: 'float64', shape: [3], data: new Float64Array([0.1, Number.NaN, -1e300]) },
  { dtype: 'float16', shape: [3], data: new Uint16Array([0x3c00, 0x7bff, 0x7c00]) },
  { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
  { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
  { dtype: 'int32', shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
  { dtype: 'int64', shape: [4], data: new BigInt64Array([-(2n ** 63n), -9007199254740993n, 9007199254740991n, 2n ** 63n - 1n]) },
  { dtype: 'uint8', shape: [1, 3], data: new Uint8Array([0, 1, 255]) },
  { dtype: 'uint16', shape: [1], data: new Uint16Array([65535]) },
  { dtype: 'uint32', shape: [1], data: new Uint32Array([4294967295]) },
  { dtype: 'uint64', shape: [2], data: new BigUint64Array([0n, 2n ** 64n - 1n]) },
  { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
  { dtype: 'string', shape: [2, 2], data: ['héllo', '', 'a\u0000b', '日本'] },
  { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
  { dtype: 'int64', shape: [], data: new BigInt64Array([42n]) },
];
const named = everyDtype.map((tensor, index) => [`${tensor.dtype} ${JSON.stringify(tensor.shape)}`, tensor, `t${index}`] as const);

describe('Open Inference Protocol datatypes', () => {
  it('maps every dtype to its datatype and back', () => {
    const pairs: [TensorDtype, string][] = [
      ['bool', 'BOOL'],
      ['uint8', 'UINT8'],
      ['uint16', 'UINT16'],
      ['uint32', 'UINT32'],
      ['uint64', 'UINT64'],
      ['int8', 'INT8'],
      ['int16', 'INT16'],
      ['int32', 'INT32'],
      ['int64', 'INT64'],
      ['float16', 'FP16'],
      ['float32', 'FP32'],
      ['float64', 'FP64'],
      ['string', 'BYTES'],
    ];
    for (const [dtype, datatype] of pairs) {
      expect(toOipDatatype(dtype)).toBe(datatype);
      expect(fromOipDatatype(datatype)).toBe(dtype);
    }
    expect(fromOipDatatype('BF16')).toBeUndefined();
    expect(fromOipDatatype('fp32')).toBeUndefined();
  });
});

describe('Open Inference Protocol tensors: round trips', () => {
  it.each(named)('%s: JSON output in, the same tensor out', (_, tensor, name) => {
    const { output, chunk } = tensorToOip(name, tensor, { binary: false });
    expect(chunk).toBeUndefined();
    expect(output.parameters).toBeUndefined();
    const overTheWire = JSON.parse(JSON.stringify(output)) as OipTensor;
    expect(tensorFromOip(spec(tensor.dtype, tensor.shape, name), overTheWire, undefined)).toEqual(tensor);
  });

  it.each(named)('%s: binary body in, the same tensor out', (_, tensor, name) => {
    const { body, headerLength } = binaryRequest({ [name]: tensor });
    const { header, binary } = splitInferenceBody(body, headerLength);
    const decoded = decodeOipInputs(signatureOf(spec(tensor.dtype, tensor.shape, name)), header, binary);
    expect(decoded).toEqual({ [name]: tensor });
  });

  it('decodes many binary inputs from one body, each from its own chunk', () => {
    const tensors = Object.fromEntries(named.map(([, tensor, name]) => [name, tensor]));
    const { body, headerLength } = binaryRequest(tensors);
    const { header, binary } = splitInferenceBody(body, headerLength);
    const signature = signatureOf(...named.map(([, tensor, name]) => spec(tensor.dtype, tensor.shape, name)));
    expect(decodeOipInputs(signature, header, binary)).toEqual(tensors);
  });

  it('mixes JSON and binary inputs in one request', () => {
    const image = { dtype: 'float32', shape: [1, 2], data: new Float32Array([0.25, -3]) } satisfies HostTensor;
    const { output, chunk } = tensorToOip('image', image, { binary: true });
    const { body, headerLength } = buildInferenceBody(
      { inputs: [{ name: 'ids', shape: [2], datatype: 'INT64', data: [1, '9007199254740993'] }, output] },
      [chunk!],
    );
    const { header, binary } = splitInferenceBody(body, headerLength);
    const decoded = decodeOipInputs(signatureOf(spec('int64', ['N'], 'ids'), spec('float32', ['N', 2], 'image')), header, binary);
    expect([...decoded.ids!.data]).toEqual([1n, 9007199254740993n]);
    expect(decoded.image).toEqual(image);
  });
});

describe('tensorToOip', () => {
  it('writes JSON data flat in row-major order, with the spec example shape', () => {
    const { output } = tensorToOip('output0', { dtype: 'float32', shape: [3, 2], data: new Float32Array([1, 1.5, 2, 2.5, 3, 3.5]) }, { binary: false });
    expect(output).toEqual({ name: 'output0', shape: [3, 2], datatype: 'FP32', data: [1, 1.5, 2, 2.5, 3, 3.5] });
  });

  it('writes non-finite floats as strings, int64 beyond 2^53 as decimal strings, bool as true/false', () => {
    expect(tensorToOip('f', { dtype: 'float64', shape: [3], data: new Float64Array([Number.NaN, Infinity, -Infinity]) }, { binary: false }).output.data).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
    expect(
      tensorToOip('i', { dtype: 'int64', shape: [2], data: new BigInt64Array([9007199254740991n, -9007199254740993n]) }, { binary: false }).output.data,
    ).toEqual([9007199254740991, '-9007199254740993']);
    expect(tensorToOip('b', { dtype: 'bool', shape: [2], data: new Uint8Array([0, 1]) }, { binary: false }).output).toEqual({
      name: 'b',
      shape: [2],
      datatype: 'BOOL',
      data: [false, true],
    });
  });

  it('writes binary data little-endian, bool one byte each, BYTES length-prefixed, with binary_data_size and no data', () => {
    const int32 = tensorToOip('n', { dtype: 'int32', shape: [2], data: new Int32Array([1, -2]) }, { binary: true });
    expect(int32.output).toEqual({ name: 'n', shape: [2], datatype: 'INT32', parameters: { binary_data_size: 8 } });
    expect([...int32.chunk!]).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);

    expect([...tensorToOip('b', { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) }, { binary: true }).chunk!]).toEqual([1, 0, 1]);

    const text = tensorToOip('s', { dtype: 'string', shape: [2], data: ['hé', ''] }, { binary: true });
    expect(text.output).toEqual({ name: 's', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 11 } });
    expect([...text.chunk!]).toEqual([3, 0, 0, 0, 0x68, 0xc3, 0xa9, 0, 0, 0, 0]);
  });

  it('writes only the view of a typed array, not the whole buffer behind it', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    const { chunk } = tensorToOip('v', { dtype: 'float32', shape: [2], data: backing.subarray(1, 3) }, { binary: true });
    expect([...new Float32Array(new Uint8Array(chunk!).buffer)]).toEqual([1, 2]);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => tensorToOip('y', { dtype: 'float32', shape: [2, 2], data: new Float32Array(3) }, { binary: true })).toThrow(
      'output "y" (float32) has 3 values but its shape [2,2] needs 4',
    );
  });

  it('builds a body whose header is the JSON padded with spaces to 8 bytes, so the first chunk starts aligned', () => {
    const { body, headerLength } = buildInferenceBody({ outputs: [] }, [new Uint8Array([7, 8]), new Uint8Array([9])]);
    expect(headerLength).toBe(16);
    expect(body.subarray(0, headerLength).toString()).toBe('{"outputs":[]}  ');
    expect([...body.subarray(headerLength)]).toEqual([7, 8, 9]);
    expect(buildInferenceBody({ id: 'ab' }, []).headerLength).toBe(Buffer.byteLength('{"id":"ab"}') + 5);
    expect(buildInferenceBody({ id: 'abcde' }, []).headerLength).toBe(16);
    expect(splitInferenceBody(body, headerLength).header).toEqual({ outputs: [] });
  });
});

describe('tensorFromOip: JSON data', () => {
  const uint32 = spec('uint32', [2, 2], 'input0');

  it('takes the spec example: flat data in row-major order', () => {
    const tensor = tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }, undefined);
    expect(tensor).toEqual({ dtype: 'uint32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) });
  });

  it('takes data nested exactly as the shape, and refuses other nestings', () => {
    const nested = tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [[1, 2], [3, 4]] }, undefined);
    expect(nested).toEqual({ dtype: 'uint32', shape: [2, 2], data: new Uint32Array([1, 2, 3, 4]) });

    const otherNesting = tensorInputErrorOf(() => tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [[1, 2, 3, 4]] }, undefined, 'inputs[0]'));
    expect(otherNesting.message).toBe(
      'input "input0" has data nested as [1,4], but its shape is [2,2]: nest the data exactly as the shape, or send it flat',
    );
    expect(otherNesting.path).toBe('inputs[0].data');

    const ragged = tensorInputErrorOf(() => tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [[1, 2], [3]] }, undefined, 'inputs[0]'));
    expect(ragged.message).toBe('input "input0" has ragged nested arrays (every row must have the same length): [1] has 1 elements, but [0] has 2');
    expect(ragged.path).toBe('inputs[0].data[1]');

    const badValue = tensorInputErrorOf(() => tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [[1, 2], [3, -4]] }, undefined, 'inputs[0]'));
    expect(badValue.message).toBe('input "input0" expects uint32 integers in 0..4294967295; got -4 at [1][1]');
    expect(badValue.path).toBe('inputs[0].data[1][1]');
  });

  it('takes "NaN", "Infinity", "-Infinity" for floats and decimal strings for int64 beyond 2^53', () => {
    const floats = tensorFromOip(spec('float32', [3]), { name: 'x', shape: [3], datatype: 'FP32', data: ['NaN', 'Infinity', '-Infinity'] }, undefined);
    expect([...floats.data]).toEqual([Number.NaN, Infinity, -Infinity]);
    const ids = tensorFromOip(spec('int64', ['N']), { name: 'x', shape: [2], datatype: 'INT64', data: ['-9223372036854775808', 9007199254740991] }, undefined);
    expect([...ids.data]).toEqual([-(2n ** 63n), 9007199254740991n]);
  });

  it('refuses a count of values that does not fill the shape', () => {
    const error = tensorInputErrorOf(() => tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3] }, undefined, 'inputs[0]'));
    expect(error.message).toBe('input "input0" has shape [2,2], which holds 4 values, but data has 3');
    expect(error.path).toBe('inputs[0].data');
  });

  it('refuses a missing data list', () => {
    const error = tensorInputErrorOf(() => tensorFromOip(uint32, { name: 'input0', shape: [2, 2], datatype: 'UINT32' }, undefined, 'inputs[0]'));
    expect(error.message).toBe(
      'input "input0" needs data (a list of its values, flat in row-major order or nested as its shape) or parameters.binary_data_size; got nothing',
    );
  });
});

describe('tensorFromOip: what it refuses', () => {
  const image = spec('float32', ['N', 3, 2, 2], 'image');
  const good = (): OipTensor => ({ name: 'image', shape: [1, 3, 2, 2], datatype: 'FP32', parameters: { binary_data_size: 48 } });

  it('a datatype other than the model dtype, naming both', () => {
    const error = tensorInputErrorOf(() => tensorFromOip(image, { ...good(), datatype: 'FP64' }, new Uint8Array(48), 'inputs[0]'));
    expect(error.message).toBe('input "image" expects datatype FP32 (the model\'s float32); got "FP64"');
    expect(error.path).toBe('inputs[0].datatype');
    expect(error.input).toBe('image');
    expect(tensorInputErrorOf(() => tensorFromOip(image, { ...good(), datatype: 'BF16' }, new Uint8Array(48))).message).toBe(
      'input "image" expects datatype FP32 (the model\'s float32); got "BF16" ' +
        '(not an Open Inference Protocol datatype this server takes: BOOL, UINT8…64, INT8…64, FP16, FP32, FP64, BYTES)',
    );
  });

  it('a shape that does not fit the signature, or is not a shape', () => {
    const error = tensorInputErrorOf(() => tensorFromOip(image, { ...good(), shape: [1, 1, 2, 2] }, new Uint8Array(16), 'inputs[0]'));
    expect(error.message).toBe('input "image" expects float32 [N,3,2,2]; got [1,1,2,2]');
    expect(error.path).toBe('inputs[0].shape');
    expect(tensorInputErrorOf(() => tensorFromOip(image, { ...good(), shape: [1, 3, -1, 2] }, new Uint8Array(48))).message).toBe(
      'input "image" has an invalid shape [1,3,-1,2]: expected a list of non-negative integers',
    );
  });

  it('a chunk whose size is not datatype × count', () => {
    const error = tensorInputErrorOf(() => tensorFromOip(image, { ...good(), parameters: { binary_data_size: 44 } }, new Uint8Array(44), 'inputs[0]'));
    expect(error.message).toBe('input "image" of shape [1,3,2,2] needs 48 bytes of FP32 (12 values × 4 bytes); its binary data has 44');
    expect(error.path).toBe('inputs[0].parameters.binary_data_size');
  });

  it('a chunk that is not the size binary_data_size says, or no chunk', () => {
    expect(tensorInputErrorOf(() => tensorFromOip(image, good(), new Uint8Array(40))).message).toBe(
      'input "image" has parameters.binary_data_size 48, but its binary data has 40 bytes',
    );
    expect(tensorInputErrorOf(() => tensorFromOip(image, good(), undefined)).message).toBe(
      'input "image" has parameters.binary_data_size 48, but the request has no binary data for it',
    );
  });

  it('both data and binary_data_size, and a binary_data_size that is not a size', () => {
    expect(tensorInputErrorOf(() => tensorFromOip(image, { ...good(), data: [1] }, new Uint8Array(48))).message).toBe(
      'input "image" has both data and parameters.binary_data_size: send its values in one or the other',
    );
    const error = tensorInputErrorOf(() => tensorFromOip(image, { ...good(), parameters: { binary_data_size: '48' } }, new Uint8Array(48), 'inputs[0]'));
    expect(error.message).toBe('input "image" parameters.binary_data_size must be a whole number of bytes; got "48"');
    expect(error.path).toBe('inputs[0].parameters.binary_data_size');
  });

  it('BOOL bytes other than 0 and 1', () => {
    const error = tensorInputErrorOf(() =>
      tensorFromOip(spec('bool', [3], 'mask'), { name: 'mask', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }, new Uint8Array([1, 0, 7])),
    );
    expect(error.message).toBe('input "mask" is BOOL, one byte per value, 0 or 1; byte 2 of its binary data is 7');
  });

  it('BYTES elements that are cut short, too few, too many, or not UTF-8', () => {
    const text = spec('string', [2], 'text');
    const input = (bytes: number[]) => () =>
      tensorFromOip(text, { name: 'text', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: bytes.length } }, new Uint8Array(bytes));
    expect(tensorInputErrorOf(input([1, 0, 0, 0, 0x61, 9, 0, 0, 0, 0x62])).message).toBe(
      'input "text" BYTES element 1 claims 9 bytes, but its binary data has only 1 left',
    );
    expect(tensorInputErrorOf(input([1, 0, 0, 0, 0x61])).message).toBe('input "text" of shape [2] needs 2 BYTES elements; its binary data ends after 1');
    expect(tensorInputErrorOf(input([1, 0, 0, 0, 0x61, 1, 0])).message).toBe(
      'input "text" BYTES element 1 starts with a 4-byte length, but its binary data ends 2 bytes later',
    );
    expect(tensorInputErrorOf(input([1, 0, 0, 0, 0x61, 0, 0, 0, 0, 0xff])).message).toBe(
      'input "text" of shape [2] needs 2 BYTES elements, but its binary data has 1 bytes more after them',
    );
    expect(tensorInputErrorOf(input([1, 0, 0, 0, 0x61, 1, 0, 0, 0, 0xff])).message).toBe(
      "input \"text\" BYTES element 1 is not valid UTF-8 (the model's string input takes text)",
    );
  });
});

describe('binary chunks: alignment', () => {
  const x = spec('float32', [1, 3, 224, 224]);
  const values = Float32Array.from({ length: 3 * 224 * 224 }, (_, index) => Math.sin(index));
  const chunk = new Uint8Array(values.buffer);
  // Deep equality over 150k elements takes a second; comparing the bytes is instant and as strict.
  const sameBytes = (data: HostTensor['data']) => Buffer.compare(Buffer.from(tensorToBinary({ dtype: 'float32', shape: [data.length], data })), Buffer.from(chunk)) === 0;

  it('views a 1×3×224×224 float32 chunk in place when it sits at an aligned offset (no per-element work, no copy)', () => {
    const body = Buffer.alloc(8 + chunk.byteLength);
    body.set(chunk, 8);
    const tensor = tensorFromOip(x, { name: 'x', shape: [1, 3, 224, 224], datatype: 'FP32', parameters: { binary_data_size: 602_112 } }, body.subarray(8));
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect((tensor.data as Float32Array).buffer).toBe(body.buffer);
    expect(sameBytes(tensor.data)).toBe(true);
  });

  it('copies a chunk at an unaligned offset, with the same values', () => {
    const body = Buffer.alloc(3 + chunk.byteLength);
    body.set(chunk, 3);
    const tensor = tensorFromOip(x, { name: 'x', shape: [1, 3, 224, 224], datatype: 'FP32', parameters: { binary_data_size: 602_112 } }, body.subarray(3));
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect((tensor.data as Float32Array).buffer).not.toBe(body.buffer);
    expect(sameBytes(tensor.data)).toBe(true);
  });
});

describe('splitInferenceBody', () => {
  const body = Buffer.from('{"inputs":[]}\u0001\u0002');

  it('splits at the header length, and takes a body without one as all JSON', () => {
    const { header, binary } = splitInferenceBody(body, 13);
    expect(header).toEqual({ inputs: [] });
    expect([...binary]).toEqual([1, 2]);
    const plain = splitInferenceBody(Buffer.from('{"inputs":[]}'), undefined);
    expect(plain.header).toEqual({ inputs: [] });
    expect(plain.binary.byteLength).toBe(0);
  });

  it('refuses a header length beyond the body, or not a length', () => {
    const beyond = tensorInputErrorOf(() => splitInferenceBody(body, 100));
    expect(beyond.message).toBe('Inference-Header-Content-Length is 100, but the body has only 15 bytes');
    expect(beyond.path).toBe('Inference-Header-Content-Length');
    expect(tensorInputErrorOf(() => splitInferenceBody(body, Number.NaN)).message).toBe(
      'Inference-Header-Content-Length must be a whole number of bytes; got NaN',
    );
    expect(tensorInputErrorOf(() => splitInferenceBody(body, -1)).message).toBe('Inference-Header-Content-Length must be a whole number of bytes; got -1');
  });

  it('refuses a header that is not JSON, saying which bytes it read', () => {
    const error = tensorInputErrorOf(() => splitInferenceBody(body, 10));
    expect(error.message).toMatch(
      /^the inference header \(the first 10 bytes of the body, per Inference-Header-Content-Length\) is not valid JSON: /,
    );
    expect(tensorInputErrorOf(() => splitInferenceBody(Buffer.from('{"inputs":'), undefined)).message).toMatch(/^the body is not valid JSON: /);
  });
});

describe('decodeOipInputs', () => {
  const signature = signatureOf(spec('float32', ['N', 2], 'a'), spec('int32', [1], 'b'));
  const a = { dtype: 'float32', shape: [1, 2], data: new Float32Array([1, 2]) } satisfies HostTensor;
  const b = { dtype: 'int32', shape: [1], data: new Int32Array([7]) } satisfies HostTensor;

  it('refuses binary data the inputs do not account for, and inputs claiming more than there is', () => {
    const { body, headerLength } = binaryRequest({ a, b });
    const { header, binary } = splitInferenceBody(Buffer.concat([body, Buffer.from([0, 0])]), headerLength);
    const extra = tensorInputErrorOf(() => decodeOipInputs(signature, header, binary));
    expect(extra.message).toBe("the inference request has 14 bytes of binary data after its header, but its inputs' parameters.binary_data_size add up to 12");
    expect(extra.path).toBe('Inference-Header-Content-Length');

    const short = splitInferenceBody(body.subarray(0, body.byteLength - 1), headerLength);
    const missing = tensorInputErrorOf(() => decodeOipInputs(signature, short.header, short.binary));
    expect(missing.message).toBe('input "b" has parameters.binary_data_size 4 at byte 8 of the binary data, but the binary data has only 11 bytes');
    expect(missing.path).toBe('inputs[1].parameters.binary_data_size');

    const jsonOnly = tensorInputErrorOf(() => decodeOipInputs(signature, header, undefined));
    expect(jsonOnly.message).toBe(
      'input "a" has parameters.binary_data_size 8 at byte 0 of the binary data, but the binary data has only 0 bytes (was Inference-Header-Content-Length sent?)',
    );
  });

  it('refuses unknown, repeated and missing inputs', () => {
    const json = (name: string) => ({ name, shape: [1], datatype: 'INT32', data: [1] });
    expect(tensorInputErrorOf(() => decodeOipInputs(signature, { inputs: [json('c')] })).message).toBe('unknown input "c" (the model expects: a, b)');
    const repeated = tensorInputErrorOf(() => decodeOipInputs(signature, { inputs: [json('b'), json('b')] }));
    expect(repeated.message).toBe('input "b" is given more than once');
    expect(repeated.path).toBe('inputs[1].name');
    const missing = tensorInputErrorOf(() => decodeOipInputs(signature, { inputs: [json('b')] }));
    expect(missing.message).toBe('missing input "a" (the model expects: a, b)');
    expect(missing.input).toBe('a');
  });

  it('refuses a header that is not an inference request', () => {
    expect(tensorInputErrorOf(() => decodeOipInputs(signature, [])).message).toBe('the inference request must be a JSON object; got an array of 0');
    expect(tensorInputErrorOf(() => decodeOipInputs(signature, { outputs: [] })).message).toBe(
      'the inference request needs "inputs", a list of tensors (the model expects: a, b); got nothing',
    );
    expect(tensorInputErrorOf(() => decodeOipInputs(signature, { inputs: [{ shape: [1] }] })).message).toBe(
      'the inference request input at inputs[0] needs a "name" string; got nothing',
    );
    expect(tensorInputErrorOf(() => decodeOipInputs(signature, { inputs: [7] })).message).toBe(
      'the inference request has 7 at inputs[0]; expected a tensor {"name", "shape", "datatype", "data"}',
    );
  });

  it('reports where a tensor went wrong by its index in inputs', () => {
    const error = tensorInputErrorOf(() =>
      decodeOipInputs(signature, { inputs: [{ name: 'b', shape: [1], datatype: 'INT32', data: [1] }, { name: 'a', shape: [1, 2], datatype: 'FP32', data: [1, 'x'] }] }),
    );
    expect(error.path).toBe('inputs[1].data[1]');
    expect(error.input).toBe('a');
  });
});

describe('binaryOutputRequested', () => {
  it("lets an output's binary_data override the request's binary_data_output", () => {
    const header = { parameters: { binary_data_output: true }, outputs: [{ name: 'probs', parameters: { binary_data: false } }, { name: 'label' }] };
    expect(binaryOutputRequested(header, 'probs')).toBe(false);
    expect(binaryOutputRequested(header, 'label')).toBe(true);
    expect(binaryOutputRequested(header, 'other')).toBe(true);
    expect(binaryOutputRequested({ outputs: [{ name: 'probs', parameters: { binary_data: true } }] }, 'probs')).toBe(true);
    expect(binaryOutputRequested({ inputs: [] }, 'probs')).toBe(false);
  });
});
