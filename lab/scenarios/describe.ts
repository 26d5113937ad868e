/** What an expectation checks, in words a presenter (or the app's step list) can show before it runs. */
import type { Expectation } from './types.js';

/** strongSwan's CHILD_SA direction next to the counter an ASA engineer knows (`show crypto ipsec sa`). */
export const ASA_COUNTER = { out: '#pkts encaps', in: '#pkts decaps' } as const;

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case 'tunnel':
      return e.state === 'up'
        ? 'IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways'
        : e.state === 'ike-only'
          ? 'IKE_SA ESTABLISHED on both gateways, no CHILD_SA (phase 1 up, phase 2 failed)'
          : 'the tunnel is not up';
    case 'log':
      return `gw-${e.side} logs a line matching /${e.pattern}/`;
    case 'verdict':
      return `the live diagnosis says ${e.cause}`;
    case 'pings':
      return e.result === 'pass' ? 'every ping is answered' : 'no ping is answered';
    case 'counter':
      return `gw-${e.side} CHILD_SA packets ${e.dir} (ASA ${ASA_COUNTER[e.dir]}) ${e.change === 'grows' ? 'grow' : 'stay flat'} over the traffic`;
    case 'ike-sa':
      return `gw-${e.side} ${e.established ? 'holds an ESTABLISHED IKE_SA' : 'holds no ESTABLISHED IKE_SA'}`;
  }
}
