import { ignoreRejection } from '../common/ignore.js';
import { type Side, SIDES } from '../settings/types.js';
import type { LogRecord } from '../streams/log-record.js';
import { streamGatewayLog } from '../streams/log-stream.js';
import { gatewayRole, gatewaySide, ROLES } from '../topology/plan.js';
import type { HealthEvent } from './health-monitor.js';
import { HealthMonitor } from './health-monitor.js';
import type { LabHandle } from './lab-handle.js';
import type { SaSnapshot } from './types.js';

/** Where a watch delivers what it sees: the engine owns the events and fires them from these. */
export interface WatchSinks {
  log(record: LogRecord): void;
  sas(snapshot: SaSnapshot): void;
  health(event: HealthEvent): void;
}

export interface WatchOptions {
  /** How often SAs are polled besides VICI's up/down/rekey events (ms). */
  intervalMs?: number;
  /** Stream the charons' logs too (default yes). */
  logs?: boolean;
}

/**
 * Streams both charons' logs as records and their SAs as snapshots (every second and on every
 * IKE/CHILD up, down or rekey event), and watches the engine and the boxes (`health`). Log
 * streams resume where they stopped when a gateway or the engine comes back. Returns a stop
 * function; `close` stops everything.
 */
export async function watchLab(lab: LabHandle, opts: WatchOptions, sink: WatchSinks): Promise<() => void> {
  const stops: Array<() => void> = [];
  let stopped = false;
  const lastSeq: Record<Side, number> = { left: 0, right: 0 };
  const logStops: Partial<Record<Side, () => void>> = {};
  const openLog = async (side: Side) => {
    if (stopped || opts.logs === false) return;
    logStops[side]?.();
    try {
      logStops[side] = await streamGatewayLog(lab.docker, lab.container(gatewayRole(side)), side, {
        follow: true,
        afterSeq: lastSeq[side],
        onRecord: (r) => {
          lastSeq[side] = r.seq;
          sink.log(r);
        },
        onEnd: () => {
          logStops[side] = undefined;
        },
      });
    } catch {
      /* the box is gone; health reports it and a restart reopens the stream */
    }
  };
  for (const side of SIDES) await openLog(side);
  stops.push(() => SIDES.forEach((side) => logStops[side]?.()));

  const poll = async (side: Side) => {
    sink.sas(await lab.snapshot(side));
  };
  const timer = setInterval(() => SIDES.forEach((s) => void poll(s)), opts.intervalMs ?? 1000);
  stops.push(() => clearInterval(timer));
  const subscribe = async (side: Side) => {
    try {
      const client = await lab.viciOf(side);
      for (const event of ['ike-updown', 'child-updown', 'ike-rekey', 'child-rekey']) {
        const unsubscribe = await client.subscribe(event, () => void poll(side));
        stops.push(() => void unsubscribe().catch(ignoreRejection('the VICI connection may already be closed')));
      }
    } catch {
      /* the poll reports the gateway as unreachable */
    }
  };
  for (const side of SIDES) await subscribe(side);

  let engineWasDown = false;
  const monitor = new HealthMonitor(lab.docker, lab.name, (e) => {
    sink.health(e);
    const side: Side | undefined = e.type === 'box' ? gatewaySide(e.role) : undefined;
    if (e.type === 'box' && side && e.action === 'start') {
      // A restarted charon is a new VICI peer and a new log stream.
      lab.forgetViciOf(side);
      void openLog(side).then(() => subscribe(side));
    }
    if (e.type === 'engine' && !e.available) engineWasDown = true;
    if (e.type === 'engine' && e.available && engineWasDown) {
      engineWasDown = false;
      void reportLost(lab, sink)
        .then(() => lab.forgetVici())
        .then(() =>
          Promise.all(
            SIDES.map(async (s) => {
              if (!logStops[s]) await openLog(s);
              await subscribe(s);
            }),
          ),
        );
    }
  });
  monitor.start();
  stops.push(() => monitor.stop());

  SIDES.forEach((s) => void poll(s));
  return () => {
    stopped = true;
    stops.splice(0).forEach((f) => f());
  };
}

/** Says which boxes did not survive an engine outage (without live-restore, all of them). */
async function reportLost(lab: LabHandle, sink: WatchSinks): Promise<void> {
  const found = await lab.find().catch(ignoreRejection('the engine may still be unreachable: report without the list'));
  const lost = ROLES.filter((r) => found?.containers.find((c) => c.role === r)?.state !== 'running');
  if (lost.length) {
    sink.health({
      type: 'lost',
      boxes: lost,
      message: found
        ? `the Docker engine stopped these boxes while it was down: ${lost.join(', ')}; restart the lab (down, then up)`
        : `lab "${lab.name}" did not survive the engine outage; start it again (up)`,
    });
  }
}
