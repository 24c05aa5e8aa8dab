import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../onnx-model.js';
import { loadReferenceModel, referenceInputs } from '../testing/index.js';
import { runBatched, type BatchableModel } from './tensor-batch.js';

describe('runBatched on real models', () => {
  let ocr: OnnxModel;
  let mnist: OnnxModel;

  beforeAll(async () => {
    ocr = await OnnxModel.load(loadReferenceModel('ocr-text-direction').path);
    mnist = await OnnxModel.load(loadReferenceModel('mnist').path);
  });
  afterAll(async () => {
    await ocr.release();
    await mnist.release();
  });

  /** Counts runs and the rows each got, around a real model. */
  const counted = (model: OnnxModel) => {
    const runs: number[] = [];
    const wrapper: BatchableModel = {
      signature: model.signature,
      run: (inputs, outputs) => {
        runs.push(Object.values(inputs)[0]!.shape[0]!);
        return model.run(inputs, outputs);
      },
    };
    return { wrapper, runs };
  };

  it('gives a batchable CNN (ocr-text-direction) exactly the outputs of separate runs, in one run', async () => {
    const cases = loadReferenceModel('ocr-text-direction').reference.cases.map(referenceInputs);
    const requests = Array.from({ length: 8 }, (_, index) => ({ inputs: cases[index % cases.length]! }));
    const alone = await Promise.all(requests.map((request) => ocr.run(request.inputs)));
    const { wrapper, runs } = counted(ocr);
    const batched = await runBatched(wrapper, requests);
    expect(runs).toEqual([8]);
    batched.forEach((answer, index) => {
      expect(answer.runSize).toBe(8);
      expect(answer.result).not.toBeInstanceOf(Error);
      const got = answer.result as Record<string, { data: Float32Array; shape: number[] }>;
      for (const [name, tensor] of Object.entries(alone[index]!)) {
        expect(got[name]!.shape).toEqual(tensor.shape);
        expect(Array.from(got[name]!.data)).toEqual(Array.from(tensor.data as Float32Array));
      }
    });
  });

  it('never batches a model with a fixed batch dimension (mnist), yet serves every request', async () => {
    const inputs = referenceInputs(loadReferenceModel('mnist').reference.cases[0]!);
    const { wrapper, runs } = counted(mnist);
    const answers = await runBatched(wrapper, Array.from({ length: 5 }, () => ({ inputs })));
    expect(runs).toEqual([1, 1, 1, 1, 1]);
    expect(answers.every((answer) => !(answer.result instanceof Error) && answer.runSize === 1)).toBe(true);
  });

  it('lets a request the model refuses fail alone', async () => {
    const cases = loadReferenceModel('ocr-text-direction').reference.cases.map(referenceInputs);
    const good = cases[0]!;
    // A rank the model cannot take: it joins no batch and fails on its own.
    const wrongRank = { x: { ...good.x!, shape: [2, 3, 48], data: new Float32Array(2 * 3 * 48) } };
    const answers = await runBatched(ocr, [{ inputs: good }, { inputs: wrongRank }, { inputs: good }]);
    expect(answers.map((answer) => answer.result instanceof Error)).toEqual([false, true, false]);
    expect(answers[0]!.runSize).toBe(2);
  });
});
