import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import {
  encodePacket,
  type Packet,
  PacketReader,
  PacketType,
  ViciClient,
  ViciCommandError,
  ViciConnectionError,
  type ViciMessage,
  ViciProtocolError,
} from '../../lab/vici/index.js';
import { fakeCharon, type Script } from './fake-charon.js';

const ok = (message: ViciMessage = {}): Packet => ({ type: PacketType.CmdResponse, message });
const ev = (name: string, message: ViciMessage): Packet => ({ type: PacketType.Event, name, message });
const confirm: Packet = { type: PacketType.EventConfirm };

/** Confirms every (un)registration, lists one SA per list-sas, and otherwise answers `rest`. */
function charonScript(rest: Script = () => [ok()]): Script {
  let listed = 0;
  return (p) => {
    if (p.type === PacketType.EventRegister || p.type === PacketType.EventUnregister) return [confirm];
    if (p.name === 'list-sas') {
      listed++;
      return [ev('list-sa', { [`ike${listed}`]: { uniqueid: String(listed), state: 'ESTABLISHED' } }), ok()];
    }
    if (p.name === 'list-conns') return [ev('list-conn', { lab: { version: 'IKEv2' } }), ok()];
    return rest(p);
  };
}

const clients: ViciClient[] = [];
function connect(...args: Parameters<typeof fakeCharon>) {
  const charon = fakeCharon(...args);
  const client = new ViciClient(charon.stream);
  clients.push(client);
  return { charon, client };
}
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

const registrations = (received: Packet[], event: string) =>
  received
    .filter((p) => (p.type === PacketType.EventRegister || p.type === PacketType.EventUnregister) && p.name === event)
    .map((p) => (p.type === PacketType.EventRegister ? 'register' : 'unregister'));

describe('VICI client: streamed commands', () => {
  for (const dribble of [false, true]) {
    it(`gives concurrent streamed commands only their own events${dribble ? ', byte by byte' : ''}`, async () => {
      const { charon, client } = connect(charonScript(), { dribble });
      const [first, second, conns] = await Promise.all([client.listSas(), client.listSas(), client.listConns()]);
      expect(first).toEqual([{ ike1: { uniqueid: '1', state: 'ESTABLISHED' } }]);
      expect(second).toEqual([{ ike2: { uniqueid: '2', state: 'ESTABLISHED' } }]);
      expect(conns).toEqual([{ lab: { version: 'IKEv2' } }]);
      // One registration shared by both list-sas, dropped after the last.
      expect(registrations(charon.received, 'list-sa')).toEqual(['register', 'unregister']);
    });
  }

  it('returns the control-log of initiate, and keeps it on the error when initiate fails', async () => {
    let fail = false;
    const { charon, client } = connect(
      charonScript((p) => {
        if (p.name !== 'initiate') return [ok()];
        const log = [
          ev('control-log', { group: 'IKE', level: '1', msg: 'initiating IKE_SA lab[1]' }),
          ev('control-log', { group: 'IKE', level: '1', msg: 'received AUTHENTICATION_FAILED notify' }),
        ];
        return [
          ...log,
          ok(fail ? { success: 'no', errmsg: "establishing CHILD_SA 'net' failed" } : { success: 'yes' }),
        ];
      }),
    );
    const r = await client.initiate({ child: 'net', ike: 'lab', timeout: 5000, loglevel: 1 });
    expect(r.response).toEqual({ success: 'yes' });
    expect(r.log.map((l) => l.msg)).toEqual(['initiating IKE_SA lab[1]', 'received AUTHENTICATION_FAILED notify']);
    expect(charon.received.find((p) => p.name === 'initiate')?.message).toEqual({
      child: 'net',
      ike: 'lab',
      timeout: '5000',
      loglevel: '1',
    });

    fail = true;
    const err = await client.initiate({ child: 'net', timeout: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ViciCommandError);
    expect(err).toMatchObject({ command: 'initiate', errmsg: "establishing CHILD_SA 'net' failed" });
    expect((err as ViciCommandError).events).toHaveLength(2);
    expect(registrations(charon.received, 'control-log')).toEqual(['register', 'unregister', 'register', 'unregister']);
  });
});

describe('VICI client: events', () => {
  it('delivers events around responses, including one in the same chunk as the confirm', async () => {
    const { client } = connect((p) => {
      if (p.type === PacketType.EventRegister) return [confirm, ev('log', { msg: 'right after the confirm' })];
      if (p.name === 'version')
        return [ev('log', { msg: 'before' }), ok({ version: '6.0.1' }), ev('log', { msg: 'after' })];
      return [ok()];
    });
    const seen: string[] = [];
    await client.subscribe('log', (m) => seen.push(String(m.msg)));
    expect((await client.version()).version).toBe('6.0.1');
    await client.stats();
    expect(seen).toEqual(['right after the confirm', 'before', 'after']);
  });

  it('unregisters only when the last subscriber of an event leaves', async () => {
    const { charon, client } = connect(charonScript());
    const seen: string[] = [];
    const offA = await client.subscribe('ike-updown', () => seen.push('a'));
    const offB = await client.subscribe('ike-updown', () => seen.push('b'));
    charon.send(encodePacket(ev('ike-updown', { up: 'yes' })));
    await client.version();
    await offA();
    await offA();
    expect(registrations(charon.received, 'ike-updown')).toEqual(['register']);
    charon.send(encodePacket(ev('ike-updown', {})));
    await client.version();
    await offB();
    expect(registrations(charon.received, 'ike-updown')).toEqual(['register', 'unregister']);
    expect(seen).toEqual(['a', 'b', 'b']);
  });

  it('keeps the session when a handler throws, and reports it', async () => {
    const { charon, client } = connect(charonScript());
    const reported: unknown[][] = [];
    client.on('handler-error', (...args: unknown[]) => reported.push(args));
    const seen: string[] = [];
    await client.subscribe('child-updown', () => {
      throw new Error('handler bug');
    });
    await client.subscribe('child-updown', (m) => seen.push(String(m.up)));
    charon.send(encodePacket(ev('child-updown', { up: 'yes' })));
    await client.version();
    expect(seen).toEqual(['yes']);
    expect(reported).toEqual([[new Error('handler bug'), 'child-updown']]);
  });

  it('rejects a subscription to an event charon does not know, leaving no handler behind', async () => {
    const { charon, client } = connect((p) =>
      p.type === PacketType.EventRegister ? [{ type: PacketType.EventUnknown }] : [ok()],
    );
    let called = false;
    await expect(client.subscribe('no-such-event', () => (called = true))).rejects.toMatchObject({
      name: 'ViciCommandError',
      errmsg: 'unknown event',
    });
    charon.send(encodePacket(ev('no-such-event', {})));
    await client.version();
    expect(called).toBe(false);
  });
});

describe('VICI client: errors', () => {
  it('turns CMD_UNKNOWN and success = no into ViciCommandError', async () => {
    const { client } = connect((p) =>
      p.name === 'get-counters'
        ? [{ type: PacketType.CmdUnknown }]
        : [ok({ success: 'no', errmsg: 'unloading connection failed' })],
    );
    // strongSwan 5.9 without the counters plugin answers get-counters like this.
    await expect(client.getCounters()).rejects.toEqual(new ViciCommandError('get-counters', 'unknown command'));
    const err = await client.unloadConn('lab').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ViciCommandError);
    expect(err).toMatchObject({ command: 'unload-conn', errmsg: 'unloading connection failed' });
  });

  it('fails the session on garbage: pending requests get a ViciProtocolError, later ones too', async () => {
    const { charon, client } = connect(() => undefined);
    const closes: Error[] = [];
    client.on('close', (e: Error) => closes.push(e));
    const pending = client.version();
    charon.send(Buffer.from([0, 0, 0, 1, 99]));
    await expect(pending).rejects.toThrow(/unknown packet type 99/);
    await expect(pending).rejects.toBeInstanceOf(ViciProtocolError);
    expect(await client.closed).toBeInstanceOf(ViciProtocolError);
    await expect(client.stats()).rejects.toBeInstanceOf(ViciProtocolError);
    expect(closes).toHaveLength(1);
  });

  it('refuses a packet length over the limit without buffering it', async () => {
    const { charon, client } = connect(() => undefined);
    const pending = client.version();
    charon.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]));
    await expect(pending).rejects.toThrow(/exceeds the 16777216 byte limit/);
  });

  it('fails the session on a response nobody asked for', async () => {
    const { charon, client } = connect(() => undefined);
    charon.send(encodePacket(ok()));
    expect(await client.closed).toBeInstanceOf(ViciProtocolError);
  });

  it('rejects pending and queued requests with a ViciConnectionError when charon hangs up', async () => {
    const { charon, client } = connect(() => undefined);
    const inFlight = client.version();
    const queued = client.listSas();
    charon.hangUp();
    await expect(inFlight).rejects.toBeInstanceOf(ViciConnectionError);
    await expect(queued).rejects.toBeInstanceOf(ViciConnectionError);
    expect((await client.closed).message).toMatch(/closed by charon/);
  });

  it('rejects pending requests when the client closes', async () => {
    const { client } = connect(() => undefined);
    const pending = client.version();
    await client.close();
    await expect(pending).rejects.toThrow(/closed by the client/);
    await expect(client.version()).rejects.toBeInstanceOf(ViciConnectionError);
  });

  it('settles every request with a result or a VICI error, whatever bytes come back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), async (chunks) => {
        const { charon, client } = connect(() => undefined);
        const pending = client.request('version').then(
          () => null,
          (e: unknown) => e,
        );
        for (const c of chunks) charon.send(Buffer.from(c));
        charon.hangUp();
        const outcome = await pending;
        if (outcome !== null)
          expect([ViciProtocolError, ViciConnectionError, ViciCommandError].some((t) => outcome instanceof t)).toBe(
            true,
          );
        await client.closed;
      }),
      { numRuns: 200 },
    );
  });
});

describe('VICI client over a unix socket', () => {
  it('talks to a socket server like charon', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vici-'));
    const path = join(dir, 'charon.vici');
    const script = charonScript((p) => [ok({ daemon: 'charon', version: '6.0.1', echo: p.name ?? '' })]);
    const server = createServer((sock) => {
      const reader = new PacketReader();
      sock.on('data', (c: Buffer) => {
        for (const p of reader.push(c)) for (const out of script(p) ?? []) sock.write(encodePacket(out));
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const sock = createConnection(path);
      await new Promise((resolve) => sock.once('connect', resolve));
      const client = new ViciClient(sock);
      const [version, sas] = await Promise.all([client.version(), client.listSas()]);
      expect(version).toEqual({ daemon: 'charon', version: '6.0.1', echo: 'version' });
      expect(sas).toHaveLength(1);
      await client.close();
      expect((await client.closed).message).toMatch(/closed by the client/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
