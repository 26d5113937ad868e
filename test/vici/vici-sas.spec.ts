import { describe, expect, it } from 'vitest';

import { parseListSas, type ViciMessage } from '../../lab/vici/index.js';

// A list-sa event as charon 6.0.1 sent it (childless IKE_SA between two proto:trixie boxes).
// Note what is not there: nat-* keys (sent only when "yes"), reauth-time (reauth off).
const CHARON_601_IKE: ViciMessage = {
  t: {
    uniqueid: '8',
    version: '2',
    state: 'ESTABLISHED',
    'local-host': '172.19.0.2',
    'local-port': '4500',
    'local-id': 'a',
    'remote-host': '172.19.0.3',
    'remote-port': '4500',
    'remote-id': 'b',
    initiator: 'yes',
    'initiator-spi': 'e8fc7456783ca35b',
    'responder-spi': 'c7c6d57a05c124ee',
    'encr-alg': 'AES_CBC',
    'encr-keysize': '128',
    'integ-alg': 'HMAC_SHA2_256_128',
    'prf-alg': 'PRF_HMAC_SHA2_256',
    'dh-group': 'ECP_256',
    established: '0',
    'rekey-time': '13703',
    'child-sas': {},
  },
};

// A CHILD_SA with the keys of the VICI README's list-sa section; charon keys it "<name>-<uniqueid>".
const CHILD: ViciMessage = {
  name: 'net',
  uniqueid: '3',
  reqid: '1',
  state: 'INSTALLED',
  mode: 'TUNNEL',
  protocol: 'ESP',
  encap: 'yes',
  'spi-in': 'c5fef6fa',
  'spi-out': 'c5babbfe',
  'encr-alg': 'AES_GCM_16',
  'encr-keysize': '128',
  'dh-group': 'MODP_2048',
  'bytes-in': '1344',
  'packets-in': '16',
  'use-in': '2',
  'bytes-out': '1344',
  'packets-out': '16',
  'use-out': '2',
  'rekey-time': '3200',
  'life-time': '3560',
  'install-time': '40',
  'local-ts': ['10.1.0.0/24'],
  'remote-ts': ['10.2.0.0/24'],
};

describe('parseListSas', () => {
  it('types an IKE_SA as charon 6.0.1 lists it', () => {
    const [sa] = parseListSas([CHARON_601_IKE]);
    expect(sa).toEqual({
      name: 't',
      uniqueId: 8,
      version: 2,
      state: 'ESTABLISHED',
      localHost: '172.19.0.2',
      localPort: 4500,
      localId: 'a',
      remoteHost: '172.19.0.3',
      remotePort: 4500,
      remoteId: 'b',
      initiator: true,
      spiI: 'e8fc7456783ca35b',
      spiR: 'c7c6d57a05c124ee',
      natLocal: false,
      natRemote: false,
      natFake: false,
      natAny: false,
      encrAlg: 'AES_CBC',
      encrKeysize: 128,
      integAlg: 'HMAC_SHA2_256_128',
      integKeysize: undefined,
      prfAlg: 'PRF_HMAC_SHA2_256',
      dhGroup: 'ECP_256',
      established: 0,
      rekeyTime: 13703,
      reauthTime: undefined,
      children: [],
    });
  });

  it('types CHILD_SAs with numbers as numbers and traffic selectors as lists', () => {
    const event = {
      lab: {
        ...(CHARON_601_IKE.t as ViciMessage),
        'nat-remote': 'yes',
        'nat-any': 'yes',
        'child-sas': { 'net-3': CHILD },
      },
    };
    const [sa] = parseListSas([event]);
    expect(sa).toMatchObject({ name: 'lab', natRemote: true, natAny: true, natLocal: false });
    expect(sa.children).toEqual([
      {
        name: 'net',
        uniqueId: 3,
        reqid: 1,
        state: 'INSTALLED',
        mode: 'TUNNEL',
        protocol: 'ESP',
        encap: true,
        spiIn: 'c5fef6fa',
        spiOut: 'c5babbfe',
        encrAlg: 'AES_GCM_16',
        encrKeysize: 128,
        integAlg: undefined,
        integKeysize: undefined,
        dhGroup: 'MODP_2048',
        bytesIn: 1344,
        packetsIn: 16,
        useIn: 2,
        bytesOut: 1344,
        packetsOut: 16,
        useOut: 2,
        rekeyTime: 3200,
        lifeTime: 3560,
        installTime: 40,
        localTs: ['10.1.0.0/24'],
        remoteTs: ['10.2.0.0/24'],
      },
    ]);
  });

  it('leaves missing and malformed fields undefined instead of guessing', () => {
    const [sa] = parseListSas([
      {
        lab: {
          uniqueid: '2',
          state: 'CONNECTING',
          'rekey-time': 'soon',
          'child-sas': { 'net-1': { 'local-ts': 'not-a-list' } },
        },
      },
    ]);
    expect(sa).toMatchObject({
      uniqueId: 2,
      state: 'CONNECTING',
      rekeyTime: undefined,
      localHost: undefined,
      version: undefined,
    });
    expect(sa.children[0]).toMatchObject({ name: 'net-1', state: 'UNKNOWN', bytesIn: undefined, localTs: [] });
  });

  it('reads updown events too: their plain "up" key is not an SA', () => {
    // charon 6.0.1 sends up = yes when an IKE_SA comes up, and no "up" key at all when it goes down.
    const up = { up: 'yes', ...CHARON_601_IKE };
    expect(parseListSas([up]).map((s) => s.name)).toEqual(['t']);
  });

  it('orders SAs by unique id across events', () => {
    const sas = parseListSas([
      { b: { uniqueid: '5', state: 'ESTABLISHED' } },
      { a: { uniqueid: '3', state: 'ESTABLISHED' } },
    ]);
    expect(sas.map((s) => s.uniqueId)).toEqual([3, 5]);
  });
});
