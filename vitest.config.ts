import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts', 'test/**/*.spec.tsx'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Lab integration tests share one Docker engine on a small machine: files run one at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});
