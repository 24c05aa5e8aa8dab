import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, type Locator, test } from '@playwright/test';
import { repoRoot } from '../../scripts/lib/pnpm.mjs';
import { storageStateOf } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

const IRIS = path.join(repoRoot, 'fixtures/models/sklearn-logistic-regression-iris/model.onnx');
const FOREST = path.join(repoRoot, 'fixtures/models/sklearn-random-forest/model.onnx');
const MODEL = 'e2e-metrics-model';
/** Its own endpoint per run, so no other spec's traffic (nor a repeat's) lands in these numbers. */
const ENDPOINT = `e2e-metrics-${Date.now().toString(36)}`;
/** Each version gets the input its own signature takes: iris reads 3 features, the forest 2. */
const IRIS_INPUT = { inputs: { input: [[5.1, 3.5, 1.4]] } };
const FOREST_INPUT = { inputs: { input: [[1, 1]] } };
/** Sent pinned to each version, so each version's count in the page is known exactly. */
const PRIMARY_REQUESTS = 42;
const CANARY_REQUESTS = 18;
const SCREENSHOT_COPY = path.join(repoRoot, 'e2e/screenshots/endpoint-metrics.png');

let primary: number;
let canary: number;

test.use({ storageState: storageStateOf('admin') });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const admin = SeedApi.asAdmin();
  ({ version: primary } = await admin.upload(MODEL, IRIS, { description: 'primary for the metrics browser test' }));
  ({ version: canary } = await admin.upload(MODEL, FOREST, { description: 'canary for the metrics browser test' }));
  await admin.endpointServing(ENDPOINT, MODEL, primary);
  await admin.expect('POST', `/v1/endpoints/${ENDPOINT}/revisions`, {
    routes: [
      { model: MODEL, version: primary, weight: 70 },
      { model: MODEL, version: canary, weight: 30 },
    ],
    expectedRevision: 1,
    reason: 'canary for the metrics browser test',
  });

  // A few at a time, as concurrent callers would, so the worker gets to batch some of them.
  const sends = [
    ...Array.from({ length: PRIMARY_REQUESTS }, () => () => admin.predict(ENDPOINT, IRIS_INPUT, primary)),
    ...Array.from({ length: CANARY_REQUESTS }, () => () => admin.predict(ENDPOINT, FOREST_INPUT, canary)),
  ];
  for (let start = 0; start < sends.length; start += 6) {
    const answers = await Promise.all(sends.slice(start, start + 6).map((send) => send()));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }

  // Rollups reach PostgreSQL every second in the test stack: wait until the API counts every request.
  await expect
    .poll(
      async () => {
        const to = new Date();
        const from = new Date(to.getTime() - 15 * 60_000);
        const metrics = await admin.expect('GET', `/v1/endpoints/${ENDPOINT}/metrics?from=${from.toISOString()}&to=${to.toISOString()}&step=60`);
        const live = (version: number) =>
          (metrics.series as { version: number; traffic: string; total: { requests: number } }[]).find((one) => one.version === version && one.traffic === 'live')?.total
            .requests ?? 0;
        return [live(primary), live(canary)];
      },
      { timeout: 20_000, message: 'every prediction sent shows in the endpoint metrics' },
    )
    .toEqual([PRIMARY_REQUESTS, CANARY_REQUESTS]);
});

test('the endpoint page shows both versions side by side and charts each of them over time', async ({ page }, testInfo) => {
  await page.goto(`/endpoints/${ENDPOINT}`);
  const section = page.getByRole('region', { name: 'Latency & traffic' });
  await expect(section.getByRole('radio', { name: '15 minutes' })).toBeChecked();

  // Primary and canary side by side, each with the requests it was sent and its share of traffic.
  const primaryCard = section.getByRole('article', { name: `${MODEL}@v${primary}` });
  const canaryCard = section.getByRole('article', { name: `${MODEL}@v${canary}` });
  await expect(primaryCard).toContainText('primary');
  await expect(primaryCard).toContainText('70%');
  await expect(canaryCard).toContainText('canary');
  await expect(canaryCard).toContainText('30%');
  await expect(stat(primaryCard, 'Requests')).toHaveText(String(PRIMARY_REQUESTS));
  await expect(stat(canaryCard, 'Requests')).toHaveText(String(CANARY_REQUESTS));
  for (const card of [primaryCard, canaryCard]) {
    // Every request was answered: a measured latency, and no platform errors.
    await expect(stat(card, 'p95')).toContainText(/^\d+(\.\d+)? m?s/);
    await expect(stat(card, 'Error rate')).toContainText(/^0 %/);
  }
  // Only the canary is compared with the primary.
  await expect(stat(canaryCard, 'p95')).toContainText(/[+−±]\d+ %/);
  await expect(stat(primaryCard, 'p95')).not.toContainText('%');

  // Each chart draws something for each version, in that version's legend colour.
  const legend = section.getByRole('list', { name: 'Chart legend' });
  await expect(legend.getByRole('listitem')).toHaveCount(2);
  const colours: string[] = [];
  for (const version of [primary, canary]) {
    const entry = legend.getByRole('listitem').filter({ hasText: `${MODEL}@v${version}` });
    await expect(entry).toBeVisible();
    colours.push((await entry.getAttribute('data-series-colour')) ?? '');
  }
  expect(new Set(colours).size).toBe(2);
  await expect(section.getByRole('figure', { name: /Latency percentiles per version/ })).toBeVisible();
  for (const colour of colours) {
    for (const chart of ['p50 latency per version', 'p95 latency per version', 'p99 latency per version', 'Mean queue wait per version', 'Mean batch size per version', 'Error rate per version']) {
      // A line through several steps, or a dot for a lone step with data (a line needs two).
      await expect
        .poll(() => drawnMarks(section.getByRole('img', { name: chart, exact: true }), colour), { message: `${chart} draws ${colour}` })
        .toBeGreaterThan(0);
    }
    await expect.poll(() => drawnMarks(section.getByRole('img', { name: 'Throughput per version' }), colour)).toBeGreaterThan(0);
  }
  await expect(section.getByText(/within ±9 % of the\s+true value \(bucket resolution\)/)).toBeVisible();

  // Another range: its heading shows once its own numbers arrived, and the address remembers it.
  await section.getByRole('radio', { name: '1 hour' }).check();
  await expect(page).toHaveURL(/[?&]range=1h\b/);
  await expect(section.getByRole('heading', { name: 'Over the last hour' })).toBeVisible();
  await expect(stat(primaryCard, 'Requests')).toHaveText(String(PRIMARY_REQUESTS));
  await expect(stat(canaryCard, 'Requests')).toHaveText(String(CANARY_REQUESTS));
  // A reload opens on that range.
  await page.reload();
  await expect(section.getByRole('radio', { name: '1 hour' })).toBeChecked();
  await expect(section.getByRole('heading', { name: 'Over the last hour' })).toBeVisible();
  // The longer ranges ask for 5-minute and hourly steps: the same requests, counted the same.
  for (const [range, heading] of [
    ['24 hours', 'Over the last 24 hours'],
    ['7 days', 'Over the last 7 days'],
  ] as const) {
    await section.getByRole('radio', { name: range }).check();
    await expect(section.getByRole('heading', { name: heading })).toBeVisible();
    await expect(stat(primaryCard, 'Requests')).toHaveText(String(PRIMARY_REQUESTS));
    await expect(stat(canaryCard, 'Requests')).toHaveText(String(CANARY_REQUESTS));
  }
  // The picker is a radio group: the arrow keys move between ranges (past the last, back to the first).
  await section.getByRole('radio', { name: '7 days' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(section.getByRole('radio', { name: '15 minutes' })).toBeChecked();
  await expect(page).not.toHaveURL(/range=/);
  await expect(section.getByRole('heading', { name: 'Over the last 15 minutes' })).toBeVisible();
  await expect(stat(canaryCard, 'Requests')).toHaveText(String(CANARY_REQUESTS));
  await expect(section.getByRole('alert')).toHaveCount(0);

  await section.screenshot({ path: testInfo.outputPath('latency-and-traffic.png') });
  const screenshot = testInfo.outputPath('endpoint-metrics.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  mkdirSync(path.dirname(SCREENSHOT_COPY), { recursive: true });
  copyFileSync(screenshot, SCREENSHOT_COPY);
  // A full page with charts, not a blank or an error page.
  expect(statSync(SCREENSHOT_COPY).size).toBeGreaterThan(50_000);
});

test('the overview shows the endpoint’s p95, requests per second and error rate over the last 15 minutes', async ({ page }) => {
  await page.goto('/');
  const pulse = page.getByRole('group', { name: `Traffic of ${ENDPOINT}, last 15 minutes` });
  await expect(stat(pulse, 'p95')).toHaveText(/^\d+(\.\d+)? m?s$/);
  await expect(stat(pulse, 'Req/s')).toHaveText(/^(\d+(\.\d+)?|<0\.01)$/);
  // 60 requests in the last 15 minutes cannot read as none.
  expect(await stat(pulse, 'Req/s').textContent()).not.toBe('0');
  await expect(stat(pulse, 'Errors')).toHaveText('0 %');
  for (const name of [`p95 latency per minute, ${ENDPOINT}`, `Requests per second per minute, ${ENDPOINT}`]) {
    await expect.poll(() => drawnMarks(pulse.getByRole('img', { name }), null)).toBeGreaterThan(0);
  }
});

/** The value beside a label in a card or row (`<dt>label</dt><dd>value</dd>`). */
function stat(scope: Locator, label: string): Locator {
  return scope.locator('dt', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }).locator('xpath=following-sibling::dd[1]');
}

/**
 * How many marks a chart draws in a colour (any colour for null): line or area paths through at
 * least two points, or dots. An empty series draws a bare `M x,y` or nothing at all.
 */
async function drawnMarks(chart: Locator, colour: string | null): Promise<number> {
  return chart.evaluate((element, wanted) => {
    const paths = Array.from(element.querySelectorAll('path.recharts-curve')).filter(
      (one) => (wanted === null || one.getAttribute('stroke') === wanted) && /[LC]/.test(one.getAttribute('d') ?? ''),
    );
    const dots = Array.from(element.querySelectorAll('circle')).filter((one) => wanted === null || one.getAttribute('fill') === wanted);
    return paths.length + dots.length;
  }, colour);
}
