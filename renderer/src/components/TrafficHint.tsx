import { store, tunnelOf, useApp } from '../state/store';

const up = (t: { ike: string; child: string }) => t.ike === 'ESTABLISHED' && t.child === 'INSTALLED';

/**
 * The tunnel is up and nothing was sent through it since the lab last changed: the counters say
 * nothing yet, and a datapath fault (ESP blocked, no return route, a LAN firewall) shows only with
 * traffic. Says so, with the button, instead of leaving "no finding" unexplained.
 */
export function TrafficHint() {
  const exists = useApp((s) => s.status?.exists ?? false);
  const tunnelUp = useApp((s) => up(tunnelOf(s.sas.left)) && up(tunnelOf(s.sas.right)));
  const changedAt = useApp((s) => s.changedAt);
  const sent = useApp((s) => s.traffic.some((t) => t.time >= s.changedAt && (t.running || !!t.result)));
  const busy = useApp((s) => s.busy);
  const datapathFaults = useApp(
    (s) =>
      s.faults?.faults
        .filter((f) => f.active && f.phase === 'datapath')
        .map((f) => f.id)
        .join(', ') ?? '',
  );
  if (!exists || !tunnelUp || !changedAt || sent) return null;
  return (
    <div className="banner info hint-bar" role="status" data-testid="traffic-hint">
      {datapathFaults ? (
        <span>
          <b>{datapathFaults}</b> is applied: it shows only when traffic crosses the tunnel, and none has since the last
          change.
        </span>
      ) : (
        <span>
          Nothing has crossed the tunnel since the last change: the counters say nothing yet, and a datapath fault (ESP
          blocked, no return route, a LAN firewall) shows only with traffic.
        </span>
      )}
      <button disabled={!!busy} onClick={() => void store().traffic('left')} data-testid="traffic-hint-send">
        Send traffic
      </button>
    </div>
  );
}
