import type { ChildSaInfo, IkeSaInfo, Side } from '../../../lab/api/contract';
import { encapText } from '../model/encap';
import { store, useApp } from '../state/store';
import { CounterChart } from './CounterChart';
import { TrafficHistory } from './TrafficHistory';

const alg = (encr?: string, keysize?: number, integ?: string, prf?: string, dh?: string) =>
  [encr && `${encr}${keysize ? `-${keysize}` : ''}`, integ, prf, dh].filter(Boolean).join(' / ') || '—';
const secs = (s?: number) =>
  s === undefined
    ? '—'
    : s >= 3600
      ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
      : s >= 60
        ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
        : `${s}s`;
const stateCls = (s: string) =>
  s === 'ESTABLISHED' || s === 'INSTALLED'
    ? 'ok'
    : /CONNECTING|REKEY|CREATED|INSTALLING|PASSIVE/.test(s)
      ? 'mid'
      : 'bad';

function ChildRow({ c }: { c: ChildSaInfo }) {
  return (
    <tr className="child">
      <td>
        ↳ {c.name} #{c.uniqueId}
      </td>
      <td>
        <span className={`state ${stateCls(c.state)}`}>{c.state}</span>
      </td>
      <td>
        {c.mode ?? ''} {c.protocol ?? ''}
        {c.encap ? ' (UDP-encap)' : ''}
      </td>
      <td className="mono">
        {c.spiIn ?? '—'} / {c.spiOut ?? '—'}
      </td>
      <td>{alg(c.encrAlg, c.encrKeysize, c.integAlg, undefined, c.dhGroup)}</td>
      <td className="num">
        {(c.bytesIn ?? 0).toLocaleString()} B / {(c.packetsIn ?? 0).toLocaleString()} p
      </td>
      <td className="num">
        {(c.bytesOut ?? 0).toLocaleString()} B / {(c.packetsOut ?? 0).toLocaleString()} p
      </td>
      <td>
        {secs(c.rekeyTime)} / {secs(c.lifeTime)}
      </td>
      <td className="mono">
        {c.localTs.join(',')} ⇄ {c.remoteTs.join(',')}
      </td>
    </tr>
  );
}

function IkeRows({ i }: { i: IkeSaInfo }) {
  const datapath = useApp((s) => s.status?.datapath);
  const natOnPath = useApp((s) => !!s.faults?.faults.some((f) => f.active && f.id === 'left-behind-nat'));
  const encap = encapText([i], datapath, natOnPath);
  return (
    <>
      <tr className="ike">
        <td>
          <b>{i.name}</b> #{i.uniqueId} IKEv{i.version ?? '?'}
        </td>
        <td>
          <span className={`state ${stateCls(i.state)}`}>{i.state}</span>
        </td>
        <td>
          {i.localHost}:{i.localPort} → {i.remoteHost}:{i.remotePort}
          {i.initiator ? ' (initiator)' : ''}
          {encap && (
            <span className="badge" title={encap.title}>
              {encap.text}
            </span>
          )}
          <div className="muted">
            IDs {i.localId} ⇄ {i.remoteId}
          </div>
        </td>
        <td className="mono">
          {i.spiI ?? '—'} / {i.spiR ?? '—'}
        </td>
        <td>{alg(i.encrAlg, i.encrKeysize, i.integAlg, i.prfAlg, i.dhGroup)}</td>
        <td colSpan={2} />
        <td>
          up {secs(i.established)} · rekey {secs(i.rekeyTime)}
          {i.reauthTime !== undefined ? ` · reauth ${secs(i.reauthTime)}` : ''}
        </td>
        <td />
      </tr>
      {i.children.map((c) => (
        <ChildRow key={c.uniqueId} c={c} />
      ))}
    </>
  );
}

function SideTable({ side }: { side: Side }) {
  const snap = useApp((s) => s.sas[side]);
  return (
    <div className="sa-side" data-testid={`sas-${side}`}>
      <div className="panel-head">
        <h3>gw-{side}</h3>
        <span className="muted">{snap ? `listed ${new Date(snap.time).toLocaleTimeString()}` : 'no snapshot yet'}</span>
        {snap?.error && <span className="bad"> {snap.error}</span>}
      </div>
      <table className="grid sa">
        <thead>
          <tr>
            <th>SA</th>
            <th>state</th>
            <th>endpoints / mode</th>
            <th>SPIs (in/out, i/r)</th>
            <th>algorithms</th>
            <th>in</th>
            <th>out</th>
            <th>timers</th>
            <th>selectors</th>
          </tr>
        </thead>
        <tbody>
          {snap?.ikeSas.length ? (
            snap.ikeSas.map((i) => <IkeRows key={i.uniqueId} i={i} />)
          ) : (
            <tr>
              <td colSpan={9} className="muted">
                no SAs
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Both gateways' IKE and CHILD SAs as charon lists them, and their counters over time. */
export function SaPanel() {
  const counters = useApp((s) => s.counters);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);
  const s = store();
  return (
    <div className="sa-panel">
      <SideTable side="left" />
      <SideTable side="right" />
      <div className="toolbar">
        <button disabled={!exists || !!busy} onClick={() => void s.traffic('left')} data-testid="traffic-sas">
          Send traffic left → right
        </button>
        <button disabled={!exists || !!busy} onClick={() => void s.traffic('right')}>
          Send traffic right → left
        </button>
        <span className="muted">10 pings of 1000 bytes from one LAN host to the other</span>
      </div>
      <div className="sa-bottom">
        <CounterChart counters={counters} />
        <TrafficHistory />
      </div>
    </div>
  );
}
