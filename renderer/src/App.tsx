import { lazy, type ReactNode, Suspense, useRef } from 'react';

import { ConfirmDialog } from './components/ConfirmDialog';
import { DiagnosisPanel } from './components/DiagnosisPanel';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LogsPanel } from './components/LogsPanel';
import { Messages } from './components/Messages';
import { StartupPanel } from './components/StartupPanel';
import { TopBar } from './components/TopBar';
import { TopologyStrip } from './components/TopologyStrip';
import { TrafficHint } from './components/TrafficHint';
import { store, type Tab, useApp } from './state/store';

// The first screen is the logs, the topology and the diagnosis: every other tab is its own chunk,
// loaded when it is first opened, so the first screen does not wait for them.
const named = <K extends string>(load: () => Promise<Record<K, () => ReactNode>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));
const DockerUnavailable = named(() => import('./components/DockerUnavailable'), 'DockerUnavailable');
const LadderPanel = named(() => import('./components/LadderPanel'), 'LadderPanel');
const SaPanel = named(() => import('./components/SaPanel'), 'SaPanel');
const SettingsPanel = named(() => import('./components/SettingsPanel'), 'SettingsPanel');
const FaultsPanel = named(() => import('./components/FaultsPanel'), 'FaultsPanel');
const LinkPanel = named(() => import('./components/LinkPanel'), 'LinkPanel');
const ScenariosPanel = named(() => import('./components/ScenariosPanel'), 'ScenariosPanel');
const ValidatePanel = named(() => import('./components/ValidatePanel'), 'ValidatePanel');
const EvidencePanel = named(() => import('./components/EvidencePanel'), 'EvidencePanel');
const ImportPanel = named(() => import('./components/ImportPanel'), 'ImportPanel');

const TABS: { id: Tab; label: string; panel: () => ReactNode }[] = [
  { id: 'logs', label: 'Logs', panel: () => <LogsPanel /> },
  { id: 'ladder', label: 'Exchanges', panel: () => <LadderPanel /> },
  { id: 'sas', label: 'SAs & counters', panel: () => <SaPanel /> },
  { id: 'settings', label: 'Settings', panel: () => <SettingsPanel /> },
  { id: 'faults', label: 'Faults', panel: () => <FaultsPanel /> },
  { id: 'link', label: 'Link', panel: () => <LinkPanel /> },
  { id: 'scenarios', label: 'Scenarios', panel: () => <ScenariosPanel /> },
  { id: 'validate', label: 'Validate', panel: () => <ValidatePanel /> },
  { id: 'evidence', label: 'Customer evidence', panel: () => <EvidencePanel /> },
  { id: 'config', label: 'Customer config', panel: () => <ImportPanel /> },
];

const loading = <p className="muted pad">Loading…</p>;

/**
 * The tabs as the WAI-ARIA tabs pattern: one tab stop, arrow keys (and Home/End) move between the
 * tabs and open the one reached, the open tab's panel is a tabpanel labelled by its tab.
 */
function Tabs({ tab }: { tab: Tab }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const open = (id: Tab, focus = false) => {
    store().set({ tab: id });
    if (focus) refs.current[id]?.focus();
  };
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + TABS.length) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    open(TABS[to].id, true);
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Lab views">
      {TABS.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => void (refs.current[t.id] = el)}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          className={tab === t.id ? 'active' : ''}
          onClick={() => open(t.id)}
          onKeyDown={(e) => onKey(e, i)}
          data-tab={t.id}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}

export function App() {
  const connection = useApp((s) => s.connection);
  const engine = useApp((s) => s.engine);
  const tab = useApp((s) => s.tab);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);

  if (connection.state === 'closed' && connection.fatal) {
    return <div className="fatal">{connection.reason}</div>;
  }
  const current = TABS.find((t) => t.id === tab) ?? TABS[0];
  return (
    <div className="app">
      <TopBar />
      {connection.state === 'closed' && <div className="banner warn">{connection.reason}</div>}
      <Messages />
      <ConfirmDialog />
      {engine && !engine.available ? (
        <Suspense fallback={loading}>
          <DockerUnavailable />
        </Suspense>
      ) : (
        <>
          <TopologyStrip />
          {(busy?.startsWith('Starting') || !exists) && <StartupPanel />}
          <TrafficHint />
          <main className="main">
            <section className="work" aria-label="Lab views">
              <Tabs tab={current.id} />
              <div
                className="tab-body"
                role="tabpanel"
                id={`panel-${current.id}`}
                aria-labelledby={`tab-${current.id}`}
                tabIndex={0}
              >
                <ErrorBoundary label={current.label} key={current.id}>
                  <Suspense fallback={loading}>{current.panel()}</Suspense>
                </ErrorBoundary>
              </div>
            </section>
            <aside className="side" aria-label="Diagnosis">
              <ErrorBoundary label="Diagnosis">
                <DiagnosisPanel />
              </ErrorBoundary>
            </aside>
          </main>
        </>
      )}
    </div>
  );
}
