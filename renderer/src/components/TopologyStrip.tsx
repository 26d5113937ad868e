import type { Direction, Impairment, Side } from '../../../lab/api/contract';
import { encapText } from '../model/encap';
import { store, tunnelOf, useApp } from '../state/store';

const FIREWALL = new Set(['ike-port-blocked', 'natt-port-blocked', 'esp-blocked', 'peer-unreachable']);
const NAT = new Set(['left-behind-nat']);

function impairmentText(i: Impairment | undefined): string[] {
  if (!i) return [];
  const out: string[] = [];
  if (i.down) out.push('down');
  if (i.flapPeriodS) out.push(`flap ${i.flapPeriodS}s`);
  if (i.lossPercent) out.push(`loss ${i.lossPercent}%`);
  if (i.delayMs) out.push(`delay ${i.delayMs}ms${i.jitterMs ? `±${i.jitterMs}` : ''}`);
  if (i.rateKbit) out.push(`${i.rateKbit} kbit/s`);
  if (i.duplicatePercent) out.push(`dup ${i.duplicatePercent}%`);
  if (i.reorderPercent) out.push(`reorder ${i.reorderPercent}%`);
  if (i.corruptPercent) out.push(`corrupt ${i.corruptPercent}%`);
  return out;
}

function stateClass(ike: string, child: string, running: boolean): string {
  if (!running) return 'off';
  if (ike === 'ESTABLISHED' && child === 'INSTALLED') return 'ok';
  if (ike === 'NONE') return 'bad';
  return 'mid';
}

/** The lab at a glance: boxes coloured by live IKE/CHILD state, the link with its impairments. Click to edit. */
export function TopologyStrip() {
  const status = useApp((s) => s.status);
  const sas = useApp((s) => s.sas);
  const faults = useApp((s) => s.faults);
  const settings = useApp((s) => s.settings?.settings);
  const s = store();
  const running = (role: string) => status?.boxes.find((b) => b.role === role)?.state === 'running';
  const boxState = (role: string) => status?.boxes.find((b) => b.role === role)?.state;
  const active = faults?.faults.filter((f) => f.active) ?? [];
  const natOnPath = active.some((f) => NAT.has(f.id));
  const dirs: Direction[] = ['left-to-right', 'right-to-left'];

  const gw = (side: Side) => {
    const t = tunnelOf(sas[side]);
    const role = `gw-${side}`;
    const cls = stateClass(t.ike, t.child, running(role));
    // From the installed CHILD_SA only: a half-open IKE_SA retrying on UDP 500 is no ESP encapsulation.
    const encap = running(role) ? encapText(sas[side]?.ikeSas, status?.datapath, natOnPath) : null;
    const box = boxState(role);
    return (
      <button
        className={`node gw ${cls}`}
        onClick={() => s.set({ tab: 'settings', focusSide: side })}
        title="edit this gateway's settings"
        data-testid={`node-gw-${side}`}
      >
        <div className="node-title">gw-{side}</div>
        <div className="node-sub">
          {settings
            ? `IKEv${settings[side].gateway.ikeVersion} · ${settings[side].wan.replace(/\.0\/\d+$/, '.10')}`
            : ''}
        </div>
        <div className="node-state">
          {running(role) ? (
            <>
              <span>
                IKE <b data-testid={`ike-${side}`}>{t.ike}</b>
              </span>
              <span>
                CHILD <b data-testid={`child-${side}`}>{t.child}</b>
              </span>
            </>
          ) : (
            <span className="muted" data-testid={`ike-${side}`}>
              {box && box !== 'missing' ? `container ${box}` : 'not running'}
            </span>
          )}
        </div>
        {encap && (
          <span className="badge" title={encap.title}>
            {encap.text}
          </span>
        )}
      </button>
    );
  };
  const host = (side: Side) => (
    <button
      className={`node host ${running(`host-${side}`) ? 'on' : 'off'}`}
      onClick={() => s.set({ tab: 'settings', focusSide: side })}
      title="edit this site's settings"
    >
      <div className="node-title">host-{side}</div>
      <div className="node-sub">{settings?.[side].lan ?? ''}</div>
    </button>
  );
  return (
    <div className="topology">
      <div className="strip">
        {host('left')}
        <div className="wire" />
        {gw('left')}
        <button
          className={`node wan ${running('router') ? 'on' : 'off'}`}
          onClick={() => s.set({ tab: 'link' })}
          title="link impairments"
          data-testid="node-link"
        >
          <div className="node-title">router · internet</div>
          <div className="node-sub">{settings ? `${settings.left.wan} ⇄ ${settings.right.wan}` : ''}</div>
          <div className="link-dirs">
            {dirs.map((d) => {
              const txt = impairmentText(faults?.impairments[d]);
              return (
                <div key={d} className="dir" data-direction={d}>
                  <span className="dir-name">{d === 'left-to-right' ? 'left → right' : 'right → left'}</span>
                  {txt.length ? (
                    txt.map((t) => (
                      <span key={t} className="badge warn">
                        {t}
                      </span>
                    ))
                  ) : (
                    <span className="muted">clean</span>
                  )}
                </div>
              );
            })}
          </div>
          <div>
            {active
              .filter((f) => NAT.has(f.id))
              .map((f) => (
                <span key={f.id} className="badge info">
                  NAT (left site)
                </span>
              ))}
            {active
              .filter((f) => FIREWALL.has(f.id))
              .map((f) => (
                <span key={f.id} className="badge bad">
                  firewall: {f.id}
                </span>
              ))}
          </div>
        </button>
        {gw('right')}
        <div className="wire" />
        {host('right')}
      </div>
      {active.length > 0 && (
        <div className="active-faults" data-testid="active-faults">
          <span className="muted">Active faults:</span>
          {active.map((f) => (
            <span key={f.id} className="chip bad">
              {f.title} <code>{f.id}</code>
              <button className="link" onClick={() => void s.revertFault(f.id)} title={f.revert}>
                fix
              </button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
