import { buildGemmModel, defaultGemmParameters, loadReferenceModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../app.factory.js';
import { createUser } from '../test-support/principals.js';
import { fileForm, http, modelForm } from '../test-support/http.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

async function deploy(endpoint: string, model: string, form: FormData, config: Record<string, unknown> = {}) {
  const upload = await stack.api('POST', `/v1/models/${model}/versions`, form);
  expect(upload.status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name: endpoint, ...config })).status).toBe(201);
  const promoted = await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model, version: upload.body.version, expectedRevision: 0 });
  expect(promoted.status).toBe(200);
}

const predict = (endpoint: string, body: unknown, headers?: Record<string, string>) =>
  stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body, headers);

/** y = x · W + b, computed here by hand in float64 for comparison. */
function gemmByHand(x: number[][], weights: number[][], bias: number[]) {
  return x.map((row) => bias.map((b, column) => row.reduce((sum, value, i) => sum + value * weights[i]![column]!, b)));
}

beforeAll(async () => {
  stack = await startTestStack();
  await deploy('gemm', 'gemm-model', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N' })));
  await deploy('digits', 'mnist', await fileForm(loadReferenceModel('mnist').path));
  await deploy('forest', 'random-forest', await fileForm(loadReferenceModel('sklearn-random-forest').path));
});
afterAll(async () => {
  await stack?.stop();
});

describe('POST /v1/endpoints/{e}/predict', () => {
  it('returns the model output computed by onnxruntime in the worker', async () => {
    const x = [
      [1, 2, 3, 4],
      [-0.5, 0, 0.25, 8],
    ];
    const res = await predict('gemm', { inputs: { x } }, { 'x-request-id': 'req-42' });
    expect(res.status).toBe(200);
    const { weights, bias } = defaultGemmParameters(4, 2);
    const expected = gemmByHand(x, weights, bias);
    expect(res.body.outputs.y).toHaveLength(2);
    res.body.outputs.y.forEach((row: number[], i: number) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i]![j]!, 5)));
    expect(res.body).toMatchObject({ model: 'gemm-model', version: 1, revision: 1, requestId: 'req-42' });
    expect(res.headers.get('x-modelgate-placement')).toBe('worker');
    expect(res.headers.get('x-modelgate-version')).toBe('1');
  });

  it('accepts {shape, data} tensors and TF-Serving style instances', async () => {
    const flat = await predict('gemm', { inputs: { x: { shape: [1, 4], data: [1, 2, 3, 4] } } });
    const instances = await predict('gemm', { instances: [[1, 2, 3, 4]] });
    expect(flat.status).toBe(200);
    expect(instances.status).toBe(200);
    expect(instances.body.outputs).toEqual(flat.body.outputs);
  });

  it('gives back the reference digit for every mnist case, over HTTP', async () => {
    const { reference } = loadReferenceModel('mnist');
    expect(reference.cases.length).toBeGreaterThan(0);
    for (const testCase of reference.cases) {
      const input = testCase.inputs.Input3!;
      const res = await predict('digits', { inputs: { Input3: { shape: input.shape, data: input.data } } });
      expect(res.status).toBe(200);
      const scores: number[] = res.body.outputs.Plus214_Output_0[0];
      expect(scores.indexOf(Math.max(...scores))).toBe(testCase.expectArgmax!.Plus214_Output_0);
    }
  });

  it('returns only the tensor outputs of a model with a ZipMap output', async () => {
    const { reference } = loadReferenceModel('sklearn-random-forest');
    for (const testCase of reference.cases) {
      const res = await predict('forest', { inputs: { input: { shape: testCase.inputs.input!.shape, data: testCase.inputs.input!.data } } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.outputs)).toEqual(['label']);
      expect(res.body.outputs.label).toEqual(testCase.outputs!.label!.data);
    }
  });

  const badInputs: [string, unknown, RegExp][] = [
    ['a missing input', { inputs: {} }, /missing input "x"/],
    ['an extra input', { inputs: { x: [[1, 2, 3, 4]], z: [1] } }, /unknown input "z"/],
    ['a wrong shape', { inputs: { x: [[1, 2, 3]] } }, /input "x" expects float32 \[N,4\]; got \[1,3\]/],
    ['a wrong dtype', { inputs: { x: [['a', 'b', 'c', 'd']] } }, /input "x" expects float32/],
    ['no inputs at all', { features: [1] }, /expected \{"inputs": \{"<input name>": tensor/],
  ];
  it.each(badInputs)('answers %s with 400 naming the input, expected and received', async (_what, body, message) => {
    const res = await predict('gemm', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(message);
  });

  it('refuses a wrong fixed dimension for mnist before it reaches the worker', async () => {
    const res = await predict('digits', { inputs: { Input3: { shape: [1, 1, 28, 27], data: new Array(28 * 27).fill(0) } } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Input3/);
  });

  it('answers unknown endpoints with 404 and endpoints with nothing deployed with 409', async () => {
    expect((await predict('nowhere', { inputs: { x: [[1, 2, 3, 4]] } })).status).toBe(404);
    await stack.api('POST', '/v1/endpoints', { name: 'empty' });
    const empty = await predict('empty', { inputs: { x: [[1, 2, 3, 4]] } });
    expect(empty.status).toBe(409);
    expect(empty.body.detail).toMatch(/no deployed version yet: promote one/);
  });

  it('pins a routed version with X-Modelgate-Version and refuses one that is not routed', async () => {
    expect((await predict('gemm', { instances: [[1, 2, 3, 4]] }, { 'x-modelgate-version': '1' })).status).toBe(200);
    const res = await predict('gemm', { instances: [[1, 2, 3, 4]] }, { 'x-modelgate-version': '7' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/X-Modelgate-Version 7 is not routed/);
  });

  it('serves a newly promoted version without restarting the worker', async () => {
    const upload = await stack.api('POST', '/v1/models/gemm-model/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 3, batchDim: 'N' })));
    expect(upload.body.version).toBe(2);
    const promoted = await stack.api('POST', '/v1/endpoints/gemm/promote', { model: 'gemm-model', version: 2, expectedRevision: 1 });
    expect(promoted.status).toBe(200);
    const res = await predict('gemm', { instances: [[1, 2, 3, 4]] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, revision: 2 });
    expect(res.body.outputs.y[0]).toHaveLength(3);
  });

  it('has every API process route to a new revision within a second, not after its cache expires', async () => {
    const second = await createApiApp(stack.config);
    await second.listen({ port: 0, host: '127.0.0.1' });
    try {
      const secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
      const before = await http(secondUrl, 'POST', '/v1/endpoints/gemm/predict', { instances: [[1, 2, 3, 4]] }, bearer(stack.adminToken));
      expect(before.body.revision).toBe(2);
      const changedAt = performance.now();
      expect((await stack.api('POST', '/v1/endpoints/gemm/promote', { model: 'gemm-model', version: 1, expectedRevision: 2 })).status).toBe(200);
      let revision = 2;
      while (revision !== 3 && performance.now() - changedAt < 4000) {
        revision = (await http(secondUrl, 'POST', '/v1/endpoints/gemm/predict', { instances: [[1, 2, 3, 4]] }, bearer(stack.adminToken))).body.revision;
      }
      const elapsed = performance.now() - changedAt;
      expect(revision).toBe(3);
      expect(elapsed, `the other process routed to revision 3 after ${elapsed.toFixed(0)} ms`).toBeLessThan(1000);
    } finally {
      await second.close();
    }
  });

  it('takes the raw bytes of a single-input model’s tensor and answers as for JSON', async () => {
    const x = [
      [1, 2, 3, 4],
      [0.5, -1, 2, 0],
    ];
    const json = await predict('gemm', { inputs: { x } });
    const bytes = Buffer.from(new Float32Array(x.flat()).buffer);
    const raw = await http(stack.apiUrl, 'POST', '/v1/endpoints/gemm/predict', bytes, {
      ...bearer(stack.adminToken),
      'content-type': 'application/octet-stream',
      'x-modelgate-shape': '2,4',
    });
    expect(raw.status, JSON.stringify(raw.body)).toBe(200);
    expect(raw.body.outputs).toEqual(json.body.outputs);
    const short = await http(stack.apiUrl, 'POST', '/v1/endpoints/gemm/predict', bytes.subarray(0, 20), {
      ...bearer(stack.adminToken),
      'content-type': 'application/octet-stream',
      'x-modelgate-shape': '2,4',
    });
    expect(short.status).toBe(400);
    expect(short.body.detail).toMatch(/input "x"/);
  });

  it('runs ?async=true predictions in the background, for whoever asked', async () => {
    const sync = await predict('gemm', { instances: [[1, 2, 3, 4]] });
    const accepted = await stack.api('POST', '/v1/endpoints/gemm/predict?async=true', { instances: [[1, 2, 3, 4]] });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', statusUrl: `/v1/predictions/${accepted.body.id}` });
    expect(accepted.headers.get('location')).toBe(accepted.body.statusUrl);
    let outcome = accepted;
    for (let attempt = 0; attempt < 100 && outcome.body.status === 'pending'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = await stack.api('GET', accepted.body.statusUrl);
    }
    expect(outcome.body).toMatchObject({ status: 'succeeded', endpoint: 'gemm', error: null, result: { outputs: sync.body.outputs, model: 'gemm-model' } });
    expect(outcome.body.completedAt).not.toBeNull();

    const failing = await stack.api('POST', '/v1/endpoints/gemm/predict?async=true', { inputs: { nope: [[1]] } });
    let failed = failing;
    for (let attempt = 0; attempt < 100 && failed.body.status !== 'failed'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      failed = await stack.api('GET', failing.body.statusUrl);
    }
    expect(failed.body).toMatchObject({ status: 'failed', result: null, error: { status: 400, code: 'bad_input' } });
    expect(failed.body.error.detail).toMatch(/unknown input "nope"/);

    const someoneElse = await createUser(stack, 'data_scientist');
    const peek = await http(stack.apiUrl, 'GET', accepted.body.statusUrl, undefined, bearer(someoneElse.token));
    expect(peek.status).toBe(404);
  });

  it('never computes in the API: with the worker stopped, predict times out with 504', async () => {
    expect((await stack.api('PATCH', '/v1/endpoints/gemm', { timeoutMs: 1000 })).status).toBe(200);
    stack.worker.kill('SIGKILL');
    await new Promise((resolve) => stack.worker.once('exit', resolve));
    const res = await predict('gemm', { instances: [[1, 2, 3, 4]] });
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('inference_timeout');
    expect(res.body.detail).toMatch(/did not answer within its timeoutMs of 1000 ms/);
  });
});
