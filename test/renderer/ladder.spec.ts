import { describe, expect, it } from 'vitest';

import { parseCharonLine } from '../../lab/streams/log-record.js';
import { Ladder, type LadderMessage } from '../../renderer/src/model/ladder.js';

const L = (seq: number, line: string) => parseCharonLine(line, 'left', seq);
const R = (seq: number, line: string) => parseCharonLine(line, 'right', seq);
const messages = (l: Ladder) => l.list().filter((e): e is LadderMessage => e.kind === 'message');

describe('exchange ladder', () => {
  it('pairs each sent message with its parse on the other side, whichever log arrives first', () => {
    const l = new Ladder();
    l.push(L(1, 'Nov 22 11:04:34.100 06[IKE1] <lab|1> initiating IKE_SA lab[1] to 203.0.113.10'));
    l.push(
      L(
        2,
        'Nov 22 11:04:34.101 06[ENC1] <lab|1> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
      ),
    );
    l.push(
      L(
        3,
        'Nov 22 11:04:34.102 06[NET1] <lab|1> sending packet: from 198.51.100.10[500] to 203.0.113.10[500] (464 bytes)',
      ),
    );
    // The left's parse of the response arrives before the right's line that generated it.
    l.push(
      L(4, 'Nov 22 11:04:34.120 07[ENC1] <lab|1> parsed IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]'),
    );
    l.push(
      R(1, 'Nov 22 11:04:34.105 05[ENC1] <lab|1> parsed IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]'),
    );
    l.push(
      R(
        2,
        'Nov 22 11:04:34.110 05[ENC1] <lab|1> generating IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
      ),
    );
    const m = messages(l);
    expect(m.map((x) => [x.from, x.exchange, x.dir, x.mid, x.parsedSeq])).toEqual([
      ['left', 'IKE_SA_INIT', 'request', 0, 1],
      ['right', 'IKE_SA_INIT', 'response', 0, 4],
    ]);
    expect(m[0]).toMatchObject({
      fromAddr: '198.51.100.10[500]',
      toAddr: '203.0.113.10[500]',
      bytes: 464,
      payloads: 'SA KE No N(NATD_S_IP) N(NATD_D_IP)',
    });
    expect(m.some((x) => x.stalled)).toBe(false);
  });

  it('shows where a negotiation stopped: retransmits of an unanswered request, then the give-up', () => {
    const l = new Ladder();
    l.push(L(1, 'Nov 22 11:04:34.101 06[ENC1] <lab|1> generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]'));
    l.push(R(1, 'Nov 22 11:04:34.105 05[ENC1] <lab|1> parsed IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]'));
    l.push(
      R(
        2,
        "Nov 22 11:04:34.106 05[IKE1] <lab|1> tried 1 shared key for '198.51.100.10' - '203.0.113.10', but MAC mismatched",
      ),
    );
    l.push(L(2, 'Nov 22 11:04:36.101 06[IKE1] <lab|1> retransmit 1 of request with message ID 1'));
    l.push(L(3, 'Nov 22 11:04:38.101 06[IKE1] <lab|1> retransmit 2 of request with message ID 1'));
    l.push(L(4, 'Nov 22 11:04:41.101 06[IKE1] <lab|1> giving up after 2 retransmits'));
    const list = l.list();
    const req = messages(l)[0];
    expect(req.retransmits).toBe(2);
    expect(req.stalled).toBe(true);
    expect(list.filter((e) => e.kind === 'note').map((e) => e.kind === 'note' && [e.side, e.level])).toEqual([
      ['right', 'error'],
      ['left', 'warn'],
      ['left', 'warn'],
      ['left', 'error'],
    ]);
  });

  it('a request just sent is in flight, not stalled', () => {
    const l = new Ladder();
    l.push(L(1, 'Nov 22 11:04:34.101 06[ENC1] <lab|1> generating INFORMATIONAL request 2 [ ]'));
    expect(messages(l)[0]).toMatchObject({ exchange: 'INFORMATIONAL', payloads: '', stalled: false });
  });
});
