import { expect, test } from '@playwright/test';
import { DEMO, seedDemo } from '../../scripts/lib/seed-demo.mjs';
import { API_URL, storageStateOf } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

const apiUrl = API_URL;

test.use({ storageState: storageStateOf('viewer') });

test.beforeAll(async () => {
  // Seeded through the public API with the admin's token, as npm run dev does.
  await seedDemo(apiUrl, SeedApi.asAdmin().token);
});

test('the dashboard shows the demo model, its signature and the demo endpoint', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  await page.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: DEMO.model }).first().click();
  await expect(page.getByRole('heading', { name: DEMO.model, level: 1 })).toBeVisible();
  await page.getByRole('link', { name: /^v?1$/ }).first().click();
  // The signature read from the real scikit-learn model: one float32 [1,3] input, the ZipMap warning.
  await expect(page.getByRole('cell', { name: 'input', exact: true })).toBeVisible();
  await expect(page.getByText('float32').first()).toBeVisible();
  await expect(page.getByText(/probabilities/).first()).toBeVisible();

  await page.getByRole('navigation').getByRole('link', { name: 'Endpoints' }).click();
  await page.getByRole('link', { name: DEMO.endpoint, exact: true }).first().click();
  await expect(page.getByRole('heading', { name: DEMO.endpoint, level: 1 })).toBeVisible();
  await expect(page.getByText(`${DEMO.model}`).first()).toBeVisible();
  await expect(page.getByText('100%').first()).toBeVisible();
  await page.screenshot({ path: 'screenshots/endpoint-demo.png', fullPage: true });
});

test('a prediction through the demo endpoint answers with the model output', async ({ request }) => {
  const response = await request.post(`${apiUrl}/v1/endpoints/${DEMO.endpoint}/predict`, {
    data: DEMO.body,
    headers: { authorization: `Bearer ${SeedApi.asAdmin().token}` },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  // iris row 1 (5.1, 3.5, 1.4) is setosa, class 0, per scikit-learn's own answer in reference.json.
  expect(body.outputs.label).toEqual([0]);
  expect(body.model).toBe(DEMO.model);
});
