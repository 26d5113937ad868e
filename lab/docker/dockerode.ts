/**
 * dockerode, loaded without the parts a lab rarely needs. Requiring dockerode loads ssh2 (for
 * ssh:// engines) and gRPC with its protobuf loader (for BuildKit sessions) up front: about 0.3 s
 * of a CLI command's start on a small machine, paid by every `up` and `down` that never uses them.
 * While dockerode loads, those three are handed to it as stand-ins that load the real module on
 * first use, so an ssh:// engine or a BuildKit build still gets the real thing, only later.
 */
import Module, { createRequire } from 'node:module';
import path from 'node:path';

import type Docker from 'dockerode';

const DEFERRED = new Set(['ssh2', '@grpc/grpc-js', '@grpc/proto-loader']);

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: LoadFn };

/** What dockerode's files get instead of a deferred module: the real one is loaded on first use. */
function standIn(load: () => Record<string, unknown>, request: string): unknown {
  // docker-modem reads `require('ssh2').Client` at load time and only constructs it for ssh:// engines.
  if (request === 'ssh2')
    return {
      Client: function Client(...args: unknown[]) {
        return new (load().Client as new (...a: unknown[]) => object)(...args);
      },
    };
  return new Proxy({}, { get: (_t, key) => load()[key as string] });
}

let dockerode: typeof Docker | undefined;

/** The dockerode class, loaded once, with ssh2 and gRPC deferred to their first use. */
export function loadDockerode(): typeof Docker {
  if (dockerode) return dockerode;
  const req = createRequire(import.meta.url);
  const base = path.dirname(req.resolve('dockerode/package.json'));
  const modem = path.dirname(req.resolve('docker-modem/package.json', { paths: [base] }));
  const original = loader._load;
  // Only requests from dockerode's and docker-modem's own files, and only while dockerode loads:
  // anyone else asking for ssh2 or gRPC, now or later, gets the real module.
  loader._load = function (this: unknown, request, parent, isMain) {
    const from = (parent as { filename?: string } | undefined)?.filename ?? '';
    if (DEFERRED.has(request) && (from.startsWith(base + path.sep) || from.startsWith(modem + path.sep))) {
      let real: Record<string, unknown> | undefined;
      return standIn(() => (real ??= original.call(this, request, parent, isMain) as Record<string, unknown>), request);
    }
    return original.call(this, request, parent, isMain);
  };
  try {
    dockerode = req('dockerode') as typeof Docker;
  } finally {
    loader._load = original;
  }
  return dockerode;
}
