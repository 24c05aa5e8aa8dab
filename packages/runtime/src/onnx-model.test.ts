import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidModelError } from './inspect/invalid-model-error.js';
import { OnnxModel } from './onnx-model.js';
import { tensorFromJson, tensorToJson } from './tensors/json-codec.js';
import { TensorInputError } from './tensors/tensor-input-error.js';
import {
  argmax,
  buildGemmModel,
  buildModel,
  differenceFromReference,
  loadReferenceModel,
  onnxElementType,
  referenceInputs,
  rejectionOf,
} from './testing/index.js';

const weights = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.5],
  [-2, 3, 1],
  [0, 0.75, -1.25],
];
const bias = [0.1, -0.2, 0.3];

function matmulPlusBias(rows: number[][]): number[][] {
  return rows.map((row) => bias.map((b, column) => row.reduce((sum, value, k) => sum + value * weights[k]![column]!, b)));
}

describe('OnnxModel with a built Gemm model', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.load(buildGemmModel({ inFeatures: 4, outFeatures: 3, weights, bias }));
  });
  afterAll(async () => {
    await model.release();
  });

  it('has the inspected signature', () => {
    expect(model.signature).toEqual({
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
      outputs: [{ name: 'y', isTensor: true, dtype: 'float32', shape: ['N', 3] }],
      batchable: true,
    });
    expect(model.warnings).toEqual([]);
  });

  it('computes x · W + b for any batch size, as a hand-written matmul does', async () => {
    const rows = [
      [1, 2, 3, 4],
      [-1, 0.5, 0, 2],
      [0, 0, 0, 0],
    ];
    const x = tensorFromJson(model.signature.inputs[0]!, rows);
    const { y } = await model.run({ x });
    expect(y!.shape).toEqual([3, 3]);
    const got = tensorToJson(y!) as number[][];
    const expected = matmulPlusBias(rows);
    got.forEach((row, r) => row.forEach((value, c) => expect(value).toBeCloseTo(expected[r]![c]!, 5)));
  });

  it('serves concurrent runs with the default single-thread settings', async () => {
    const requests = Array.from({ length: 24 }, (_, index) => [[index, 1, -index, 2]]);
    const results = await Promise.all(requests.map((rows) => model.run({ x: tensorFromJson(model.signature.inputs[0]!, rows) })));
    results.forEach((result, index) => {
      const expected = matmulPlusBias(requests[index]!)[0]!;
      [...result.y!.data].forEach((value, column) => expect(value).toBeCloseTo(expected[column]!, 4));
    });
  });

  it('refuses inputs that do not match the signature as TensorInputError', async () => {
    const wrongShape = { dtype: 'float32' as const, shape: [1, 3], data: new Float32Array(3) };
    await expect(model.run({ x: wrongShape })).rejects.toThrow(
      new TensorInputError('input "x" expects float32 [N,4]; got float32 [1,3]', { input: 'x', path: 'inputs.x' }),
    );
    const wrongDtype = { dtype: 'float64' as const, shape: [1, 4], data: new Float64Array(4) };
    await expect(model.run({ x: wrongDtype })).rejects.toThrow('input "x" expects float32 [N,4]; got float64 [1,4]');
    await expect(model.run({})).rejects.toThrow('missing input "x" (the model expects: x)');
    await expect(model.run({ x: { dtype: 'float32', shape: [1, 4], data: new Float32Array(4) }, z: wrongShape })).rejects.toThrow(
      'unknown input "z" (the model expects: x)',
    );
    await expect(model.run({ x: { dtype: 'float32', shape: [2, 4], data: new Float32Array(4) } })).rejects.toThrow(
      'input "x" has shape [2,4] but 4 values',
    );
    await expect(model.run({ x: { dtype: 'float32', shape: [1, 4], data: new Float32Array(4) } }, ['nope'])).rejects.toThrow(
      'unknown output "nope" (the model\'s tensor outputs: y)',
    );
  });
});

describe('OnnxModel with reference models', () => {
  it('mnist: every reference digit is recognised', async () => {
    const { path, reference } = loadReferenceModel('mnist');
    const model = await OnnxModel.load(path);
    try {
      expect(model.signature.batchable).toBe(false);
      expect(reference.cases.length).toBeGreaterThan(0);
      for (const testCase of reference.cases) {
        const outputs = await model.run(referenceInputs(testCase));
        for (const [name, expected] of Object.entries(testCase.expectArgmax ?? {})) {
          expect(argmax(outputs[name]!), `argmax of ${name}`).toBe(expected);
        }
        for (const [name, want] of Object.entries(testCase.outputs ?? {})) {
          expect(differenceFromReference(outputs[name]!, want, reference.tolerance)).toBeUndefined();
        }
      }
    } finally {
      await model.release();
    }
  });

  it('random forest: returns only the tensor output label, equal to scikit-learn’s', async () => {
    const { path, reference } = loadReferenceModel('sklearn-random-forest');
    const model = await OnnxModel.load(await readFile(path));
    try {
      expect(model.warnings[0]).toContain('(scikit-learn ZipMap?)');
      for (const testCase of reference.cases) {
        const outputs = await model.run(referenceInputs(testCase));
        expect(Object.keys(outputs)).toEqual(['label']);
        expect(differenceFromReference(outputs.label!, testCase.outputs!.label!, reference.tolerance)).toBeUndefined();
      }
      const input = referenceInputs(reference.cases[0]!);
      await expect(model.run(input, ['probabilities'])).rejects.toThrow(
        'output "probabilities" is seq(map(int64,tensor(float))) and cannot be returned; tensor outputs: label',
      );
    } finally {
      await model.release();
    }
  });

  it('refuses a model onnxruntime cannot load, and bytes that are not a model', async () => {
    const invalid = loadReferenceModel('invalid-mnist-opset1');
    const error = await rejectionOf<InvalidModelError>(OnnxModel.load(invalid.path));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect(error.message).toContain(invalid.reference.expectLoadError);
    await expect(OnnxModel.load(Buffer.from('gASVCgAAAAAAAAB9lIwBYZRLAXMu', 'base64'))).rejects.toMatchObject({ code: 'pickle' });
    const mnist = await readFile(loadReferenceModel('mnist').path);
    await expect(OnnxModel.load(mnist.subarray(0, 5000))).rejects.toMatchObject({
      code: 'not-onnx',
      message: 'not an ONNX model (could not parse ModelProto: truncated or another format)',
    });
  });
});

describe('OnnxModel tensor conversion for every kind of element', () => {
  const identity = (dtype: 'int64' | 'string' | 'bool' | 'float16' | 'uint8' | 'float64' | 'int8') =>
    buildModel({
      inputs: [{ name: 'in', dtype, shape: ['N', 2] }],
      outputs: [{ name: 'out', dtype, shape: ['N', 2] }],
      nodes: [{ opType: 'Identity', inputs: ['in'], outputs: ['out'] }],
    });

  it.each([
    ['int64', [[9007199254740993n.toString(), -1]], [['9007199254740993', -1]]],
    ['string', [['héllo', '']], [['héllo', '']]],
    ['bool', [[true, false]], [[true, false]]],
    ['float16', [[1.5, -65504]], [[1.5, -65504]]],
    ['uint8', [[0, 255]], [[0, 255]]],
    ['float64', [['NaN', 1e300]], [['NaN', 1e300]]],
    ['int8', [[-128, 127]], [[-128, 127]]],
  ] as const)('%s passes through an Identity graph unchanged', async (dtype, json, expected) => {
    const model = await OnnxModel.load(identity(dtype));
    try {
      const input = tensorFromJson(model.signature.inputs[0]!, json);
      const { out } = await model.run({ in: input });
      expect(out!.dtype).toBe(dtype);
      expect(tensorToJson(out!)).toEqual(expected);
    } finally {
      await model.release();
    }
  });

  it('runs Cast and Add graphs with initializers', async () => {
    const model = await OnnxModel.load(
      buildModel({
        inputs: [{ name: 'a', dtype: 'int32', shape: ['N'] }],
        outputs: [{ name: 'sum', dtype: 'int64', shape: ['N'] }],
        initializers: [{ name: 'offset', dtype: 'int64', shape: [1], values: ['10000000000'] }],
        nodes: [
          { opType: 'Cast', inputs: ['a'], outputs: ['wide'], attributes: { to: { int: onnxElementType('int64') } } },
          { opType: 'Add', inputs: ['wide', 'offset'], outputs: ['sum'] },
        ],
      }),
      { intraOpNumThreads: 2 },
    );
    try {
      const { sum } = await model.run({ a: tensorFromJson(model.signature.inputs[0]!, [1, -2, 3]) });
      expect(tensorToJson(sum!)).toEqual([10000000001, 9999999998, 10000000003]);
    } finally {
      await model.release();
    }
  });

  it('cannot run after release', async () => {
    const model = await OnnxModel.load(identity('uint8'));
    await model.release();
    await model.release(); // twice is harmless
    await expect(model.run({ in: { dtype: 'uint8', shape: [1, 2], data: new Uint8Array(2) } })).rejects.toThrow(
      'this model has been released',
    );
  });
});
