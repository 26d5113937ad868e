import type Docker from 'dockerode';

import { execIn } from '../docker/exec.js';

export interface PingResult {
  from: string;
  to: string;
  transmitted: number;
  received: number;
  lossPercent: number;
  rttAvgMs?: number;
  /** Sequence numbers that got a reply, so a caller can see where loss happened. */
  replies: number[];
  output: string;
}

/** Parses iputils ping output. */
export function parsePing(output: string, from: string, to: string): PingResult {
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(output);
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(output);
  const replies = [...output.matchAll(/icmp_seq=(\d+) ttl=/g)].map((m) => Number(m[1]));
  const transmitted = stats ? Number(stats[1]) : 0;
  const received = stats ? Number(stats[2]) : 0;
  return {
    from,
    to,
    transmitted,
    received,
    lossPercent: transmitted ? Math.round((1000 * (transmitted - received)) / transmitted) / 10 : 100,
    rttAvgMs: rtt ? Number(rtt[1]) : undefined,
    replies,
    output,
  };
}

/** Pings from one box to an address: real ICMP through whatever the lab's path does to it. */
export async function ping(
  docker: Docker,
  container: string,
  from: string,
  to: string,
  opts: { count: number; intervalMs: number; timeoutS?: number; size?: number },
): Promise<PingResult> {
  const interval = Math.max(0.01, opts.intervalMs / 1000).toFixed(3);
  const cmd = ['ping', '-n', '-c', String(opts.count), '-i', interval, '-W', String(opts.timeoutS ?? 1)];
  if (opts.size) cmd.push('-s', String(opts.size));
  cmd.push(to);
  const r = await execIn(docker, container, cmd, {
    timeoutMs: opts.count * opts.intervalMs + (opts.timeoutS ?? 1) * 1000 + 10_000,
  });
  return parsePing(r.stdout + r.stderr, from, to);
}
