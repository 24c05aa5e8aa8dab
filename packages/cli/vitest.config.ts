import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The integration tests run the built CLI; this rebuilds it (and the sdk) when stale.
    globalSetup: ['./vitest.global-setup.ts'],
    // They also start the built api + worker (scripts/lib/test-stack.mjs).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
