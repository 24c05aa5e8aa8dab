import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Integration tests start the built api + worker (scripts/lib/test-stack.mjs) once per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
