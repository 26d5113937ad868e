import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

import { ignoreRejection } from '../common/ignore.js';
import {
  encodePacket,
  type Packet,
  PacketReader,
  PacketType,
  type ViciMessage,
  ViciProtocolError,
} from './encoding.js';

export class ViciCommandError extends Error {
  /** For a streamed command (initiate, terminate): the events it streamed before failing. */
  events: ViciMessage[] = [];
  constructor(
    readonly command: string,
    readonly errmsg: string,
  ) {
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
  resolve: (p: Packet) => void;
  reject: (e: Error) => void;
  /** A streamed command: events of this name belong to it while it is in flight. */
  collect?: { event: string; events: ViciMessage[] };
}

interface Registration {
  refs: number;
  ready: Promise<void>;
}

export type ViciEventHandler = (msg: ViciMessage) => void;

/**
 * A VICI session over any byte stream. VICI has no sequence numbers: charon answers requests in
 * order and may raise events between them at any time, so requests are written one at a time and
 * every non-event packet answers the one in flight.
 *
 * Emits 'close' (with the error that ended it) once, and 'handler-error' (error, event) when an
 * event handler throws: a handler must not be able to break the session for everyone else.
 */
export class ViciClient extends EventEmitter {
  /** Resolves with the reason when the stream has ended or failed; never rejects. */
  readonly closed: Promise<Error>;
  private reader = new PacketReader();
  private queue: Array<{ packet: Packet; pending: Pending }> = [];
  private inFlight: Pending | null = null;
  private handlers = new Map<string, Set<ViciEventHandler>>();
  private registrations = new Map<string, Registration>();
  private ended: Error | null = null;
  private markClosed!: (e: Error) => void;

  constructor(private readonly stream: Duplex) {
    super();
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

  /** Why the session ended, or null while it is open. */
  get endedBy(): Error | null {
    return this.ended;
  }

  private dispatch(p: Packet) {
    if (this.ended) return;
    if (p.type === PacketType.Event) {
      const name = p.name ?? '';
      const msg = p.message ?? {};
      const collect = this.inFlight?.collect;
      if (collect?.event === name) collect.events.push(msg);
      for (const h of [...(this.handlers.get(name) ?? [])]) {
        try {
          h(msg);
        } catch (e) {
          this.emit('handler-error', e, name);
        }
      }
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
    this.handlers.clear();
    this.registrations.clear();
    this.stream.destroy();
    this.markClosed(e);
    this.emit('close', e);
  }

  private pump() {
    if (this.inFlight || !this.queue.length || this.ended) return;
    const next = this.queue.shift()!;
    this.inFlight = next.pending;
    this.stream.write(encodePacket(next.packet));
  }

  private send(packet: Packet, collect?: Pending['collect']): Promise<Packet> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.queue.push({ packet, pending: { resolve, reject, collect } });
      this.pump();
    });
  }

  private static commandResult(command: string, p: Packet): ViciMessage {
    if (p.type === PacketType.CmdUnknown) throw new ViciCommandError(command, 'unknown command');
    if (p.type !== PacketType.CmdResponse) throw new ViciProtocolError(`${command}: unexpected answer type ${p.type}`);
    const msg = p.message ?? {};
    if (msg.success === 'no')
      throw new ViciCommandError(command, typeof msg.errmsg === 'string' ? msg.errmsg : 'failed');
    return msg;
  }

  /** Sends a command and returns its response; `success = no` becomes a ViciCommandError. */
  async request(command: string, message: ViciMessage = {}): Promise<ViciMessage> {
    return ViciClient.commandResult(command, await this.send({ type: PacketType.CmdRequest, name: command, message }));
  }

  private async register(event: string, on: boolean): Promise<void> {
    const p = await this.send({ type: on ? PacketType.EventRegister : PacketType.EventUnregister, name: event });
    if (p.type === PacketType.EventUnknown)
      throw new ViciCommandError(`${on ? '' : 'un'}register ${event}`, 'unknown event');
    if (p.type !== PacketType.EventConfirm)
      throw new ViciProtocolError(`${on ? '' : 'un'}register ${event}: unexpected answer type ${p.type}`);
  }

  /**
   * charon keeps one registration per event and connection, while subscribers and streamed
   * commands come and go independently: count them, and register/unregister on the edges. The
   * queue keeps an unregister and a following register in order.
   */
  private async acquire(event: string): Promise<void> {
    let r = this.registrations.get(event);
    if (!r) {
      r = { refs: 0, ready: this.register(event, true) };
      this.registrations.set(event, r);
    }
    r.refs++;
    try {
      await r.ready;
    } catch (e) {
      if (this.registrations.get(event) === r) this.registrations.delete(event);
      throw e;
    }
  }

  private async release(event: string): Promise<void> {
    const r = this.registrations.get(event);
    if (!r || --r.refs > 0) return;
    this.registrations.delete(event);
    if (this.ended) return;
    try {
      await this.register(event, false);
    } catch (e) {
      // Once the session is gone there is nothing left to unregister from.
      if (!(e instanceof ViciConnectionError)) throw e;
    }
  }

  /** Streams an event to `handler` until the returned unsubscribe is called. */
  async subscribe(event: string, handler: ViciEventHandler): Promise<() => Promise<void>> {
    // A wrapper, so subscribing the same function twice gives two independent subscriptions.
    const own: ViciEventHandler = (m) => handler(m);
    const drop = () => {
      const s = this.handlers.get(event);
      s?.delete(own);
      if (s && !s.size) this.handlers.delete(event);
    };
    // Listening before the confirm arrives: an event in the same chunk as the confirm is
    // dispatched before this function resumes, and must not be lost.
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(own);
    try {
      await this.acquire(event);
    } catch (e) {
      drop();
      throw e;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      drop();
      await this.release(event);
    };
  }

  /**
   * A command that streams its results as events (list-sas -> list-sa, list-conns -> list-conn,
   * initiate -> control-log). Only events arriving while this command is in flight are its own, so
   * concurrent streamed commands of the same event never see each other's results.
   */
  async streamedRequest(
    command: string,
    event: string,
    message: ViciMessage = {},
  ): Promise<{ response: ViciMessage; events: ViciMessage[] }> {
    await this.acquire(event);
    const collect = { event, events: [] as ViciMessage[] };
    try {
      const p = await this.send({ type: PacketType.CmdRequest, name: command, message }, collect);
      try {
        return { response: ViciClient.commandResult(command, p), events: collect.events };
      } catch (e) {
        // A failed initiate is explained by its control-log; keep it with the error.
        if (e instanceof ViciCommandError) e.events = collect.events;
        throw e;
      }
    } finally {
      await this.release(event).catch(ignoreRejection('the event registration dies with a closed connection'));
    }
  }

  /** Ends the session; pending requests reject with a ViciConnectionError. */
  close(): Promise<Error> {
    if (!this.ended) {
      this.stream.end();
      this.fail(new ViciConnectionError('VICI connection closed by the client'));
    }
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
  /** `id` names the secret so unload-shared can remove it (strongSwan 5.8+). */
  loadShared(s: {
    id?: string;
    type: 'IKE' | 'EAP' | 'XAUTH' | 'NTLM' | 'PPK';
    data: string;
    owners: string[];
  }): Promise<ViciMessage> {
    const msg: ViciMessage = {};
    if (s.id) msg.id = s.id;
    msg.type = s.type;
    msg.data = s.data;
    msg.owners = s.owners;
    return this.request('load-shared', msg);
  }
  unloadShared(id: string): Promise<ViciMessage> {
    return this.request('unload-shared', { id });
  }
  /**
   * Initiates and returns charon's control-log with the response (on failure, on the error's
   * `events`). `timeout` is VICI's, in ms: 0 waits for the outcome, -1 (the default here) returns
   * at once. `timeoutMs` is the same, for older callers.
   */
  async initiate(opts: {
    child?: string;
    ike?: string;
    timeout?: number;
    timeoutMs?: number;
    loglevel?: number;
  }): Promise<{ response: ViciMessage; log: ViciMessage[] }> {
    const r = await this.streamedRequest('initiate', 'control-log', controlMessage(opts));
    return { response: r.response, log: r.events };
  }
  /** Terminates by configuration name; like initiate, with charon's control-log. */
  async terminate(opts: {
    child?: string;
    ike?: string;
    force?: boolean;
    timeout?: number;
    timeoutMs?: number;
    loglevel?: number;
  }): Promise<{ response: ViciMessage; log: ViciMessage[] }> {
    const msg = controlMessage(opts);
    if (opts.force) msg.force = 'yes';
    const r = await this.streamedRequest('terminate', 'control-log', msg);
    return { response: r.response, log: r.events };
  }
  /** The raw list-sa events (one IKE_SA each); parseListSas types them. */
  async listSas(filter: { ike?: string } = {}): Promise<ViciMessage[]> {
    return (await this.streamedRequest('list-sas', 'list-sa', filter.ike ? { ike: filter.ike } : {})).events;
  }
  /** The raw list-conn events (one connection each). */
  async listConns(filter: { ike?: string } = {}): Promise<ViciMessage[]> {
    return (await this.streamedRequest('list-conns', 'list-conn', filter.ike ? { ike: filter.ike } : {})).events;
  }
  /**
   * IKE message counters of the counters plugin (strongSwan 5.9.6+, loaded on trixie), under
   * `counters`: by default the global ones (keyed by the empty name), one connection's with `name`,
   * every connection's (without the global ones) with `all`. Without the plugin charon answers
   * CMD_UNKNOWN, which surfaces as a ViciCommandError.
   */
  getCounters(opts: { name?: string; all?: boolean } = {}): Promise<ViciMessage> {
    const msg: ViciMessage = {};
    if (opts.name) msg.name = opts.name;
    if (opts.all) msg.all = 'yes';
    return this.request('get-counters', msg);
  }
}

function controlMessage(opts: {
  child?: string;
  ike?: string;
  timeout?: number;
  timeoutMs?: number;
  loglevel?: number;
}): ViciMessage {
  const msg: ViciMessage = {};
  if (opts.child) msg.child = opts.child;
  if (opts.ike) msg.ike = opts.ike;
  msg.timeout = String(opts.timeout ?? opts.timeoutMs ?? -1);
  if (opts.loglevel !== undefined) msg.loglevel = String(opts.loglevel);
  return msg;
}
