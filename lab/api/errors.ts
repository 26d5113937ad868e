/**
 * Every error the engine can throw, as the contract's envelope error: a stable code that says what
 * went wrong, a readable message, the fix when known. The hosts (Electron IPC, the headless
 * WebSocket) and the CLI all use this one mapping.
 */
import { PcapError } from '../capture/pcap.js';
import { DockerApiError } from '../docker/direct-api.js';
import { LabError } from '../docker/errors.js';
import { ExportError } from '../exporters/types.js';
import { FaultError } from '../faults/fault-service.js';
import { ImpairmentError } from '../faults/impairment.js';
import { ImportError } from '../importers/types.js';
import { ReproduceError } from '../reproduce/reproduce.js';
import { ScenarioError } from '../scenarios/types.js';
import { SettingsError } from '../settings/validate.js';
import { ViciCommandError, ViciConnectionError } from '../vici/client.js';
import { ViciProtocolError } from '../vici/encoding.js';
import type { ApiErrorCode, ApiErrorInfo } from './contract.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Error classes whose meaning is one code; the order matters only for subclasses (none today). */
const BY_CLASS: Array<[abstract new (...args: never[]) => Error, ApiErrorCode]> = [
  [ImportError, 'invalid-config'],
  [ExportError, 'cannot-export'],
  [ScenarioError, 'invalid-scenario'],
  [ReproduceError, 'reproduce-failed'],
  [ViciCommandError, 'gateway-refused'],
  [ViciConnectionError, 'gateway-unreachable'],
  [ViciProtocolError, 'gateway-unreachable'],
  [PcapError, 'invalid-capture'],
  [DockerApiError, 'engine-refused'],
];

/** Any error as the envelope's error. Unknown errors are `internal`: a bug, never a user mistake. */
export function toErrorInfo(e: unknown): ApiErrorInfo {
  if (e instanceof SettingsError) return { code: 'invalid-settings', message: e.message, issues: e.issues };
  if (e instanceof ImpairmentError)
    return { code: 'invalid-impairment', message: e.message, issues: [{ field: e.field, message: e.message }] };
  if (e instanceof FaultError) return { code: e.code, message: e.message };
  if (e instanceof LabError) return { code: e.code, message: e.message, hint: e.hint };
  for (const [cls, code] of BY_CLASS) if (e instanceof cls) return { code, message: e.message };
  const err = e as NodeJS.ErrnoException | undefined;
  if (
    err?.code &&
    CONNECTION_CODES.has(err.code) &&
    /docker|sock|connect/i.test(`${err.message} ${(err as { address?: string }).address ?? ''}`)
  ) {
    return {
      code: 'docker-unavailable',
      message: `Docker engine unavailable: ${err.message}`,
      hint: 'run `ipsec-lab doctor`',
    };
  }
  return { code: 'internal', message: err?.message ?? String(e) };
}
