import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { storageStateOf, USERS } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';
import { signInThroughForm } from '../support/sign-in.js';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
const FOREST = path.join(repoRoot, 'fixtures/models/sklearn-random-forest/model.onnx');

test.describe('signing in', () => {
  test('an anonymous visit goes to the login page and comes back after signing in', async ({ page }) => {
    await page.goto('/models?q=iris');
    await expect(page).toHaveURL(/\/login\?next=%2Fmodels%3Fq%3Diris$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Modelgate' })).toBeVisible();
    // No sidebar, no data: nothing of the dashboard before signing in.
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await page.screenshot({ path: 'screenshots/login.png', fullPage: true });

    await signInThroughForm(page, 'viewer');
    await expect(page).toHaveURL(/\/models\?q=iris$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Models' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Signed in' })).toContainText('Viewer');

    // Signing out ends the session: the dashboard sends the next visit to the login page again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/endpoints');
    await expect(page).toHaveURL(/\/login\?next=%2Fendpoints$/);
  });

  test('a wrong password is refused in place and keeps the email', async ({ page }) => {
    await page.goto('/login');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(USERS.viewer.email);
    await form.getByLabel('Password').fill('not-the-password-at-all');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('alert')).toContainText('email or password is wrong');
    await expect(form.getByLabel('Email')).toHaveValue(USERS.viewer.email);
    await expect(form.getByLabel('Password')).toHaveValue('');
    await expect(page).toHaveURL(/\/login$/);
    await page.screenshot({ path: 'screenshots/login-refused.png', fullPage: true });
  });

  test('too many failed sign-ins are throttled, with the wait shown in place', async ({ page }) => {
    // An account of its own, so no other test's user is locked out: ten failures empty its bucket.
    const email = 'nobody-throttled@modelgate.test';
    const api = SeedApi.asAdmin();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await api.call('POST', '/v1/auth/login', { email, password: `guess number ${attempt}` }, null)).status).toBe(401);
    }

    await page.goto('/login');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill('one more guess');
    await form.getByRole('button', { name: 'Sign in' }).click();
    const alert = form.getByRole('alert');
    await expect(alert).toContainText('Too many sign-in attempts');
    await expect(alert).toContainText(/Try again in \d+ (min|s)/);
    // The button counts the wait down instead of inviting another refused attempt.
    await expect(form.getByRole('button', { name: /^Wait \d+/ })).toBeDisabled();
    await page.screenshot({ path: 'screenshots/login-throttled.png', fullPage: true });
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: storageStateOf('viewer') });

  test('sees upload disabled with the reason, and no admin pages', async ({ page }) => {
    const reason = 'viewers can look but not change anything; ask an admin for the data scientist role';
    await page.goto('/models');
    await expect(page.getByRole('button', { name: 'Upload model' })).toBeDisabled();
    await expect(page.getByText(reason)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Upload model' })).toHaveCount(0);

    // The upload page itself says why, instead of a form that would be refused.
    await page.goto('/models/new');
    await expect(page.getByText(reason)).toBeVisible();
    await expect(page.getByRole('form', { name: 'Upload a model' })).toHaveCount(0);

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Models' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    // Every change elsewhere reads the same way: a disabled control and the reason under it.
    const admin = SeedApi.asAdmin();
    const { version } = await admin.upload('e2e-viewer-model', IRIS);
    await admin.endpointServing('e2e-viewer', 'e2e-viewer-model', version);
    await page.goto(`/models/e2e-viewer-model/versions/${version}`);
    await expect(page.getByRole('button', { name: 'Archive version' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Edit details' })).toBeDisabled();
    await page.goto('/endpoints/e2e-viewer');
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Deploy a canary' })).toBeDisabled();
    await expect(page.getByRole('form', { name: 'Deploy a canary' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Deploy a canary' }).getByText(reason)).toBeVisible();
    await expect(page.getByText('only admins can roll back an endpoint')).toBeVisible();
    await page.goto('/endpoints');
    await expect(page.getByRole('button', { name: 'Create endpoint' })).toBeDisabled();
    await expect(page.getByRole('form', { name: 'Create an endpoint' })).toHaveCount(0);

    // Reached by its address, an admin page says who it is for instead of calling the API.
    await page.goto('/audit');
    await expect(page.getByRole('note')).toContainText('The audit log is for admins.');
    await expect(page.getByRole('note')).toContainText('only admins can read the audit log');
    await expect(page.getByRole('table')).toHaveCount(0);
  });
});

test.describe('a canary by a data scientist, rolled back by an admin', () => {
  test.describe.configure({ mode: 'serial' });

  const model = 'e2e-canary-model';
  const endpoint = 'e2e-canary';

  test.beforeAll(async () => {
    // An endpoint whose v1 an admin promoted: the starting point of every canary.
    const admin = SeedApi.asAdmin();
    const { version } = await admin.upload(model, IRIS, { description: 'seeded primary' });
    await admin.endpointServing(endpoint, model, version);
  });

  test('the data scientist uploads v2 and starts a 10 % canary, but cannot roll back', async ({ page }) => {
    await page.goto(`/endpoints/${endpoint}`);
    await expect(page).toHaveURL(/\/login\?next=/);
    await signInThroughForm(page, 'dataScientist');
    await expect(page.getByRole('heading', { level: 1, name: endpoint })).toBeVisible();

    // Upload v2 through the dashboard.
    await page.goto(`/models/${model}`);
    await page.getByRole('link', { name: 'Upload new version' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Upload a new version' })).toBeVisible();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose a file' }).click();
    await (await chooser).setFiles(FOREST);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(page.getByRole('region', { name: `Created ${model} v2` })).toBeVisible();

    await page.goto(`/endpoints/${endpoint}`);
    // Rolling back is an admin's call: the button is there, disabled, with the reason.
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeDisabled();
    await expect(page.getByText('only admins can roll back an endpoint')).toBeVisible();

    const form = page.getByRole('form', { name: 'Deploy a canary' });
    await form.getByLabel('Model', { exact: true }).selectOption(model);
    await expect(form.getByLabel('Version', { exact: true })).toHaveValue('2');
    // More than half away from the primary is an admin's promote: refused before sending.
    await form.getByRole('spinbutton', { name: 'Canary weight (%)' }).fill('60');
    await expect(form.getByText(/data scientists can send at most 50 % away from the primary e2e-canary-model@v1/)).toBeVisible();
    await expect(form.getByRole('button', { name: 'Deploy canary' })).toBeDisabled();

    await form.getByRole('spinbutton', { name: 'Canary weight (%)' }).fill('10');
    await form.getByLabel('Reason').fill('try the forest on a tenth');
    await expect(form.getByText('After deploying')).toBeVisible();
    await form.getByRole('button', { name: 'Deploy canary' }).click();
    await expect(form.getByRole('status')).toContainText('Revision 2 is live');

    const split = page.getByRole('region', { name: 'Traffic split' });
    await expect(split.getByRole('link', { name: `${model}@v2` })).toBeVisible();
    await expect(split.getByText('90%')).toBeVisible();
    await expect(split.getByText('10%')).toBeVisible();
    const second = page.getByRole('region', { name: 'Revision history' }).getByRole('article', { name: 'Revision 2', exact: true });
    await expect(second).toContainText('active');
    await expect(second).toContainText('canary');
    await expect(second).toContainText('try the forest on a tenth');
    await expect(second).toContainText(USERS.dataScientist.email);
  });

  test('the admin rolls back from the endpoint page after confirming what changes', async ({ page }) => {
    await page.goto(`/endpoints/${endpoint}`);
    await signInThroughForm(page, 'admin');

    await page.getByRole('button', { name: 'Roll back', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Roll back ${endpoint} to revision 1?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`Now · revision 2`);
    await expect(dialog).toContainText(`${model}@v2 10%`);
    await expect(dialog).toContainText(`After · as revision 1`);
    await expect(dialog).toContainText(`${model}@v1 100%`);
    await dialog.getByLabel('Reason').fill('forest answers differently');
    await dialog.getByRole('button', { name: 'Roll back to revision 1' }).click();
    await expect(dialog).toBeHidden();

    const third = page.getByRole('region', { name: 'Revision history' }).getByRole('article', { name: 'Revision 3', exact: true });
    await expect(third).toContainText('active');
    await expect(third).toContainText('rollback');
    await expect(third).toContainText('forest answers differently');
    const split = page.getByRole('region', { name: 'Traffic split' });
    await expect(split.getByText('100%')).toBeVisible();
    await expect(split.getByRole('link', { name: `${model}@v2` })).toHaveCount(0);
    await page.screenshot({ path: 'screenshots/endpoint-rolled-back.png', fullPage: true });
  });

  test('the audit page shows the data scientist’s deploy and the admin’s rollback', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStateOf('admin') });
    const page = await context.newPage();
    await page.goto('/audit');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByLabel('Target').fill(endpoint);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`target=${endpoint}`));

    const events = page.getByRole('table', { name: 'Audit events, newest first' });
    const rollback = events.getByRole('row').filter({ hasText: 'endpoint.rollback' });
    const deploy = events.getByRole('row').filter({ hasText: 'endpoint.deploy' });
    await expect(rollback).toHaveCount(1);
    await expect(rollback).toContainText(USERS.admin.email);
    await expect(deploy).toHaveCount(1);
    await expect(deploy).toContainText(USERS.dataScientist.email);
    await expect(deploy).toContainText('success');

    // Newest first: the rollback is above the deploy.
    const actions = await events.getByRole('row').allTextContents();
    const rollbackIndex = actions.findIndex((text) => text.includes('endpoint.rollback'));
    const deployIndex = actions.findIndex((text) => text.includes('endpoint.deploy'));
    expect(rollbackIndex).toBeGreaterThan(0);
    expect(rollbackIndex).toBeLessThan(deployIndex);

    // The deploy's row opens on its routing before and after.
    await deploy.getByRole('button', { name: /Show details of endpoint.deploy/ }).click();
    const details = page.locator('tr[id^="audit-event-"]');
    await expect(details).toContainText('Before');
    await expect(details).toContainText('After');
    await expect(details).toContainText(`${model}@v2`);
    await page.screenshot({ path: 'screenshots/audit.png', fullPage: true });

    // Only this action: the filter by action narrows to the rollback.
    await filters.getByLabel('Action').selectOption('endpoint.rollback');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(events.getByRole('row').filter({ hasText: 'endpoint.deploy' })).toHaveCount(0);
    await expect(events.getByRole('row').filter({ hasText: 'endpoint.rollback' })).toHaveCount(1);
    await context.close();
  });
});
