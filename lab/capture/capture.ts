import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

import tar from 'tar-stream';

import { LabError } from '../docker/errors.js';
import { execIn } from '../docker/exec.js';
import type { LabEngine } from '../engine/lab-engine.js';
/** The router's WAN interfaces: `left` faces gw-left, `right` faces gw-right; `any` is both. */
import { CAPTURE_INTERFACES, type CaptureInterface } from './interfaces.js';
import { type CapturedPacket, type CaptureSummary, decodePcap, summarize } from './pcap.js';

export { CAPTURE_INTERFACES, type CaptureInterface };

/** IKE, NAT-T and ESP: what passes between the gateways. */
export const DEFAULT_FILTER = 'udp port 500 or udp port 4500 or ip proto 50';

export interface CaptureOptions {
  interface?: CaptureInterface;
  /** A tcpdump (BPF) filter; default IKE, NAT-T and ESP. */
  filter?: string;
  /** Stop by itself after this many packets (default 200000). */
  maxPackets?: number;
}

export interface CaptureResult {
  /** The capture as a classic pcap file (link type Ethernet, or Linux cooked v2 for `any`). */
  pcap: Buffer;
  interface: CaptureInterface;
  filter: string;
  startedAt: number;
  stoppedAt: number;
  /** Interface index -> name in the router, for cooked captures. */
  ifNames: Record<number, string>;
  /** tcpdump's own closing lines (packets captured, dropped by the kernel). */
  tcpdump: string;
  packets(): CapturedPacket[];
  summary(): CaptureSummary;
}

export interface CaptureSession {
  readonly id: string;
  readonly interface: CaptureInterface;
  readonly startedAt: number;
  stop(): Promise<CaptureResult>;
}

const DIR = '/tmp/ipsec-lab-capture';

/**
 * Records the traffic between the gateways with tcpdump in the lab's router (it forwards every
 * packet between the two WANs), until `stop`, which hands back the pcap file's bytes.
 */
export async function startCapture(engine: LabEngine, opts: CaptureOptions = {}): Promise<CaptureSession> {
  const iface = opts.interface ?? 'any';
  if (!CAPTURE_INTERFACES.includes(iface))
    throw new LabError('invalid-settings', `capture interface "${iface}": expected left, right or any`);
  const router = engine.container('router');
  const lab = await engine.find();
  if (!lab) throw new LabError('lab-not-found', `no lab "${engine.name}" is running`, 'start one with `ipsec-lab up`');
  // "any" also sees the router's Docker interface, which carries the lab links as VXLAN (UDP 4789):
  // copies of the same packets, encapsulated. Only the lab's own WAN interfaces count.
  let filter = opts.filter?.trim() || DEFAULT_FILTER;
  if (iface === 'any') filter = `(${filter}) and not udp port 4789`;
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const file = `${DIR}/${id}.pcap`;
  const script = [
    `mkdir -p ${DIR}`,
    `tcpdump -Z root -i ${iface} -n -U --immediate-mode -s 0 -c ${opts.maxPackets ?? 200000} -w ${file} ${shellQuote(filter)} </dev/null >/dev/null 2>${DIR}/${id}.log &`,
    `echo $! > ${DIR}/${id}.pid`,
  ].join('\n');
  // The exec ends at once and tcpdump runs on in the router; a detached exec would keep a
  // hijacked connection to the engine open, and with it this process.
  await execIn(engine.docker, router, ['sh', '-c', script]);
  // tcpdump says "listening on" once its socket is open: from then on nothing is missed.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await execIn(engine.docker, router, ['sh', '-c', `cat ${DIR}/${id}.log 2>/dev/null`]);
    if (/listening on/.test(r.stdout)) break;
    if (/tcpdump: /.test(r.stdout) && !/WARNING/.test(r.stdout))
      throw new Error(`tcpdump in the router failed: ${r.stdout.trim()}`);
    if (Date.now() > deadline)
      throw new Error(`tcpdump in the router did not start within 10 s: ${r.stdout.trim() || 'no output'}`);
    await sleep(100);
  }
  const startedAt = Date.now();
  let stopped: Promise<CaptureResult> | undefined;
  return {
    id,
    interface: iface,
    startedAt,
    stop: () => (stopped ??= stopCapture(engine, router, id, file, iface, filter, startedAt)),
  };
}

async function stopCapture(
  engine: LabEngine,
  router: string,
  id: string,
  file: string,
  iface: CaptureInterface,
  filter: string,
  startedAt: number,
): Promise<CaptureResult> {
  // SIGINT: tcpdump flushes, prints its counts and exits.
  await execIn(engine.docker, router, [
    'sh',
    '-c',
    `kill -INT $(cat ${DIR}/${id}.pid) 2>/dev/null; for i in $(seq 50); do kill -0 $(cat ${DIR}/${id}.pid) 2>/dev/null || exit 0; sleep 0.1; done; kill -9 $(cat ${DIR}/${id}.pid) 2>/dev/null; true`,
  ]);
  const stoppedAt = Date.now();
  const pcap = await copyOut(engine, router, file);
  const log = await execIn(engine.docker, router, ['cat', `${DIR}/${id}.log`]);
  const links = await execIn(engine.docker, router, ['ip', '-o', 'link']);
  await execIn(engine.docker, router, ['rm', '-f', file, `${DIR}/${id}.log`, `${DIR}/${id}.pid`]);
  const ifNames: Record<number, string> = {};
  for (const m of links.stdout.matchAll(/^(\d+): ([^:@\s]+)/gm)) ifNames[Number(m[1])] = m[2];
  let decoded: CapturedPacket[] | undefined;
  const packets = () => (decoded ??= decodePcap(pcap, { ifNames }));
  return {
    pcap,
    interface: iface,
    filter,
    startedAt,
    stoppedAt,
    ifNames,
    tcpdump: log.stdout
      .split('\n')
      .filter((l) => /packets? (captured|received|dropped)/.test(l))
      .join('\n'),
    packets,
    summary: () => summarize(packets()),
  };
}

/** Copies one file out of a container through the engine's archive API (works with remote engines). */
export async function copyOut(engine: LabEngine, container: string, file: string): Promise<Buffer> {
  const stream = (await engine.docker.getContainer(container).getArchive({ path: file })) as NodeJS.ReadableStream;
  const extract = tar.extract();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (_header, entry, next) => {
      entry.on('data', (c: unknown) => chunks.push(c as Buffer));
      entry.on('end', next);
      entry.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract);
  });
  return Buffer.concat(chunks);
}

/** Captures for a number of seconds and writes the pcap file. */
export async function captureToFile(
  engine: LabEngine,
  out: string,
  opts: CaptureOptions & { seconds: number; onStart?: () => void },
): Promise<CaptureResult> {
  const session = await startCapture(engine, opts);
  opts.onStart?.();
  await sleep(opts.seconds * 1000);
  const result = await session.stop();
  await writeFile(out, result.pcap);
  return result;
}

/** Whether tshark is installed on this machine (the tests and users may cross-check with it). */
export function tsharkAvailable(): Promise<boolean> {
  return new Promise((resolve) => execFile('tshark', ['--version'], { timeout: 10_000 }, (err) => resolve(!err)));
}

/** tshark's one-line-per-packet reading of a pcap file (needs tshark installed). */
export function tsharkRead(file: string, fields: string[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const args = ['-r', file, '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])];
    execFile('tshark', args, { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err)
        reject(
          new Error(
            (err as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'tshark is needed to read this with tshark (apt-get install tshark); `ipsec-lab capture --read` reads IKE/ESP without it'
              : `tshark failed: ${stderr.trim() || err.message}`,
          ),
        );
      else
        resolve(
          stdout
            .split('\n')
            .filter((l) => l.length)
            .map((l) => l.split('\t')),
        );
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
