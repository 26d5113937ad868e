import os from 'node:os';
import path from 'node:path';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts', 'test/**/*.spec.tsx'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Lab integration tests share one Docker engine on a small machine: files run one at a time.
    fileParallelism: false,
    // No test run writes the user's saved lab settings (~/.config/ipsec-lab): a directory of its own.
    env: { IPSEC_LAB_CONFIG_DIR: path.join(os.tmpdir(), `ipsec-lab-test-config-${process.pid}`) },
    reporters: ['default'],
  },
});
