import { ignoreRejection } from '../common/ignore.js';
import { decideAll } from '../diagnosis/deciding.js';
import type { DiagnosisResult } from '../diagnosis/findings.js';
import { LiveDiagnosis } from '../diagnosis/live.js';
import { preflight } from '../diagnosis/preflight.js';
import { LISTING_LAG_S } from '../diagnosis/rules/datapath.js';
import { execIn } from '../docker/exec.js';
import { FAULTS_PATH, SETTINGS_PATH } from '../lifecycle/state-paths.js';
import { type Side, SIDES } from '../settings/types.js';
import { parseCharonLine } from '../streams/log-record.js';
import { gatewayRole } from '../topology/plan.js';
import { parseMark } from './change-marks.js';
import { runDecidingCheck } from './deciding-checks.js';
import { toDiagnosisSnapshot } from './diagnosis-feed.js';
import type { LabHandle } from './lab-handle.js';

/** When the lab last changed (settings applied, fault applied or fixed): its state files' mtime. */
async function lastChange(engine: LabHandle): Promise<number | undefined> {
  const r = await execIn(engine.docker, engine.container('router'), [
    'sh',
    '-c',
    `stat -c %Y ${SETTINGS_PATH} ${FAULTS_PATH} 2>/dev/null`,
  ]);
  const times = r.stdout.split('\n').filter(Boolean).map(Number);
  return times.length ? Math.max(...times) : undefined;
}

/**
 * Docker's framed log buffer (8-byte headers: stream, 0, 0, 0, size) as text. Iterative: a log of
 * thousands of lines is thousands of frames (docker-modem's demuxStream recurses once per frame).
 */
function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && buf[i] <= 2 && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  // Not framed (a TTY box): the buffer is the text.
  return i === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

/**
 * Both gateways' log lines Docker holds in a time window (unix seconds), read once, not followed;
 * `seq` numbers lines as the followed stream does when the window starts at the log's beginning.
 */
async function readGatewayLogs(
  engine: LabHandle,
  window: { since?: number; until?: number },
  onLine: (side: Side, raw: string, seq: number) => void,
): Promise<void> {
  await Promise.all(
    SIDES.map(async (side) => {
      const raw = (await engine.docker.getContainer(engine.container(gatewayRole(side))).logs({
        follow: false,
        stdout: true,
        stderr: true,
        since: window.since ?? 0,
        ...(window.until !== undefined ? { until: window.until } : {}),
      })) as unknown as Buffer;
      const lines = demux(raw).split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      lines.forEach((line, i) => onLine(side, line.endsWith('\r') ? line.slice(0, -1) : line, i + 1));
    }),
  );
}

/**
 * Per gateway, the position of the lab's last change mark in its log (change-marks.ts): the lines
 * up to it are history (0 when the lab never changed since it started).
 */
export async function linesBeforeLastChange(engine: LabHandle): Promise<Record<Side, number>> {
  const out: Record<Side, number> = { left: 0, right: 0 };
  await readGatewayLogs(engine, {}, (side, raw, seq) => {
    if (raw.startsWith('ipsec-lab: change ') && parseMark(raw)?.kind === 'window') out[side] = seq;
  });
  return out;
}

/** A feed that begins to follow a running lab skips what happened before the lab's last change. */
export async function followFromLastChange(
  engine: LabHandle,
  feed: { skipHistory(lines: Record<Side, number>): void },
): Promise<void> {
  feed.skipHistory(
    (await linesBeforeLastChange(engine).catch(
      ignoreRejection('without the marks the whole log is judged, as for a lab that never changed'),
    )) ?? { left: 0, right: 0 },
  );
}

/**
 * Diagnoses a running lab from another process (the CLI): both gateways' logs since the lab last
 * changed (its last change mark), two SA snapshots around a short ping (so datapath faults show in
 * the counters, as growth between the two), and both gateways' settings for the pre-flight
 * comparison. Without the ping, flat counters are an idle tunnel, not a fault. Where the evidence
 * leaves two causes, the lab runs the deciding check the live view runs (deciding-checks.ts, through
 * the same step, decideAll) and the finding says what ran and what it saw.
 */
export async function diagnoseLab(
  engine: LabHandle,
  opts: { sinceS?: number; traffic?: boolean } = {},
): Promise<DiagnosisResult & { since?: number }> {
  const since = opts.sinceS !== undefined ? Math.floor(Date.now() / 1000) - opts.sinceS : undefined;
  const lines: Record<Side, { raw: string; seq: number }[]> = { left: [], right: [] };
  await readGatewayLogs(engine, { since }, (side, raw, seq) => {
    // A change mark ends what came before it: the lab was another lab then.
    if (since === undefined && raw.startsWith('ipsec-lab: change ') && parseMark(raw)?.kind === 'window')
      lines[side] = [];
    else lines[side].push({ raw, seq });
  });
  const live = new LiveDiagnosis();
  live.windowed = true;
  for (const side of SIDES)
    for (const l of lines[side])
      if (parseCharonLine(l.raw, side, l.seq).group !== 'LAB') live.pushLine(side, side, l.raw, l.seq);
  const before = await Promise.all(SIDES.map((s) => engine.snapshot(s)));
  live.trafficOffered = opts.traffic !== false;
  if (live.trafficOffered) {
    await engine
      .traffic({ count: 5, intervalMs: 100 })
      .catch(ignoreRejection('no traffic is evidence too: the counters say it'));
    // The ping is over: nothing is in flight, and the offered packets must show in the next listings.
    live.trafficSentBy = live.trafficDueBy = Date.now() / 1000;
    // The counter rules read a listing as the effect of traffic sent at least LISTING_LAG_S before it
    // (datapath.ts); listings read at once would be judged against the ones before the ping.
    await new Promise((r) => setTimeout(r, LISTING_LAG_S * 1000 + 100));
  }
  const after = await Promise.all(SIDES.map((s) => engine.snapshot(s)));
  for (const s of [...before, ...after]) if (!s.error) live.pushSnapshot(toDiagnosisSnapshot(s));
  live.addFindings(preflight(await engine.settings()));
  const decided = await decideAll(live.result(), (q, f) => runDecidingCheck(engine, q, f));
  return { ...decided, since: since ?? (await lastChange(engine).catch(ignoreRejection('informational only'))) };
}
