import { ignoreRejection } from '../common/ignore.js';
import { type Side, SIDES } from '../settings/types.js';
import type { PingResult } from '../traffic/ping.js';
import type { ViciClient } from '../vici/index.js';
import { isUp } from './tunnel-state.js';
import type { LabStatus, SaSnapshot } from './types.js';

/** What the wait needs from the engine. */
export interface TunnelWaitHost {
  viciOf(side: Side): Promise<ViciClient>;
  snapshot(side: Side): Promise<SaSnapshot>;
  status(known?: Partial<Record<Side, SaSnapshot>>): Promise<LabStatus>;
  traffic(opts: { from?: Side; count?: number; intervalMs?: number }): Promise<PingResult>;
}

/** charon's events for an IKE or CHILD SA coming up, going down or being replaced. */
const SA_EVENTS = ['ike-updown', 'child-updown', 'ike-rekey', 'child-rekey'] as const;
/**
 * The event list-sas streams its answer in. Held for the whole wait (nothing listens to it), so
 * each read of the SAs is one request, not a register, the request and an unregister.
 */
const LIST_EVENT = 'list-sa';
/** A check this often even without an event (a session that could not be opened, a restarting charon). */
const SAFETY_TICK_MS = 500;
/** How often an on-demand (trap) gateway's LAN sends its packet while nothing is up. */
const PACKET_EVERY_MS = 2000;

/**
 * Returns once IKE_SA is ESTABLISHED and CHILD_SA INSTALLED on both gateways, or the time is over,
 * with the lab's full status. Woken by the gateways' own VICI events (an SA up, down or rekeyed),
 * so the wait ends as soon as charon says so instead of at the next poll; the SAs are read again on
 * each event, and every half second in case an event stream is not there. With `trafficFrom`, that
 * LAN host sends a packet every 2 s meanwhile, as users behind an on-demand (trap) gateway would.
 */
export async function waitForTunnel(host: TunnelWaitHost, timeoutMs: number, trafficFrom?: Side): Promise<LabStatus> {
  const deadline = Date.now() + timeoutMs;
  let wake = () => {};
  let events = 0;
  const subscribed = new Map<Side, { client: ViciClient; off: Array<() => Promise<void>> }>();
  // (Re)subscribes where there is no live session yet: a gateway that restarts is a new VICI peer.
  const subscribe = async (side: Side) => {
    const had = subscribed.get(side);
    if (had && !had.client.endedBy) return;
    try {
      const client = await host.viciOf(side);
      const off = await Promise.all([
        ...SA_EVENTS.map((e) =>
          client.subscribe(e, () => {
            events++;
            wake();
          }),
        ),
        client.subscribe(LIST_EVENT, () => {}),
      ]);
      subscribed.set(side, { client, off });
    } catch {
      subscribed.delete(side); // charon not answering yet: the safety tick reads the SAs meanwhile
    }
  };
  let pinging: Promise<unknown> | undefined;
  let nextPacket = 0;
  let last: Partial<Record<Side, SaSnapshot>> | undefined;
  try {
    for (;;) {
      await Promise.all(SIDES.map(subscribe));
      // Read after subscribing: an SA that came up in between is in this read, later ones wake us.
      const seen = events;
      const snaps = await Promise.all(SIDES.map((side) => host.snapshot(side)));
      last = { left: snaps[0], right: snaps[1] };
      if (snaps.every((s) => isUp(s.tunnel)) || Date.now() > deadline) break;
      if (trafficFrom && !pinging && Date.now() >= nextPacket) {
        nextPacket = Date.now() + PACKET_EVERY_MS;
        pinging = host
          .traffic({ from: trafficFrom, count: 1, intervalMs: 200 })
          .catch(ignoreRejection('the packet only has to reach the trap; a failed ping is what the wait is about'))
          .finally(() => (pinging = undefined));
      }
      if (events !== seen) continue; // something happened while reading: read again at once
      const nap = Math.max(0, Math.min(SAFETY_TICK_MS, deadline - Date.now() + 1));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, nap);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {};
    }
  } catch (e) {
    await unsubscribe(subscribed);
    throw e;
  } finally {
    wake = () => {};
    await pinging;
  }
  // The lab's status with the SAs just read (the boxes looked up once more), beside the unsubscribing.
  const [status] = await Promise.all([host.status(last), unsubscribe(subscribed)]);
  return status;
}

function unsubscribe(subscribed: Map<Side, { off: Array<() => Promise<void>> }>): Promise<unknown> {
  return Promise.all(
    [...subscribed.values()].flatMap((s) =>
      s.off.map((off) => off().catch(ignoreRejection('the session may have closed meanwhile'))),
    ),
  );
}
