import { defineConfig } from 'vitest/config';

// End-to-end tier: whole processes (the gridline command, an external broker) on loopback.
export default defineConfig({
  test: {
    include: ['test/{e2e,security}/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
