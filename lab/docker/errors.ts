/** Stable error codes the UI and CLI switch on. */
export type LabErrorCode =
  | 'docker-unavailable'
  | 'image-build-failed'
  | 'invalid-settings'
  | 'lab-exists'
  | 'lab-not-found'
  | 'lab-start-failed'
  | 'tunnel-timeout'
  | 'gateway-unreachable'
  | 'unsupported'
  /** Something of this kind already runs (a capture): stop it first. */
  | 'busy'
  /** Asked to stop or continue something that is not running. */
  | 'not-running'
  | 'unknown-scenario'
  /** A request that cannot be right whatever the lab's state (a step out of range or out of order). */
  | 'invalid-request';

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

/** Turns dockerode's connection failures into one clear error. */
export function dockerUnavailable(err: unknown, host: string): LabError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === 'ENOENT' || e?.code === 'ECONNREFUSED' ? 'no Docker engine answers' : (e?.message ?? String(err));
  return new LabError(
    'docker-unavailable',
    `Docker engine unavailable at ${host}: ${why}`,
    'run `ipsec-lab doctor` (as root on Debian/Ubuntu: `ipsec-lab doctor --fix`)',
  );
}
