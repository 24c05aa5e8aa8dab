import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { storageStateOf, USERS } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');

test.describe('an admin', () => {
  test.use({ storageState: storageStateOf('admin') });

  test('adds a user, changes their role and disables them; demoting the last admin is refused in place', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    const users = page.getByRole('table', { name: 'Users' });
    await expect(users.getByRole('row').filter({ hasText: USERS.dataScientist.email })).toContainText('active');

    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill('grace@modelgate.test');
    await form.getByLabel('Name').fill('Grace Hopper');
    // Checked before sending: passwords are at least 12 characters.
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(form.getByText('At least 12 characters (this one has 5)')).toBeVisible();
    await form.getByLabel('Password').fill('a long enough passphrase');
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect(form.getByRole('status')).toHaveText('Added grace@modelgate.test as viewer.');

    const grace = users.getByRole('row').filter({ hasText: 'grace@modelgate.test' });
    await expect(grace).toContainText('Grace Hopper');
    await expect(grace).toContainText('never');
    await grace.getByRole('combobox', { name: 'Role of grace@modelgate.test' }).selectOption('data_scientist');
    await expect(page.getByRole('status').filter({ hasText: 'grace@modelgate.test is now data scientist.' })).toBeVisible();
    await page.reload();
    await expect(users.getByRole('combobox', { name: 'Role of grace@modelgate.test' })).toHaveValue('data_scientist');

    // A new password, set in a dialog, replaces the old one.
    await users.getByRole('button', { name: 'Set password of grace@modelgate.test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set a new password for grace@modelgate.test' });
    await dialog.getByLabel('New password').fill('grace new passphrase');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'New password saved for grace@modelgate.test.' })).toBeVisible();
    const api = SeedApi.asAdmin();
    const signIn = (password: string) => api.call('POST', '/v1/auth/login', { email: 'grace@modelgate.test', password }, null);
    expect((await signIn('a long enough passphrase')).status).toBe(401);
    expect((await signIn('grace new passphrase')).status).toBe(200);

    await users.getByRole('button', { name: 'Disable grace@modelgate.test' }).click();
    await expect(users.getByRole('row').filter({ hasText: 'grace@modelgate.test' }).first()).toContainText('disabled');
    // A disabled user cannot sign in.
    const refused = await signIn('grace new passphrase');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('disabled');

    // The only admin cannot demote themselves: the installation would have nobody to manage it.
    await users.getByRole('combobox', { name: `Role of ${USERS.admin.email}` }).selectOption('viewer');
    const refusal = page.getByRole('alert').filter({ hasText: 'only enabled admin' });
    await expect(refusal).toContainText('409');
    await expect(users.getByRole('combobox', { name: `Role of ${USERS.admin.email}` })).toHaveValue('admin');
    await page.screenshot({ path: 'screenshots/users.png', fullPage: true });
  });

  test('creates an API key scoped to one endpoint, sees its secret once, and revokes it', async ({ page }) => {
    const admin = SeedApi.asAdmin();
    const { version } = await admin.upload('e2e-keys-model', IRIS);
    await admin.endpointServing('e2e-keys', 'e2e-keys-model', version);

    await page.goto('/api-keys');
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
    const form = page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('checkout-service');
    await form.getByLabel('Chosen endpoints').check();
    // Nothing ticked yet: pointed at before sending.
    await form.getByRole('button', { name: 'Create key' }).click();
    await expect(form.getByText('Tick at least one endpoint, or choose all endpoints')).toBeVisible();
    await form.getByRole('list', { name: 'Endpoints this key may call' }).getByLabel('e2e-keys').check();
    await form.getByLabel('Read').check();
    await form.getByLabel('Requests per second').fill('5');
    await form.getByLabel('Burst').fill('10');
    await form.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('region', { name: 'API key “checkout-service” created' });
    await expect(shown).toBeVisible();
    await expect(shown).toContainText('it will not be shown again');
    await expect(shown.getByRole('button', { name: 'Copy secret' })).toBeVisible();
    const secret = (await shown.getByLabel('Secret', { exact: true }).textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    const keys = page.getByRole('table', { name: 'API keys' });
    const row = keys.getByRole('row').filter({ hasText: 'checkout-service' });
    await expect(row).toContainText('predict: e2e-keys');
    await expect(row).toContainText('read');
    await expect(row).toContainText('5/s, burst 10');
    // The table shows the prefix only, never the secret.
    await expect(keys).not.toContainText(secret);
    await page.screenshot({ path: 'screenshots/api-keys.png', fullPage: true });

    // The key works as scoped: predicts on its endpoint, not elsewhere.
    const withKey = new SeedApi(secret);
    const body = { inputs: { input: [[5.1, 3.5, 1.4]] } };
    expect((await withKey.call('POST', '/v1/endpoints/e2e-keys/predict', body)).status).toBe(200);
    expect((await withKey.call('POST', '/v1/users', { email: 'x@y.z', role: 'admin', password: 'not-allowed-at-all' })).status).toBe(403);

    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await expect(shown).toHaveCount(0);
    await page.reload();
    await expect(page.getByText(secret)).toHaveCount(0);

    await row.getByRole('button', { name: 'Revoke checkout-service' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke checkout-service?' });
    await expect(dialog).toContainText('gets 401');
    await dialog.getByRole('button', { name: 'Revoke API key' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('revoked');
    await expect(row.getByRole('button', { name: 'Revoke checkout-service' })).toHaveCount(0);
    await expect.poll(async () => (await withKey.call('POST', '/v1/endpoints/e2e-keys/predict', body)).status, { timeout: 5_000 }).toBe(401);
  });
  test('pages through the audit log with “Load more”', async ({ page }) => {
    // Sixty events about one made-up account: ten refused sign-ins, then fifty throttled ones.
    const email = 'paging@modelgate.test';
    const api = SeedApi.asAdmin();
    for (let attempt = 0; attempt < 60; attempt += 1) {
      expect([401, 429]).toContain((await api.call('POST', '/v1/auth/login', { email, password: `guess ${attempt}` }, null)).status);
    }

    await page.goto(`/audit?target=${encodeURIComponent(email)}`);
    const events = page.getByRole('table', { name: 'Audit events, newest first' });
    const rows = events.getByRole('row').filter({ hasText: 'auth.login_failed' });
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText('throttled');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(rows).toHaveCount(60);
    await expect(rows.last()).toContainText('denied');
    await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
    await expect(page.getByText('60 events shown, the oldest included')).toBeVisible();

    await page.getByRole('form', { name: 'Filter the audit log' }).getByLabel('Outcome').selectOption('denied');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/outcome=denied/);
    await expect(rows).toHaveCount(10);
  });
});

test.describe('a data scientist', () => {
  test.use({ storageState: storageStateOf('dataScientist') });

  test('creates a personal token that acts as them, and revokes it; admin pages are not theirs', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('region', { name: 'Signed in' }).getByRole('link', { name: 'Your tokens' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your tokens' })).toBeVisible();
    const form = page.getByRole('form', { name: 'Create a token' });
    await form.getByLabel('Name').fill('laptop CLI');
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'Token “laptop CLI” created' });
    await expect(shown).toContainText('it will not be shown again');
    const secret = (await shown.getByLabel('Secret', { exact: true }).textContent()) ?? '';

    const me = await new SeedApi(secret).call('GET', '/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(USERS.dataScientist.email);

    const row = page.getByRole('table', { name: 'Your tokens' }).getByRole('row').filter({ hasText: 'laptop CLI' });
    await row.getByRole('button', { name: 'Revoke laptop CLI' }).click();
    await page.getByRole('dialog', { name: 'Revoke laptop CLI?' }).getByRole('button', { name: 'Revoke token' }).click();
    await expect(row).toContainText('revoked');
    await expect.poll(async () => (await new SeedApi(secret).call('GET', '/v1/auth/me')).status, { timeout: 5_000 }).toBe(401);

    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' })).toHaveCount(0);
    await page.goto('/api-keys');
    await expect(page.getByText('only admins can manage API keys')).toBeVisible();
  });
});

test.describe('a data scientist creating an endpoint', () => {
  test.use({ storageState: storageStateOf('dataScientist') });

  test('lands on it, not deployed, and is told that the first deployment is an admin’s', async ({ page }) => {
    await page.goto('/endpoints');
    const form = page.getByRole('form', { name: 'Create an endpoint' });
    await form.getByLabel('Name').fill('E2E Created');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await expect(form.getByText(/Endpoint names are 2–63 characters/)).toBeVisible();
    await form.getByLabel('Name').fill('e2e-created');
    await form.getByLabel('Description').fill('made in the dashboard');
    await form.getByRole('button', { name: 'Create endpoint' }).click();

    await expect(page).toHaveURL(/\/endpoints\/e2e-created$/);
    await expect(page.getByRole('heading', { level: 1, name: 'e2e-created' })).toBeVisible();
    await expect(page.getByText('made in the dashboard')).toBeVisible();
    const canary = page.getByRole('region', { name: 'Deploy a canary' });
    await expect(canary).toContainText('A canary needs a primary to split from.');
    await expect(canary).toContainText('only admins can do');
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeDisabled();

    // The name is taken now: the API's refusal shows in place.
    await page.goto('/endpoints');
    await form.getByLabel('Name').fill('e2e-created');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await expect(form.getByRole('alert')).toContainText('409');
  });
});
