import type { EndpointMetrics } from '@modelgate/contracts';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollupWriter } from '../metrics/rollup-writer.js';
import { modelForm } from '../test-support/http.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';

/**
 * Shadows on a pair of versions with a known disagreement: v1 answers [x0, x1], v2 answers
 * [x0, x1 + 0.5]. Their argmax differs exactly when x1 < x0 < x1 + 0.5, so the test knows which
 * requests disagree and by how much (0.5 on the second class).
 */
let stack: TestStack;
const weights = [
  [1, 0],
  [0, 1],
  [0, 0],
  [0, 0],
];

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_METRICS_FLUSH_MS: '60000' });
  for (const bias of [
    [0, 0],
    [0, 0.5],
  ]) {
    expect((await stack.api('POST', '/v1/models/pair/versions', modelForm(buildGemmModel({ inFeatures: 4, outFeatures: 2, batchDim: 'N', weights, bias })))).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(['gateway', 'worker'])('shadow traffic (%s placement)', (placement) => {
  it('never alters answers, and measures the known agreement and difference', async () => {
    const name = `mirrored-${placement}`;
    expect((await stack.api('POST', '/v1/endpoints', { name, placement })).status).toBe(201);
    const deployed = await stack.api('POST', `/v1/endpoints/${name}/revisions`, {
      routes: [{ model: 'pair', version: 1, weight: 100 }],
      shadows: [{ model: 'pair', version: 2, percent: 100 }],
      expectedRevision: 0,
    });
    expect(deployed.status).toBe(201);

    // 70 inputs both versions classify alike, 30 they do not: 70 % agreement.
    const inputs = Array.from({ length: 100 }, (_, index) => (index % 10 < 7 ? [2 + index / 100, 1, 0, 0] : [1.25, 1, 0, 0]));
    for (const x of inputs) {
      const response = await stack.api('POST', `/v1/endpoints/${name}/predict`, { inputs: { x: [x] } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-modelgate-version')).toBe('1');
      // Exactly v1's answer, whatever its shadow said.
      expect(response.body.outputs.y[0][0]).toBeCloseTo(x[0]!, 5);
      expect(response.body.outputs.y[0][1]).toBeCloseTo(x[1]!, 5);
    }
    const recorder = stack.app.get(LatencyRecorder);
    const compared = () => recorder.lifetime().find(({ series }) => series.endpoint === name && series.traffic === 'shadow')?.counts.compared ?? 0;
    for (let waited = 0; compared() < inputs.length && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));

    await stack.app.get(RollupWriter).flush();
    const metrics = (await stack.api('GET', `/v1/endpoints/${name}/metrics`)).body as EndpointMetrics;
    const shadow = metrics.series.find((series) => series.traffic === 'shadow')!;
    expect(shadow).toMatchObject({ version: 2, currentWeight: 100 });
    expect(shadow.total).toMatchObject({ requests: 100, compared: 100, errors: 0 });
    expect(shadow.total.agreement).toBeCloseTo(0.7, 10);
    expect(shadow.total.maxAbsDiff).toBeCloseTo(0.5, 5);
    const live = metrics.series.find((series) => series.traffic === 'live')!;
    expect(live.total).toMatchObject({ requests: 100, compared: 0, agreement: null, maxAbsDiff: null });
  });
});
