import { isIPv4, otherSide, parseCidr, siteAddresses, trafficSelectors } from './addresses.js';
import { type LabSettings, type Side, SIDES } from './types.js';

/**
 * Who brings a tunnel up, the way the devices do it. `initiate` starts as soon as the config is
 * loaded; `trap` (an ASA crypto map, a PAN-OS tunnel without "initiate", strongSwan's
 * start_action = trap) is an initiator too, once a packet from its LAN matches its selectors;
 * `wait` (ASA answer-only, PAN-OS passive mode, start_action = none) only ever answers.
 */
export type StartRole = 'initiates' | 'on-traffic' | 'answers';

export interface SideStart {
  side: Side;
  role: StartRole;
  /** For a trap gateway: whether the lab's LAN-to-LAN traffic matches its selectors at all. */
  trafficMatches: boolean;
}

export interface StartPlan {
  sides: Record<Side, SideStart>;
  /** The gateway that brings the tunnel up in the lab, and how; absent when nothing ever will. */
  starter?: { side: Side; how: 'initiate' | 'traffic'; says: string };
  /** Why nothing will start the tunnel (only when there is no starter). */
  reason?: string;
}

function covers(selectors: string[], address: string): boolean {
  const a = parseCidr(`${address}/32`);
  if (!a) return false;
  return selectors.some((ts) => {
    const c = parseCidr(isIPv4(ts) ? `${ts}/32` : ts);
    if (!c) return false;
    const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
    return (a.network & mask) >>> 0 === c.network;
  });
}

/** Whether a ping from `side`'s LAN host to the other LAN host matches `side`'s traffic selectors. */
export function lanTrafficMatches(s: LabSettings, side: Side): boolean {
  const ts = trafficSelectors(s, side);
  return covers(ts.local, siteAddresses(s, side).host) && covers(ts.remote, siteAddresses(s, otherSide(side)).host);
}

const gw = (side: Side) => `gw-${side}`;
const host = (side: Side) => `host-${side}`;

function sideStart(s: LabSettings, side: Side): SideStart {
  const action = s[side].gateway.startAction;
  const role: StartRole = action === 'initiate' ? 'initiates' : action === 'trap' ? 'on-traffic' : 'answers';
  return { side, role, trafficMatches: lanTrafficMatches(s, side) };
}

/** Who starts the tunnel in the lab (an initiator first, else a trap gateway on traffic), or why nobody does. */
export function startPlan(s: LabSettings): StartPlan {
  const sides = { left: sideStart(s, 'left'), right: sideStart(s, 'right') };
  const initiator = SIDES.find((x) => sides[x].role === 'initiates');
  if (initiator)
    return {
      sides,
      starter: { side: initiator, how: 'initiate', says: `${gw(initiator)} initiates as soon as its config is loaded` },
    };
  const onDemand = SIDES.find((x) => sides[x].role === 'on-traffic' && sides[x].trafficMatches);
  if (onDemand)
    return {
      sides,
      starter: {
        side: onDemand,
        how: 'traffic',
        says: `${gw(onDemand)} starts on demand (start action trap): sending interesting traffic from ${host(onDemand)} to ${host(otherSide(onDemand))}, as the device brings the tunnel up on the first packet that matches its selectors`,
      },
    };
  const trapped = SIDES.filter((x) => sides[x].role === 'on-traffic');
  if (!trapped.length)
    return {
      sides,
      reason:
        'nothing will start the tunnel: both gateways only answer (start action "wait": ASA answer-only, PAN-OS passive mode) and each waits for the other; set one side to initiate, or to trap (on demand)',
    };
  const ts = (x: Side) => {
    const t = trafficSelectors(s, x);
    return `${t.local.join(',')} === ${t.remote.join(',')}`;
  };
  return {
    sides,
    reason: `nothing will start the tunnel: ${trapped.map((x) => `${gw(x)} starts on demand (trap) but no traffic between the lab's LANs matches its selectors ${ts(x)}`).join('; ')}${trapped.length < 2 ? `, and ${gw(otherSide(trapped[0]))} only answers` : ''}`,
  };
}

export interface Recovery {
  /** The gateway that brings the tunnel back and how; absent when nothing will. */
  by?: Side;
  how?: 'initiate' | 'dpd-restart' | 'traffic';
  /** What happens, in the devices' terms. */
  says: string;
}

/**
 * How the tunnel comes back after `restarted` reboots (a crash: it sent no DELETE). The rebooted
 * gateway reloads its config: an initiator starts again at once, a trap gateway on its next
 * packet. The survivor only notices through DPD: action restart initiates again at once, trap
 * (or a trap start action, whose policy outlives the SA) waits for the next packet, clear gives up.
 */
export function recoveryAfterRestart(s: LabSettings, restarted: Side): Recovery {
  const survivor = otherSide(restarted);
  const r = sideStart(s, restarted);
  if (r.role === 'initiates')
    return {
      by: restarted,
      how: 'initiate',
      says: `${gw(restarted)} initiates again as soon as it has reloaded its config`,
    };
  const dpd = s[survivor].gateway.dpd;
  if (dpd.delay > 0 && dpd.action === 'restart')
    return {
      by: survivor,
      how: 'dpd-restart',
      says: `${gw(survivor)}'s DPD finds the peer gone and initiates again at once (DPD action restart)`,
    };
  if (r.role === 'on-traffic' && r.trafficMatches)
    return {
      by: restarted,
      how: 'traffic',
      says: `${gw(restarted)} starts on demand (trap) again: the next packet from ${host(restarted)} brings the tunnel back`,
    };
  const sv = sideStart(s, survivor);
  if (dpd.delay > 0 && sv.trafficMatches && (dpd.action === 'trap' || sv.role === 'on-traffic'))
    return {
      by: survivor,
      how: 'traffic',
      says: `${gw(survivor)}'s DPD finds the peer gone and ${dpd.action === 'trap' ? 'installs a trap (DPD action trap)' : 'keeps its trap policy (start action trap)'}: the next packet from ${host(survivor)} brings the tunnel back`,
    };
  return {
    says:
      dpd.delay > 0
        ? `nothing brings the tunnel back after ${gw(restarted)} restarts: it does not initiate, and ${gw(survivor)}'s DPD action ${dpd.action} ${dpd.action === 'clear' ? 'only clears the SAs' : 'has no traffic to react to'}`
        : `nothing brings the tunnel back after ${gw(restarted)} restarts: it does not initiate, and ${gw(survivor)} has no DPD, so it keeps its stale SAs`,
  };
}
