import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // These tests run against the real PostgreSQL (DATABASE_URL, or 127.0.0.1:5432): creating and
    // migrating databases takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
