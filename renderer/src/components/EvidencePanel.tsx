import './customer.css';

import { useMemo } from 'react';

import type { CustomerDiagnosisInfo, CustomerSide, Finding, InputReport } from '../../../lab/api/contract';
import { customer, type CustomerText, useCustomer } from '../state/customer';
import { store, useApp } from '../state/store';
import { CustomerTextView } from './CustomerTextView';
import { causeTitle } from './DiagnosisPanel';
import { RichText } from './RichText';
import { formatSize, TextDrop } from './TextDrop';

const SIDES: CustomerSide[] = ['unknown', 'left', 'right'];

/** What was read of one text and what was not, in words (InputReport). */
function readReport(r: InputReport | undefined): { text: string; warn: boolean } | null {
  if (!r) return null;
  const read = Object.entries(r.read)
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');
  if (!r.unrecognised) return { text: `${r.lines} lines, read as ${read || 'nothing'}`, warn: false };
  const looks = r.looksLike ? `; this looks like ${r.looksLike}` : '';
  return {
    text: `${r.unrecognised} of ${r.lines} lines not recognised${looks}${read ? ` (read: ${read})` : ''}`,
    warn: r.unrecognised * 2 > r.lines,
  };
}

function TextRow({ t, report }: { t: CustomerText; report: InputReport | undefined }) {
  const c = customer();
  const pct = t.size ? Math.round((t.sent / t.size) * 100) : 100;
  const rr = readReport(report);
  return (
    <li className="ctext-item" data-testid="evidence-text" data-name={t.name} data-done={!!t.upload}>
      <div className="ctext-item-head">
        <b className="name" title={t.name}>
          {t.name}
        </b>
        <span className="muted">{formatSize(t.size)}</span>
        <label>
          from{' '}
          <select
            value={t.side}
            onChange={(e) => c.setSide(t.key, e.target.value as CustomerSide)}
            data-testid="evidence-side"
          >
            {SIDES.map((s) => (
              <option key={s} value={s}>
                {s === 'unknown' ? 'either gateway' : `${s} gateway`}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        {t.upload && (
          <button
            className="link"
            onClick={() => c.set({ evidenceView: { upload: t.upload!.id, line: 0, nonce: Date.now() } })}
          >
            show
          </button>
        )}
        <button onClick={() => c.removeText(t.key)} aria-label={`remove ${t.name}`}>
          ✕
        </button>
      </div>
      {!t.upload && !t.error && (
        <div
          className="bar"
          role="progressbar"
          aria-label={`${t.name} sent`}
          aria-valuenow={pct}
          title={`${pct}% sent`}
          data-testid="evidence-upload-progress"
        >
          <span style={{ width: `${pct}%` }} />
        </div>
      )}
      {t.error && <div className="bad">{t.error}</div>}
      {rr && (
        <div className={rr.warn ? 'warn-text' : 'muted'} data-testid="evidence-read">
          {rr.text}
        </div>
      )}
    </li>
  );
}

function EvidenceLine({ e }: { e: Finding['evidence'][number] }) {
  return (
    <li>
      <button
        className="evidence-link"
        disabled={!e.line}
        onClick={() => customer().showEvidence(e.source, e.line)}
        data-testid="evidence-cite"
        data-line={e.line}
      >
        <span className="muted">
          {e.source}
          {e.line ? `:${e.line}` : ''}
        </span>{' '}
        <code>{e.text}</code>
      </button>
    </li>
  );
}

function Verdict({ d }: { d: CustomerDiagnosisInfo }) {
  const lines = (d.inputs ?? []).reduce((n, i) => n + i.lines, 0);
  const unread = (d.inputs ?? []).reduce((n, i) => n + i.unrecognised, 0);
  // Mostly unreadable: whatever was found is no analysis of these texts, and must not look like one.
  const nothingRead = lines > 0 && unread * 2 > lines;
  const top = d.findings[0];
  const good = d.verdict === 'healthy';
  if (d.verdict === 'unknown')
    return (
      <div className="verdict unknown" data-testid="evidence-verdict" data-verdict="unknown">
        <b>{nothingRead ? `${unread} of ${lines} lines could not be read as IKE/IPsec evidence` : 'No cause found'}</b>
        <div className="muted">
          {nothingRead
            ? 'This is no analysis: see above what each text looks like, and bring the log or show output instead.'
            : 'The texts show neither a fault nor an established tunnel.'}
        </div>
      </div>
    );
  return (
    <div className={`verdict ${good ? 'good' : 'bad'}`} data-testid="evidence-verdict" data-verdict={d.verdict}>
      <b>{causeTitle(d.verdict)}</b>
      {top && (
        <span className="muted">
          {' '}
          {Math.round(top.confidence * 100)}% · phase {top.phase} · side {top.side}
        </span>
      )}
      {top && (
        <div>
          <RichText text={top.summary} />
        </div>
      )}
    </div>
  );
}

function FindingItem({ f, rank }: { f: Finding; rank: number }) {
  return (
    <details className="cfinding" open={rank === 0} data-testid="evidence-finding" data-cause={f.cause}>
      <summary>
        <b>{causeTitle(f.cause)}</b> <span className="muted">{Math.round(f.confidence * 100)}%</span>
      </summary>
      <div>
        <RichText text={f.summary} />
      </div>
      {f.evidence.length > 0 && (
        <ul className="cites">
          {f.evidence.map((e, i) => (
            <EvidenceLine key={i} e={e} />
          ))}
        </ul>
      )}
      {f.decidingCheck && (
        <div className="muted">
          Deciding check: <RichText text={f.decidingCheck} />
        </div>
      )}
      {f.fix.length > 0 && (
        <ul className="fix">
          {f.fix.map((x, i) => (
            <li key={i}>
              <RichText text={x} />
            </li>
          ))}
        </ul>
      )}
      {(f.vendor.asa || f.vendor.paloAlto) && (
        <details className="vendor-notes">
          <summary>The same on a Cisco ASA and a Palo Alto</summary>
          {f.vendor.asa && <pre className="vendor">Cisco ASA:{'\n' + f.vendor.asa}</pre>}
          {f.vendor.paloAlto && <pre className="vendor">Palo Alto:{'\n' + f.vendor.paloAlto}</pre>}
        </details>
      )}
    </details>
  );
}

function Reproduce({ d }: { d: CustomerDiagnosisInfo }) {
  const c = customer();
  const s = useCustomer((x) => x);
  const busy = useApp((x) => x.busy);
  const lab = useApp((x) => x.labName);
  const r = s.reproduction;
  return (
    <div className="reproduce" data-testid="reproduce">
      {'fault' in d.reproduce ? (
        <div className="toolbar">
          <button
            className="primary"
            disabled={!!busy || s.reproducing}
            onClick={() => void c.reproduce()}
            data-testid="reproduce-run"
          >
            {s.reproducing ? 'Reproducing…' : 'Reproduce in the lab'}
          </button>
          <span className="muted">
            applies <code>{d.reproduce.fault}</code> ({d.reproduce.title}) to lab “{lab}” until its own diagnosis agrees
          </span>
          {s.imported && (
            <label>
              <input
                type="checkbox"
                checked={s.useImported}
                onChange={(e) => c.set({ useImported: e.target.checked })}
              />{' '}
              with the imported customer config (a lab that runs already keeps its own)
            </label>
          )}
        </div>
      ) : (
        <div className="muted">{d.reproduce.unavailable}</div>
      )}
      {(s.reproducing || s.reproduceLog.length > 0) && (
        <ol className="progress" data-testid="reproduce-progress">
          {s.reproduceLog.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
          {s.reproducing && <li className="muted">…</li>}
        </ol>
      )}
      {r && (
        <div
          className={`verdict ${r.matched ? 'good' : 'bad'}`}
          data-testid="reproduce-result"
          data-matched={r.matched}
        >
          <b>
            {r.matched ? '✔ Reproduced' : '✘ Not reproduced'}: the lab's own diagnosis says {causeTitle(r.labVerdict)}
          </b>
          <div>
            Fault applied: <code>{r.fault}</code> ({r.faultTitle}) in {(r.durationMs / 1000).toFixed(0)} s.{' '}
            {r.alternatives.length > 0 && <>Same cause: {r.alternatives.join(', ')}. </>}
          </div>
          {r.notes.map((n, i) => (
            <div key={i} className="muted">
              {n}
            </div>
          ))}
          <div className="toolbar">
            <button onClick={() => store().set({ tab: 'logs' })}>See it in the lab's logs</button>
            <button disabled={!!busy} onClick={() => void store().revertFault(r.fault)} data-testid="reproduce-fix">
              Fix it on the lab
            </button>
            <code className="muted">{r.fixCommand}</code>
          </div>
        </div>
      )}
    </div>
  );
}

/** Customer evidence (issue 14): their logs and outputs in, the verdict with its lines, the lab reproducing it. */
export function EvidencePanel() {
  const s = useCustomer((x) => x);
  const c = customer();
  const d = s.diagnosis;
  const shown = s.evidenceView && s.texts.find((t) => t.upload?.id === s.evidenceView!.upload);
  const src = d?.sources.find((x) => x.upload === shown?.upload?.id);
  // The cited lines of the text on show: every finding's evidence in it.
  const marks = useMemo(() => {
    const m = new Map<number, string>();
    if (d && src)
      for (const f of d.findings)
        for (const e of f.evidence) if (e.source === src.source && e.line) m.set(e.line, 'cited');
    return m;
  }, [d, src]);
  return (
    <div className="customer-panel" data-testid="evidence">
      <div className="customer-left">
        <p className="muted">
          A customer's strongSwan logs (any pasted shape), <code>swanctl --list-sas</code>, Cisco ASA or Palo Alto
          outputs: one or two of them, each from the gateway it came from. Read as <code>ipsec-lab diagnose</code> reads
          them; nothing is sent anywhere but to this lab's host.
        </p>
        <TextDrop
          what="logs, SA listings or device outputs"
          testid="evidence-drop"
          onText={(n, t) => void c.addEvidence(n, t)}
        />
        {s.texts.length > 0 && (
          <ul className="ctext-list">
            {s.texts.map((t) => (
              <TextRow
                key={t.key}
                t={t}
                report={d?.inputs?.find((i) => i.source === d.sources.find((x) => x.upload === t.upload?.id)?.source)}
              />
            ))}
          </ul>
        )}
        {s.diagnosing && (
          <div data-testid="evidence-diagnosing">
            Diagnosing…{' '}
            {s.progress && s.progress.total > 0 && (
              <span className="muted">
                {formatSize(s.progress.done)} of {formatSize(s.progress.total)}
              </span>
            )}
          </div>
        )}
        {d && (
          <>
            <Verdict d={d} />
            <Reproduce d={d} />
            {d.findings.map((f, i) => (
              <FindingItem key={`${f.cause}-${i}`} f={f} rank={i} />
            ))}
            {d.notes.map((n, i) => (
              <div key={i} className="muted small">
                Note: {n}
              </div>
            ))}
          </>
        )}
      </div>
      <div className="customer-right">
        {shown?.upload ? (
          <CustomerTextView
            upload={shown.upload.id}
            total={shown.upload.lines}
            marks={marks}
            target={s.evidenceView}
            title={shown.name}
            testid="evidence-view"
          />
        ) : (
          <div className="muted pad">The text shows here, the lines the diagnosis cites marked.</div>
        )}
      </div>
    </div>
  );
}
