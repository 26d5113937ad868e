import type { ApiArgs, ApiEvent, ApiEvents, ApiMethod, ApiResult, WireServerMessage } from '../../../lab/api/contract';
import { ApiError, type ConnectionState, type LabClient } from './lab-client';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** The contract over the headless host's WebSocket: requests by id, events by name, reconnects. */
export class WebSocketTransport implements LabClient {
  readonly kind = 'websocket' as const;
  private ws: WebSocket | undefined;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Map<ApiEvent, Set<(p: never) => void>>();
  private connListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = { state: 'connecting' };
  private opened: Promise<void>;
  private markOpen!: () => void;
  private retryMs = 500;

  constructor(
    private readonly url: string,
    hasToken: boolean,
  ) {
    this.opened = new Promise((r) => (this.markOpen = r));
    if (!hasToken)
      this.setState({
        state: 'closed',
        fatal: true,
        reason:
          'This page has no access token. Open the URL that `ipsec-lab serve` (or `npm start`) printed, token included.',
      });
    else this.connect();
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.connListeners) l(s);
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let everOpen = false;
    ws.onopen = () => {
      everOpen = true;
      this.retryMs = 500;
      this.setState({ state: 'open' });
      this.markOpen();
    };
    ws.onmessage = (ev) => this.onMessage(String(ev.data));
    ws.onclose = (ev) => {
      this.ws = undefined;
      for (const p of this.pending.values())
        p.reject(
          new ApiError({
            code: 'internal',
            message: 'the connection to the lab host was lost; the request may or may not have run',
          }),
        );
      this.pending.clear();
      this.opened = new Promise((r) => (this.markOpen = r));
      const reason = everOpen
        ? `connection to the lab host lost${ev.reason ? ` (${ev.reason})` : ''}; reconnecting…`
        : "cannot reach the lab host (stopped, or this page's token is not valid); retrying…";
      this.setState({ state: 'closed', reason });
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private onMessage(text: string): void {
    let m: WireServerMessage;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if ('id' in m) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.response.ok) p.resolve(m.response.result);
      else p.reject(new ApiError(m.response.error));
      return;
    }
    const set = this.listeners.get(m.event);
    if (set) for (const l of [...set]) (l as (p: unknown) => void)(m.payload);
  }

  async call<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>> {
    await this.opened;
    const id = this.nextId++;
    return new Promise<ApiResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // JSON has no undefined: an omitted optional argument travels as null.
      this.ws!.send(JSON.stringify({ id, method, args: args.map((a) => (a === undefined ? null : a)) }));
    });
  }

  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set!.delete(listener as (p: never) => void);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    listener(this.state);
    return () => this.connListeners.delete(listener);
  }
}
