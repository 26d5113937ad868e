import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type Docker from 'dockerode';

import { ignoreRejection } from '../common/ignore.js';

/** What the engine's kernel can do for the lab, probed in a throwaway container. */
export interface KernelFeatures {
  /** The kernel can hold ESP SAs (else charon uses strongSwan's userspace libipsec over TUN). */
  kernelEsp: boolean;
  /** sch_netem exists (delay, jitter, duplication, reordering, corruption). */
  netem: boolean;
  /** tbf rate limiting exists. */
  tbf: boolean;
  /** nftables works (loss by random drop, port blocks, NAT). */
  nftables: boolean;
  /** /dev/net/tun can be handed to a container (libipsec needs it). */
  tun: boolean;
  /** VXLAN links (the lab's links between boxes). */
  vxlan: boolean;
  /** The raw output per check, for `doctor`. */
  details: Record<string, string>;
  engineId: string;
  kernelVersion: string;
}

// Each check prints "name=ok" or "name=fail: reason". No module loading is attempted: the probe
// must tell what the kernel has, not change it.
const PROBE_SCRIPT = `
check() { name=$1; shift; if out=$("$@" 2>&1); then echo "$name=ok"; else echo "$name=fail: $(echo $out | head -c 200)"; fi; }
check kernelEsp ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 mode tunnel enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128
check netem tc qdisc add dev lo root netem delay 1ms
tc qdisc del dev lo root 2>/dev/null
check tbf tc qdisc add dev lo root tbf rate 1mbit burst 32kbit latency 50ms
check nftables nft add table inet probe
check tun test -c /dev/net/tun
check vxlan ip link add probe-vx type vxlan id 9 remote 192.0.2.1 dstport 4789
`;

function cacheFile(engineId: string): string {
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ipsec-lab');
  return path.join(dir, `kernel-${engineId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

const memo = new Map<string, KernelFeatures>();

/**
 * Probes once per engine (the result is cached on disk per engine id and kernel version). The image
 * may still be on its way (`up` looks it up meanwhile): only a probe that runs waits for it.
 */
export async function probeKernel(
  docker: Docker,
  image: string | Promise<string>,
  opts: { fresh?: boolean } = {},
): Promise<KernelFeatures> {
  const info = await docker.info();
  const engineId = `${info.ID ?? info.Name}-${info.KernelVersion}`;
  if (!opts.fresh) {
    const cached = memo.get(engineId);
    if (cached) return cached;
    try {
      const f = JSON.parse(readFileSync(cacheFile(engineId), 'utf8')) as KernelFeatures;
      memo.set(engineId, f);
      return f;
    } catch {
      /* not probed yet */
    }
  }
  const probeImage = await image;
  const container = await docker
    .createContainer({
      Image: probeImage,
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: [PROBE_SCRIPT],
      Labels: { 'ipsec-lab.probe': '1' },
      HostConfig: {
        NetworkMode: 'none',
        CapAdd: ['NET_ADMIN'],
        Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
        AutoRemove: false,
      },
    })
    .catch(async (e: Error) => {
      // An engine without /dev/net/tun refuses the device mapping itself.
      if (!/tun/.test(e.message)) throw e;
      return docker.createContainer({
        Image: probeImage,
        Entrypoint: ['/bin/sh', '-c'],
        Cmd: [PROBE_SCRIPT],
        Labels: { 'ipsec-lab.probe': '1' },
        HostConfig: { NetworkMode: 'none', CapAdd: ['NET_ADMIN'] },
      });
    });
  let output: string;
  try {
    await container.start();
    await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    output = demuxToText(logs);
  } finally {
    await container.remove({ force: true }).catch(ignoreRejection('the probe container removes itself'));
  }
  const details: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m) details[m[1]] = m[2];
  }
  const ok = (k: string) => details[k] === 'ok';
  const features: KernelFeatures = {
    kernelEsp: ok('kernelEsp'),
    netem: ok('netem'),
    tbf: ok('tbf'),
    nftables: ok('nftables'),
    tun: ok('tun'),
    vxlan: ok('vxlan'),
    details,
    engineId,
    kernelVersion: String(info.KernelVersion ?? ''),
  };
  memo.set(engineId, features);
  try {
    mkdirSync(path.dirname(cacheFile(engineId)), { recursive: true });
    writeFileSync(cacheFile(engineId), JSON.stringify(features, null, 2));
  } catch {
    /* a read-only home only costs a new probe next time */
  }
  return features;
}

/** Docker's non-TTY log buffer: 8-byte frame headers before each chunk. */
export function demuxToText(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  return out;
}
