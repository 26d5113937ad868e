import { execSync } from 'node:child_process';

function probe(): { ok: boolean; reason: string } {
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 15_000 });
    return { ok: true, reason: '' };
  } catch (e) {
    return {
      ok: false,
      reason: `no Docker engine answers (\`docker info\` failed: ${(e as Error).message.split('\n')[0]})`,
    };
  }
}

const result = probe();

/** True when a Docker engine answers. Computed once per test file. */
export function dockerAvailable(): boolean {
  return result.ok;
}

/**
 * For `describe.skipIf(skipWithoutDocker('what'))`: true (skip) without an engine, after printing
 * why. In CI a missing engine is a failure, never a skip: it throws.
 */
export function skipWithoutDocker(what: string): boolean {
  if (result.ok) return false;
  if (process.env.CI) throw new Error(`${what}: Docker is required in CI but ${result.reason}`);
  console.warn(
    `SKIPPED ${what}: ${result.reason}. Start a Docker engine (or run \`ipsec-lab doctor --fix\`) to run these tests.`,
  );
  return true;
}
