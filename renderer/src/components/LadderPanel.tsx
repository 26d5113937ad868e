import { useEffect, useRef, useState } from 'react';

import type { LadderEntry, LadderMessage } from '../model/ladder';
import { pcapFrames } from '../model/pcap-frames';
import { store, useApp, useBufferVersion } from '../state/store';

/** A time of day to the millisecond; `ms` may have a fraction (capture times are microseconds). */
const fmt = (ms: number) => {
  const d = Math.floor(ms) % 86_400_000;
  const h = Math.floor(d / 3_600_000);
  const m = Math.floor((d % 3_600_000) / 60_000);
  const s = Math.floor((d % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(d % 1000).padStart(3, '0')}`;
};

function Message({ e }: { e: LadderMessage }) {
  const s = store();
  const ltr = e.from === 'left';
  // Three different things: read by the peer; arrived but unreadable (another key); no sign it arrived.
  const arrived = e.parsedSeq !== undefined || e.receivedSeq !== undefined;
  const cls = `arrow ${ltr ? 'ltr' : 'rtl'}${arrived ? '' : ' lost'}${e.failed ? ' failed' : ''}${e.stalled ? ' stalled' : ''}`;
  const peer = ltr ? 'gw-right' : 'gw-left';
  return (
    <div className={`lrow msg${e.stalled ? ' stalled' : ''}`} data-testid="ladder-message" data-exchange={e.exchange}>
      <span className="ltime">{fmt(e.time)}</span>
      <span className="lane left" />
      <button
        className={cls}
        onClick={() => s.showEvidence(e.from, e.seq)}
        title={`${e.from} line ${e.seq}${e.fromAddr ? `: ${e.fromAddr} → ${e.toAddr}` : ''}`}
      >
        <span className="label">
          <b>{e.exchange}</b> {e.dir} {e.mid} <span className="payloads">[ {e.payloads} ]</span>
          {e.bytes ? <span className="muted"> {e.bytes} B</span> : null}
          {e.retransmits > 0 && (
            <span className="badge warn">
              {e.retransmits} retransmit{e.retransmits > 1 ? 's' : ''}
            </span>
          )}
          {!arrived && (
            <span className="badge bad" title={`${peer} logged no arrival of this message`}>
              never arrived
            </span>
          )}
          {e.failed && (
            <span
              className="badge bad"
              title={`${peer} line ${e.failed.seq}: ${e.failed.text}`}
              data-testid="ladder-failed"
            >
              arrived, {peer} could not read it: {e.failed.text}
            </span>
          )}
          {e.stalled && <span className="badge bad">no answer: stopped here</span>}
        </span>
        <span className="line" />
      </button>
      <span className="lane right" />
    </div>
  );
}

/**
 * The IKE exchanges between the gateways as a sequence diagram, read from both charons' logs:
 * who sent what, what arrived, retransmits, and where a negotiation stopped.
 */
export function LadderPanel() {
  const ladder = store().ladder;
  const version = useBufferVersion(store().logs.subscribe, () => ladder.version);
  const [onlyLast, setOnlyLast] = useState(200);
  const [notes, setNotes] = useState(true);
  const entries: LadderEntry[] = ladder
    .list()
    .filter((e) => notes || e.kind === 'message')
    .slice(-onlyLast);
  const bottom = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    if (follow) bottom.current?.scrollIntoView({ block: 'end' });
  }, [version, follow]);
  const s = store();
  return (
    <div className="ladder-panel" data-testid="ladder">
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={notes} onChange={(e) => setNotes(e.target.checked)} /> notes (established,
          errors, retransmits)
        </label>
        <label>
          show last
          <select value={onlyLast} onChange={(e) => setOnlyLast(Number(e.target.value))}>
            {[50, 200, 1000].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <button onClick={() => ladder.clear()}>Clear</button>
        <span className="muted">click a message for its log line</span>
      </div>
      <div className="ladder-head">
        <span className="ltime">time</span>
        <span className="lane-head">gw-left</span>
        <span />
        <span className="lane-head">gw-right</span>
      </div>
      <div className="ladder-body">
        {entries.length === 0 && (
          <p className="muted pad">No IKE messages yet. They appear as both charons log them.</p>
        )}
        {entries.map((e) =>
          e.kind === 'message' ? (
            <Message key={e.key} e={e} />
          ) : (
            <div key={e.key} className={`lrow note ${e.side} ${e.level}`}>
              <span className="ltime">{fmt(e.time)}</span>
              <button
                className="note-text link"
                onClick={() => s.showEvidence(e.side, e.seq)}
                title={`${e.side} line ${e.seq}`}
              >
                {e.text}
              </button>
            </div>
          ),
        )}
        <div ref={bottom} />
      </div>
      <CaptureView />
    </div>
  );
}

/** The packets on the wire next to what the logs say: tcpdump in the router, per exchange. */
function CaptureView() {
  const cap = useApp((st) => st.capture);
  const busy = useApp((st) => st.busy);
  const exists = useApp((st) => st.status?.exists ?? false);
  const r = cap.result;
  const frames = r ? pcapFrames(r.pcapBase64) : 0;
  // tcpdump's own counts say the same total; only packets it lost are worth a word.
  const dropped = r?.tcpdump.split('\n').find((l) => /[1-9]\d* packets? dropped/.test(l));
  const download = () => {
    const bytes = Uint8Array.from(atob(r!.pcapBase64), (c) => c.charCodeAt(0));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.tcpdump.pcap' }));
    a.download = `ipsec-lab-${new Date(r!.startedAt).toISOString().replace(/[:.]/g, '-')}.pcap`;
    a.click();
  };
  return (
    <div className="capture-view" data-testid="capture">
      <div className="toolbar">
        <b>Packets on the wire</b>
        {cap.running ? (
          <button
            className="danger"
            disabled={!!busy}
            onClick={() => void store().captureStop()}
            data-testid="capture-stop"
          >
            Stop capture
          </button>
        ) : (
          <button disabled={!!busy || !exists} onClick={() => void store().captureStart()} data-testid="capture-start">
            Capture in the router
          </button>
        )}
        {cap.running && <span className="muted">tcpdump running since {fmt(cap.startedAt!)}…</span>}
        {r && (
          <button onClick={download} data-testid="capture-save">
            Save pcap ({frames} frames)
          </button>
        )}
        {r && (
          <span className="muted" data-testid="capture-counts">
            {r.packets} packets through the router ({r.ike} IKE, {r.esp} ESP); the pcap has each one twice, in and out
            of the router: {frames} frames
            {dropped ? ` · tcpdump: ${dropped}` : ''}
          </span>
        )}
      </div>
      {r && (
        <table className="grid capture-list">
          <thead>
            <tr>
              <th>time</th>
              <th>exchange</th>
              <th>msg ID</th>
              <th>request</th>
              <th>answer</th>
              <th>retransmits</th>
            </tr>
          </thead>
          <tbody>
            {r.exchanges.map((e, i) => (
              <tr key={i} data-testid="capture-exchange" className={e.answered ? '' : 'bad'}>
                <td>{fmt(e.time * 1000)}</td>
                <td>{e.exchange}</td>
                <td>{e.messageId}</td>
                <td>
                  {e.from} → {e.to}
                  {e.natT ? ' (4500)' : ''}
                </td>
                <td>{e.answered ? 'answered' : 'no answer'}</td>
                <td>{e.retransmits || ''}</td>
              </tr>
            ))}
            {r.esps.map((e) => (
              <tr key={`${e.spi}${e.src}`} data-testid="capture-esp">
                <td />
                <td>ESP{e.udpEncap ? ' in UDP 4500' : ''}</td>
                <td>
                  <code>{e.spi}</code>
                </td>
                <td>
                  {e.src} → {e.dst}
                </td>
                <td colSpan={2}>{e.packets} packets</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
