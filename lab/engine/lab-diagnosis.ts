import { ignoreRejection } from '../common/ignore.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { DiagnosisResult } from '../diagnosis/findings.js';
import { execIn } from '../docker/exec.js';
import { FAULTS_PATH, SETTINGS_PATH } from '../lifecycle/state-paths.js';
import { type Side, SIDES } from '../settings/types.js';
import { streamGatewayLog } from '../streams/log-stream.js';
import { gatewayRole } from '../topology/plan.js';
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

/** Both gateways' log lines Docker holds in a time window (unix seconds), read once, not followed. */
function readGatewayLogs(
  engine: LabHandle,
  window: { since?: number; until?: number },
  onLine: (side: Side, raw: string) => void,
): Promise<unknown> {
  return Promise.all(
    SIDES.map(
      (side) =>
        new Promise<void>((resolve, reject) => {
          streamGatewayLog(engine.docker, engine.container(gatewayRole(side)), side, {
            follow: false,
            ...window,
            onRecord: (r) => onLine(side, r.raw),
            onEnd: (err) => (err ? reject(err) : resolve()),
          }).catch(reject);
        }),
    ),
  );
}

/** How many lines each gateway logged before the lab last changed: the history a new watcher skips. */
export async function linesBeforeLastChange(engine: LabHandle): Promise<Record<Side, number>> {
  const until = await lastChange(engine);
  const out: Record<Side, number> = { left: 0, right: 0 };
  if (until !== undefined) await readGatewayLogs(engine, { until }, (side) => void out[side]++);
  return out;
}

/**
 * Diagnoses a running lab from another process (the CLI): both gateways' logs since the lab last
 * changed, two SA snapshots around a short ping (so datapath faults show in the counters), and
 * both gateways' settings for the pre-flight comparison.
 */
export async function diagnoseLab(
  engine: LabHandle,
  opts: { sinceS?: number; traffic?: boolean } = {},
): Promise<DiagnosisResult & { since?: number }> {
  const since = opts.sinceS !== undefined ? Math.floor(Date.now() / 1000) - opts.sinceS : await lastChange(engine);
  const lines: Record<Side, string[]> = { left: [], right: [] };
  await readGatewayLogs(engine, { since }, (side, raw) => lines[side].push(raw));
  const before = await Promise.all(SIDES.map((s) => engine.snapshot(s)));
  if (opts.traffic !== false)
    await engine
      .traffic({ count: 5, intervalMs: 100 })
      .catch(ignoreRejection('no traffic is evidence too: the counters say it'));
  const after = await Promise.all(SIDES.map((s) => engine.snapshot(s)));
  const snapshots = [...before, ...after].filter((s) => !s.error).map(toDiagnosisSnapshot);
  const result = await diagnose({
    logs: SIDES.map((side) => ({ source: side, side, lines: lines[side] })),
    snapshots,
    settings: await engine.settings(),
  });
  return { ...result, since };
}
