import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Isolated inspection forks the compiled child script; this builds dist/ when it is missing or stale.
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 30_000,
  },
});
