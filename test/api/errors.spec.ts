import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { toErrorInfo } from '../../lab/api/errors.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Control flow inside one validate check (lab/validate/check-run.ts catches them and turns them into
 * the check's status): never thrown past runCheck, so they need no contract code.
 */
const CHECK_CONTROL_FLOW = new Set(['CheckFailed', 'CheckSkipped']);

/** Every exported error class in the engine, found in the sources (a new class cannot be forgotten). */
const ERROR_CLASSES = tsFiles(path.join(ROOT, 'lab'))
  .filter((f) => !f.includes(`${path.sep}cli${path.sep}`))
  .flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^export class (\w+) extends Error\b/gm)].map((m) => ({
      file,
      name: m[1],
    })),
  )
  .filter((c) => !CHECK_CONTROL_FLOW.has(c.name));

describe('error codes: every engine error class maps to a code that says what it is', () => {
  it('finds the engine error classes', () => {
    expect(ERROR_CLASSES.length).toBeGreaterThanOrEqual(10);
  });

  for (const { file, name } of ERROR_CLASSES) {
    it(`${name} (${path.relative(ROOT, file)}) is not "internal"`, async () => {
      const mod = (await import(file)) as Record<string, new (...a: unknown[]) => Error>;
      // An instance without running the constructor: instanceof is what the mapping switches on.
      const e = Object.assign(Object.create(mod[name].prototype) as Error, { message: 'x' });
      const info = toErrorInfo(e);
      expect(info.code).not.toBe('internal');
      expect(info.message).toBe('x');
    });
  }

  it('an unknown error is internal, a refused Docker socket is docker-unavailable', () => {
    expect(toErrorInfo(new TypeError('boom')).code).toBe('internal');
    const refused = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    expect(toErrorInfo(refused)).toMatchObject({ code: 'docker-unavailable', hint: expect.stringContaining('doctor') });
  });
});
