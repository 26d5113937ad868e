/**
 * One client over the contract for every screen, whichever host carries it: Electron's preload
 * API (`window.ipsecLab`) or the headless host's WebSocket. Chosen once at startup.
 */
import type {
  ApiArgs,
  ApiErrorInfo,
  ApiEvent,
  ApiEvents,
  ApiMethod,
  ApiResult,
  PreloadApi,
} from '../../../lab/api/contract';
import { ApiError, type ConnectionState, type LabClient } from './lab-client';
import { WebSocketTransport } from './ws-client';

export { ApiError, type ConnectionState, type LabClient };

declare global {
  interface Window {
    /** Set by the Electron preload: the contract and nothing else. */
    ipsecLab?: PreloadApi;
  }
}

class ElectronClient implements LabClient {
  readonly kind = 'electron' as const;
  constructor(private readonly api: PreloadApi) {}
  async call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
    try {
      return await this.api.invoke(method, ...args);
    } catch (e) {
      // The preload rebuilds envelope errors with their code; keep them as ApiError here.
      const err = e as Error & Partial<ApiErrorInfo>;
      throw new ApiError({ code: err.code ?? 'internal', message: err.message, hint: err.hint, issues: err.issues });
    }
  }
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.api.on(event, listener);
  }
  onConnection(listener: (s: ConnectionState) => void): () => void {
    listener({ state: 'open' });
    return () => {};
  }
}

export function createClient(): LabClient {
  if (window.ipsecLab) return new ElectronClient(window.ipsecLab);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocketTransport(`${proto}//${location.host}/api?token=${encodeURIComponent(token)}`, !!token);
}
