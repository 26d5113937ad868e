import type { TrafficRun } from '../state/store';
import { store, useApp } from '../state/store';

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

/** A run's outcome in a word, and its tone. */
export function trafficOutcome(t: TrafficRun): { text: string; tone: 'ok' | 'bad' | 'mid' | '' } {
  if (t.running) return { text: 'sending…', tone: '' };
  if (t.error || !t.result) return { text: 'not sent', tone: 'bad' };
  const r = t.result;
  if (r.received === r.transmitted) return { text: 'all answered', tone: 'ok' };
  if (r.received === 0) return { text: 'no reply', tone: 'bad' };
  return { text: 'some lost', tone: 'mid' };
}

/**
 * Every traffic run since the lab started (or was followed), newest first: what was sent, what
 * came back, the round trip. Kept, never a message that vanishes.
 */
export function TrafficHistory() {
  const runs = useApp((s) => s.traffic);
  const changedAt = useApp((s) => s.changedAt);
  return (
    <section className="traffic-history" data-testid="traffic-history" aria-labelledby="traffic-history-title">
      <div className="panel-head">
        <h3 id="traffic-history-title">Traffic history</h3>
        <span className="muted">pings between the LAN hosts through the tunnel, newest first</span>
        {runs.length > 0 && (
          <button className="link" onClick={() => store().set({ traffic: [] })}>
            clear
          </button>
        )}
      </div>
      {runs.length === 0 ? (
        <p className="muted">
          No traffic sent yet. Send some: the counters move, and datapath faults show only with traffic.
        </p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">time</th>
              <th scope="col">from → to</th>
              <th scope="col">replies</th>
              <th scope="col">loss</th>
              <th scope="col">avg RTT</th>
              <th scope="col">outcome</th>
            </tr>
          </thead>
          <tbody>
            {[...runs].reverse().map((t) => {
              const o = trafficOutcome(t);
              const r = t.result;
              return (
                <tr key={t.id} data-testid="traffic-run" className={t.time < changedAt ? 'stale' : ''}>
                  <td>{clock(t.time)}</td>
                  <td>
                    host-{t.from} → host-{t.from === 'left' ? 'right' : 'left'}
                    {r && <span className="muted"> ({r.to})</span>}
                  </td>
                  <td className="num">{r ? `${r.received}/${r.transmitted}` : '—'}</td>
                  <td className="num">{r ? `${r.lossPercent}%` : '—'}</td>
                  <td className="num">{r?.rttAvgMs !== undefined ? `${r.rttAvgMs.toFixed(1)} ms` : '—'}</td>
                  <td>
                    <span className={`badge ${o.tone}`}>{o.text}</span>
                    {t.error && <span className="bad"> {t.error}</span>}
                    {t.time < changedAt && <span className="muted"> · before the last change</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
