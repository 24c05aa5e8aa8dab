import { defineConfig } from '@playwright/test';
import { E2E_API_PORT, E2E_WEB_PORT } from './support/ports.mjs';

// Debian's Chromium, never a downloaded browser (no network here). The flags keep it from
// reaching out to Google services, which this machine refuses.
const chromium = process.env.MODELGATE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  // Runs after the webServer answers: seeds the users and saves one signed-in state per user.
  globalSetup: './support/global-setup.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_WEB_PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    command: 'node support/e2e-stack.mjs',
    url: `http://127.0.0.1:${E2E_WEB_PORT}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: { MODELGATE_E2E_API_PORT: String(E2E_API_PORT), MODELGATE_E2E_WEB_PORT: String(E2E_WEB_PORT) },
  },
});
