import { loadReferenceModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm, type HttpResult } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * Micro-batching through the public API, on both placements: concurrent requests for one version
 * share runs (a batchable CNN) or run side by side (a fixed-batch model), and every caller gets
 * exactly the answer it would have got alone.
 */
let stack: TestStack;
const ocr = loadReferenceModel('ocr-text-direction');
const mnist = loadReferenceModel('mnist');
const bodyOf = (testCase: (typeof ocr.reference.cases)[number]) => ({
  inputs: Object.fromEntries(Object.entries(testCase.inputs).map(([name, tensor]) => [name, { shape: tensor.shape, data: tensor.data }])),
});

beforeAll(async () => {
  stack = await startTestStack();
  for (const model of [ocr, mnist]) {
    expect((await stack.api('POST', `/v1/models/${model.name}/versions`, await fileForm(model.path))).status).toBe(201);
    for (const placement of ['worker', 'gateway']) {
      const endpoint = `${model.name}-${placement}`;
      expect((await stack.api('POST', '/v1/endpoints', { name: endpoint, placement, batching: { maxBatchSize: 32, maxDelayMs: 0 } })).status).toBe(201);
      expect((await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model: model.name, version: 1, expectedRevision: 0 })).status).toBe(200);
    }
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(['worker', 'gateway'])('the %s placement', (placement) => {
  it('gives each of 24 concurrent requests to a batchable CNN exactly its answer alone, in shared runs', async () => {
    const endpoint = `ocr-text-direction-${placement}`;
    const bodies = Array.from({ length: 24 }, (_, index) => bodyOf(ocr.reference.cases[index % ocr.reference.cases.length]!));
    const alone: HttpResult[] = [];
    for (const body of bodies.slice(0, ocr.reference.cases.length)) alone.push(await stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body));
    const together = await Promise.all(bodies.map((body) => stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body)));
    together.forEach((response, index) => {
      expect(response.status).toBe(200);
      expect(response.body.outputs).toEqual(alone[index % alone.length]!.body.outputs);
    });
    const batchSizes = together.map((response) => Number(response.headers.get('x-modelgate-batch-size')));
    expect(Math.max(...batchSizes), `batch sizes ${batchSizes.join(',')}`).toBeGreaterThan(1);
  });

  it('never batches a fixed-batch model (mnist), yet answers concurrent requests', async () => {
    const endpoint = `mnist-${placement}`;
    const responses = await Promise.all(Array.from({ length: 8 }, () => stack.api('POST', `/v1/endpoints/${endpoint}/predict`, bodyOf(mnist.reference.cases[0]!))));
    expect(responses.map((response) => response.status)).toEqual(new Array(8).fill(200));
    expect(responses.map((response) => response.headers.get('x-modelgate-batch-size'))).toEqual(new Array(8).fill('1'));
    expect(new Set(responses.map((response) => JSON.stringify(response.body.outputs))).size).toBe(1);
  });

  it('fails a bad request among good concurrent ones alone, with a reason', async () => {
    const endpoint = `ocr-text-direction-${placement}`;
    const good = bodyOf(ocr.reference.cases[0]!);
    const wrongShape = { inputs: { x: { shape: [1, 3, 48], data: new Array(3 * 48).fill(0) } } };
    const responses = await Promise.all([good, good, wrongShape, good].map((body) => stack.api('POST', `/v1/endpoints/${endpoint}/predict`, body)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 400, 200]);
    expect(responses[2]!.body.detail).toMatch(/input "x"/);
  });
});

describe('GET /metrics', () => {
  it('counts predictions by endpoint, version, placement and outcome, for Prometheus, without authentication', async () => {
    const response = await fetch(`${stack.apiUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const count = (labels: string) => Number(new RegExp(`^modelgate_predictions_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    for (const placement of ['worker', 'gateway']) {
      const endpoint = `ocr-text-direction-${placement}`;
      // 4 alone + 24 together + 3 good in the mixed test; the bad one is a 4xx that never reached a model.
      expect(count(`endpoint="${endpoint}",model="ocr-text-direction",version="1",placement="${placement}",traffic="live",outcome="2xx"`)).toBe(31);
      expect(count(`endpoint="${endpoint}",model="ocr-text-direction",version="1",placement="${placement}",traffic="live",outcome="4xx"`)).toBe(1);
      expect(count(`endpoint="mnist-${placement}",model="mnist",version="1",placement="${placement}",traffic="live",outcome="2xx"`)).toBe(8);
    }
    expect(text).toMatch(/^modelgate_api_process_cpu_seconds_total /m);
  });
});
