/** What every screen uses of the lab, whichever host carries the contract (client.ts chooses). */
import type {
  ApiArgs,
  ApiErrorCode,
  ApiErrorInfo,
  ApiEvent,
  ApiEvents,
  ApiMethod,
  ApiResult,
  SettingsIssue,
} from '../../../lab/api/contract';

/** An error from the lab host, with the contract's stable code (the UI switches on it). */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly hint?: string;
  readonly issues?: SettingsIssue[];
  constructor(info: ApiErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.code = info.code;
    this.hint = info.hint;
    this.issues = info.issues;
  }
}

export type ConnectionState = { state: 'connecting' | 'open' } | { state: 'closed'; reason: string; fatal?: boolean };

export interface LabClient {
  readonly kind: 'electron' | 'websocket';
  call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>>;
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Connection changes (the WebSocket can drop and reconnect; IPC is always open). */
  onConnection(listener: (s: ConnectionState) => void): () => void;
}
