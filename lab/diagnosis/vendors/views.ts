/**
 * The Cisco ASA and Palo Alto views of a finding, written from the per-cause tables for the IKE
 * version and roles in play. One line per topic (states, logs, check, fix), separated by newlines;
 * `code` spans in backticks as everywhere in the diagnosis.
 */
import type { CauseId } from '../findings.js';
import { ASA } from './asa.js';
import { PAN } from './paloalto.js';
import type {
  IkeInPlay,
  Ikev2State,
  MmInitiatorState,
  MmResponderState,
  PanLog,
  PerVersion,
  RoleState,
} from './types.js';
import { pick } from './types.js';

export interface VendorViews {
  asa: string;
  paloAlto: string;
}

export function vendorViews(cause: CauseId, inPlay: IkeInPlay = {}): VendorViews {
  return { asa: asaView(cause, inPlay), paloAlto: panView(cause, inPlay) };
}

/** The versions to describe: the one in play, or both (IKEv2 first) when the evidence does not say. */
function versionsOf(inPlay: IkeInPlay): (1 | 2)[] {
  return inPlay.version ? [inPlay.version] : [2, 1];
}

const place = (name?: string) => (name ? ` (${name}'s place here)` : '');
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

function stateText(s: MmInitiatorState | MmResponderState | Ikev2State): string {
  return s === 'none' ? 'no SA for the peer' : `\`${s}\``;
}

function roles<S extends MmInitiatorState | MmResponderState | Ikev2State>(
  initiator: RoleState<S>,
  responder: RoleState<S>,
  inPlay: IkeInPlay,
): string {
  if (initiator.state === responder.state && initiator.why === responder.why)
    return `Both ends: ${stateText(initiator.state)}, ${initiator.why}.`;
  return (
    `As initiator${place(inPlay.initiator)}: ${stateText(initiator.state)}, ${initiator.why}. ` +
    `As responder${place(inPlay.responder)}: ${stateText(responder.state)}, ${responder.why}.`
  );
}

/** A list that may differ by version, for the versions described. */
function perVersion(value: PerVersion<string[]>, versions: (1 | 2)[], label: string): string[] {
  const lists = versions.map((v) => ({ v, items: pick(value, v) }));
  const same = lists.every((l) => l.items.join('\n') === lists[0].items.join('\n'));
  if (same) return lists[0].items.length ? [`${label}: ${sentence(lists[0].items.join('; '))}`] : [];
  return lists.filter((l) => l.items.length).map((l) => `${label}, IKEv${l.v}: ${sentence(l.items.join('; '))}`);
}

export function asaView(cause: CauseId, inPlay: IkeInPlay = {}): string {
  const k = ASA[cause];
  const versions = versionsOf(inPlay);
  const lines: string[] = [];
  for (const v of versions) {
    if (v === 1) {
      lines.push(`IKEv1, \`show crypto ikev1 sa\`: ${roles(k.v1.initiator, k.v1.responder, inPlay)}`);
      lines.push(`IKEv1 logs: ${sentence(k.v1.logs.join('; '))}`);
    } else {
      lines.push(`IKEv2, \`show crypto ikev2 sa\`: ${roles(k.v2.initiator, k.v2.responder, inPlay)}`);
      lines.push(`IKEv2 logs: ${sentence(k.v2.logs.join('; '))}`);
    }
  }
  lines.push(...perVersion(k.check, versions, 'Check'));
  const fix = perVersion(k.fix, versions, 'Fix (ASA 8.4+/9.x)');
  lines.push(...(fix.length ? fix : ['Fix: nothing to change on the ASA.']));
  return lines.join('\n');
}

function panLog(v: 1 | 2, log: PanLog, inPlay: IkeInPlay): string[] {
  const where = `IKEv${v} system log (Monitor > Logs > System, subtype vpn)${log.event ? `, event \`${log.event}\`` : ''}`;
  const out =
    log.initiator === log.responder
      ? [`${where}: ${sentence(log.initiator ?? 'nothing')}`]
      : [
          `${where}: as initiator${place(inPlay.initiator)}: ${log.initiator ?? 'nothing'}; ` +
            `as responder${place(inPlay.responder)}: ${sentence(log.responder ?? 'nothing')}`,
        ];
  if (log.ikemgr?.length)
    out.push(
      `IKEv${v} ikemgr.log (\`less mp-log ikemgr.log\`): ${sentence(log.ikemgr.map((l) => `\`${l}\``).join('; '))}`,
    );
  return out;
}

/** Every PAN view says where the IKE state and the reason are read, whatever the cause. */
const PAN_ALWAYS = ['`show vpn ike-sa gateway <gateway>`', '`less mp-log ikemgr.log`'];

export function panView(cause: CauseId, inPlay: IkeInPlay = {}): string {
  const k = PAN[cause];
  const versions = versionsOf(inPlay);
  const lines: string[] = [];
  for (const v of versions) lines.push(...panLog(v, v === 1 ? k.v1 : k.v2, inPlay));
  const check = (v: 1 | 2) => {
    const items = [...pick(k.check, v)];
    for (const a of PAN_ALWAYS) if (!items.some((i) => i.includes(a.slice(1, -1).split(' <')[0]))) items.push(a);
    return items;
  };
  const checks = versions.map(check);
  lines.push(
    ...perVersion(
      versions.length === 2 ? { v1: checks[1], v2: checks[0] } : checks[0],
      versions,
      'Check (operational CLI)',
    ),
  );
  const fix = perVersion(k.fix, versions, 'Fix (PAN-OS web interface)');
  lines.push(...(fix.length ? fix : ['Fix: nothing to change on the firewall.']));
  return lines.join('\n');
}
