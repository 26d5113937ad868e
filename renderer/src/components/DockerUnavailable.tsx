import { store, useApp } from '../state/store';

/** The Docker engine does not answer: say so, with the doctor's findings and their fixes. */
export function DockerUnavailable() {
  const engine = useApp((s) => s.engine);
  const checks = useApp((s) => s.doctor);
  return (
    <div className="docker-down" data-testid="docker-unavailable">
      <h2>The Docker engine is not available</h2>
      <p className="muted">{engine?.message}</p>
      <p>
        The lab runs two real strongSwan gateways in Docker containers, so it needs a running Docker engine. This screen
        updates by itself once the engine answers.
      </p>
      <h3>Doctor</h3>
      {!checks ? (
        <p className="muted">checking…</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th />
              <th>Check</th>
              <th>Found</th>
              <th>Fix</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((c) => (
              <tr key={c.id} className={c.status}>
                <td className={`status ${c.status}`}>{c.status === 'ok' ? '✔' : c.status === 'warn' ? '!' : '✘'}</td>
                <td>{c.title}</td>
                <td>{c.detail}</td>
                <td>{c.fix && <code>{c.fix}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button onClick={() => void store().runDoctor()}>Check again</button>{' '}
        <span className="muted">
          From a terminal: <code>npx ipsec-lab doctor</code> (as root on Debian/Ubuntu:{' '}
          <code>npx ipsec-lab doctor --fix</code>).
        </span>
      </p>
    </div>
  );
}
