import { buildGemmModel, defaultGemmParameters } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, modelForm } from '../test-support/http.js';
import { buildSpecExampleModel, oipSchemaErrors, SPEC_EXAMPLE_REQUEST } from '../test-support/open-inference-spec.js';
import { createApiKey } from '../test-support/principals.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * The Open Inference Protocol v2 as its specification (kserve/open-inference-protocol,
 * inference_rest.md) describes it, with every response checked against the spec's OpenAPI schemas.
 */

let stack: TestStack;

async function deploy(endpoint: string, model: string, versions: Uint8Array[]) {
  for (const bytes of versions) expect((await stack.api('POST', `/v1/models/${model}/versions`, modelForm(bytes))).status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name: endpoint })).status).toBe(201);
  expect((await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model, version: 1, expectedRevision: 0 })).status).toBe(200);
}

const infer = (path: string, body: unknown, headers?: Record<string, string>) => stack.api('POST', path, body, headers);

beforeAll(async () => {
  stack = await startTestStack();
  await deploy('mymodel', 'spec-example', [buildSpecExampleModel()]);
  // Two versions of a batchable Gemm, both routed: the second (x float32[N,4] → y float32[N,3]) takes 25 %.
  await deploy('gemm', 'gemm-model', [buildGemmModel({ inFeatures: 4, outFeatures: 2 }), buildGemmModel({ inFeatures: 4, outFeatures: 3 })]);
  const split = await stack.api('POST', '/v1/endpoints/gemm/revisions', {
    routes: [{ model: 'gemm-model', version: 1, weight: 75 }, { model: 'gemm-model', version: 2, weight: 25 }],
    shadows: [],
    expectedRevision: 1,
  });
  expect(split.status).toBe(201);
  expect((await stack.api('POST', '/v1/endpoints', { name: 'undeployed' })).status).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('health and server metadata', () => {
  it('GET /v2/health/live and /v2/health/ready answer 200 with their probe bodies', async () => {
    const live = await stack.api('GET', '/v2/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ live: true });
    const ready = await stack.api('GET', '/v2/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true });
  });

  it('GET /v2 describes the server with only the extensions it implements', async () => {
    const res = await stack.api('GET', '/v2');
    expect(res.status).toBe(200);
    expect(oipSchemaErrors('metadata_server_response', res.body)).toEqual([]);
    expect(res.body).toEqual({ name: 'modelgate', version: '0.1.0', extensions: ['binary_tensor_data'] });
  });
});

describe('model metadata and readiness', () => {
  it('describes an endpoint as a model: routed versions, datatypes, and -1 for variable dimensions', async () => {
    const res = await stack.api('GET', '/v2/models/gemm');
    expect(res.status).toBe(200);
    expect(oipSchemaErrors('metadata_model_response', res.body)).toEqual([]);
    // The primary (75 %) version's signature describes the model when no version is named.
    expect(res.body).toEqual({
      name: 'gemm',
      versions: ['1', '2'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
    });
  });

  it('describes a named version with its own signature', async () => {
    const res = await stack.api('GET', '/v2/models/gemm/versions/2');
    expect(res.status).toBe(200);
    expect(oipSchemaErrors('metadata_model_response', res.body)).toEqual([]);
    expect(res.body.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [-1, 3] }]);
  });

  it('maps every datatype of the spec example model', async () => {
    const res = await stack.api('GET', '/v2/models/mymodel');
    expect(res.body.inputs).toEqual([
      { name: 'input0', datatype: 'UINT32', shape: [2, 2] },
      { name: 'input1', datatype: 'BOOL', shape: [3] },
    ]);
    expect(res.body.outputs).toEqual([
      { name: 'output0', datatype: 'FP32', shape: [3, 2] },
      { name: 'output1', datatype: 'BOOL', shape: [3] },
    ]);
  });

  it('reports a deployed model and each routed version ready', async () => {
    for (const path of ['/v2/models/gemm/ready', '/v2/models/gemm/versions/1/ready', '/v2/models/gemm/versions/2/ready']) {
      const res = await stack.api('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.body).toEqual({ name: 'gemm', ready: true });
    }
  });

  it('answers an unknown model or version with 404, and a model with nothing deployed as not ready (400) with no metadata (409)', async () => {
    const cases: [string, number, RegExp][] = [
      ['/v2/models/nowhere', 404, /endpoint "nowhere" does not exist/],
      ['/v2/models/nowhere/ready', 404, /endpoint "nowhere" does not exist/],
      ['/v2/models/gemm/versions/7', 404, /model "gemm" has no version 7: its active revision 2 routes to version 1, 2/],
      ['/v2/models/gemm/versions/7/ready', 404, /model "gemm" has no version 7/],
      ['/v2/models/undeployed/ready', 400, /model "undeployed" is not ready: endpoint "undeployed" has no deployed version yet/],
      ['/v2/models/undeployed', 409, /endpoint "undeployed" has no deployed version yet: promote one/],
    ];
    for (const [path, status, message] of cases) {
      const res = await stack.api('GET', path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect(oipSchemaErrors('metadata_model_error_response', res.body), path).toEqual([]);
      expect(res.body.error, path).toMatch(message);
    }
  });
});

describe('POST /v2/models/{model}[/versions/{version}]/infer', () => {
  it('answers the spec example: the id echoed, only the requested output, FP32 [3,2]', async () => {
    expect(oipSchemaErrors('inference_request', SPEC_EXAMPLE_REQUEST)).toEqual([]);
    const res = await infer('/v2/models/mymodel/infer', SPEC_EXAMPLE_REQUEST);
    expect(res.status).toBe(200);
    expect(oipSchemaErrors('inference_response', res.body)).toEqual([]);
    // Column sums of [[1,2],[3,4]] are [4,6]; rows where input1 is false are zero.
    expect(res.body).toEqual({
      model_name: 'mymodel',
      model_version: '1',
      id: '42',
      outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', data: [4, 6, 0, 0, 4, 6] }],
    });
    expect(res.headers.get('x-modelgate-model')).toBe('spec-example');
    expect(res.headers.get('x-modelgate-version')).toBe('1');
    expect(res.headers.get('x-modelgate-revision')).toBe('1');
    expect(res.headers.get('x-modelgate-placement')).toMatch(/^(worker|gateway)$/);
  });

  it('returns every output when none is requested, and accepts data in its natural nested form', async () => {
    const { outputs: _requested, ...request } = SPEC_EXAMPLE_REQUEST;
    const nested = { ...request, inputs: [{ ...request.inputs[0]!, data: [[1, 2], [3, 4]] }, request.inputs[1]!] };
    const res = await infer('/v2/models/mymodel/versions/1/infer', nested);
    expect(res.status).toBe(200);
    expect(oipSchemaErrors('inference_response', res.body)).toEqual([]);
    expect(res.body.outputs).toEqual([
      { name: 'output0', shape: [3, 2], datatype: 'FP32', data: [4, 6, 0, 0, 4, 6] },
      { name: 'output1', shape: [3], datatype: 'BOOL', data: [false, true, false] },
    ]);
  });

  it('runs the version named in the path, and gives the request id when the caller sent none', async () => {
    const x = [1, 2, 3, 4];
    for (const [version, outFeatures] of [[1, 2], [2, 3]] as const) {
      const request = { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: x }] };
      const res = await infer(`/v2/models/gemm/versions/${version}/infer`, request, { 'x-request-id': `req-v${version}` });
      expect(res.status).toBe(200);
      expect(oipSchemaErrors('inference_response', res.body)).toEqual([]);
      const { weights, bias } = defaultGemmParameters(4, outFeatures);
      const expected = bias.map((b, column) => x.reduce((sum, value, i) => sum + value * weights[i]![column]!, b));
      expect(res.body).toMatchObject({ model_name: 'gemm', model_version: String(version), id: `req-v${version}` });
      expect(res.body.outputs[0]).toMatchObject({ name: 'y', shape: [1, outFeatures], datatype: 'FP32' });
      res.body.outputs[0].data.forEach((value: number, i: number) => expect(value).toBeCloseTo(expected[i]!, 5));
      expect(res.headers.get('x-modelgate-version')).toBe(String(version));
    }
  });

  const gemmRequest = (fields: Record<string, unknown>) => ({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4], ...fields }] });
  const badRequests: [string, unknown, RegExp][] = [
    ['a datatype the input does not take', gemmRequest({ datatype: 'FP64' }), /input "x" expects datatype FP32 \(the model's float32\); got "FP64"/],
    ['a shape the input does not take', gemmRequest({ shape: [1, 3], data: [1, 2, 3] }), /input "x" expects float32 \[N,4\]; got \[1,3\]/],
    ['data that does not fill the shape', gemmRequest({ shape: [2, 4] }), /input "x" has shape \[2,4\], which holds 8 values, but data has 4/],
    ['an unknown input', gemmRequest({ name: 'z' }), /unknown input "z" \(the model expects: x\)/],
    ['an unknown output', { ...gemmRequest({}), outputs: [{ name: 'w' }] }, /unknown output "w"/],
    ['no inputs list', { id: '1' }, /body\.inputs/],
  ];
  it.each(badRequests)('answers %s with 400 and an {error} naming it', async (_what, body, message) => {
    const res = await infer('/v2/models/gemm/versions/1/infer', body);
    expect(res.status).toBe(400);
    expect(oipSchemaErrors('inference_error_response', res.body)).toEqual([]);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toMatch(message);
  });

  it('answers an unknown model or unrouted version with 404 and a body that is not JSON with 400, as {error}', async () => {
    const request = gemmRequest({});
    const unknown = await infer('/v2/models/nowhere/infer', request);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'endpoint "nowhere" does not exist' });
    const unrouted = await infer('/v2/models/gemm/versions/3/infer', request);
    expect(unrouted.status).toBe(404);
    expect(unrouted.body.error).toMatch(/model "gemm" has no version 3/);
    // Refused by the body parser, before any route runs.
    const broken = await infer('/v2/models/gemm/infer', '{"inputs": [', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(oipSchemaErrors('inference_error_response', broken.body)).toEqual([]);
    expect(broken.body.error).toMatch(/not valid JSON/);
    const noRoute = await stack.api('GET', '/v2/repository/index');
    expect(noRoute.status).toBe(404);
    expect(Object.keys(noRoute.body)).toEqual(['error']);
  });

  it('refuses callers with {error}: 401 without credentials, 403 with a key for another endpoint', async () => {
    const request = gemmRequest({});
    const anonymous = await http(stack.apiUrl, 'POST', '/v2/models/gemm/infer', request);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(oipSchemaErrors('inference_error_response', anonymous.body)).toEqual([]);
    expect(anonymous.body.error).toMatch(/Authorization: Bearer/);

    const other = await createApiKey(stack, { name: 'mymodel-only', scopes: { predict: ['mymodel'], read: false } });
    const forbidden = await http(stack.apiUrl, 'POST', '/v2/models/gemm/infer', request, bearer(other.secret));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ error: 'this API key may predict on mymodel only, not on "gemm"' });
    const allowed = await http(stack.apiUrl, 'POST', '/v2/models/mymodel/infer', SPEC_EXAMPLE_REQUEST, bearer(other.secret));
    expect(allowed.status).toBe(200);
  });
});
