import { defineConfig } from 'vitest/config';

// Unit, wiring and integration tests. The end-to-end tier (test/e2e) has its own config.
export default defineConfig({
  test: {
    include: ['{protocol,controller,sim,firmware-bridge,visualizer,cli,test}/**/*.test.ts'],
    exclude: ['test/e2e/**', '**/*.e2e.test.ts', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
