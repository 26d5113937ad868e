import { PassThrough } from 'node:stream';

import type Docker from 'dockerode';

import { LabError } from '../docker/errors.js';
import type { Role } from '../topology/plan.js';

/** What lab-init (lab/image/lab-init.sh) prints once the box's links and routes are in place. */
const WIRED = /^lab-init: .* links up/m;
/** Enough of a box's first output to show why its wiring failed. */
const KEEP = 4096;

/**
 * Resolves once a started box has wired its lab links. A start returns as soon as the box's first
 * process runs, before lab-init has made the links: a LAN host started last would still be
 * unwired when `up` returns, and the first pings through it would be lost to its missing link.
 * Waits on the box's output (no polling); a box that exits first, or never gets there, fails with
 * what it printed.
 */
export async function waitForWiring(container: Docker.Container, role: Role, timeoutMs = 20_000): Promise<void> {
  const raw = await container.logs({ follow: true, stdout: true, stderr: true, since: 0 });
  const out = new PassThrough();
  container.modem.demuxStream(raw, out, out);
  let seen = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(notWired(role, `nothing after ${Math.round(timeoutMs / 1000)} s`, seen)),
        timeoutMs,
      );
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      out.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-KEEP);
        if (WIRED.test(seen)) done();
      });
      const ended = () => done(WIRED.test(seen) ? undefined : notWired(role, 'it stopped', seen));
      raw.on('end', ended);
      raw.on('close', ended);
      raw.on('error', (e: Error) => done(e));
    });
  } finally {
    (raw as { destroy?: () => void }).destroy?.();
  }
}

function notWired(role: Role, why: string, output: string): LabError {
  const tail = output.trim().split('\n').slice(-5).join(' | ');
  return new LabError(
    'lab-start-failed',
    `${role} did not wire its lab links (${why})${tail ? `: ${tail}` : ''}`,
    '`docker logs` of the box shows all it printed; `ipsec-lab doctor` checks the engine',
  );
}
