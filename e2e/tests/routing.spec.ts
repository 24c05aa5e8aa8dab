import path from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { storageStateOf, USERS } from '../support/e2e-users.js';
import { modelVariant } from '../support/model-variant.js';
import { SeedApi } from '../support/seed-api.js';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
const IRIS_INPUT = { inputs: { input: [[5.1, 3.5, 1.4]] } };

/** The Traffic split section's bar, named with every route's share (`m@v1 90 %, m@v2 10 %`). */
function liveSplit(page: Page, routes: string) {
  return page.getByRole('region', { name: 'Traffic split' }).getByRole('img', { name: `Live traffic: ${routes}`, exact: true });
}

/** The lines of a list of routing changes as they read on screen (`m@v2 10 % → 50 %`). */
function changeLines(list: Locator) {
  return list.getByRole('listitem').locator('[aria-hidden="true"]');
}

function revision(page: Page, number: number) {
  return page.getByRole('region', { name: 'Revision history' }).getByRole('article', { name: `Revision ${number}`, exact: true });
}

test.describe('an admin changing the split by hand', () => {
  test.use({ storageState: storageStateOf('admin') });
  test.describe.configure({ mode: 'serial' });

  const model = 'e2e-routing-model';
  const endpoint = 'e2e-split';
  const v1 = `${model}@v1`;
  const v2 = `${model}@v2`;
  const v3 = `${model}@v3`;

  test.beforeAll(async () => {
    // Two versions that take the same requests: iris, and iris again under another doc string.
    const admin = SeedApi.asAdmin();
    expect((await admin.upload(model, IRIS, { description: 'the primary' })).version).toBe(1);
    expect((await admin.upload(model, await modelVariant(IRIS, 'retrained'), { description: 'the canary' })).version).toBe(2);
    expect((await admin.upload(model, await modelVariant(IRIS, 'shadowed'), { description: 'the shadow' })).version).toBe(3);
    await admin.endpointServing(endpoint, model, 1);
  });

  test('sets a 10 % canary with the slider, promotes it, then rolls back from the timeline', async ({ page }) => {
    await page.goto(`/endpoints/${endpoint}`);
    await expect(liveSplit(page, `${v1} 100 %`)).toBeVisible();

    await test.step('a 10 % canary, set with the slider', async () => {
      const form = page.getByRole('form', { name: 'Deploy a canary' });
      await form.getByLabel('Model', { exact: true }).selectOption(model);
      // The newest version other than the primary is offered first.
      await expect(form.getByLabel('Version', { exact: true })).toHaveValue('3');
      await form.getByLabel('Version', { exact: true }).selectOption('2');
      const slider = form.getByRole('slider', { name: 'Canary weight slider' });
      const weight = form.getByRole('spinbutton', { name: 'Canary weight (%)' });
      // With the keyboard, as anyone can: to the far end, the near end, then nine steps up.
      await slider.focus();
      await slider.press('End');
      await expect(weight).toHaveValue('99');
      await slider.press('Home');
      await expect(weight).toHaveValue('1');
      for (let step = 0; step < 9; step += 1) await slider.press('ArrowRight');
      await expect(weight).toHaveValue('10');
      await expect(slider).toHaveAttribute('aria-valuetext', '10 % to the canary, 90 % to the primary');

      // The split it makes is drawn, with its difference from revision 1, before anything is sent.
      await expect(form.getByRole('img', { name: `After deploying: ${v1} 90 %, ${v2} 10 %`, exact: true })).toBeVisible();
      const changes = form.getByRole('list', { name: 'Changes this deploy makes' });
      await expect(changeLines(changes)).toHaveText([`${v1} 100 % → 90 %`, `+ ${v2} 10 %`]);
      // Read out in words too, where "+" and "→" are easy to miss.
      await expect(changes).toContainText(`${v2} added with 10 % of traffic`);

      await form.getByLabel('Reason').fill('ten percent from the slider');
      await form.getByRole('button', { name: 'Deploy canary' }).click();
      await expect(form.getByRole('status')).toContainText('Revision 2 is live');
      await expect(liveSplit(page, `${v1} 90 %, ${v2} 10 %`)).toBeVisible();
      const routed = page.getByRole('region', { name: 'Traffic split' }).getByRole('list', { name: 'Routed versions' }).getByRole('listitem');
      await expect(routed).toHaveCount(2);
      await expect(routed.nth(0)).toContainText(`${v1}primary90%`);
      await expect(routed.nth(1)).toContainText(`${v2}canary10%`);

      const second = revision(page, 2);
      await expect(second).toContainText('active');
      await expect(second).toContainText('canary');
      await expect(second).toContainText(USERS.admin.email);
      await expect(second).toContainText('“ten percent from the slider”');
      await expect(second.getByRole('list', { name: 'Changes in revision 2' })).toContainText(`+ ${v2} 10 %`);
    });

    await test.step('the canary promoted, after a confirmation showing before and after', async () => {
      await page.getByRole('region', { name: 'Traffic split' }).getByRole('button', { name: `Promote ${v2} to all traffic` }).click();
      const dialog = page.getByRole('dialog', { name: `Promote ${v2} to 100 %?` });
      await expect(dialog).toContainText('Now · revision 2');
      await expect(dialog).toContainText('After · revision 3');
      await expect(changeLines(dialog.getByRole('list', { name: 'What changes' }))).toHaveText([`${v2} 10 % → 100 %`, `− ${v1} 90 %`]);
      await dialog.getByLabel('Reason').fill('canary held up');
      await dialog.getByRole('button', { name: `Promote ${v2}`, exact: true }).click();
      await expect(dialog).toBeHidden();

      await expect(liveSplit(page, `${v2} 100 %`)).toBeVisible();
      // One version has everything: nothing left to promote.
      await expect(page.getByRole('region', { name: 'Traffic split' }).getByRole('button', { name: /^Promote/ })).toHaveCount(0);
      await expect(revision(page, 3)).toContainText('active');
      await expect(revision(page, 3)).toContainText('promote');
      await expect(revision(page, 3)).toContainText('“canary held up”');
    });

    await test.step('rolled back to the 90/10 revision from the timeline', async () => {
      // The active revision has nothing to roll back to; older ones do.
      await expect(revision(page, 3).getByRole('button', { name: /^Roll back to this/ })).toHaveCount(0);
      await revision(page, 2).getByRole('button', { name: 'Roll back to this (revision 2)' }).click();
      const dialog = page.getByRole('dialog', { name: `Roll back ${endpoint} to revision 2?` });
      await expect(dialog).toContainText('Now · revision 3');
      await expect(dialog).toContainText('After · as revision 2');
      await expect(dialog).toContainText('This writes revision 4, a copy of revision 2');
      await expect(changeLines(dialog.getByRole('list', { name: 'What changes' }))).toHaveText([`+ ${v1} 90 %`, `${v2} 100 % → 10 %`]);
      await dialog.getByLabel('Reason').fill('back to the careful split');
      await dialog.getByRole('button', { name: 'Roll back to revision 2' }).click();
      await expect(dialog).toBeHidden();

      await expect(liveSplit(page, `${v1} 90 %, ${v2} 10 %`)).toBeVisible();
      const fourth = revision(page, 4);
      await expect(fourth).toContainText('active');
      await expect(fourth).toContainText('rollback');
      await expect(fourth).toContainText('“back to the careful split”');
      await expect(fourth.getByRole('list', { name: 'Changes in revision 4' })).toContainText(`${v2} 100 % → 10 %`);
      await page.screenshot({ path: 'screenshots/endpoint-routing.png', fullPage: true });
    });

    // What the page shows is what the API now routes by.
    const served = await SeedApi.asAdmin().expect('GET', `/v1/endpoints/${endpoint}`);
    expect(served.activeRevision).toMatchObject({ number: 4, kind: 'rollback' });
    expect(served.activeRevision.routes.map((route: { version: number; weight: number }) => [route.version, route.weight])).toEqual([
      [1, 90],
      [2, 10],
    ]);
  });

  test('a deploy made against an old revision is refused with the API’s reason, and goes through after reloading', async ({ page }) => {
    await page.goto(`/endpoints/${endpoint}`);
    await expect(liveSplit(page, `${v1} 90 %, ${v2} 10 %`)).toBeVisible();
    // Someone else changes the split while this page still shows revision 4.
    await SeedApi.asAdmin().expect('POST', `/v1/endpoints/${endpoint}/revisions`, {
      routes: [
        { model, version: 1, weight: 50 },
        { model, version: 2, weight: 50 },
      ],
      expectedRevision: 4,
      reason: 'someone else, meanwhile',
    });

    const form = page.getByRole('form', { name: 'Deploy a canary' });
    await form.getByLabel('Model', { exact: true }).selectOption(model);
    await form.getByLabel('Version', { exact: true }).selectOption('2');
    await form.getByRole('spinbutton', { name: 'Canary weight (%)' }).fill('30');
    await form.getByRole('button', { name: 'Deploy canary' }).click();
    const refusal = form.getByRole('alert');
    await expect(refusal).toContainText('409');
    await expect(refusal).toContainText('is at revision 5, but this change was made against revision 4');

    await form.getByRole('button', { name: 'Reload the newest revision' }).click();
    await expect(refusal).toHaveCount(0);
    await expect(liveSplit(page, `${v1} 50 %, ${v2} 50 %`)).toBeVisible();
    // The same change, now shown against what is really active.
    await expect(changeLines(form.getByRole('list', { name: 'Changes this deploy makes' }))).toHaveText([`${v1} 50 % → 70 %`, `${v2} 50 % → 30 %`]);
    await form.getByRole('button', { name: 'Deploy canary' }).click();
    await expect(form.getByRole('status')).toContainText('Revision 6 is live');
    await expect(liveSplit(page, `${v1} 70 %, ${v2} 30 %`)).toBeVisible();
  });

  test('the audit log shows the canary, the promote and the rollback, newest first', async ({ page }) => {
    await page.goto('/audit');
    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByLabel('Target').fill(endpoint);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`target=${endpoint}`));

    const events = page.getByRole('table', { name: 'Audit events, newest first' });
    // The two deploys of the stale-revision test, then the canary, promote and rollback made in the
    // browser, above the seeded promote and the endpoint's creation.
    await expect(events.locator('tbody code')).toHaveText([
      'endpoint.deploy',
      'endpoint.deploy',
      'endpoint.rollback',
      'endpoint.promote',
      'endpoint.deploy',
      'endpoint.promote',
      'endpoint.create',
    ]);
    const rows = events.locator('tbody > tr');
    for (const index of [2, 3, 4]) await expect(rows.nth(index)).toContainText(USERS.admin.email);

    const details = page.locator('tr[id^="audit-event-"]');
    // Each opens on its reason and its routing before and after.
    for (const [index, action, reason] of [
      [2, 'endpoint.rollback', 'back to the careful split'],
      [3, 'endpoint.promote', 'canary held up'],
      [4, 'endpoint.deploy', 'ten percent from the slider'],
    ] as const) {
      await rows.nth(index).getByRole('button', { name: `Show details of ${action} on ${endpoint}` }).click();
      await expect(details).toContainText(reason);
      await expect(details).toContainText('Before');
      await expect(details).toContainText(v2);
      await rows.nth(index).getByRole('button', { name: `Hide details of ${action} on ${endpoint}` }).click();
      await expect(details).toHaveCount(0);
    }
  });
  test('a shadow added in the deploy form mirrors every request, agrees with the caller’s answers, and is removed again', async ({ page }) => {
    await page.goto(`/endpoints/${endpoint}`);
    const form = page.getByRole('form', { name: 'Deploy a canary' });
    await form.getByLabel('Model', { exact: true }).selectOption(model);
    await form.getByLabel('Version', { exact: true }).selectOption('2');
    await form.getByRole('spinbutton', { name: 'Canary weight (%)' }).fill('30');
    const add = form.getByRole('group', { name: 'Add a shadow' });
    await add.getByLabel('Shadow version').selectOption('3');
    await add.getByLabel('Copy of requests (%)').fill('100');
    await add.getByRole('button', { name: 'Add shadow' }).click();
    await expect(form.getByRole('list', { name: 'Shadows to deploy' })).toContainText(v3);
    await expect(form.getByRole('spinbutton', { name: `Share of requests copied to ${v3} (%)` })).toHaveValue('100');
    await expect(changeLines(form.getByRole('list', { name: 'Changes this deploy makes' }))).toHaveText([`+ shadow ${v3} 100 %`]);
    await form.getByRole('button', { name: 'Deploy canary' }).click();
    await expect(form.getByRole('status')).toContainText('Revision 7 is live');

    const shadows = page.getByRole('region', { name: 'Traffic split' }).getByRole('list', { name: 'Shadow versions' });
    await expect(shadows).toContainText(`${v3}mirrors 100% of requests`);
    await expect(revision(page, 7).getByRole('list', { name: 'Changes in revision 7' })).toContainText(`+ shadow ${v3} 100 %`);

    // Every request is copied to the shadow, which answers as the caller's version did.
    const admin = SeedApi.asAdmin();
    for (let sent = 0; sent < 8; sent += 1) expect((await admin.predict(endpoint, IRIS_INPUT)).status).toBe(200);
    const shadowRow = page.getByTestId('shadow-metrics').getByRole('row').filter({ hasText: v3 });
    // Columns: version, mirrors, requests, compared, agreement, max abs diff.
    await expect(shadowRow.getByRole('cell').nth(2)).toHaveText('8', { timeout: 20_000 });
    await expect(shadowRow.getByRole('cell').nth(3)).toHaveText('8');
    await expect(shadowRow.getByRole('cell').nth(4)).toHaveText('100 %');
    await expect(shadowRow.getByRole('cell').nth(5)).toHaveText('0');

    await form.getByRole('button', { name: `Remove shadow ${v3}` }).click();
    await expect(form.getByText('No shadows: nothing gets a copy of the traffic.')).toBeVisible();
    await expect(changeLines(form.getByRole('list', { name: 'Changes this deploy makes' }))).toHaveText([`− shadow ${v3} 100 %`]);
    await form.getByRole('button', { name: 'Deploy canary' }).click();
    await expect(form.getByRole('status')).toContainText('Revision 8 is live');
    await expect(shadows).toHaveCount(0);
    await expect(revision(page, 8).getByRole('list', { name: 'Changes in revision 8' })).toContainText(`− shadow ${v3} 100 %`);
  });
});

test.describe('progressive rollouts in the dashboard', () => {
  test.describe.configure({ mode: 'serial' });

  const model = 'e2e-stepwise-model';
  const endpoint = 'e2e-rollout';

  test.beforeAll(async () => {
    const admin = SeedApi.asAdmin();
    expect((await admin.upload(model, IRIS, { description: 'the baseline' })).version).toBe(1);
    expect((await admin.upload(model, await modelVariant(IRIS, 'candidate two'), { description: 'held back' })).version).toBe(2);
    expect((await admin.upload(model, await modelVariant(IRIS, 'candidate three'), { description: 'rolled out' })).version).toBe(3);
    await admin.endpointServing(endpoint, model, 1);
  });

  test.describe('a data scientist', () => {
    test.use({ storageState: storageStateOf('dataScientist') });

    test('starts a rollout, watches the judge wait for requests live, and aborts it back to the baseline', async ({ page }) => {
      await page.goto(`/endpoints/${endpoint}`);
      const panel = page.getByRole('region', { name: 'Progressive rollout' });
      const form = panel.getByRole('form', { name: 'Start a rollout' });
      // The contract's defaults, shown before anything is typed.
      await expect(form.getByLabel('Steps (% of traffic)')).toHaveValue('10, 50, 100');
      await expect(form.getByLabel('Bake time per step (seconds)')).toHaveValue('300');
      await expect(form.getByLabel('Max error rate (%)')).toHaveValue('1');
      await expect(form.getByLabel('Max p95 vs baseline (×)')).toHaveValue('1.5');
      await expect(form.getByLabel('Min requests per step')).toHaveValue('100');

      await form.getByLabel('Candidate version').selectOption('2');
      // Checked against the contract before sending.
      await form.getByLabel('Steps (% of traffic)').fill('50, 20');
      await form.getByRole('button', { name: 'Start rollout' }).click();
      await expect(form.getByText('steps must increase; got 50 → 20')).toBeVisible();

      await form.getByLabel('Steps (% of traffic)').fill('20, 100');
      await form.getByLabel('Bake time per step (seconds)').fill('3600');
      await form.getByLabel('Min requests per step').fill('1000');
      await form.getByLabel('Reason').fill('held back on purpose');
      await form.getByRole('button', { name: 'Start rollout' }).click();

      const running = panel.getByRole('article', { name: /Rolling out/ });
      await expect(running).toContainText(`Rolling out ${model}@v2`);
      await expect(running).toContainText(`Compared with ${model}@v1`);
      await expect(running.getByRole('list', { name: 'Rollout steps' }).getByRole('listitem')).toHaveText(['20 % (current)', '100 % (to come)']);
      await expect(running.locator('[aria-current="step"]')).toHaveText('20 % (current)');
      await expect(liveSplit(page, `${model}@v1 80 %, ${model}@v2 20 %`)).toBeVisible();
      // A change by hand would stop it: the deploy form says so.
      await expect(page.getByRole('form', { name: 'Deploy a canary' }).getByRole('note')).toContainText(`A rollout of ${model}@v2 is running (step 1 of 2, 20 %)`);

      // The clock runs against the bake time.
      const clock = running.getByTestId('rollout-step-clock');
      await expect(clock).toContainText('of 60 min');
      const first = await clock.textContent();
      await expect(clock).not.toHaveText(first ?? '');

      // Requests arrive; the judge's count and the guardrails table follow within seconds.
      const admin = SeedApi.asAdmin();
      for (let sent = 0; sent < 6; sent += 1) expect((await admin.predict(endpoint, IRIS_INPUT, 2)).status).toBe(200);
      await expect(running.getByTestId('rollout-evaluation-reason')).toContainText('waiting for requests: 6 of 1,000 so far', { timeout: 15_000 });
      const guardrails = running.getByRole('table', { name: 'Guardrails' });
      await expect(guardrails.getByRole('row', { name: /Requests in this step/ })).toContainText('6');
      await expect(guardrails.getByRole('row', { name: /Requests in this step/ })).toContainText('waiting for more');
      await expect(guardrails.getByRole('row', { name: /Error rate/ })).toContainText('0 %');
      await expect(guardrails.getByRole('row', { name: /Error rate/ })).toContainText('within');
      await page.screenshot({ path: 'screenshots/endpoint-rollout-running.png', fullPage: true });

      await running.getByRole('button', { name: 'Abort rollout' }).click();
      const dialog = page.getByRole('dialog', { name: `Abort the rollout of ${model}@v2?` });
      await expect(dialog).toContainText(`with ${model}@v1 as the primary`);
      await dialog.getByLabel('Reason').fill('wrong version');
      await dialog.getByRole('button', { name: 'Abort rollout' }).click();
      await expect(dialog).toBeHidden();

      await expect(running).toHaveCount(0);
      await expect(liveSplit(page, `${model}@v1 100 %`)).toBeVisible();
      const past = panel.getByRole('table', { name: 'Past rollouts' }).getByRole('row').filter({ hasText: `${model}@v2` });
      await expect(past).toContainText('aborted');
      await expect(past).toContainText('wrong version');
      await expect(revision(page, 3)).toContainText('rollback');
      await expect(revision(page, 3)).toContainText('rollout aborted by');
      // Data scientists start and stop rollouts; promote and roll back stay an admin's.
      await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeDisabled();
    });
  });

  test.describe('an admin', () => {
    test.use({ storageState: storageStateOf('admin') });

    test('starts a rollout the judge completes on its own: the candidate ends at 100 % as an auto-promote revision', async ({ page }) => {
      await page.goto(`/endpoints/${endpoint}`);
      const panel = page.getByRole('region', { name: 'Progressive rollout' });
      const form = panel.getByRole('form', { name: 'Start a rollout' });
      await form.getByLabel('Candidate version').selectOption('3');
      // Guardrails no answer can cross, so only the bake time and the request count decide.
      await form.getByLabel('Steps (% of traffic)').fill('50, 100');
      await form.getByLabel('Bake time per step (seconds)').fill('2');
      await form.getByLabel('Max error rate (%)').fill('100');
      await form.getByLabel('Max p95 vs baseline (×)').fill('100');
      await form.getByLabel('Min requests per step').fill('3');
      await form.getByRole('button', { name: 'Start rollout' }).click();

      const running = panel.getByRole('article', { name: /Rolling out/ });
      await expect(running).toContainText(`Rolling out ${model}@v3`);
      await expect(running.locator('[aria-current="step"]')).toHaveText('50 % (current)');
      await expect(running.getByTestId('rollout-evaluation-reason')).toContainText('waiting for requests', { timeout: 15_000 });

      // Sent to the candidate only, so the baseline has no p95 in this step to compare with.
      const admin = SeedApi.asAdmin();
      for (let sent = 0; sent < 3; sent += 1) expect((await admin.predict(endpoint, IRIS_INPUT, 3)).status).toBe(200);

      await expect(running).toHaveCount(0, { timeout: 20_000 });
      const past = panel.getByRole('table', { name: 'Past rollouts' }).getByRole('row').filter({ hasText: `${model}@v3` });
      await expect(past).toContainText('completed');
      await expect(liveSplit(page, `${model}@v3 100 %`)).toBeVisible();
      const promoted = page.getByRole('region', { name: 'Revision history' }).getByRole('article').first();
      await expect(promoted).toContainText('auto-promote');
      await expect(promoted).toContainText('rollout judge');
      await expect(promoted.getByRole('list', { name: /Changes in revision/ })).toContainText(`${model}@v3 50 % → 100 %`);
    });
  });
});
