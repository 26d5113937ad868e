import { store, tunnelOf, useApp } from '../state/store';
import { trafficOutcome } from './TrafficHistory';

export function TopBar() {
  const labName = useApp((s) => s.labName);
  const status = useApp((s) => s.status);
  const busy = useApp((s) => s.busy);
  const engine = useApp((s) => s.engine);
  const connection = useApp((s) => s.connection);
  const sas = useApp((s) => s.sas);
  const lastRun = useApp((s) => s.traffic.at(-1));
  const left = tunnelOf(sas.left);
  const right = tunnelOf(sas.right);
  const exists = !!status?.exists;
  const up =
    left.ike === 'ESTABLISHED' &&
    left.child === 'INSTALLED' &&
    right.ike === 'ESTABLISHED' &&
    right.child === 'INSTALLED';
  const s = store();
  return (
    <header className="topbar">
      <span className="brand">IPsec Lab</span>
      <span className="lab-name" title="lab name (--lab / IPSEC_LAB_NAME)">
        lab <b>{labName || '…'}</b>
      </span>
      <span className={`pill ${exists ? (up ? 'ok' : 'bad') : 'off'}`} data-testid="tunnel-state">
        {exists ? (up ? 'tunnel up' : 'tunnel down') : 'not running'}
      </span>
      {status?.datapath && <span className="muted">datapath: {status.datapath}</span>}
      <span className="spacer" />
      {busy && (
        <span className="busy" data-testid="busy">
          <span className="spinner" /> {busy}
        </span>
      )}
      {!exists ? (
        <button
          className="primary"
          disabled={!!busy || engine?.available === false || connection.state !== 'open'}
          onClick={() => void s.labUp(s.get().draft?.settings ?? s.get().settings?.settings)}
          data-testid="start-lab"
        >
          Start lab
        </button>
      ) : (
        <>
          <button
            disabled={!!busy}
            onClick={() => void s.traffic('left')}
            data-testid="traffic"
            title="10 pings host-left → host-right through the tunnel"
          >
            Send traffic
          </button>
          {lastRun && !lastRun.running && (
            <button
              className={`link top-traffic ${trafficOutcome(lastRun).tone}`}
              onClick={() => s.set({ tab: 'sas' })}
              title="the traffic history (SAs & counters tab)"
              data-testid="last-traffic"
            >
              last ping:{' '}
              {lastRun.result ? `${lastRun.result.received}/${lastRun.result.transmitted} replies` : 'not sent'}
            </button>
          )}
          <button disabled={!!busy} onClick={() => void s.revertFault()} title="revert every fault and impairment">
            Fix all
          </button>
          <button className="danger" disabled={!!busy} onClick={() => s.confirmLabDown()} data-testid="stop-lab">
            Stop lab
          </button>
        </>
      )}
      <span
        className={`conn ${connection.state}`}
        title={connection.state === 'closed' ? connection.reason : `connected (${s.client.kind})`}
      >
        ●
      </span>
    </header>
  );
}
