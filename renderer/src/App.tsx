import { DiagnosisPanel } from './components/DiagnosisPanel';
import { DockerUnavailable } from './components/DockerUnavailable';
import { ErrorBoundary } from './components/ErrorBoundary';
import { FaultsPanel } from './components/FaultsPanel';
import { LadderPanel } from './components/LadderPanel';
import { LinkPanel } from './components/LinkPanel';
import { LogsPanel } from './components/LogsPanel';
import { Messages } from './components/Messages';
import { SaPanel } from './components/SaPanel';
import { ScenariosPanel } from './components/ScenariosPanel';
import { SettingsPanel } from './components/SettingsPanel';
import { StartupPanel } from './components/StartupPanel';
import { TopBar } from './components/TopBar';
import { TopologyStrip } from './components/TopologyStrip';
import { ValidatePanel } from './components/ValidatePanel';
import { store, type Tab, useApp } from './state/store';

const TABS: { id: Tab; label: string }[] = [
  { id: 'logs', label: 'Logs' },
  { id: 'ladder', label: 'Exchanges' },
  { id: 'sas', label: 'SAs & counters' },
  { id: 'settings', label: 'Settings' },
  { id: 'faults', label: 'Faults' },
  { id: 'link', label: 'Link' },
  { id: 'scenarios', label: 'Scenarios' },
  { id: 'validate', label: 'Validate' },
];

export function App() {
  const connection = useApp((s) => s.connection);
  const engine = useApp((s) => s.engine);
  const tab = useApp((s) => s.tab);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);

  if (connection.state === 'closed' && connection.fatal) {
    return <div className="fatal">{connection.reason}</div>;
  }
  return (
    <div className="app">
      <TopBar />
      {connection.state === 'closed' && <div className="banner warn">{connection.reason}</div>}
      <Messages />
      {engine && !engine.available ? (
        <DockerUnavailable />
      ) : (
        <>
          <TopologyStrip />
          {(busy?.startsWith('Starting') || !exists) && <StartupPanel />}
          <div className="main">
            <section className="work">
              <nav className="tabs" role="tablist">
                {TABS.map((t) => (
                  <button
                    key={t.id}
                    role="tab"
                    aria-selected={tab === t.id}
                    className={tab === t.id ? 'active' : ''}
                    onClick={() => store().set({ tab: t.id })}
                    data-tab={t.id}
                  >
                    {t.label}
                  </button>
                ))}
              </nav>
              <div className="tab-body">
                <ErrorBoundary label={TABS.find((t) => t.id === tab)?.label} key={tab}>
                  {tab === 'logs' && <LogsPanel />}
                  {tab === 'ladder' && <LadderPanel />}
                  {tab === 'sas' && <SaPanel />}
                  {tab === 'settings' && <SettingsPanel />}
                  {tab === 'faults' && <FaultsPanel />}
                  {tab === 'link' && <LinkPanel />}
                  {tab === 'scenarios' && <ScenariosPanel />}
                  {tab === 'validate' && <ValidatePanel />}
                </ErrorBoundary>
              </div>
            </section>
            <aside className="side">
              <ErrorBoundary label="Diagnosis">
                <DiagnosisPanel />
              </ErrorBoundary>
            </aside>
          </div>
        </>
      )}
    </div>
  );
}
