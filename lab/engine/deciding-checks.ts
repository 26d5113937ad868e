/**
 * The deciding checks a lab runs itself (lab/diagnosis/deciding.ts says which question a finding
 * leaves open). The lab controls the router and both gateways, so where a customer's logs leave two
 * causes it looks: the route to the peer in the router and on the gateway, a ping of the peer's
 * outside address, a short capture on the far side, the peer's own SA list, its box's state. Each
 * check reports what it ran and what it saw; the decision follows from those alone.
 */
import type { Decision, Question } from '../diagnosis/deciding.js';
import type { Finding, LabCheck } from '../diagnosis/findings.js';
import { execIn } from '../docker/exec.js';
import { siteAddresses } from '../settings/addresses.js';
import type { LabSettings, Side } from '../settings/types.js';
import { gatewayRole, hostRole, type Role } from '../topology/plan.js';
import type { LabHandle } from './lab-handle.js';

interface Ran {
  ok: boolean;
  out: string;
}

/** A command in a box that never throws: a paused or stopped box is an answer too. */
async function run(lab: LabHandle, role: Role, cmd: string[], timeoutMs = 4000): Promise<Ran> {
  try {
    const r = await execIn(lab.docker, lab.container(role), cmd, { timeoutMs });
    return { ok: r.exitCode === 0, out: `${r.stdout}${r.stderr}`.trim() };
  } catch (e) {
    return { ok: false, out: (e as Error).message.replace(/^\(HTTP code \d+\) \S+ - /, '').trim() };
  }
}

type BoxState = 'running' | 'paused' | 'stopped' | 'missing';

async function boxState(lab: LabHandle, role: Role): Promise<BoxState> {
  try {
    const s = (await lab.docker.getContainer(lab.container(role)).inspect()).State;
    return s.Paused ? 'paused' : s.Running ? 'running' : 'stopped';
  } catch {
    return 'missing';
  }
}

const firstLine = (s: string) => s.split('\n')[0].trim();
const other = (s: Side): Side => (s === 'left' ? 'right' : 'left');

/** The side a finding's `side` names as the peer; the initiator's peer when it names both or none. */
function peerOf(f: Finding, settings: LabSettings): Side {
  if (f.side === 'left' || f.side === 'right') return f.side;
  return settings.left.gateway.startAction === 'initiate' || settings.right.gateway.startAction !== 'initiate'
    ? 'right'
    : 'left';
}

/** `ping` from a gateway: how many of `count` were answered. */
async function pingFrom(lab: LabHandle, from: Role, to: string, count = 2): Promise<{ check: LabCheck; got: number }> {
  const r = await run(lab, from, ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', '1', to], 5000);
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(r.out);
  const got = m ? Number(m[2]) : 0;
  return {
    got,
    check: {
      ran: `\`ping -c ${count} ${to}\` on ${from}`,
      saw: m ? (got ? `${got} of ${count} answered` : 'no answer') : firstLine(r.out) || 'no answer',
    },
  };
}

/** The router's and the gateway's route to an address: an unusable one (blackhole, unreachable) when there is one. */
async function routeTo(lab: LabHandle, role: Role, to: string): Promise<{ check: LabCheck; bad?: string }> {
  const r = await run(lab, role, ['sh', '-c', `ip route get ${to} 2>&1; echo ---; ip -o route show match ${to}`]);
  const [get, routes = ''] = r.out.split('---');
  const bad = routes
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(blackhole|unreachable|prohibit|throw)\b/.test(l));
  const failed = /RTNETLINK|unreachable|Invalid argument/i.test(get);
  const saw = bad ? `${bad.replace(/\s+proto \S+.*$/, '')} (a route that discards)` : firstLine(get);
  return {
    check: { ran: `\`ip route get ${to}\` in ${role}`, saw },
    bad: bad ?? (failed ? firstLine(get) : undefined),
  };
}

/** How long the ESP check waits, listening, before its own pings through the tunnel (ms). */
const OWN_TRAFFIC_AFTER_MS = 1000;

/**
 * A capture on a box around `during`: tcpdump is listening before `during` starts (a box slow to
 * exec under load must not miss the packets), and waits up to `seconds` after it for the first
 * matching packet.
 */
async function captureAround<T>(
  lab: LabHandle,
  role: Role,
  filter: string,
  seconds: number,
  during: () => Promise<T>,
  quietMs = 0,
): Promise<{ check: LabCheck; started: boolean; seen?: string; result: T }> {
  const started = await run(lab, role, [
    'sh',
    '-c',
    // -Z root: the boxes have no CAP_SETUID, so tcpdump's default switch to its own user fails at once.
    `d=$(mktemp -d) && (setsid timeout ${Math.ceil(seconds) + 10} tcpdump -Z root -lni any -c 1 -q '${filter}' >$d/out 2>$d/err & echo $! >$d/pid) && ` +
      `i=0; while [ $i -lt 60 ] && ! grep -q listening $d/err; do sleep 0.05; i=$((i+1)); done; ` +
      `if grep -q listening $d/err; then echo $d; else grep -v WARNING $d/err | tail -1; rm -rf $d; exit 1; fi`,
  ]);
  const dir = started.ok ? /\/tmp\/\S+/.exec(started.out)?.[0] : undefined;
  if (quietMs) await new Promise((r) => setTimeout(r, quietMs));
  const result = await during();
  const r = dir
    ? await run(
        lab,
        role,
        [
          'sh',
          '-c',
          `i=0; while [ $i -lt ${Math.round(seconds * 10)} ] && [ ! -s ${dir}/out ]; do sleep 0.1; i=$((i+1)); done; ` +
            `cat ${dir}/out; kill $(cat ${dir}/pid) 2>/dev/null; rm -rf ${dir}`,
        ],
        (Math.ceil(seconds) + 4) * 1000,
      )
    : started;
  const seen = r.out
    .split('\n')
    .map((l) => l.trim())
    .find((l) => / IP6? /.test(l));
  return {
    seen,
    result,
    started: dir !== undefined,
    check: {
      ran: `\`tcpdump '${filter}'\` on ${role} while the pings ran, then ${seconds} s`,
      saw: seen
        ? `a packet arrived: ${seen.replace(/^\S+\s+\S+\s+/, '')}`
        : dir
          ? 'nothing arrived'
          : `the capture could not start (${firstLine(started.out) || 'no answer'})`,
    },
  };
}

/** An IKE request goes unanswered: a black-holed route, UDP 500 dropped, or the peer is down? */
async function silentPeer(lab: LabHandle, settings: LabSettings, f: Finding): Promise<Decision> {
  const peer = peerOf(f, settings);
  const from = other(peer);
  const peerGw = gatewayRole(peer);
  const to = siteAddresses(settings, peer).gatewayWan;
  // The box's state and the route lookups answer at once and decide alone when the peer is down or a
  // route discards; ping and capture take a second.
  const [state, router, local] = await Promise.all([
    boxState(lab, peerGw),
    routeTo(lab, 'router', to),
    routeTo(lab, gatewayRole(from), to),
  ]);
  const stateCheck: LabCheck = { ran: `\`docker inspect\` ${peerGw}`, saw: state };
  if (state !== 'running') {
    return {
      question: 'silent-peer',
      cause: 'peer-unreachable',
      side: peer,
      conclusion: `${peerGw}'s box is ${state}: its charon cannot answer, the peer is down.`,
      checks: [stateCheck],
    };
  }
  const routes = [stateCheck, router.check, local.check];
  if (router.bad)
    return {
      question: 'silent-peer',
      checks: routes,
      cause: 'peer-unreachable',
      side: peer,
      conclusion: `the router has no usable route to ${to} (${router.bad}): the requests are discarded on the way, ${peerGw} never sees them.`,
    };
  if (local.bad)
    return {
      question: 'silent-peer',
      checks: routes,
      cause: 'peer-unreachable',
      side: from,
      conclusion: `${gatewayRole(from)} has no usable route to ${to} (${local.bad}).`,
    };
  const { result: ping, ...cap } = await captureAround(lab, peerGw, 'udp port 500 or udp port 4500', 0.3, () =>
    pingFrom(lab, gatewayRole(from), to),
  );
  const base = { question: 'silent-peer' as const, checks: [...routes, ping.check, cap.check] };
  if (ping.got > 0)
    return {
      ...base,
      cause: 'ike-port-blocked',
      conclusion: cap.seen
        ? `${peerGw} answers ping and IKE packets reach it, yet nothing comes back: UDP 500 is dropped on the way back or by ${peerGw} itself.`
        : `${peerGw} answers ping from ${gatewayRole(from)} (route and box are fine), but no IKE packet reached it: UDP 500 is dropped on the way.`,
    };
  return {
    ...base,
    cause: 'peer-unreachable',
    side: peer,
    conclusion: `${peerGw} runs and the routes to ${to} are in place, yet it answers no ping and no IKE packet reaches it: the path to it drops everything.`,
  };
}

/** Traffic goes into the tunnel and nothing comes back: ESP lost on the way, or the far LAN does not answer? */
async function noDecaps(lab: LabHandle, settings: LabSettings, f: Finding): Promise<Decision> {
  const far = peerOf(f, settings);
  const near = other(far);
  const farGw = gatewayRole(far);
  const nearHost = siteAddresses(settings, near).host;
  const { result: pinged, ...c } = await captureAround(
    lab,
    farGw,
    'esp or (udp port 4500 and udp[8:4] != 0)',
    0.5,
    () =>
      lab
        .traffic({ from: near, count: 2, intervalMs: 300 })
        .then((p) => ({
          ran: `2 pings from ${hostRole(near)} to ${hostRole(far)} through the tunnel`,
          saw: `${p.received} of 2 answered`,
        }))
        .catch((e: Error) => ({ ran: `2 pings from ${hostRole(near)}`, saw: e.message })),
    // The traffic that opened the question (the user's ping series, explain's) ends first: the
    // check's own pings through the tunnel must not fall between the SA listings read around it,
    // where they would look like packets of that series (one more out than sent, or not yet back).
    OWN_TRAFFIC_AFTER_MS,
  );
  const [route, fw] = await Promise.all([
    run(lab, hostRole(far), ['ip', 'route', 'get', nearHost]),
    run(lab, hostRole(far), ['sh', '-c', 'nft list ruleset 2>/dev/null | grep -c " drop" || true']),
  ]);
  const routeCheck: LabCheck = { ran: `\`ip route get ${nearHost}\` on ${hostRole(far)}`, saw: firstLine(route.out) };
  const drops = Number(fw.out.trim()) || 0;
  const fwCheck: LabCheck = {
    ran: `\`nft list ruleset\` on ${hostRole(far)}`,
    saw: drops ? `${drops} drop rule(s)` : 'no drop rule',
  };
  const checks = [pinged, c.check];
  // Without a capture nothing says where the packets went: the check decides nothing.
  if (!c.started) return { question: 'no-decaps', checks, conclusion: `the capture on ${farGw} could not start.` };
  if (!c.seen)
    return {
      question: 'no-decaps',
      cause: 'esp-blocked',
      side: far,
      checks,
      conclusion: `no ESP reached ${farGw} while ${hostRole(near)} pinged through the tunnel: ESP is dropped on the way.`,
    };
  return {
    question: 'no-decaps',
    cause: 'no-return-traffic',
    side: far,
    checks: [...checks, routeCheck, fwCheck],
    conclusion: !route.ok
      ? `ESP reaches ${farGw}, but ${hostRole(far)} has no route back to ${nearHost} (${firstLine(route.out)}): its replies never reach the tunnel.`
      : drops
        ? `ESP reaches ${farGw}, and ${hostRole(far)}'s own firewall has ${drops} drop rule(s): it drops the traffic instead of answering.`
        : `ESP reaches ${farGw}, but nothing comes back from ${hostRole(far)}: its replies do not reach the tunnel.`,
  };
}

/** DPD declared the peer dead: is it down, or does the path lose its packets? */
async function dpdDead(lab: LabHandle, settings: LabSettings, f: Finding): Promise<Decision> {
  const peer = peerOf(f, settings);
  const from = other(peer);
  const peerGw = gatewayRole(peer);
  const to = siteAddresses(settings, peer).gatewayWan;
  const [state, sas, ping] = await Promise.all([
    boxState(lab, peerGw),
    run(lab, peerGw, ['swanctl', '--list-sas'], 3000),
    pingFrom(lab, gatewayRole(from), to, 4),
  ]);
  const ikeSas = (sas.out.match(/^\S+: #\d+, /gm) ?? []).length;
  const checks: LabCheck[] = [
    { ran: `\`docker inspect\` ${peerGw}`, saw: state },
    {
      ran: `\`swanctl --list-sas\` on ${peerGw}`,
      saw: sas.ok ? `${ikeSas} IKE_SA(s) listed` : firstLine(sas.out) || 'no answer',
    },
    ping.check,
  ];
  if (state !== 'running')
    return {
      question: 'dpd-dead',
      cause: 'dpd-peer-dead',
      side: peer,
      checks,
      conclusion: `${peerGw}'s box is ${state}${state === 'paused' ? ' (frozen: charon answers nothing)' : ''}: the peer is down.`,
    };
  if (!sas.ok)
    return {
      question: 'dpd-dead',
      cause: 'dpd-peer-dead',
      side: peer,
      checks,
      conclusion: `${peerGw}'s charon does not answer its own SA list: the peer's IKE daemon is dead.`,
    };
  if (ping.got > 0 && ping.got < 4)
    return {
      question: 'dpd-dead',
      cause: 'packet-loss',
      side: 'unknown',
      checks,
      conclusion: `${peerGw} and its charon are alive, and ${ping.check.saw} pings: the path between the gateways loses packets.`,
    };
  return {
    question: 'dpd-dead',
    checks,
    conclusion: `${peerGw} and its charon are alive (${ikeSas} IKE_SA(s)), ping ${ping.check.saw}: the DPD requests are lost on the way, not at a dead peer.`,
  };
}

/** Runs the check that decides a question on the lab. */
export async function runDecidingCheck(lab: LabHandle, q: Question, f: Finding): Promise<Decision> {
  const settings = await lab.settings();
  if (q === 'silent-peer') return silentPeer(lab, settings, f);
  if (q === 'no-decaps') return noDecaps(lab, settings, f);
  return dpdDead(lab, settings, f);
}
