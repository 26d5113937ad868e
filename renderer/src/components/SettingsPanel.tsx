import { useEffect, useMemo, useRef, useState } from 'react';

import type { LabSettings, SettingsInfo, SettingsIssue, SettingsPair, Side } from '../../../lab/api/contract';
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
  label,
}: {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  id: string;
  reveal: boolean;
  /** The accessible name: the field and the gateway it belongs to. */
  label: string;
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
    return (
      <input
        id={id}
        aria-label={label}
        type="checkbox"
        checked={!!value}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  if (typeof k === 'object') {
    return (
      <select
        id={id}
        aria-label={label}
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
      aria-label={label}
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

/** A settings document from a file: read, parsed, shaped like settings (field errors are shown in the editor). */
async function readSettingsFile(file: File): Promise<LabSettings> {
  const text = await file.text();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file.name} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const d = doc as { left?: { gateway?: unknown }; right?: { gateway?: unknown } } | null;
  if (!d || typeof d !== 'object' || typeof d.left?.gateway !== 'object' || typeof d.right?.gateway !== 'object')
    throw new Error(
      `${file.name} is not an IPsec Lab settings file: expected an object with left.gateway and right.gateway (\`ipsec-lab settings\` prints one)`,
    );
  return doc as LabSettings;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

/** Where the settings shown come from, in words; never "defaults" while a lab runs. */
function sourceText(exists: boolean, info: SettingsInfo | null, labName: string): string {
  if (exists && info?.source !== 'lab') return `Reading the settings lab "${labName}" runs…`;
  if (info?.source === 'lab') return `Settings lab "${labName}" runs`;
  if (info?.source === 'saved')
    return `Your settings for lab "${labName}" (saved ${clock(info.saved!.savedAt)}); no lab running`;
  return `Default settings; no lab "${labName}" running`;
}

/**
 * Both gateways side by side: mismatches highlighted, validation next to each field, applied live.
 * Edits are kept when the tab closes, saved for the lab name as they are made (they survive a stop
 * and a restart of the app), and can be saved to or loaded from a file.
 */
export function SettingsPanel() {
  const info = useApp((s) => s.settings);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);
  const focus = useApp((s) => s.focusSide);
  const labName = useApp((s) => s.labName);
  const d = useApp((s) => s.draft);
  const savedAt = useApp((s) => s.draftSaved);
  const draft = d?.settings ?? null;
  const dirty = !!d?.dirty;
  const [issues, setIssues] = useState<SettingsIssue[]>([]);
  const [pairs, setPairs] = useState<SettingsPair[]>([]);
  const [reveal, setReveal] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const s = store();

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
  const edit = (full: string, v: unknown) => s.editDraft(setPath(draft, full, v));
  const bad = pairs.filter((p) => !p.ok);
  const sides: Side[] = ['left', 'right'];
  const saveToFile = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(draft, null, 2) + '\n'], { type: 'application/json' }));
    a.download = `ipsec-lab-${labName || 'lab'}-settings.json`;
    a.click();
  };
  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const doc = await readSettingsFile(file);
      const load = () => {
        s.replaceDraft(doc);
        s.notice(`Loaded ${file.name} into the editor${exists ? ': Apply live to use it' : ''}`);
      };
      if (dirty)
        s.set({
          confirm: {
            title: `Replace your edits with ${file.name}?`,
            body: 'The settings in the editor are replaced by the file; your edits so far are dropped.',
            action: 'Replace',
            run: load,
          },
        });
      else load();
    } catch (e) {
      s.error('Could not load the settings file', e);
    }
  };
  const unusedSaved = info?.source === 'lab' && info.saved && !dirty ? info.saved : undefined;
  return (
    <div className="settings-panel" data-testid="settings">
      <div className="toolbar">
        <span className="muted" data-testid="settings-source">
          {sourceText(exists, info, labName)}
          {dirty ? ' · edited' : ''}
          {savedAt && dirty ? ` · edits saved ${clock(savedAt.at)}` : ''}
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
          onClick={saveToFile}
          title="the settings in the editor as a JSON file (ipsec-lab up --settings FILE reads it)"
          data-testid="settings-save-file"
        >
          Save to file…
        </button>
        <button onClick={() => fileInput.current?.click()} data-testid="settings-load-file">
          Load from file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="settings file to load"
          data-testid="settings-file-input"
          onChange={(e) => {
            void loadFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button
          disabled={!dirty}
          onClick={() => s.discardDraft()}
          title={exists ? 'back to the settings the lab runs' : 'back to the settings from before your edits'}
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
                s.set({ draft: { settings: draft, baseline: draft, dirty: false } });
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
            data-testid="start-with-settings"
            onClick={() => void s.labUp(draft)}
          >
            Start lab with these settings
          </button>
        )}
      </div>
      {info?.savedError && (
        <div className="banner warn" role="alert">
          {info.savedError}
        </div>
      )}
      {unusedSaved && (
        <div className="banner info" data-testid="saved-edits">
          Your settings saved {clock(unusedSaved.savedAt)} for this lab differ from what it runs (edits not applied).
          <button onClick={() => s.replaceDraft(unusedSaved.settings)} data-testid="load-saved-edits">
            Load them into the editor
          </button>
        </div>
      )}
      <table className="grid settings">
        <thead>
          <tr>
            <td />
            <th scope="col" className={focus === 'left' ? 'focus' : ''}>
              gw-left
            </th>
            <th scope="col" className={focus === 'right' ? 'focus' : ''}>
              gw-right
            </th>
            <th scope="col">agreement</th>
          </tr>
        </thead>
        {GROUPS.map((g) => (
          <tbody key={g.title}>
            <tr className="group">
              <th colSpan={4} scope="colgroup">
                {g.title}
              </th>
            </tr>
            {g.fields.map((f) => {
              const mism = sides.map((sd) => mismatchOf.get(`${sd}.${f.path}`)).find(Boolean);
              return (
                <tr key={f.path} className={mism ? 'mismatch' : ''}>
                  <th title={f.help} scope="row">
                    {f.label}
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
                          label={`${f.label}, gw-${sd}`}
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
