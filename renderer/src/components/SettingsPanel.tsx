import { useEffect, useMemo, useRef, useState } from 'react';

import type { LabSettings, SettingsIssue, SettingsPair, Side } from '../../../lab/api/contract';
import { store, useApp } from '../state/store';

type Kind = 'text' | 'list' | 'number' | 'bool' | 'password' | { options: (string | number)[] };

interface Field {
  /** Path below the site: "lan", "gateway.ikeProposals", "gateway.dpd.delay". */
  path: string;
  label: string;
  kind: Kind;
  help?: string;
}

const GROUPS: { title: string; fields: Field[] }[] = [
  {
    title: 'Site',
    fields: [
      { path: 'lan', label: 'LAN subnet', kind: 'text' },
      { path: 'wan', label: 'WAN subnet', kind: 'text' },
      {
        path: 'gateway.release',
        label: 'strongSwan',
        kind: { options: ['trixie', 'bookworm'] },
        help: 'trixie: 6.0, bookworm: 5.9',
      },
    ],
  },
  {
    title: 'Phase 1 (IKE)',
    fields: [
      { path: 'gateway.ikeVersion', label: 'IKE version', kind: { options: [2, 1] } },
      {
        path: 'gateway.ikeProposals',
        label: 'IKE proposals',
        kind: 'list',
        help: 'comma separated, e.g. aes256-sha256-modp2048',
      },
      { path: 'gateway.psk', label: 'pre-shared key', kind: 'password' },
      { path: 'gateway.localId', label: 'local ID', kind: 'text' },
      { path: 'gateway.remoteId', label: 'remote ID', kind: 'text' },
      { path: 'gateway.peerAddress', label: 'peer address', kind: 'text', help: 'empty: the peer gateway' },
      { path: 'gateway.aggressive', label: 'aggressive mode (IKEv1)', kind: 'bool' },
      { path: 'gateway.ike.rekeyTime', label: 'IKE rekey (s)', kind: 'number' },
      { path: 'gateway.ike.reauthTime', label: 'IKE reauth (s)', kind: 'number' },
      { path: 'gateway.ike.overTime', label: 'IKE over time (s)', kind: 'number' },
    ],
  },
  {
    title: 'Phase 2 (CHILD / ESP)',
    fields: [
      { path: 'gateway.espProposals', label: 'ESP proposals', kind: 'list', help: 'a DH group means PFS' },
      { path: 'gateway.localTs', label: 'local selectors', kind: 'list', help: 'empty: the LAN subnet' },
      { path: 'gateway.remoteTs', label: 'remote selectors', kind: 'list', help: 'empty: the peer LAN' },
      { path: 'gateway.child.rekeyTime', label: 'CHILD rekey (s)', kind: 'number' },
      { path: 'gateway.child.lifeTime', label: 'CHILD life (s)', kind: 'number' },
    ],
  },
  {
    title: 'Behaviour',
    fields: [
      { path: 'gateway.startAction', label: 'start action', kind: { options: ['initiate', 'wait', 'trap'] } },
      { path: 'gateway.dpd.delay', label: 'DPD delay (s)', kind: 'number' },
      { path: 'gateway.dpd.timeout', label: 'DPD timeout (s)', kind: 'number' },
      { path: 'gateway.dpd.action', label: 'DPD action', kind: { options: ['clear', 'trap', 'restart'] } },
      { path: 'gateway.encap', label: 'force UDP encapsulation', kind: 'bool' },
      { path: 'gateway.mobike', label: 'MOBIKE', kind: 'bool' },
    ],
  },
];

function getPath(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

function setPath<T>(o: T, path: string, value: unknown): T {
  const copy = structuredClone(o);
  const keys = path.split('.');
  let cur = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[keys[keys.length - 1]] = value;
  return copy;
}

/** "left.gateway.ikeProposals[0]" → "left.gateway.ikeProposals" */
const basePath = (field: string) => field.replace(/\[\d+\]/g, '');

function Input({
  field,
  value,
  onChange,
  id,
  reveal,
}: {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  id: string;
  reveal: boolean;
}) {
  const k = field.kind;
  const [text, setText] = useState(Array.isArray(value) ? value.join(', ') : String(value ?? ''));
  // Keep the typed text (e.g. a trailing comma) unless the value changed from elsewhere.
  const shown = useRef(value);
  useEffect(() => {
    if (JSON.stringify(shown.current) !== JSON.stringify(value)) {
      shown.current = value;
      setText(Array.isArray(value) ? value.join(', ') : String(value ?? ''));
    }
  }, [value]);
  if (k === 'bool')
    return <input id={id} type="checkbox" checked={!!value} onChange={(e) => onChange(e.target.checked)} />;
  if (typeof k === 'object') {
    return (
      <select
        id={id}
        value={String(value)}
        onChange={(e) => onChange(typeof k.options[0] === 'number' ? Number(e.target.value) : e.target.value)}
      >
        {k.options.map((o) => (
          <option key={o} value={String(o)}>
            {o}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={id}
      type={k === 'password' && !reveal ? 'password' : k === 'number' ? 'number' : 'text'}
      value={text}
      spellCheck={false}
      autoComplete="off"
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        const v =
          k === 'list'
            ? t
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : k === 'number'
              ? t === ''
                ? NaN
                : Number(t)
              : t;
        shown.current = v;
        onChange(v);
      }}
    />
  );
}

/** Both gateways side by side: mismatches highlighted, validation next to each field, applied live. */
export function SettingsPanel() {
  const info = useApp((s) => s.settings);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);
  const focus = useApp((s) => s.focusSide);
  const [draft, setDraft] = useState<LabSettings | null>(info?.settings ?? null);
  const [dirty, setDirty] = useState(false);
  const [issues, setIssues] = useState<SettingsIssue[]>([]);
  const [pairs, setPairs] = useState<SettingsPair[]>([]);
  const [reveal, setReveal] = useState(false);
  const s = store();

  useEffect(() => {
    if (info && !dirty) setDraft(info.settings);
  }, [info, dirty]);

  // Validate and compare the draft shortly after each edit.
  useEffect(() => {
    if (!draft) return;
    let stale = false;
    const t = setTimeout(async () => {
      try {
        const found = await s.client.call('validateSettings', draft);
        if (stale) return;
        setIssues(found);
        if (!found.length) {
          const p = await s.client.call('settingsDiff', draft);
          if (!stale) setPairs(p);
        }
      } catch (e) {
        if (!stale) s.error('Could not check the settings', e);
      }
    }, 200);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [draft, s]);

  const issueOf = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const i of issues) {
      const k = basePath(i.field);
      m.set(k, [...(m.get(k) ?? []), i.message]);
    }
    return m;
  }, [issues]);
  const mismatchOf = useMemo(() => {
    const m = new Map<string, SettingsPair>();
    for (const p of pairs)
      if (!p.ok) {
        m.set(p.left, p);
        m.set(p.right, p);
      }
    return m;
  }, [pairs]);

  if (!draft) return <p className="muted pad">Loading settings…</p>;
  const edit = (full: string, v: unknown) => {
    setDraft(setPath(draft, full, v));
    setDirty(true);
  };
  const bad = pairs.filter((p) => !p.ok);
  const sides: Side[] = ['left', 'right'];
  return (
    <div className="settings-panel" data-testid="settings">
      <div className="toolbar">
        <span className="muted">
          {info?.source === 'lab' ? 'Settings of the running lab' : 'Default settings (no lab running)'}
          {dirty ? ' · edited' : ''}
        </span>
        <label>
          <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} /> show keys
        </label>
        <label>
          <input
            type="checkbox"
            checked={draft.realisticTimers}
            onChange={(e) => edit('realisticTimers', e.target.checked)}
          />{' '}
          strongSwan's real retransmit timers
        </label>
        <span className="spacer" />
        {issues.length > 0 && (
          <span className="bad">
            {issues.length} problem{issues.length > 1 ? 's' : ''}
          </span>
        )}
        {bad.length > 0 && (
          <span className="warn-text">
            {bad.length} mismatch{bad.length > 1 ? 'es' : ''} between the gateways
          </span>
        )}
        <button
          disabled={!dirty}
          onClick={() => {
            setDirty(false);
            setDraft(info?.settings ?? null);
          }}
        >
          Discard edits
        </button>
        {exists ? (
          <button
            className="primary"
            disabled={!dirty || issues.length > 0 || !!busy}
            data-testid="apply-settings"
            onClick={() =>
              void s.act('Applying settings…', async () => {
                const r = await s.client.call('applySettings', draft);
                setDirty(false);
                s.notice(
                  r.changed.length
                    ? `Applied live to ${r.changed.map((x) => `gw-${x}`).join(' and ')}`
                    : 'Nothing changed',
                );
              })
            }
          >
            Apply live
          </button>
        ) : (
          <button
            className="primary"
            disabled={issues.length > 0 || !!busy}
            onClick={() => {
              setDirty(false);
              void s.labUp(draft);
            }}
          >
            Start lab with these settings
          </button>
        )}
      </div>
      <table className="grid settings">
        <thead>
          <tr>
            <th />
            <th className={focus === 'left' ? 'focus' : ''}>gw-left</th>
            <th className={focus === 'right' ? 'focus' : ''}>gw-right</th>
            <th>agreement</th>
          </tr>
        </thead>
        {GROUPS.map((g) => (
          <tbody key={g.title}>
            <tr className="group">
              <th colSpan={4}>{g.title}</th>
            </tr>
            {g.fields.map((f) => {
              const mism = sides.map((sd) => mismatchOf.get(`${sd}.${f.path}`)).find(Boolean);
              return (
                <tr key={f.path} className={mism ? 'mismatch' : ''}>
                  <th title={f.help}>
                    <label>{f.label}</label>
                    {f.help && <div className="muted small">{f.help}</div>}
                  </th>
                  {sides.map((sd) => {
                    const full = `${sd}.${f.path}`;
                    const errs = issueOf.get(full);
                    return (
                      <td
                        key={sd}
                        className={`${errs ? 'invalid' : ''} ${mismatchOf.has(full) ? 'mismatch' : ''}`}
                        data-field={full}
                      >
                        <Input
                          field={f}
                          value={getPath(draft, full)}
                          onChange={(v) => edit(full, v)}
                          id={full}
                          reveal={reveal}
                        />
                        {errs?.map((m, i) => (
                          <div key={i} className="field-error" role="alert">
                            {m}
                          </div>
                        ))}
                      </td>
                    );
                  })}
                  <td className="why">{mism ? <span className="warn-text">✘ {mism.why}</span> : null}</td>
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
      {issues
        .filter(
          (i) =>
            !GROUPS.some((g) =>
              g.fields.some((f) => i.field.startsWith(`left.${f.path}`) || i.field.startsWith(`right.${f.path}`)),
            ),
        )
        .map((i, n) => (
          <div key={n} className="field-error">
            {i.field}: {i.message}
          </div>
        ))}
    </div>
  );
}
