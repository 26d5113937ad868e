import { PassThrough } from 'node:stream';

import type Docker from 'dockerode';

import { ignoreRejection } from '../common/ignore.js';
import { execIn } from '../docker/exec.js';
import { LineSplitter } from '../streams/line-splitter.js';

/** One second (or so) of a continuous flow: what was sent, what came back. */
export interface FlowSample {
  time: number;
  sent: number;
  received: number;
  lossPercent: number;
  rttAvgMs?: number;
}

export interface FlowTotals {
  sent: number;
  received: number;
  lossPercent: number;
}

/**
 * A continuous ping from one box, reported per interval until stopped. iputils' -O reports each
 * unanswered request as it times out, so loss shows while the flow runs, not only at the end.
 */
export async function startFlow(
  docker: Docker,
  container: string,
  to: string,
  opts: { intervalMs: number; reportMs?: number; onSample: (s: FlowSample) => void },
): Promise<{ stop: () => Promise<FlowTotals> }> {
  const interval = Math.max(0.01, opts.intervalMs / 1000).toFixed(3);
  // `echo $$` then exec: the pid of ping, so stopping can end it inside the box (an exec's process
  // outlives the client that started it).
  const exec = await docker.getContainer(container).exec({
    Cmd: ['sh', '-c', `echo pid=$$; exec ping -n -O -W 1 -i ${interval} ${to}`],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  docker.modem.demuxStream(stream, out, out);
  let pid = '';
  let window = { sent: 0, received: 0, rtt: 0 };
  const totals = { sent: 0, received: 0 };
  const seen = new Set<number>();
  const splitter = new LineSplitter();
  out.on('data', (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) {
      const p = /^pid=(\d+)/.exec(line);
      if (p) pid = p[1];
      const reply = /icmp_seq=(\d+) ttl=\d+ time=([\d.]+)/.exec(line);
      const lost = /no answer yet for icmp_seq=(\d+)/.exec(line);
      const seq = Number((reply ?? lost)?.[1]);
      if ((!reply && !lost) || seen.has(seq)) continue;
      seen.add(seq);
      window.sent++;
      totals.sent++;
      if (reply) {
        window.received++;
        totals.received++;
        window.rtt += Number(reply[2]);
      }
    }
  });
  const timer = setInterval(() => {
    const w = window;
    window = { sent: 0, received: 0, rtt: 0 };
    opts.onSample({
      time: Date.now(),
      sent: w.sent,
      received: w.received,
      lossPercent: w.sent ? Math.round((1000 * (w.sent - w.received)) / w.sent) / 10 : 0,
      rttAvgMs: w.received ? Math.round((100 * w.rtt) / w.received) / 100 : undefined,
    });
  }, opts.reportMs ?? 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      if (pid)
        await execIn(docker, container, ['kill', pid]).catch(
          ignoreRejection('the flow process may have ended by itself'),
        );
      stream.destroy();
      return {
        sent: totals.sent,
        received: totals.received,
        lossPercent: totals.sent ? Math.round((1000 * (totals.sent - totals.received)) / totals.sent) / 10 : 0,
      };
    },
  };
}
