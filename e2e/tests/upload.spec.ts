/// <reference lib="dom" />
// DOM types for the code that runs in the page (page.evaluateHandle).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { DEMO, seedDemo } from '../../scripts/lib/seed-demo.mjs';
import { API_URL, storageStateOf } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

const apiUrl = API_URL;
const MNIST = path.join(repoRoot, 'fixtures/models/mnist/model.onnx');
const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
/** What `pickle.dumps({'a': 1}, protocol=4)` writes: the kind of file the API must never load. */
const PICKLE = Buffer.from([0x80, 0x04, 0x95, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x8c, 0x01, 0x61, 0x94, 0x4b, 0x01, 0x73, 0x2e]);

// Uploading, editing and archiving are a data scientist's work.
test.use({ storageState: storageStateOf('dataScientist') });

/** Seeds a version through the public API, as a user with curl would. Each test names its own model. */
async function uploadThroughApi(model: string, file: string): Promise<number> {
  return (await SeedApi.asAdmin().upload(model, file)).version;
}

test('a model dropped on the upload page shows real progress, then its signature', async ({ page }) => {
  await page.goto('/models');
  await page.getByRole('link', { name: 'Upload model' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Upload a model' })).toBeVisible();

  const name = page.getByRole('textbox', { name: 'Model name' });
  // The slug rule is checked as you type.
  await name.fill('E2E MNIST');
  await expect(page.getByText('Use lowercase letters only')).toBeVisible();
  await name.fill('e2e-mnist');
  await expect(page.getByText('A new model named e2e-mnist is created with this upload.')).toBeVisible();

  // A real drop: a DataTransfer holding the fixture's bytes, dispatched as the browser would.
  const base64 = (await readFile(MNIST)).toString('base64');
  const dataTransfer = await page.evaluateHandle((data) => {
    const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'model.onnx', { type: 'application/octet-stream' }));
    return transfer;
  }, base64);
  const zone = page.getByRole('group', { name: 'Model file' });
  for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer });
  await expect(zone.getByText('model.onnx')).toBeVisible();

  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const progress = page.getByRole('progressbar');
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await expect(progress).toHaveAttribute('aria-valuemin', '0');
  await expect(progress).toHaveAttribute('aria-valuemax', '100');

  const result = page.getByRole('region', { name: 'Created e2e-mnist v1' });
  await expect(result).toBeVisible();
  // The signature read from the CNTK MNIST model, in the version page's own tables.
  await expect(result.getByRole('cell', { name: 'Input3', exact: true })).toBeVisible();
  await expect(result.getByRole('cell', { name: 'float32', exact: true }).first()).toBeVisible();
  await expect(result.getByRole('cell', { name: '[1,1,28,28]', exact: true })).toBeVisible();
  // The bar stays, full, next to the answer.
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  await page.screenshot({ path: 'screenshots/upload-mnist.png', fullPage: true });

  await result.getByRole('link', { name: 'View version' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'e2e-mnist v1' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Input3', exact: true })).toBeVisible();

  // "Download artifact" goes through the dashboard's proxy with its length and digest intact.
  const href = await page.getByRole('link', { name: 'Download artifact' }).getAttribute('href');
  const download = await page.request.get(href!);
  const original = await readFile(MNIST);
  expect(download.status()).toBe(200);
  expect(download.headers()['content-length']).toBe(String(original.byteLength));
  expect(download.headers()['etag']).toMatch(/^"[0-9a-f]{64}"$/);
  expect(Buffer.compare(await download.body(), original)).toBe(0);
});

test('an upload the API refuses shows its reason in place and keeps the form', async ({ page }) => {
  await page.goto('/models/new');
  await page.getByRole('textbox', { name: 'Model name' }).fill('e2e-pickle');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose a file' }).click();
  await (await chooser).setFiles({ name: 'model.pkl', mimeType: 'application/octet-stream', buffer: PICKLE });
  await expect(page.getByText('This file does not end in .onnx')).toBeVisible();

  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const alert = page.getByRole('form', { name: 'Upload a model' }).getByRole('alert');
  await expect(alert).toContainText('pickle files are never loaded');
  await expect(alert).toContainText('422');
  // Everything is still there to try another file.
  await expect(page.getByRole('textbox', { name: 'Model name' })).toHaveValue('e2e-pickle');
  await expect(page.getByRole('group', { name: 'Model file' }).getByText('model.pkl')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try again' })).toBeEnabled();
  await page.screenshot({ path: 'screenshots/upload-refused.png', fullPage: true });

  // Nothing was created.
  expect((await SeedApi.asAdmin().call('GET', '/v1/models/e2e-pickle')).status).toBe(404);
});

test('"Edit details" saves a description and a sample input, which the request snippets then use', async ({ page }) => {
  const version = await uploadThroughApi('e2e-details', IRIS);
  await page.goto(`/models/e2e-details/versions/${version}`);
  await expect(page.getByRole('heading', { level: 1, name: `e2e-details v${version}` })).toBeVisible();
  await expect(page.getByText('Created by', { exact: true })).toBeVisible();

  const details = page.getByRole('region', { name: 'Details', exact: true });
  await details.getByRole('button', { name: 'Edit details' }).click();
  await details.getByRole('textbox', { name: 'Description' }).fill('Iris classifier checked by the browser tests');

  // Not JSON: pointed at before anything is sent.
  await details.getByRole('textbox', { name: 'Metrics' }).fill('{accuracy: 0.97}');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText(/Metrics is not valid JSON/)).toBeVisible();
  await details.getByRole('textbox', { name: 'Metrics' }).fill('{"accuracy": 0.97}');

  // JSON, but not what the signature takes: the API's reason shows in place.
  const sample = details.getByRole('textbox', { name: 'Sample input' });
  await sample.fill('{"inputs": {"input": [[5.1, 3.5]]}}');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByRole('alert')).toContainText('expects float32 [1,3]');

  await sample.fill('{"inputs": {"input": [[5.1, 3.5, 1.4]]}}');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByRole('status')).toHaveText('Details saved.');
  await expect(details.getByText('Iris classifier checked by the browser tests')).toBeVisible();
  await expect(details.getByText('accuracy')).toBeVisible();

  const tryIt = page.getByRole('region', { name: 'Try it', exact: true });
  await expect(tryIt).toContainText('sample input saved with this version');
  const curl = tryIt.getByRole('tabpanel');
  await expect(curl).toContainText(`curl -X POST '${apiUrl}/v1/endpoints/<endpoint>/predict'`);
  await expect(curl).toContainText('"input": [[5.1,3.5,1.4]]');
  await tryIt.getByRole('tab', { name: 'TypeScript' }).click();
  const typescript = tryIt.getByRole('tabpanel');
  await expect(typescript).toContainText('"input": [[5.1,3.5,1.4]]');
  await expect(typescript).toContainText(`const response = await fetch('${apiUrl}/v1/endpoints/<endpoint>/predict'`);
  await expect(typescript).toContainText('body: JSON.stringify(body)');
  await expect(typescript).toContainText('const { outputs } = await response.json();');
  await page.screenshot({ path: 'screenshots/version-details.png', fullPage: true });
});

test('archiving: a version no endpoint routes to is archived; the demo version is refused with the reason', async ({ page }) => {
  const version = await uploadThroughApi('e2e-archive', IRIS);
  await page.goto(`/models/e2e-archive/versions/${version}`);
  await page.getByRole('button', { name: 'Archive version' }).click();
  const dialog = page.getByRole('dialog', { name: `Archive e2e-archive v${version}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('can no longer be deployed');
  await dialog.getByRole('button', { name: `Archive v${version}` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('region', { name: /^Archived/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Archive version' })).toHaveCount(0);

  await page.getByRole('link', { name: 'e2e-archive', exact: true }).click();
  const row = page.getByRole('row', { name: new RegExp(`^v${version}\\b`) });
  await expect(row.getByText('archived', { exact: true })).toBeVisible();

  // The demo version serves the `demo` endpoint: the API refuses, and the dialog says why.
  const demo = await seedDemo(apiUrl, SeedApi.asAdmin().token);
  await page.goto(`/models/${DEMO.model}/versions/${demo.version}`);
  await page.getByRole('button', { name: 'Archive version' }).click();
  const demoDialog = page.getByRole('dialog', { name: `Archive ${DEMO.model} v${demo.version}?` });
  await demoDialog.getByRole('button', { name: `Archive v${demo.version}` }).click();
  const refusal = demoDialog.getByRole('alert');
  await expect(refusal).toContainText('409');
  await expect(refusal).toContainText(`endpoint "${DEMO.endpoint}"`);
  await page.screenshot({ path: 'screenshots/archive-refused.png', fullPage: true });
  await demoDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(demoDialog).toBeHidden();
  await expect(page.getByRole('region', { name: /^Archived/ })).toHaveCount(0);
});
