import { useApp } from '../state/store';

/** Start-up of the lab: its steps, and the image build's progress on first start. */
export function StartupPanel() {
  const steps = useApp((s) => s.steps);
  const image = useApp((s) => s.image);
  const busy = useApp((s) => s.busy);
  const exists = useApp((s) => s.status?.exists ?? false);
  const builds = Object.values(image).filter((p) => (p && p.kind !== 'ready') || (p?.kind === 'ready' && p.built));
  if (!busy && exists) return null;
  return (
    <div className="startup" data-testid="startup">
      {!busy && !exists && steps.length === 0 && (
        <p>
          No lab <b>running</b>. <b>Start lab</b> creates five boxes (two LAN hosts, two strongSwan gateways, a router)
          with the settings in the <b>Settings</b> tab and waits for the tunnel. The first start builds the lab image (a
          minute or so).
        </p>
      )}
      {builds.map(
        (p) =>
          p && (
            <div key={p.release} className="build" data-testid="image-progress">
              {p.kind === 'build' ? (
                <>
                  <span>
                    Building the lab image ({p.release}) step {p.step}/{p.totalSteps}
                  </span>
                  <progress max={100} value={p.percent} />
                  <code className="ellipsis">{p.line}</code>
                </>
              ) : p.kind === 'base' ? (
                <span>
                  Base image {p.image}: {p.action}
                  {p.detail ? ` (${p.detail})` : ''}
                </span>
              ) : (
                <span>Image {p.tag} built</span>
              )}
            </div>
          ),
      )}
      {steps.length > 0 && (
        <ol className="steps">
          {steps.slice(-8).map((s, i) => (
            <li key={i} className={s.step === 'tunnel-down' ? 'bad' : s.step === 'tunnel-up' ? 'ok' : ''}>
              {s.message}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
