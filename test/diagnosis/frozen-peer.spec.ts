import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { LiveDiagnosis } from '../../lab/diagnosis/live.js';
import { FIXTURES } from './helpers.js';

const CASE = path.join(FIXTURES, 'lab', 'dpd-peer-dead-v2');

/** gw-left's restart attempts (lab[41], lab[42]) after DPD gave up, for ~30 s: the frozen peer never answers. */
const LATER = [
  'Nov 22 16:44:49.254 15[IKE1] <lab|41> retransmit 2 of request with message ID 0',
  'Nov 22 16:44:49.254 15[NET1] <lab|41> sending packet: from 198.51.100.10[500] to 203.0.113.10[500] (464 bytes)',
  'Nov 22 16:44:51.214 15[IKE1] <lab|41> retransmit 3 of request with message ID 0',
  'Nov 22 16:44:51.214 15[NET1] <lab|41> sending packet: from 198.51.100.10[500] to 203.0.113.10[500] (464 bytes)',
  'Nov 22 16:45:13.958 15[IKE1] <lab|41> giving up after 3 retransmits',
  'Nov 22 16:45:13.958 15[IKE1] <lab|41> establishing IKE_SA failed, peer not responding',
  'Nov 22 16:45:13.959 15[IKE1] <lab|42> initiating IKE_SA lab[42] to 203.0.113.10',
  'Nov 22 16:45:13.960 15[ENC1] <lab|42> generating IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
  'Nov 22 16:45:13.960 15[NET1] <lab|42> sending packet: from 198.51.100.10[500] to 203.0.113.10[500] (464 bytes)',
  'Nov 22 16:45:14.960 15[IKE1] <lab|42> retransmit 1 of request with message ID 0',
  'Nov 22 16:45:16.360 15[IKE1] <lab|42> retransmit 2 of request with message ID 0',
  'Nov 22 16:45:18.320 15[IKE1] <lab|42> retransmit 3 of request with message ID 0',
  'Nov 22 16:45:21.064 15[IKE1] <lab|42> giving up after 3 retransmits',
];

/** gw-right's side of the negotiation that set the tunnel up, before it froze (on UDP 500, then 4500). */
const EARLIER_RIGHT = [
  'Nov 22 16:44:37.701 03[NET1] <lab|37> received packet: from 198.51.100.10[500] to 203.0.113.10[500] (464 bytes)',
  'Nov 22 16:44:37.701 03[ENC1] <lab|37> parsed IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
  'Nov 22 16:44:37.702 03[ENC1] <lab|37> generating IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]',
  'Nov 22 16:44:37.702 03[NET1] <lab|37> sending packet: from 203.0.113.10[500] to 198.51.100.10[500] (472 bytes)',
];

describe('a frozen peer (gw-right paused) is a dead peer, never a port that answered', () => {
  const live = new LiveDiagnosis();
  const feed = (side: 'left' | 'right', lines: string[], from = 0) =>
    lines.forEach((l, i) => live.pushLine(side, side, l, from + i + 1));
  const left = readFileSync(path.join(CASE, 'left.log'), 'utf8').split('\n');
  feed('right', [...EARLIER_RIGHT, ...readFileSync(path.join(CASE, 'right.log'), 'utf8').split('\n')]);
  feed('left', left);
  feed('left', LATER, left.length);
  const r = live.result();

  it('names the dead peer', () => {
    expect(r.verdict).toBe('dpd-peer-dead');
  });

  it('no finding says the peer received or answered the restart attempts', () => {
    // gw-right's log has packets, but from before it froze: they are not answers to lab[41].
    for (const f of r.findings)
      expect(f.summary).not.toMatch(/received the IKE requests|answered them|requests arriving/);
    expect(r.findings.map((f) => f.cause)).not.toContain('ike-port-blocked');
  });
});
