import path from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** Lints `code` as if it were the file at `file` (an existing file: its project gives the types). */
async function messages(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return r.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layering is a lint error, not a convention', () => {
  it('a renderer file importing engine code fails lint', async () => {
    const m = await messages(
      'renderer/src/main.tsx',
      "import { LabEngine } from '../../lab/engine/lab-engine';\nexport const x = LabEngine;\n",
    );
    expect(m.join('\n')).toMatch(
      /no-restricted-imports: .*renderer reaches the engine only through lab\/api\/contract/,
    );
  });

  it('a renderer file importing the contract as a value fails; as a type it passes', async () => {
    const value = await messages(
      'renderer/src/main.tsx',
      "import { ApiHost } from '../../lab/api/contract';\nexport type X = ApiHost;\n",
    );
    expect(value.join('\n')).toMatch(/import type/);
    const typeOnly = await messages(
      'renderer/src/main.tsx',
      "import type { ApiHost } from '../../lab/api/contract';\nexport type X = ApiHost;\n",
    );
    expect(typeOnly.filter((m) => m.includes('restricted'))).toEqual([]);
  });

  it('the engine importing a host or the UI fails lint, even lazily', async () => {
    const m = await messages(
      'lab/engine/watch.ts',
      "import { x } from '../../electron/main/ipc.js';\nexport const y = x;\nexport const z = () => import('../../renderer/src/main.js');\n",
    );
    expect(m.filter((x) => x.includes('never imports a host')).length).toBe(2);
  });

  it('nothing in lab/ but the CLI imports lab/cli', async () => {
    const m = await messages('lab/engine/watch.ts', "import { main } from '../cli/main.js';\nexport const y = main;\n");
    expect(m.join('\n')).toMatch(/lab\/cli is a host of the engine/);
  });

  it('an empty .catch() fails lint; ignoreRejection with a reason passes', async () => {
    const bad = await messages('lab/engine/watch.ts', 'export const p = Promise.resolve().catch(() => {});\n');
    expect(bad.join('\n')).toMatch(/hides failures/);
  });
});
