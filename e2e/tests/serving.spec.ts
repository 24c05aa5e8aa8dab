import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { storageStateOf } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
const MODEL = 'e2e-serving-iris';
/** Iris row 1, setosa: scikit-learn's own answer is class 0 (reference.json). */
const SAMPLE_INPUT = { inputs: { input: [[5.1, 3.5, 1.4]] } };
const TRY_IT_ENDPOINT = 'e2e-try-it';

let version: number;

test.beforeAll(async () => {
  const admin = SeedApi.asAdmin();
  // Identical bytes uploaded again return the existing version, so a retried worker seeds nothing twice.
  ({ version } = await admin.upload(MODEL, IRIS, { description: 'iris for the serving browser tests', sampleInput: SAMPLE_INPUT }));
  // It stays on the worker placement: the gateway is being built alongside.
  if ((await admin.call('GET', `/v1/endpoints/${TRY_IT_ENDPOINT}`)).status === 404) await admin.endpointServing(TRY_IT_ENDPOINT, MODEL, version);
});

test.describe('a data scientist', () => {
  test.use({ storageState: storageStateOf('dataScientist') });

  test('changes the batching and the timeout: only those are sent, and the page shows them after a reload', async ({ page }) => {
    // An endpoint of its own, at the defaults, so these changes reach no other test (nor a repeat of this one).
    const endpoint = `e2e-settings-${Date.now().toString(36)}`;
    await SeedApi.asAdmin().endpointServing(endpoint, MODEL, version);
    await page.goto(`/endpoints/${endpoint}`);
    const settings = page.getByRole('form', { name: 'Endpoint settings' });
    const worker = settings.getByRole('radio', { name: 'Worker' });
    const gateway = settings.getByRole('radio', { name: 'Gateway' });
    await expect(worker).toBeChecked();
    // Both placements are offered, each explained in one line.
    await expect(worker).toHaveAccessibleDescription(/separate worker pool/);
    await expect(gateway).toHaveAccessibleDescription(/Inside the API processes.*lowest latency/);
    await gateway.check();
    await expect(gateway).toBeChecked();
    await worker.check();

    // Out of the contract's range: pointed at before anything is sent.
    const batchSize = settings.getByLabel('Max batch size');
    await batchSize.fill('2000');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect(settings.getByText('A whole number from 1 to 1,024')).toBeVisible();
    await expect(batchSize).toBeFocused();
    await expect(batchSize).toHaveAttribute('aria-invalid', 'true');

    await batchSize.fill('8');
    await settings.getByLabel('Request timeout (ms)').fill('15000');
    const patch = page.waitForRequest((request) => request.method() === 'PATCH' && request.url().endsWith(`/api/v1/endpoints/${endpoint}`));
    await settings.getByRole('button', { name: 'Save settings' }).click();
    // Only what changed; batching goes whole, since the API would reset a missing member to its default.
    expect((await patch).postDataJSON()).toEqual({ batching: { maxBatchSize: 8, maxDelayMs: 0 }, timeoutMs: 15_000 });
    await expect(settings.getByRole('status')).toHaveText('Settings saved: max batch size 8, request timeout 15 s.');
    await expect(batchSize).not.toHaveAttribute('aria-invalid');
    await expect(settings.getByRole('button', { name: 'Discard changes' })).toBeDisabled();

    await page.reload();
    await expect(settings.getByLabel('Max batch size')).toHaveValue('8');
    await expect(settings.getByLabel('Request timeout (ms)')).toHaveValue('15000');
    await expect(settings.getByText('15 s; longer answers 504')).toBeVisible();
    await expect(settings.getByLabel('Max batch delay (ms)')).toHaveValue('0');
    await expect(worker).toBeChecked();
    const stored = await SeedApi.asAdmin().expect('GET', `/v1/endpoints/${endpoint}`);
    expect(stored.config).toEqual({
      placement: 'worker',
      batching: { maxBatchSize: 8, maxDelayMs: 0 },
      scaling: { minReplicas: 1, idleTimeoutSec: 300 },
      timeoutMs: 15_000,
      maxQueueDepth: 1000,
    });

    // An edit can be taken back before saving.
    await settings.getByLabel('Min replicas').fill('0');
    await expect(settings.getByText('Scales to zero: unloaded after the idle timeout')).toBeVisible();
    await settings.getByRole('button', { name: 'Discard changes' }).click();
    await expect(settings.getByLabel('Min replicas')).toHaveValue('1');
    await page.getByRole('region', { name: 'Settings', exact: true }).screenshot({ path: 'screenshots/endpoint-settings.png' });
  });

  test('the Try it console sends the prefilled request and shows the output, the version, the placement and a latency', async ({ page }) => {
    await page.goto(`/endpoints/${TRY_IT_ENDPOINT}`);
    const tryIt = page.getByRole('region', { name: 'Try it', exact: true });
    const predictForm = tryIt.getByRole('form', { name: 'Try a prediction' });
    const body = predictForm.getByRole('textbox', { name: 'Request body (JSON)' });
    // Prefilled with the sample input saved with the routed version.
    await expect(body).toHaveValue(/"input": \[\[5\.1,3\.5,1\.4\]\]/);
    await expect(predictForm).toContainText(`sample input saved with ${MODEL}@v${version}`);

    await predictForm.getByRole('button', { name: 'Send request' }).click();
    const response = tryIt.getByRole('region', { name: 'Response' });
    await expect(response.getByLabel('Response body')).toContainText('"label": [0]');
    await expect(response).toContainText(`Status200`);
    await expect(response).toContainText(`Answered by${MODEL}@v${version}`);
    await expect(response).toContainText('Revision1');
    await expect(response).toContainText('Placementworker');
    await expect(response).toContainText(/Model load(already loaded|cold start)/);
    await expect(response).toContainText(/Batch(ran alone|shared a run)/);
    await expect(response).toContainText(/Latency\d[\d,.]* ms/);
    await tryIt.screenshot({ path: 'screenshots/try-it.png' });

    // Pinning a routed version sends X-Modelgate-Version.
    await predictForm.getByLabel('Pin version').selectOption({ label: `${MODEL}@v${version} (100%)` });
    const pinned = page.waitForRequest((request) => request.url().endsWith(`/api/v1/endpoints/${TRY_IT_ENDPOINT}/predict`));
    await predictForm.getByRole('button', { name: 'Send request' }).click();
    expect((await pinned).headers()['x-modelgate-version']).toBe(String(version));
    await expect(response).toContainText(`Answered by${MODEL}@v${version}`);

    // Not JSON: sent as typed, and the API's 400 says why.
    await body.fill('{"inputs": {"input": [[5.1, 3.5, 1.4]]}');
    await predictForm.getByRole('button', { name: 'Send request' }).click();
    await expect(response.getByRole('alert')).toContainText('400');
    await expect(response.getByRole('alert')).toContainText(/not valid JSON/);
    await expect(response).toContainText('Status400');
    await expect(response.getByLabel('Response body')).toHaveCount(0);

    // JSON, but the wrong input name: the API names the input it expected.
    await body.fill('{"inputs": {"features": [[5.1, 3.5, 1.4]]}}');
    await predictForm.getByRole('button', { name: 'Send request' }).click();
    await expect(response.getByRole('alert')).toContainText('unknown input "features"');
    await expect(response.getByRole('alert')).toContainText('the model expects: input');

    // Back to the example, which answers again.
    await predictForm.getByRole('button', { name: 'Reset body' }).click();
    await expect(body).toHaveValue(/"input": \[\[5\.1,3\.5,1\.4\]\]/);
    await predictForm.getByRole('button', { name: 'Send request' }).click();
    await expect(response.getByLabel('Response body')).toContainText('"label": [0]');
    // The code snippets stay beside the console.
    await expect(tryIt.getByRole('tab', { name: 'curl' })).toBeVisible();
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: storageStateOf('viewer') });

  test('sees the settings in a disabled form and the console refused, each with the reason', async ({ page }) => {
    await page.goto(`/endpoints/${TRY_IT_ENDPOINT}`);
    const reason = 'viewers can look but not change anything';
    const settings = page.getByRole('form', { name: 'Endpoint settings' });
    await expect(settings).toContainText(new RegExp(reason, 'i'));
    await expect(settings.getByLabel('Max batch size')).toBeDisabled();
    await expect(settings.getByLabel('Max batch size')).not.toHaveValue('');
    await expect(settings.getByRole('radio', { name: 'Gateway' })).toBeDisabled();
    await expect(settings.getByLabel('Request timeout (ms)')).toBeDisabled();
    const save = settings.getByRole('button', { name: 'Save settings' });
    await expect(save).toBeDisabled();
    await expect(save).toHaveAccessibleDescription(new RegExp(reason, 'i'));

    const tryIt = page.getByRole('region', { name: 'Try it', exact: true });
    await expect(tryIt.getByRole('button', { name: 'Send request' })).toBeDisabled();
    await expect(tryIt).toContainText(new RegExp(reason, 'i'));
    await expect(tryIt.getByRole('form', { name: 'Try a prediction' })).toHaveCount(0);
    // Reading how to call it is still theirs.
    await expect(tryIt.getByRole('tab', { name: 'curl' })).toBeVisible();
  });
});
