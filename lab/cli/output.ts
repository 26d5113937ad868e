import { terminalSafe } from '../common/terminal.js';
import type { LabStatus } from '../engine/types.js';
import type { LogRecord } from '../streams/log-record.js';

export function formatStatus(s: LabStatus): string {
  if (!s.exists) return `lab "${s.name}": not running`;
  const lines = [`lab "${s.name}" (${s.mode}, datapath ${s.datapath}): tunnel ${s.up ? 'UP' : 'DOWN'}`];
  for (const b of s.boxes) lines.push(`  ${b.role.padEnd(10)} ${b.state.padEnd(8)} ${b.container}`);
  for (const side of ['left', 'right'] as const) {
    const snap = s.sas[side];
    lines.push(
      `  gw-${side}: IKE ${s.tunnel[side].ike}, CHILD ${s.tunnel[side].child}${snap?.error ? ` (${snap.error})` : ''}`,
    );
    for (const ike of snap?.ikeSas ?? []) {
      lines.push(
        `    ${ike.name} #${ike.uniqueId} ${ike.state} IKEv${ike.version} ${ike.localHost}[${ike.localPort}] -> ${ike.remoteHost}[${ike.remotePort}] ${[ike.encrAlg, ike.encrKeysize, ike.integAlg, ike.prfAlg, ike.dhGroup].filter(Boolean).join('/')}`,
      );
      for (const c of ike.children) {
        lines.push(
          `      ${c.name} #${c.uniqueId} ${c.state} ${c.mode ?? ''}${c.encap ? ' UDP-encap' : ''} in ${c.spiIn} ${c.bytesIn ?? 0} B/${c.packetsIn ?? 0} pkt, out ${c.spiOut} ${c.bytesOut ?? 0} B/${c.packetsOut ?? 0} pkt  ${(c.localTs ?? []).join(',')} === ${(c.remoteTs ?? []).join(',')}`,
        );
      }
    }
  }
  // Names and IDs come from settings files and from the peer: shown, never obeyed by the terminal.
  return terminalSafe(lines.join('\n'));
}

export function formatLog(r: LogRecord, withSide: boolean): string {
  // A log line quotes what the peer sent (identities, notify data): its control characters are escaped.
  return terminalSafe(withSide ? `${r.side.padEnd(5)} | ${r.raw}` : r.raw);
}
