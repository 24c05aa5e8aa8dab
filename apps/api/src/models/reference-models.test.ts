import { readdirSync } from 'node:fs';
import type { Dim, Signature } from '@modelgate/contracts';
import { OnnxModel } from '@modelgate/runtime';
import { tensorToJson } from '@modelgate/runtime/tensors';
import {
  loadReferenceModel,
  referenceInputs,
  referenceModelsDirectory,
  type ReferenceModel,
  type ReferenceTensor,
} from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * The first proof of correctness against answers computed elsewhere: every published model in
 * fixtures/models goes through the public API — upload, 100 % deploy, predict — and must answer
 * every reference case its authors' tools (or, where stated, onnxruntime itself) produced.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Where onnxruntime 1.30 itself, run in-process, does not reproduce a reference on some CPUs.
 * Modelgate is still held to answering exactly what onnxruntime computes, and to the reference's
 * top-1 class; the logits are not compared.
 */
const KNOWN_RUNTIME_DEVIATIONS: Record<string, string> = {
  'shufflenet-v2-int8':
    'onnxruntime >= 1.23 computes int8 QLinearConv differently on AVX-512 VNNI CPUs (microsoft/onnxruntime#26324): top-1 agrees, logits differ by up to ~4',
};

const models = readdirSync(referenceModelsDirectory(), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => loadReferenceModel(entry.name));
const servable = models.filter((model) => model.reference.cases.length > 0);

/** Every model is served both ways; both must answer what onnxruntime answers in this process. */
const PLACEMENTS = ['worker', 'gateway'] as const;
const endpointFor = (model: string, placement: (typeof PLACEMENTS)[number]) => `${placement === 'worker' ? 'ref' : 'gw'}-${model}`.slice(0, 63);

/** Shape of a nested JSON array (what the API returned). */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

const fits = (shape: number[], spec: Dim[]) => shape.length === spec.length && spec.every((dim, i) => typeof dim === 'string' || dim === shape[i]);

function expectWithinTolerance(got: unknown[], want: ReferenceTensor, tolerance: { rtol: number; atol: number }, where: string) {
  expect(got.length, `${where}: element count`).toBe(want.data.length);
  want.data.forEach((expected, i) => {
    const actual = got[i];
    if (expected === 'NaN') return expect(actual, `${where}[${i}]`).toBe('NaN');
    if (typeof expected === 'string' || typeof expected === 'boolean') return expect(actual, `${where}[${i}]`).toBe(expected);
    const difference = Math.abs((actual as number) - (expected as number));
    const allowed = tolerance.atol + tolerance.rtol * Math.abs(expected as number);
    if (!(difference <= allowed)) expect.fail(`${where}[${i}]: got ${actual}, want ${expected} (|diff| ${difference} > ${allowed})`);
  });
}

function argmax(values: unknown[]): number {
  let best = 0;
  values.forEach((value, i) => {
    if ((value as number) > (values[best] as number)) best = i;
  });
  return best;
}

describe.each(servable.map((model) => [model.name, model] as [string, ReferenceModel]))('%s', (name, model) => {
  let signature: Signature;

  it('uploads, and its signature is what onnxruntime reads from the file and fits every reference case', async () => {
    const res = await stack.api('POST', `/v1/models/${name}/versions`, await fileForm(model.path));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    signature = res.body.signature;
    const loaded = await OnnxModel.load(model.path);
    expect(signature).toEqual(loaded.signature);
    await loaded.release();
    for (const testCase of model.reference.cases) {
      for (const [inputName, tensor] of Object.entries(testCase.inputs)) {
        const spec = signature.inputs.find((input) => input.name === inputName);
        expect(spec, `input ${inputName}`).toBeDefined();
        expect(spec!.dtype).toBe(tensor.dtype);
        expect(fits(tensor.shape, spec!.shape), `${inputName} ${JSON.stringify(tensor.shape)} fits ${JSON.stringify(spec!.shape)}`).toBe(true);
      }
      for (const [outputName, tensor] of Object.entries(testCase.outputs ?? {})) {
        const spec = signature.outputs.find((output) => output.name === outputName);
        expect(spec?.isTensor, `output ${outputName} is a tensor`).toBe(true);
        if (spec?.isTensor) expect(spec.dtype).toBe(tensor.dtype);
      }
    }
    for (const placement of PLACEMENTS) {
      const endpoint = endpointFor(name, placement);
      expect((await stack.api('POST', '/v1/endpoints', { name: endpoint, placement })).status).toBe(201);
      expect((await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model: name, version: 1, expectedRevision: 0 })).status).toBe(200);
    }
  });

  it.each(PLACEMENTS)(`answers all ${model.reference.cases.length} reference case(s) over HTTP with the %s placement exactly as onnxruntime does, within the reference tolerance`, async (placement) => {
    const tolerance = model.reference.tolerance ?? { rtol: 0, atol: 0 };
    const deviation = KNOWN_RUNTIME_DEVIATIONS[name];
    const inProcess = await OnnxModel.load(model.path);
    try {
      for (const [index, testCase] of model.reference.cases.entries()) {
        const inputs = Object.fromEntries(Object.entries(testCase.inputs).map(([inputName, t]) => [inputName, { shape: t.shape, data: t.data }]));
        const res = await stack.api('POST', `/v1/endpoints/${endpointFor(name, placement)}/predict`, { inputs });
        expect(res.status, `case ${index}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
        expect(res.headers.get('x-modelgate-placement')).toBe(placement);
        const nonTensorOutputs = signature.outputs.filter((output) => !output.isTensor).map((output) => output.name);
        for (const hidden of nonTensorOutputs) expect(res.body.outputs).not.toHaveProperty(hidden);

        // Serving adds nothing: the same numbers onnxruntime gives in this process, to the bit.
        const direct = await inProcess.run(referenceInputs(testCase));
        expect(res.body.outputs, `case ${index} equals in-process onnxruntime`).toEqual(
          Object.fromEntries(Object.entries(direct).map(([outputName, tensor]) => [outputName, tensorToJson(tensor)])),
        );

        for (const [outputName, want] of Object.entries(testCase.outputs ?? {})) {
          const got = res.body.outputs[outputName];
          expect(shapeOf(got), `case ${index} ${outputName} shape`).toEqual(want.shape);
          if (deviation) {
            expect(argmax([got].flat(Infinity)), `case ${index} top-1 of ${outputName} (${deviation})`).toBe(argmax(want.data));
          } else {
            expectWithinTolerance([got].flat(Infinity), want, tolerance, `case ${index} ${outputName}`);
          }
        }
        for (const [outputName, expected] of Object.entries(testCase.expectArgmax ?? {})) {
          expect(argmax([res.body.outputs[outputName]].flat(Infinity)), `case ${index} argmax of ${outputName}`).toBe(expected);
        }
      }
    } finally {
      await inProcess.release();
    }
  });
});

describe('the unloadable published model', () => {
  it('covers every model in fixtures/models: the rest are served above, and invalid-mnist-opset1 is refused', async () => {
    expect(models.map((model) => model.name).sort()).toEqual([...servable.map((model) => model.name), 'invalid-mnist-opset1'].sort());
    const res = await stack.api('POST', '/v1/models/invalid-mnist-opset1/versions', await fileForm(loadReferenceModel('invalid-mnist-opset1').path));
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/onnxruntime 1\.30 cannot load this model: .*Could not find an implementation for Add\(1\)/);
  });
});
