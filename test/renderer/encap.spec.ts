import { describe, expect, it } from 'vitest';

import type { ChildSaInfo, IkeSaInfo } from '../../lab/api/contract.js';
import { encapText } from '../../renderer/src/model/encap.js';

const child = (state: string, encap: boolean): ChildSaInfo => ({
  name: 'net',
  uniqueId: 1,
  state,
  encap,
  localTs: ['10.1.0.0/24'],
  remoteTs: ['10.2.0.0/24'],
});

const ike = (state: string, remotePort: number, children: ChildSaInfo[]): IkeSaInfo => ({
  name: 'lab',
  uniqueId: remotePort,
  version: 2,
  state,
  remotePort,
  initiator: true,
  // libipsec fakes NAT detection, so every IKE_SA says "NAT" whatever its port.
  natLocal: false,
  natRemote: false,
  natFake: true,
  natAny: true,
  children,
});

describe('the ESP label comes from the installed CHILD_SA, never from half-open IKE_SAs', () => {
  it('shows nothing while no CHILD_SA is installed, whatever the IKE_SAs on UDP 500 say', () => {
    // dpd-peer-dead: gw-left retries IKE_SA_INIT on port 500, nothing is up.
    expect(encapText([ike('CONNECTING', 500, []), ike('CONNECTING', 500, [])], 'libipsec', false)).toBeNull();
    expect(encapText([ike('ESTABLISHED', 4500, [child('INSTALLING', true)])], 'libipsec', false)).toBeNull();
  });

  it('takes the port of the IKE_SA that carries the CHILD_SA, not of the first one listed', () => {
    const sas = [ike('CONNECTING', 500, []), ike('ESTABLISHED', 4500, [child('INSTALLED', true)])];
    expect(encapText(sas, 'libipsec', false)?.text).toBe('ESP in UDP 4500');
  });

  it('a CHILD_SA that is not UDP-encapsulated (kernel ESP, no NAT) has no ESP-in-UDP label', () => {
    expect(encapText([ike('ESTABLISHED', 500, [child('INSTALLED', false)])], 'kernel', false)).toBeNull();
  });
});
