import type { Duplex } from 'node:stream';
import { encodePacket, PacketReader, PacketType, ViciProtocolError, type Packet, type ViciMessage } from './encoding.js';

export class ViciCommandError extends Error {
  constructor(readonly command: string, readonly errmsg: string) {
    super(`VICI ${command} failed: ${errmsg}`);
    this.name = 'ViciCommandError';
  }
}

export class ViciConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViciConnectionError';
  }
}

interface Pending {
  kind: 'command' | 'register';
  name: string;
  resolve: (p: Packet) => void;
  reject: (e: Error) => void;
}

/**
 * A VICI session over any byte stream. charon answers requests in order, and events may arrive
 * between them at any time, so requests are written one at a time and answers matched in order.
 */
export class ViciClient {
  /** Resolves when the stream has ended (or failed); never rejects. */
  readonly closed: Promise<void>;
  private reader = new PacketReader();
  private queue: Array<{ packet: Packet; pending: Pending }> = [];
  private inFlight: Pending | null = null;
  private handlers = new Map<string, Set<(msg: ViciMessage) => void>>();
  private ended: Error | null = null;
  private markClosed!: () => void;

  constructor(private readonly stream: Duplex) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    stream.on('data', (chunk: Buffer) => {
      let packets: Packet[];
      try {
        packets = this.reader.push(chunk);
      } catch (e) {
        this.fail(e as Error);
        return;
      }
      for (const p of packets) this.dispatch(p);
    });
    stream.on('end', () => this.fail(new ViciConnectionError('VICI connection closed by charon')));
    stream.on('close', () => this.fail(new ViciConnectionError('VICI connection closed')));
    stream.on('error', (e: Error) => this.fail(new ViciConnectionError(`VICI connection failed: ${e.message}`)));
  }

  private dispatch(p: Packet) {
    if (p.type === PacketType.Event) {
      for (const h of this.handlers.get(p.name ?? '') ?? []) h(p.message ?? {});
      return;
    }
    const pending = this.inFlight;
    if (!pending) {
      this.fail(new ViciProtocolError(`unexpected packet type ${p.type} with no request pending`));
      return;
    }
    this.inFlight = null;
    pending.resolve(p);
    this.pump();
  }

  private fail(e: Error) {
    if (this.ended) return;
    this.ended = e;
    this.inFlight?.reject(e);
    this.inFlight = null;
    for (const q of this.queue.splice(0)) q.pending.reject(e);
    this.stream.destroy();
    this.markClosed();
  }

  private pump() {
    if (this.inFlight || !this.queue.length) return;
    const next = this.queue.shift()!;
    this.inFlight = next.pending;
    this.stream.write(encodePacket(next.packet));
  }

  private send(packet: Packet, kind: Pending['kind']): Promise<Packet> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.queue.push({ packet, pending: { kind, name: packet.name ?? '', resolve, reject } });
      this.pump();
    });
  }

  /** Sends a command and returns its response; `success = no` becomes a ViciCommandError. */
  async request(command: string, message: ViciMessage = {}): Promise<ViciMessage> {
    const p = await this.send({ type: PacketType.CmdRequest, name: command, message }, 'command');
    if (p.type === PacketType.CmdUnknown) throw new ViciCommandError(command, 'unknown command');
    if (p.type !== PacketType.CmdResponse) throw new ViciProtocolError(`${command}: unexpected answer type ${p.type}`);
    const msg = p.message ?? {};
    if (msg.success === 'no') throw new ViciCommandError(command, typeof msg.errmsg === 'string' ? msg.errmsg : 'failed');
    return msg;
  }

  private async register(event: string, on: boolean): Promise<void> {
    const p = await this.send({ type: on ? PacketType.EventRegister : PacketType.EventUnregister, name: event }, 'register');
    if (p.type === PacketType.EventUnknown) throw new ViciCommandError(`${on ? '' : 'un'}register ${event}`, 'unknown event');
    if (p.type !== PacketType.EventConfirm) throw new ViciProtocolError(`register ${event}: unexpected answer type ${p.type}`);
  }

  /** Streams an event; returns an unsubscribe. */
  async subscribe(event: string, handler: (msg: ViciMessage) => void): Promise<() => Promise<void>> {
    let set = this.handlers.get(event);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    if (first) {
      try {
        await this.register(event, true);
      } catch (e) {
        this.handlers.delete(event);
        throw e;
      }
    }
    return async () => {
      const s = this.handlers.get(event);
      if (!s?.delete(handler) || s.size) return;
      this.handlers.delete(event);
      if (!this.ended) await this.register(event, false).catch(() => {});
    };
  }

  /** A command that streams its results as events (list-sas -> list-sa, list-conns -> list-conn). */
  async streamedRequest(command: string, event: string, message: ViciMessage = {}): Promise<{ response: ViciMessage; events: ViciMessage[] }> {
    const events: ViciMessage[] = [];
    const unsubscribe = await this.subscribe(event, (m) => events.push(m));
    try {
      const response = await this.request(command, message);
      return { response, events };
    } finally {
      await unsubscribe();
    }
  }

  close(): Promise<void> {
    this.stream.end();
    this.fail(new ViciConnectionError('VICI connection closed by the client'));
    return this.closed;
  }

  // Thin typed helpers for the commands the lab uses.
  version(): Promise<ViciMessage> {
    return this.request('version');
  }
  stats(): Promise<ViciMessage> {
    return this.request('stats');
  }
  loadConn(name: string, conn: ViciMessage): Promise<ViciMessage> {
    return this.request('load-conn', { [name]: conn });
  }
  unloadConn(name: string): Promise<ViciMessage> {
    return this.request('unload-conn', { name });
  }
  loadShared(s: { id?: string; type: 'IKE' | 'EAP' | 'XAUTH' | 'PPK'; data: string; owners: string[] }): Promise<ViciMessage> {
    const msg: ViciMessage = { type: s.type, data: s.data, owners: s.owners };
    if (s.id) msg.id = s.id;
    return this.request('load-shared', msg);
  }
  unloadShared(id: string): Promise<ViciMessage> {
    return this.request('unload-shared', { id });
  }
  /** Initiates; with a timeout (ms, 0 = wait) charon streams its control-log, returned as `log`. */
  async initiate(opts: { child?: string; ike?: string; timeoutMs?: number; loglevel?: number }): Promise<{ response: ViciMessage; log: ViciMessage[] }> {
    const msg: ViciMessage = {};
    if (opts.child) msg.child = opts.child;
    if (opts.ike) msg.ike = opts.ike;
    msg.timeout = String(opts.timeoutMs ?? -1);
    if (opts.loglevel !== undefined) msg.loglevel = String(opts.loglevel);
    const r = await this.streamedRequest('initiate', 'control-log', msg);
    return { response: r.response, log: r.events };
  }
  async terminate(opts: { child?: string; ike?: string; force?: boolean; timeoutMs?: number }): Promise<{ response: ViciMessage; log: ViciMessage[] }> {
    const msg: ViciMessage = {};
    if (opts.child) msg.child = opts.child;
    if (opts.ike) msg.ike = opts.ike;
    if (opts.force) msg.force = 'yes';
    msg.timeout = String(opts.timeoutMs ?? -1);
    const r = await this.streamedRequest('terminate', 'control-log', msg);
    return { response: r.response, log: r.events };
  }
  async listSas(filter: { ike?: string } = {}): Promise<ViciMessage[]> {
    return (await this.streamedRequest('list-sas', 'list-sa', filter.ike ? { ike: filter.ike } : {})).events;
  }
  async listConns(): Promise<ViciMessage[]> {
    return (await this.streamedRequest('list-conns', 'list-conn')).events;
  }
  /** IKE message counters (counters plugin, strongSwan 5.9.6+ loaded by default on trixie). */
  getCounters(): Promise<ViciMessage> {
    return this.request('get-counters', { all: 'yes' });
  }
}
