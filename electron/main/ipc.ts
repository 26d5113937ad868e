/**
 * The contract over Electron IPC: one `handle` per contract method (ipsec-lab:<method>), nothing
 * else. Each request's sender is checked, its arguments validated with the contract's schemas
 * (the same checks the headless host makes), then it goes to the service, and the answer always
 * comes back in the envelope: nothing is thrown across (Electron would drop an error's code).
 */
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../lab/api/channels.js';
import type { ApiHost, ApiMethod, ApiResponse } from '../../lab/api/contract.js';
import { checkCall, METHODS } from '../../lab/api/schemas.js';
import type { AppOrigin } from './app-origin.js';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from './electron-types.js';
import { checkSender } from './sender.js';

/** What the IPC host needs of the service (LabService implements it, as for the headless host). */

export interface IpcOptions {
  /** Told about every refused call (logged by the main process). */
  onRefused?: (method: string, reason: string) => void;
}

/** The answer to one IPC request, sender and arguments checked first. Never throws. */
export async function dispatch(
  host: ApiHost,
  origin: AppOrigin,
  method: ApiMethod,
  event: IpcMainInvokeEventLike,
  args: unknown[],
  opts: IpcOptions = {},
): Promise<ApiResponse<unknown>> {
  const sender = checkSender(event, origin);
  if (!sender.ok) {
    opts.onRefused?.(method, sender.reason);
    return { ok: false, error: { code: 'forbidden', message: `refused ${method}: ${sender.reason}` } };
  }
  const call = checkCall(method, args);
  if (!call.ok) {
    opts.onRefused?.(method, call.message);
    return { ok: false, error: { code: 'invalid-request', message: call.message } };
  }
  try {
    return await host.call(call.method, call.args);
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: (e as Error)?.message ?? String(e) } };
  }
}

/** Registers a handler for every contract method; returns the function that removes them all. */
export function registerIpc(ipcMain: IpcMainLike, host: ApiHost, origin: AppOrigin, opts: IpcOptions = {}): () => void {
  for (const method of METHODS) {
    ipcMain.handle(ipcChannel(method), (event, ...args) => dispatch(host, origin, method, event, args, opts));
  }
  return () => METHODS.forEach((m) => ipcMain.removeHandler(ipcChannel(m)));
}

/** Pushes every service event to the window while it lives; returns the unsubscribe. */
export function forwardEvents(host: ApiHost, contents: WebContentsLike): () => void {
  const off = host.onEvent((message) => {
    if (contents.isDestroyed()) return off();
    contents.send(IPC_EVENT_CHANNEL, message);
  });
  return off;
}
