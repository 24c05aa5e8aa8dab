#!/usr/bin/env node
// `npm test`: every test, on real services. Builds everything, runs unit and integration tests
// (vitest, all projects in one run), then the browser tests (Playwright + Debian Chromium), and
// ends with one "N passed, N failed" line summing both.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnv } from './lib/env.mjs';
import { repoRoot, run, runPnpm } from './lib/pnpm.mjs';
import { checkServices } from './lib/services.mjs';

const step = (text) => console.log(`\n\x1b[1m▸ ${text}\x1b[0m`);

async function main() {
  const env = loadEnv();
  process.env.MODELGATE_LOG_LEVEL ||= 'warn';
  if (!existsSync(path.join(repoRoot, 'node_modules/.modules.yaml'))) {
    step('Installing dependencies');
    await runPnpm(['install', '--frozen-lockfile']);
  }
  const problems = await checkServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
  if (problems.length) {
    console.error(problems.join('\n\n'));
    process.exit(1);
  }

  step('Building');
  await runPnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  // The build compiles sources only; this also checks the tests, the e2e specs and the dashboard.
  step('Type-checking everything, tests included');
  await runPnpm(['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']);

  const reports = path.join(os.tmpdir(), `modelgate-test-${process.pid}`);
  rmSync(reports, { recursive: true, force: true });
  const failures = [];

  step('Unit and integration tests (vitest)');
  const vitestReport = path.join(reports, 'vitest.json');
  await runPnpm(['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]).catch((error) =>
    failures.push(error.message),
  );

  step('Browser tests (Playwright, Chromium)');
  const playwrightReport = path.join(reports, 'playwright.json');
  await runPnpm(['--filter', '@modelgate/e2e', 'exec', 'playwright', 'test', '--reporter=list,json'], {
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
  }).catch((error) => failures.push(error.message));

  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(vitestReport)) {
    const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
    counts.passed += report.numPassedTests;
    counts.failed += report.numFailedTests;
    counts.skipped += report.numPendingTests + report.numTodoTests;
  } else failures.push('vitest wrote no report');
  if (existsSync(playwrightReport)) {
    const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'));
    counts.passed += stats.expected + stats.flaky;
    counts.failed += stats.unexpected;
    counts.skipped += stats.skipped;
  } else failures.push('playwright wrote no report');

  console.log('');
  for (const failure of failures) console.error(`\x1b[31m✗ ${failure}\x1b[0m`);
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  process.exit(failures.length || counts.failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
