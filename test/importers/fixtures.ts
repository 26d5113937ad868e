import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a sample configuration from test/fixtures/configs. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/configs/${name}`, import.meta.url)), 'utf8');
}

/** Runs fn and returns what it threw, failing the test if it did not throw. */
export function thrown(fn: () => unknown): Error & { code?: string; line?: number } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string; line?: number };
  }
  throw new Error('expected an error');
}
