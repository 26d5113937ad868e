/**
 * The API the preload gives the page: the contract's `invoke` and `on`, nothing else. Requests
 * go only to the contract's channels; events arrive on the one event channel and listeners get
 * the payload alone (never Electron's event object, which carries the sender). Errors come back
 * in the envelope and are rethrown as plain `{ name, message, code, hint, issues }` objects:
 * contextBridge copies an Error's message only, so a real Error would lose its stable code.
 */
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../lab/api/channels.js';
import type {
  ApiArgs,
  ApiErrorInfo,
  ApiEvent,
  ApiEventMessage,
  ApiEvents,
  ApiMethod,
  ApiResponse,
  ApiResult,
  PreloadApi,
} from '../../lab/api/contract.js';

/** Every method of the contract (the compiler insists this list stays complete). */
const METHODS: Record<ApiMethod, true> = {
  snapshot: true,
  labUp: true,
  labDown: true,
  labStatus: true,
  getSettings: true,
  validateSettings: true,
  traffic: true,
  doctor: true,
  faultsList: true,
  faultApply: true,
  faultRevert: true,
  impair: true,
  applySettings: true,
  settingsSave: true,
  settingsDiff: true,
  diagnosis: true,
  scenariosList: true,
  scenarioStep: true,
  captureStart: true,
  captureStop: true,
  validateRun: true,
  logsPage: true,
  customerOpen: true,
  customerAppend: true,
  customerFinish: true,
  customerDiscard: true,
  customerLines: true,
  customerDiagnose: true,
  customerReproduce: true,
  customerImport: true,
  customerExport: true,
};
const EVENTS: Record<ApiEvent, true> = {
  logs: true,
  sas: true,
  lab: true,
  health: true,
  findings: true,
  engine: true,
  changed: true,
  validate: true,
  customer: true,
};

export const PRELOAD_METHODS = Object.keys(METHODS) as ApiMethod[];
export const PRELOAD_EVENTS = Object.keys(EVENTS) as ApiEvent[];

/** The part of ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The rejection value of a failed call (a plain object so contextBridge keeps its fields). */
export type ApiFailure = ApiErrorInfo & { name: 'ApiError' };

function failure(error: ApiErrorInfo): ApiFailure {
  return { name: 'ApiError', code: error.code, message: error.message, hint: error.hint, issues: error.issues };
}

function isEnvelope(v: unknown): v is ApiResponse<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

export function createPreloadApi(ipc: IpcRendererLike): PreloadApi {
  const invoke = async <M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> => {
    if (typeof method !== 'string' || !Object.hasOwn(METHODS, method)) {
      throw failure({ code: 'invalid-request', message: `unknown method ${JSON.stringify(method)}` });
    }
    const response = await ipc.invoke(ipcChannel(method), ...args);
    if (!isEnvelope(response))
      throw failure({ code: 'internal', message: `${method}: the host answered outside the envelope` });
    if (!response.ok) throw failure(response.error);
    return response.result as ApiResult<M>;
  };

  const on = <E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): (() => void) => {
    if (typeof event !== 'string' || !Object.hasOwn(EVENTS, event))
      throw failure({ code: 'invalid-request', message: `unknown event ${JSON.stringify(event)}` });
    if (typeof listener !== 'function')
      throw failure({ code: 'invalid-request', message: `${event}: the listener must be a function` });
    const handler = (_e: unknown, message: unknown) => {
      const m = message as ApiEventMessage | undefined;
      if (m?.event === event) listener(m.payload as ApiEvents[E]);
    };
    ipc.on(IPC_EVENT_CHANNEL, handler);
    let on = true;
    return () => {
      if (!on) return;
      on = false;
      ipc.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  };

  // Frozen: the page cannot swap a method for one that reaches further.
  return Object.freeze({ invoke, on }) as PreloadApi;
}
