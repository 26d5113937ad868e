import { useState } from 'react';

import type { DiagnosisResult, Finding } from '../../../lab/api/contract';
import { store, useApp } from '../state/store';
import { RichText } from './RichText';

type Vendor = 'strongswan' | 'asa' | 'paloAlto';

const CAUSE_TITLES: Record<string, string> = {
  healthy: 'Healthy',
  're-negotiating': 'Re-negotiating',
  'psk-mismatch': 'Pre-shared key mismatch',
  'ike-proposal-mismatch': 'IKE proposal mismatch',
  'dh-group-mismatch': 'DH group mismatch',
  'dh-group-retry': 'DH group retried (harmless)',
  'aggressive-mode-mismatch': 'Aggressive mode refused',
  'no-initiator': 'Neither side initiates',
  'esp-proposal-mismatch': 'ESP proposal mismatch',
  'pfs-mismatch': 'PFS mismatch',
  'ts-mismatch': 'Traffic selector mismatch',
  'id-mismatch': 'Identity mismatch',
  'ike-version-mismatch': 'IKE version mismatch',
  'peer-address-mismatch': 'Peer address mismatch',
  'peer-unreachable': 'Peer unreachable',
  'ike-port-blocked': 'UDP 500 blocked',
  'natt-port-blocked': 'UDP 4500 blocked',
  'esp-blocked': 'ESP blocked',
  'dpd-peer-dead': 'Peer dead (DPD)',
  'dpd-mismatch': 'DPD mismatch',
  'stale-sa': 'Stale SAs (peer restarted)',
  'peer-closed': 'Peer closed the tunnel',
  'rekey-failure': 'Rekey failure',
  'lifetime-mismatch': 'Lifetime mismatch',
  'no-return-traffic': 'No return traffic',
  'no-outbound-traffic': 'No outbound traffic',
  'nat-t-disabled-behind-nat': 'NAT-T disabled behind NAT',
  'packet-loss': 'Packet loss',
  'overlapping-subnets': 'Overlapping subnets',
  'kernel-install-failure': 'Kernel SA install failure',
  'local-socket-error': 'Local socket error',
};

export const causeTitle = (c: string) => CAUSE_TITLES[c] ?? c;

/** Below this confidence a finding is a hint to check, not a conclusion. */
const WEAK = 0.5;

/** Where a piece of evidence comes from, in the words of the screen ("left-sas": gw-left's SA listing). */
function sourceLabel(source: string): string {
  if (source === 'left' || source === 'right') return `gw-${source}`;
  const sas = /^(left|right)?-?sas$/.exec(source.replace(/^sas-/, ''));
  if (sas) return sas[1] ? `gw-${sas[1]} SAs` : 'SA counters';
  return source;
}

function FindingCard({ f, rank, vendor }: { f: Finding; rank: number; vendor: Vendor }) {
  const [open, setOpen] = useState(rank === 0);
  const s = store();
  const pct = Math.round(f.confidence * 100);
  const good = f.cause === 'healthy';
  const weak = f.confidence < WEAK;
  const vendorNote = vendor === 'asa' ? f.vendor.asa : vendor === 'paloAlto' ? f.vendor.paloAlto : undefined;
  return (
    <div
      className={`finding ${good ? 'good' : weak ? 'weak' : rank === 0 ? 'top' : ''}`}
      data-testid="finding"
      data-cause={f.cause}
      data-confidence={f.confidence}
    >
      <button className="finding-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="rank">{rank + 1}</span>
        <span className="cause">
          {causeTitle(f.cause)}
          {weak && !good && <span className="hint-tag">hint</span>}
        </span>
        <span className="conf" title={`confidence ${pct}%`}>
          <span className="bar" style={{ width: `${pct}%` }} />
        </span>
        <span className="pct">{pct}%</span>
      </button>
      <div className="finding-meta muted">
        {f.phase} · {f.side === 'both' || f.side === 'unknown' ? `side: ${f.side}` : `gw-${f.side}`} ·{' '}
        <code>{f.cause}</code>
      </div>
      <p className="summary">
        <RichText text={f.summary} />
      </p>
      {open && (
        <>
          {f.evidence.length > 0 && (
            <div className="evidence">
              <div className="label">Evidence</div>
              {f.evidence.map((e, i) => {
                const linkable = (e.source === 'left' || e.source === 'right') && e.line > 0;
                return (
                  <div key={i} className="ev">
                    {linkable ? (
                      <button
                        className="link"
                        onClick={() => s.showEvidence(e.source as 'left' | 'right', e.line)}
                        data-testid="evidence-link"
                        data-side={e.source}
                        data-line={e.line}
                        title={`show gw-${e.source}'s line ${e.line} in the log`}
                      >
                        {sourceLabel(e.source)} #{e.line}
                      </button>
                    ) : (
                      <span className="muted">
                        {sourceLabel(e.source)}
                        {e.line ? ` #${e.line}` : ''}
                      </span>
                    )}
                    <code>{e.text}</code>
                  </div>
                );
              })}
            </div>
          )}
          {vendor === 'strongswan' ? (
            f.fix.length > 0 && (
              <div className="fix">
                <div className="label">Fix (strongSwan)</div>
                <ol>
                  {f.fix.map((x, i) => (
                    <li key={i}>
                      <RichText text={x} />
                    </li>
                  ))}
                </ol>
              </div>
            )
          ) : (
            <div className="fix">
              <div className="label">{vendor === 'asa' ? 'On a Cisco ASA' : 'On a Palo Alto'}</div>
              {/* One line per topic (states, logs, check, fix): keep the line breaks the note carries. */}
              <p data-testid={`vendor-${vendor}`} style={{ whiteSpace: 'pre-line' }}>
                {vendorNote ? (
                  <RichText text={vendorNote} />
                ) : (
                  <span className="muted">no vendor note for this cause</span>
                )}
              </p>
            </div>
          )}
          {f.checked && f.checked.length > 0 && (
            <div className="fix" data-testid="lab-checks">
              <div className="label">Deciding check, run by the lab</div>
              <ul>
                {f.checked.map((c, i) => (
                  <li key={i} data-testid="lab-check">
                    <RichText text={c.ran} /> → <b>{c.saw}</b>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {f.alternatives && f.alternatives.length > 0 && (
            <div className="alts muted">
              Cannot rule out: {f.alternatives.map(causeTitle).join(', ')}
              {f.decidingCheck && (
                <div>
                  Deciding check: <RichText text={f.decidingCheck} />
                </div>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}

const weak = (d: DiagnosisResult) => (d.findings.find((f) => f.cause === d.verdict)?.confidence ?? 1) < WEAK;
const verdictClass = (d: DiagnosisResult) =>
  d.verdict === 'healthy' ? 'ok' : d.verdict === 'unknown' ? '' : weak(d) ? 'mid' : 'bad';

/** Ranked findings from both live streams, each with its evidence lines and fix. */
export function DiagnosisPanel() {
  const d = useApp((s) => s.diagnosis);
  const watching = useApp((s) => s.watching);
  const [vendor, setVendor] = useState<Vendor>('strongswan');
  return (
    <div className="diagnosis" data-testid="diagnosis">
      <div className="panel-head">
        <h3>Diagnosis</h3>
        <span className="seg">
          {(['strongswan', 'asa', 'paloAlto'] as Vendor[]).map((v) => (
            <button
              key={v}
              className={vendor === v ? 'active' : ''}
              onClick={() => setVendor(v)}
              data-vendor={v}
              title={
                v === 'strongswan'
                  ? 'the fix in strongSwan terms'
                  : `the same symptom on a ${v === 'asa' ? 'Cisco ASA' : 'Palo Alto'} peer`
              }
            >
              {v === 'strongswan' ? 'strongSwan' : v === 'asa' ? 'ASA' : 'Palo Alto'}
            </button>
          ))}
        </span>
      </div>
      {!watching ? (
        // A stopped lab's findings are no one's: nothing of it is shown once it is gone.
        <p className="muted">Start the lab: the diagnosis follows both gateways live.</p>
      ) : !d ? (
        <p className="muted">Waiting for log lines and SA snapshots…</p>
      ) : d.verdict === 're-negotiating' ? (
        <div className="verdict mid" data-testid="verdict" data-verdict={d.verdict}>
          Re-negotiating after <b>{d.transition?.change ?? 'a change'}</b>…{' '}
          <span className="muted">the evidence is judged once the change has settled</span>
        </div>
      ) : (
        <>
          <div className={`verdict ${verdictClass(d)}`} data-testid="verdict" data-verdict={d.verdict}>
            {weak(d) ? (
              <>
                No fault established · <b>check: {causeTitle(d.verdict).toLowerCase()}</b>{' '}
                <span className="muted">(weak evidence)</span>
              </>
            ) : (
              <>
                Verdict: <b>{d.verdict === 'unknown' ? 'no finding yet' : causeTitle(d.verdict)}</b>
              </>
            )}
            <span className="muted"> · {d.stats.lines.toLocaleString()} lines read</span>
          </div>
          {d.findings.map((f, i) => (
            <FindingCard key={f.cause} f={f} rank={i} vendor={vendor} />
          ))}
          {d.notes.map((n, i) => (
            <p key={i} className="muted">
              {n}
            </p>
          ))}
        </>
      )}
    </div>
  );
}
