import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ipsec-lab package's folder, found by walking up from this module: the same answer whether the
 * code runs from its sources (lab/...) or from the CLI bundle (dist/cli/...), where relative paths
 * to the image files or the built UI would differ.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ipsec-lab')
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`ipsec-lab: no package.json of ipsec-lab above ${from}`);
  }
}

let root: string | undefined;

/**
 * Found on first use, not at import: a bundle that never needs the package's files (the Electron
 * main process built into a folder of its own) must still load.
 */
export function packageRoot(): string {
  root ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  return root;
}

/** A path inside the package, e.g. packagePath('lab/image/Dockerfile'). */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}

/** The package's version (package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
