import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectDocker } from '../../lab/docker/connection.js';
import { ensureImage } from '../../lab/image/image.js';
import { ViciClient, ViciCommandError, type ViciMessage } from '../../lab/vici/index.js';
import { skipWithoutDocker } from '../support/docker-available.js';

const SOCKET = '/var/run/charon.vici';
const name = `vici-it-${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;

const docker = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });

/** A VICI session the way the engine gets one: socat on the socket, through `docker exec -i`. */
function openVici(): { client: ViciClient; proc: ChildProcess } {
  const proc = spawn('docker', ['exec', '-i', name, 'socat', 'STDIO', `UNIX-CONNECT:${SOCKET}`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return { client: new ViciClient(Duplex.from({ readable: proc.stdout!, writable: proc.stdin! })), proc };
}

async function waitForSocket(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      docker('exec', name, 'test', '-S', SOCKET);
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(
          `charon's ${SOCKET} did not appear in ${name} within ${timeoutMs} ms: ${docker('logs', '--tail', '20', name)}`,
          { cause: e },
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe.skipIf(skipWithoutDocker('VICI against a real charon'))(
  'VICI client against charon 6.0.1 in a container',
  () => {
    let client: ViciClient;
    let proc: ChildProcess;

    beforeAll(async () => {
      // The lab's own gateway image (built on first use), with no network: only VICI is exercised.
      const image = await ensureImage(connectDocker().docker, 'trixie');
      docker(
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--cap-add',
        'NET_ADMIN',
        '--label',
        'ipsec-lab.test=vici',
        image,
        '/usr/sbin/charon-systemd',
      );
      await waitForSocket(30_000);
      ({ client, proc } = openVici());
    });

    afterAll(async () => {
      await client?.close();
      proc?.kill();
      try {
        docker('rm', '-f', name);
      } catch {
        // Nothing to remove when `docker run` itself failed.
      }
    });

    it('reports its version', async () => {
      const v = await client.version();
      expect(v.daemon).toBe('charon-systemd');
      expect(v.version).toMatch(/^6\.0\./);
      expect(v.sysname).toBe('Linux');
    });

    it('loads a connection and lists it back, then unloads it', async () => {
      const conn: ViciMessage = {
        version: '2',
        local_addrs: ['192.0.2.1'],
        remote_addrs: ['192.0.2.2'],
        proposals: ['aes256-sha256-modp2048'],
        local: { auth: 'psk', id: 'left.lab' },
        remote: { auth: 'psk', id: 'right.lab' },
        children: {
          net: { local_ts: ['10.1.0.0/24'], remote_ts: ['10.2.0.0/24'], mode: 'tunnel', start_action: 'none' },
        },
      };
      expect(await client.loadConn('vici-it', conn)).toEqual({ success: 'yes' });
      const conns = await client.listConns({ ike: 'vici-it' });
      expect(conns).toHaveLength(1);
      const listed = conns[0]['vici-it'] as ViciMessage;
      expect(listed.local_addrs).toEqual(['192.0.2.1']);
      expect(listed.remote_addrs).toEqual(['192.0.2.2']);
      expect(listed.version).toBe('IKEv2');
      // charon lists auth rounds as local-1/remote-1, and children with dashes and upper-case modes.
      expect((listed['local-1'] as ViciMessage).id).toBe('left.lab');
      const child = (listed.children as ViciMessage).net as ViciMessage;
      expect(child).toMatchObject({ mode: 'TUNNEL', 'local-ts': ['10.1.0.0/24'], 'remote-ts': ['10.2.0.0/24'] });

      await client.unloadConn('vici-it');
      expect(await client.listConns({ ike: 'vici-it' })).toEqual([]);
    });

    it('loads and unloads a shared secret', async () => {
      expect(
        await client.loadShared({
          id: 'ike-vici-it',
          type: 'IKE',
          data: 'not-a-real-secret',
          owners: ['left.lab', 'right.lab'],
        }),
      ).toEqual({ success: 'yes' });
      expect(await client.unloadShared('ike-vici-it')).toEqual({ success: 'yes' });
    });

    it('turns a failing command into ViciCommandError, and an unknown one too', async () => {
      const err = await client.initiate({ child: 'no-such-child', timeout: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ViciCommandError);
      expect(err).toMatchObject({ command: 'initiate', errmsg: "CHILD_SA config 'no-such-child' not found" });
      await expect(client.request('no-such-command')).rejects.toEqual(
        new ViciCommandError('no-such-command', 'unknown command'),
      );
      await expect(client.subscribe('no-such-event', () => {})).rejects.toMatchObject({ errmsg: 'unknown event' });
      // The session survives command errors.
      expect((await client.version()).daemon).toBe('charon-systemd');
    });

    it('answers stats, counters and an empty SA list', async () => {
      const stats = await client.stats();
      expect(stats.plugins).toContain('vici');
      // Global counters sit under the empty name; `all` lists connections only (none loaded here).
      const global = (await client.getCounters()).counters as ViciMessage;
      expect(Object.keys(global)).toEqual(['']);
      expect((global[''] as ViciMessage)['ike-init-out-req']).toMatch(/^\d+$/);
      expect((await client.getCounters({ all: true })).counters).toEqual({});
      expect(await client.listSas()).toEqual([]);
    });

    it('streams log events to a subscriber while another session works', async () => {
      const logs: ViciMessage[] = [];
      const unsubscribe = await client.subscribe('log', (m) => logs.push(m));
      // An initiate towards nowhere makes charon log; it runs on a second session, since log events
      // are for every registered client, not only the one that caused them.
      const other = openVici();
      try {
        await other.client.loadConn('vici-log', {
          local_addrs: ['127.0.0.1'],
          remote_addrs: ['127.0.0.2'],
          local: { auth: 'psk' },
          remote: { auth: 'psk' },
          children: { net: { start_action: 'none' } },
        });
        await other.client.initiate({ child: 'net', ike: 'vici-log', timeout: -1 });
        const deadline = Date.now() + 10_000;
        while (!logs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      } finally {
        await other.client.close();
        other.proc.kill();
      }
      await unsubscribe();
      expect(logs.length).toBeGreaterThan(0);
      // README says "ikesa-uniqued"; charon sends "ikesa-uniqueid".
      expect(logs[0]).toMatchObject({
        group: expect.any(String),
        level: expect.stringMatching(/^\d$/),
        msg: expect.any(String),
      });
      expect(logs.some((l) => 'ikesa-uniqueid' in l)).toBe(true);
    });

    it('tells its owner when the stream ends', async () => {
      const s = openVici();
      expect((await s.client.version()).daemon).toBe('charon-systemd');
      s.proc.kill();
      const reason = await s.client.closed;
      expect(reason.name).toBe('ViciConnectionError');
      await expect(s.client.version()).rejects.toThrow(/VICI connection/);
    });
  },
);
