import { loadReferenceModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm } from '../test-support/http.js';
import { filesUnder, startTestStack, type TestStack } from '../test-support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_VALIDATION_MEMORY_MB: '64' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('validation in an isolated process', () => {
  it('refuses a model that needs more memory to load than MODELGATE_VALIDATION_MEMORY_MB, and the API lives on', async () => {
    const res = await stack.api('POST', '/v1/models/hungry/versions', await fileForm(loadReferenceModel('shufflenet-v2-int8').path));
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/needs more than the 64 MiB validation is allowed \(MODELGATE_VALIDATION_MEMORY_MB\)/);
    expect(await stack.db.model.count()).toBe(0);
    expect(await filesUnder(stack.config.artifactsDir)).toEqual([]);
    expect(await filesUnder(stack.config.uploadsDir)).toEqual([]);
    expect((await stack.api('GET', '/readyz')).status).toBe(200);
  });
});
