import './customer.css';

import { useMemo, useState } from 'react';

import type { ExportFormatInfo, ImportedEndInfo, SettingsPair, Side, ValidateRunInfo } from '../../../lab/api/contract';
import { customer, type CustomerText, useCustomer } from '../state/customer';
import { store, useApp } from '../state/store';
import { CustomerTextView } from './CustomerTextView';
import { formatSize, TextDrop } from './TextDrop';

const FORMATS: { id: ExportFormatInfo; label: string }[] = [
  { id: 'asa', label: 'Cisco ASA' },
  { id: 'paloalto', label: 'Palo Alto (set commands)' },
  { id: 'swanctl', label: 'strongSwan swanctl.conf' },
];
const FORMAT_NAMES: Record<string, string> = {
  asa: 'Cisco ASA',
  paloalto: 'Palo Alto',
  swanctl: 'swanctl.conf',
  'ipsec.conf': 'ipsec.conf',
  'settings-json': 'lab settings',
};
const other = (s: Side): Side => (s === 'left' ? 'right' : 'left');

function download(text: string, fileName: string) {
  // A download, not a new window: the app opens no windows of its own content.
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.download = fileName;
  a.click();
}

function Slot({
  side,
  t,
  end,
  mirrored,
}: {
  side: Side;
  t: CustomerText | null;
  end?: ImportedEndInfo;
  mirrored: boolean;
}) {
  const c = customer();
  const tunnel = useCustomer((s) => s.tunnels[side]);
  if (!t)
    return (
      <div className="config-slot empty" data-testid={`config-slot-${side}`}>
        <h4>gw-{side}</h4>
        {mirrored && <div className="muted">the mirror image of gw-{other(side)}'s config; or its own config:</div>}
        <TextDrop
          compact
          what={`gw-${side}'s config`}
          testid={`config-drop-${side}`}
          onText={(n, src) => void c.addConfig(side, n, src)}
        />
      </div>
    );
  const pct = t.size ? Math.round((t.sent / t.size) * 100) : 100;
  return (
    <div className="config-slot" data-testid={`config-slot-${side}`}>
      <h4>
        gw-{side}: {t.name} <span className="muted">{formatSize(t.size)}</span>
        <button onClick={() => c.dropConfig(side)} aria-label={`remove gw-${side}'s config`}>
          ✕
        </button>
      </h4>
      {!t.upload && !t.error && (
        <div className="bar" role="progressbar" aria-label={`${t.name} sent`} aria-valuenow={pct}>
          <span style={{ width: `${pct}%` }} />
        </div>
      )}
      {end && (
        <div>
          <span className="badge info">{FORMAT_NAMES[end.format] ?? end.format}</span>
          <span className="badge">tunnel {end.entry}</span>
          {end.routeBased && <span className="badge">route-based (0.0.0.0/0)</span>}
          <span className={`badge ${end.unsupported.length ? 'warn' : ''}`} data-testid={`config-not-imported-${side}`}>
            {end.unsupported.length} of {end.lines} lines not imported
          </span>
          {end.tunnels.length > 1 && (
            <label>
              {' '}
              tunnel{' '}
              <select
                value={tunnel || end.entry}
                onChange={(e) => c.chooseTunnel(side, e.target.value)}
                data-testid={`config-tunnel-${side}`}
              >
                {end.tunnels.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name} (peer {x.peer || '?'}, line {x.line})
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
    </div>
  );
}

function EndDetails({ end }: { end: ImportedEndInfo }) {
  const c = customer();
  return (
    <details className="config-end" open data-testid={`config-end-${end.side}`}>
      <summary>
        gw-{end.side} ({end.name}): {end.unsupported.length} lines not imported, {end.warnings.length} warnings,{' '}
        {end.placeholders.length} placeholders replaced
      </summary>
      {end.unsupported.length > 0 && (
        <div className="not-imported-scroll">
          <table className="grid not-imported" data-testid={`config-unsupported-${end.side}`}>
            <thead>
              <tr>
                <th>line</th>
                <th>as written</th>
                <th>why not imported</th>
              </tr>
            </thead>
            <tbody>
              {end.unsupported.map((u) => (
                <tr key={u.line} data-line={u.line}>
                  <td>
                    <button className="link" onClick={() => c.showConfigLine(end.side, u.line)}>
                      {u.line}
                    </button>
                  </td>
                  <td>
                    <code>{u.text}</code>
                  </td>
                  <td>{u.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {end.warnings.map((w, i) => (
        <div key={i} className="warn-text small">
          {w.line > 0 ? `line ${w.line}: ` : ''}
          {w.message}
        </div>
      ))}
      {end.placeholders.map((p, i) => (
        <div key={i} className="small">
          line {p.line}: <code>{p.text}</code> ({p.field}) → the lab's <code>{p.replacement}</code>
        </div>
      ))}
    </details>
  );
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));

function Pairs({ pairs }: { pairs: SettingsPair[] }) {
  const bad = pairs.filter((p) => !p.ok).length;
  return (
    <details className="config-pairs" open={bad > 0} data-testid="config-pairs">
      <summary>
        {bad ? (
          <b className="bad">
            {bad} mismatch{bad > 1 ? 'es' : ''}
          </b>
        ) : (
          'No mismatch'
        )}{' '}
        between the two gateways, before anything runs ({pairs.length} pairs compared)
      </summary>
      <table className="grid pairs">
        <tbody>
          {pairs.map((p) => (
            <tr
              key={p.left}
              className={p.ok ? '' : 'mismatch'}
              data-testid="config-pair"
              data-ok={p.ok}
              data-field={p.left}
            >
              <td>{p.ok ? '✔' : '✘'}</td>
              <td>
                <code>{p.left.replace(/^left\.(gateway\.)?/, '')}</code>
              </td>
              <td>
                <div>
                  <span className="muted">gw-left</span> {show(p.leftValue)}
                </div>
                <div>
                  <span className="muted">gw-right</span> {show(p.rightValue)}
                </div>
                {!p.ok && <div className="bad small">{p.why}</div>}
                {p.advice?.map((a, i) => (
                  <div key={i} className="warn-text small">
                    {a}
                  </div>
                ))}
                {p.lines?.map((l, i) => (
                  <div key={i} className="muted small">
                    {`gw-${l.field.split('.')[0]}`} line {l.line}: <code>{l.text}</code>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Checks({ r }: { r: ValidateRunInfo }) {
  return (
    <table className="grid" data-testid="config-validate-result" data-ok={r.ok}>
      <tbody>
        {r.checks.map((c) => (
          <tr key={c.id} data-status={c.status}>
            <td>{c.title}</td>
            <td>
              <span className={`badge ${c.status === 'pass' ? 'ok' : c.status === 'fail' ? 'bad' : ''}`}>
                {c.status}
              </span>
            </td>
            <td className="small">
              {c.reason}
              {c.cause && <div className="bad">diagnosed cause: {c.cause.summary}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Customer config (issue 15): a device config in (one end mirrored, or both ends), checked, validated, exported. */
export function ImportPanel() {
  const s = useCustomer((x) => x);
  const c = customer();
  const busy = useApp((x) => x.busy);
  const [quick, setQuick] = useState(true);
  const r = s.imported;
  const exportSide: Side = r?.mirrored ?? 'right';
  const [format, setFormat] = useState<ExportFormatInfo>('asa');
  const [side, setSide] = useState<Side | null>(null);
  const [reveal, setReveal] = useState(false);
  const view = s.configView;
  const viewSide = (['left', 'right'] as const).find((x) => s.configs[x]?.upload?.id === view?.upload);
  const viewed = viewSide ? s.configs[viewSide] : null;
  const marks = useMemo(() => {
    const m = new Map<number, string>();
    for (const u of r?.ends.find((e) => e.side === viewSide)?.unsupported ?? []) m.set(u.line, 'unread');
    return m;
  }, [r, viewSide]);
  return (
    <div className="customer-panel" data-testid="config">
      <div className="customer-left">
        <p className="muted">
          A customer's Cisco ASA or Palo Alto config (or swanctl.conf, ipsec.conf) on the gateway it configures; the
          other gateway is its mirror image, or its own config (the two ends of the tunnel). Every line not imported is
          listed; pre-shared keys are masked.
        </p>
        <div className="config-slots">
          {(['left', 'right'] as const).map((x) => (
            <Slot
              key={x}
              side={x}
              t={s.configs[x]}
              end={r?.ends.find((e) => e.side === x)}
              mirrored={r?.mirrored === x}
            />
          ))}
        </div>
        {s.importing && <div>Importing…</div>}
        {s.importError && (
          <div className="panel-error" data-testid="config-error">
            {s.importError}
          </div>
        )}
        {r && (
          <>
            <Pairs pairs={r.pairs} />
            {r.ends.map((e) => (
              <EndDetails key={e.side} end={e} />
            ))}
            <div className="toolbar">
              <button
                className="primary"
                disabled={s.validating}
                onClick={() => void c.validate(quick)}
                data-testid="config-validate"
              >
                {s.validating ? 'Validating…' : 'Validate on a lab of its own'}
              </button>
              <label>
                <input type="checkbox" checked={quick} onChange={(e) => setQuick(e.target.checked)} /> quick
              </label>
              <button disabled={!!busy} onClick={() => void store().labUp(r.settings)} data-testid="config-start">
                Start the lab with it
              </button>
            </div>
            {(s.validating || s.validateLog.length > 0) && !s.validation && (
              <ul className="progress" data-testid="config-validate-progress">
                {s.validateLog.map((l, i) => (
                  <li key={i}>
                    <code>{l}</code>
                  </li>
                ))}
                <li className="muted">…</li>
              </ul>
            )}
            {s.validation && (
              <div>
                <span className={`badge ${s.validation.ok ? 'ok' : 'bad'}`} data-testid="config-validate-verdict">
                  {s.validation.ok ? 'passed' : 'failed'}
                </span>{' '}
                {s.validation.totals.pass} passed, {s.validation.totals.fail} failed, {s.validation.totals.skipped}{' '}
                skipped
                <Checks r={s.validation} />
              </div>
            )}
            <div className="toolbar">
              Export{' '}
              <select
                value={side ?? exportSide}
                onChange={(e) => setSide(e.target.value as Side)}
                data-testid="export-side"
                aria-label="which gateway to export"
              >
                <option value="left">gw-left</option>
                <option value="right">gw-right</option>
              </select>
              as
              <select
                value={format}
                onChange={(e) => setFormat(e.target.value as ExportFormatInfo)}
                data-testid="export-format"
                aria-label="export format"
              >
                {FORMATS.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
              <label>
                <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} /> with the key
              </label>
              <button onClick={() => void c.exportConfig(side ?? exportSide, format, reveal)} data-testid="export-run">
                Export
              </button>
              {s.exported && (
                <button onClick={() => download(s.exported!.text, s.exported!.fileName)}>
                  Save {s.exported.fileName}
                </button>
              )}
            </div>
            {s.exported && (
              <pre className="export-text" data-testid="export-text" data-format={s.exported.format}>
                {s.exported.text}
              </pre>
            )}
          </>
        )}
      </div>
      <div className="customer-right">
        {viewed?.upload ? (
          <CustomerTextView
            upload={viewed.upload.id}
            total={viewed.upload.lines}
            marks={marks}
            target={view}
            title={`gw-${viewSide}: ${viewed.name}`}
            testid="config-view"
          />
        ) : (
          <div className="muted pad">Click a line number to see it in its config, the lines not imported marked.</div>
        )}
      </div>
    </div>
  );
}
