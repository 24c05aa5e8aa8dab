import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { buildGemmModel } from '@modelgate/runtime/testing';
import { expect, type Page, test } from '@playwright/test';
import { storageStateOf } from '../support/e2e-users.js';
import { SeedApi } from '../support/seed-api.js';

// Submitting batch files and scoring records are a data scientist's work.
test.use({ storageState: storageStateOf('dataScientist') });

/**
 * y = a + 2b + 3c + 0.5: every row's expected answer is known, so the downloaded results can be
 * checked value by value, not just counted.
 */
const WEIGHTS = [[1], [2], [3]];
const BIAS = [0.5];
const expectedY = (a: number, b: number, c: number) => a + 2 * b + 3 * c + 0.5;

/** Enough rows, in small enough chunks, for the job to take many steps. */
const ROWS = 6000;
const CHUNK_SIZE = 200;

const rowValues = (row: number) => [row % 97, (row % 13) / 4, (row % 5) - 2] as const;

/** A CSV as an export from a database would give it: a header, then one line per row. */
function batchCsv(rows: number): string {
  const lines = ['a,b,c'];
  for (let row = 0; row < rows; row += 1) lines.push(rowValues(row).join(','));
  return `${lines.join('\n')}\n`;
}

/** The fields of one CSV record, quotes undone (the results quote cells holding JSON with commas). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** A cell holding an output: a number, or JSON such as `[6.5]` for a one-element vector. */
function numberOf(cell: string): number {
  const value: unknown = JSON.parse(cell);
  return Array.isArray(value) ? Number(value[0]) : Number(value);
}

async function seedEndpoint(model: string, endpoint: string): Promise<void> {
  const admin = SeedApi.asAdmin();
  const { version } = await admin.upload(model, buildGemmModel({ inFeatures: 3, outFeatures: 1, weights: WEIGHTS, bias: BIAS }), {
    description: 'y = a + 2b + 3c + 0.5, for the batch tests',
  });
  await admin.endpointServing(endpoint, model, version);
}

async function chooseFile(page: Page, form: ReturnType<Page['getByRole']>, name: string, content: string) {
  const chooser = page.waitForEvent('filechooser');
  await form.getByRole('group', { name: 'Batch file' }).getByRole('button', { name: 'Choose a file' }).click();
  await (await chooser).setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
}

test('a batch file submitted from the page: upload progress, live progress to 100 %, then its results downloaded', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await seedEndpoint('e2e-batch-gemm', 'e2e-batch');
  const csvPath = testInfo.outputPath('e2e-rows.csv');
  const csv = batchCsv(ROWS);
  await writeFile(csvPath, csv);

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batch jobs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Batch jobs' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Submit a batch file' });
  await chooseFile(page, form, 'e2e-rows.csv', await readFile(csvPath, 'utf8'));
  await expect(form.getByRole('group', { name: 'Batch file' }).getByText('e2e-rows.csv')).toBeVisible();
  await form.getByRole('combobox', { name: 'Endpoint' }).selectOption('e2e-batch');
  await form.getByRole('spinbutton', { name: 'Chunk size (rows)' }).fill(String(CHUNK_SIZE));
  // A mapping the form checks before anything is sent.
  await form.getByRole('textbox', { name: 'Column mapping' }).fill('x=a,,c');
  await form.getByRole('button', { name: 'Submit batch job' }).click();
  await expect(form.getByText('The mapping is not input=column or input=column1,column2,…')).toBeVisible();
  await form.getByRole('textbox', { name: 'Column mapping' }).fill('x=a,b,c');
  await form.getByRole('button', { name: 'Submit batch job' }).click();

  // The upload's own bar: real bytes on the wire, then the API's check of the file.
  const upload = form.getByRole('progressbar');
  await expect(upload).toHaveAttribute('aria-valuenow', '100');
  await expect(form.getByRole('status')).toContainText(`Submitted: e2e-rows.csv, ${ROWS.toLocaleString('en-US')} rows → endpoint e2e-batch.`);

  // The job's bar in the list, read every second while the job runs.
  const row = page.getByRole('row', { name: /^Batch job e2e-rows\.csv/ });
  await expect(row).toHaveCount(1);
  const bar = row.getByRole('progressbar', { name: 'Rows done, e2e-rows.csv' });
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const value = (await bar.getAttribute('aria-valuenow')) ?? '';
        seen.add(value);
        return value;
      },
      { timeout: 90_000, intervals: [200] },
    )
    .toBe('100');
  // Every value it showed on the way was a percent, never above 100.
  for (const value of seen) expect(Number(value)).toBeLessThanOrEqual(100);
  await expect(row.getByText('succeeded', { exact: true })).toBeVisible();
  await expect(row).toContainText(`${ROWS.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} rows`);
  await expect(row).toContainText('0 failed');
  await page.screenshot({ path: 'screenshots/batch-jobs.png', fullPage: true });

  // The results, downloaded as a person would: through the link, streamed by the dashboard's proxy.
  const downloading = page.waitForEvent('download');
  await row.getByRole('link', { name: 'Download the results of e2e-rows.csv as CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^batch-[0-9a-f-]{36}-results\.csv$/);
  const resultsPath = testInfo.outputPath('results.csv');
  await download.saveAs(resultsPath);
  const lines = (await readFile(resultsPath, 'utf8')).trimEnd().split('\n');
  const header = csvFields(lines[0] ?? '');
  expect(header).toEqual(['row', 'line', 'model', 'version', 'y', 'error']);
  const records = lines.slice(1).map(csvFields);
  expect(records).toHaveLength(ROWS);
  // Every row once, in order, each with the line of the file it came from and its answer.
  expect(records.map((fields) => Number(fields[0]))).toEqual(Array.from({ length: ROWS }, (_, index) => index));
  // Compared in plain code and asserted once: thousands of traced expects would take minutes.
  const wrong = records.filter((fields) => {
    const rowNumber = Number(fields[0]);
    const right =
      Number(fields[1]) === rowNumber + 2 &&
      fields[2] === 'e2e-batch-gemm' &&
      fields[3] === '1' &&
      Math.abs(numberOf(fields[4] ?? '') - expectedY(...rowValues(rowNumber))) < 1e-3 &&
      fields[5] === '';
    return !right;
  });
  expect(wrong).toEqual([]);

  // The job's own page: where its rows went and how its columns were read.
  await row.getByRole('link', { name: 'e2e-rows.csv', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'e2e-rows.csv' })).toBeVisible();
  await expect(page.getByText('endpoint e2e-batch')).toBeVisible();
  await expect(page.getByText('x ← a, b, c')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Rows done, e2e-rows.csv' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByText('No row has failed.')).toBeVisible();
});

test('bad rows fail alone and are listed with their line; a malformed file is refused with its line', async ({ page }, testInfo) => {
  await seedEndpoint('e2e-batch-bad-rows', 'e2e-batch-bad');
  await page.goto('/batch-jobs');
  const form = page.getByRole('form', { name: 'Submit a batch file' });

  // Row 1 (line 3) has a word where a number goes; row 3 (line 5) misses a column.
  const csv = 'a,b,c\n1,2,3\n4,five,6\n7,8,9\n10,11\n12,13,14\n';
  await writeFile(testInfo.outputPath('bad-rows.csv'), csv);
  await chooseFile(page, form, 'bad-rows.csv', csv);
  await form.getByRole('combobox', { name: 'Endpoint' }).selectOption('e2e-batch-bad');
  await form.getByRole('spinbutton', { name: 'Error budget (%)' }).fill('50');
  await form.getByRole('button', { name: 'Submit batch job' }).click();
  await expect(form.getByRole('status')).toContainText('Submitted: bad-rows.csv, 5 rows');

  const row = page.getByRole('row', { name: /^Batch job bad-rows\.csv/ });
  await expect(row.getByRole('progressbar', { name: 'Rows done, bad-rows.csv' })).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
  await expect(row).toContainText('2 failed');
  await row.getByRole('link', { name: 'bad-rows.csv', exact: true }).click();
  // The chunk size was left empty: the API chose one for a file this small.
  await expect(page.getByText('1,000 rows each')).toBeVisible();
  const failures = page.getByRole('table', { name: 'Failed rows' });
  await expect(failures.getByRole('row')).toHaveCount(3);
  await expect(failures.getByRole('row').nth(1)).toContainText('3');
  await expect(failures.getByRole('row').nth(1)).toContainText('five');
  await expect(failures.getByRole('row').nth(2)).toContainText('5');
  await expect(failures.getByRole('row').nth(2)).toContainText('missing');

  // A file whose bytes are not CSV rows at all: refused in place, naming the line.
  await page.goto('/batch-jobs');
  const broken = 'a,b,c\n1,2,3\n4,5"x",6\n7,8,9\n';
  await chooseFile(page, form, 'broken.csv', broken);
  await form.getByRole('combobox', { name: 'Endpoint' }).selectOption('e2e-batch-bad');
  await form.getByRole('button', { name: 'Submit batch job' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('The batch file was not accepted');
  await expect(alert).toContainText('the file is malformed at line 3');
  await expect(page.getByRole('row', { name: /^Batch job broken\.csv/ })).toHaveCount(0);
});

test('records pushed to an endpoint are scored from its page, and a schedule shows its next runs', async ({ page }) => {
  await seedEndpoint('e2e-records-gemm', 'e2e-records');
  const admin = SeedApi.asAdmin();
  const pushed = await admin.expect('POST', '/v1/endpoints/e2e-records/records', {
    records: [
      { key: 'order-1', inputs: { x: [[1, 2, 3]] } },
      { key: 'order-2', inputs: { x: [[0, 0, 0]] } },
      { key: 'order-3', inputs: { x: [[1, 2]] } },
    ],
  });
  expect(pushed).toEqual({ created: 3, updated: 0, unchanged: 0 });

  await page.goto('/endpoints/e2e-records');
  const inbox = page.getByRole('region', { name: 'Records inbox' });
  const filters = inbox.getByRole('group', { name: 'Show records' });
  await expect(filters.getByRole('button', { name: /^Pending\s*3$/ })).toBeVisible();
  await expect(inbox.getByRole('row', { name: /order-1/ }).getByText('pending')).toBeVisible();

  const schedule = page.getByRole('region', { name: 'Scoring schedule' });
  await schedule.getByRole('button', { name: 'Score now' }).click();
  await expect(schedule.getByRole('status')).toContainText('Queued a run for 3 pending records');
  // The inbox follows on its own: two scored, the wrong-shaped one failed with its reason.
  await expect(filters.getByRole('button', { name: /^Scored\s*2$/ })).toBeVisible({ timeout: 20_000 });
  await expect(filters.getByRole('button', { name: /^Failed\s*1$/ })).toBeVisible();
  // 1 + 2·2 + 3·3 + 0.5, as the predict response gives it.
  await expect(inbox.getByRole('row', { name: /order-1/ })).toContainText('14.5');
  await filters.getByRole('button', { name: /^Failed\s*1$/ }).click();
  await expect(inbox.getByRole('row', { name: /order-3/ })).toContainText('input "x"');
  await expect(inbox.getByRole('row', { name: /order-1/ })).toHaveCount(0);
  const runs = schedule.getByRole('table', { name: 'Scoring runs, newest first' });
  await expect(runs.getByRole('row').nth(1)).toContainText('succeeded', { timeout: 20_000 });
  await expect(runs.getByRole('row').nth(1)).toContainText('by hand');

  // A schedule: a wrong expression is refused in place, a good one lists its next runs in its zone.
  const form = schedule.getByRole('form', { name: 'Scoring schedule' });
  await form.getByRole('textbox', { name: 'Cron expression' }).fill('every five minutes');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText('cron "every five minutes"');
  await form.getByRole('textbox', { name: 'Cron expression' }).fill('30 2 * * *');
  // A text field with the browser's list of zones to pick from.
  await form.getByRole('combobox', { name: 'Time zone' }).fill('Europe/Paris');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('status')).toContainText('Saved: pending records are scored 30 2 * * * (Europe/Paris).');
  const nextRuns = schedule.getByRole('region', { name: 'Next runs' }).getByRole('listitem');
  await expect(nextRuns).toHaveCount(5);
  // Read in the schedule's own zone: 02:30 in Paris, every time.
  for (const run of await nextRuns.all()) await expect(run).toContainText('02:30');
  await inbox.screenshot({ path: 'screenshots/records-inbox.png' });
  await schedule.screenshot({ path: 'screenshots/scoring-schedule.png' });
});

test('a stream bound from its page scores a message published with the XADD it shows, and can be paused, resumed and deleted', async ({ page }) => {
  await seedEndpoint('e2e-streams-gemm', 'e2e-streams');
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Streams' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Streams' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Bind a stream' });
  await form.getByRole('textbox', { name: 'Name' }).fill('e2e-orders');
  await form.getByRole('combobox', { name: 'Endpoint' }).selectOption('e2e-streams');
  await form.getByRole('textbox', { name: 'Source stream' }).fill('e2e-orders');
  // The sink is left empty: the predictions go next to the source.
  await expect(form.getByText('Predictions are published here: e2e-orders-scored.')).toBeVisible();
  await form.getByRole('button', { name: 'Bind stream' }).click();
  await expect(form.getByRole('status')).toContainText('Bound e2e-orders');

  const card = page.getByRole('region', { name: 'e2e-orders', exact: true });
  await expect(card.getByText('active', { exact: true })).toBeVisible();
  await expect(card).toContainText(':stream:e2e-orders-scored');

  // The page's own example, run as shown: its XADD publishes one message {key, inputs}.
  await card.getByText('Publish a message and read its prediction').click();
  const commands = (await card.locator('pre').textContent()) ?? '';
  const xadd = commands.split('\n').find((line) => line.startsWith('redis-cli XADD '));
  expect(xadd).toContain('inputs \'{"x":[[0,0,0]]}\'');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  execFileSync('sh', ['-c', xadd!.replace(/^redis-cli /, `redis-cli -u '${redisUrl}' `)]);

  const figure = (label: string) => card.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
  await expect(figure('Scored')).toHaveText('1', { timeout: 20_000 });
  await expect(figure('Failed')).toHaveText('0');
  await expect(figure('Lag')).toHaveText('0');
  // Its prediction, stored by key: y = 0.5 for inputs of zeros.
  const stored = await SeedApi.asAdmin().expect('GET', '/v1/streams/e2e-orders/predictions/order-1');
  expect(stored).toMatchObject({ key: 'order-1', status: 'scored', model: 'e2e-streams-gemm', version: 1, prediction: { y: [[0.5]] } });

  await card.getByRole('button', { name: 'Pause e2e-orders' }).click();
  await expect(card.getByText('paused', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: 'Resume e2e-orders' }).click();
  await expect(card.getByText('active', { exact: true })).toBeVisible();
  await card.screenshot({ path: 'screenshots/stream-binding.png' });

  await card.getByRole('button', { name: 'Delete e2e-orders' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the binding e2e-orders?' });
  await dialog.getByRole('button', { name: 'Delete binding' }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByText('No stream is bound yet')).toBeVisible();
});

test.describe('a viewer', () => {
  test.use({ storageState: storageStateOf('viewer') });

  test('sees batch jobs and streams, with submitting, binding and scheduling disabled and the reason given', async ({ page }) => {
    const reason = 'viewers can look but not change anything; ask an admin for the data scientist role';
    await page.goto('/batch-jobs');
    await expect(page.getByRole('heading', { level: 2, name: 'Jobs' })).toBeVisible();
    await expect(page.getByRole('form', { name: 'Submit a batch file' })).toHaveCount(0);
    const submit = page.getByRole('region', { name: 'Submit a batch file' });
    await expect(submit.getByRole('button', { name: 'Submit batch job' })).toBeDisabled();
    await expect(submit.getByText(reason)).toBeVisible();

    await page.goto('/streams');
    const bind = page.getByRole('region', { name: 'Bind a stream' });
    await expect(bind.getByRole('button', { name: 'Bind stream' })).toBeDisabled();
    await expect(bind.getByText(reason)).toBeVisible();

    await seedEndpoint('e2e-viewer-batch-gemm', 'e2e-viewer-batch');
    await page.goto('/endpoints/e2e-viewer-batch');
    const schedule = page.getByRole('region', { name: 'Scoring schedule' });
    await expect(schedule.getByRole('button', { name: 'Save schedule' })).toBeDisabled();
    await expect(schedule.getByRole('textbox', { name: 'Cron expression' })).toBeDisabled();
    await expect(schedule.getByRole('button', { name: 'Score now' })).toBeDisabled();
    await expect(schedule.getByText(reason).first()).toBeVisible();
  });
});
