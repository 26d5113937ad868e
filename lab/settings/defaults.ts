import type { GatewaySettings, LabSettings } from './types.js';

function gateway(localId: string, remoteId: string, startAction: GatewaySettings['startAction']): GatewaySettings {
  return {
    release: 'trixie',
    ikeVersion: 2,
    ikeProposals: ['aes256-sha256-modp2048'],
    espProposals: ['aes256-sha256'],
    psk: 'ipsec-lab-shared-secret',
    localId,
    remoteId,
    localTs: [],
    remoteTs: [],
    peerAddress: '',
    dpd: { delay: 10, timeout: 30, action: 'restart' },
    ike: { rekeyTime: 14400, reauthTime: 0, overTime: 0 },
    child: { rekeyTime: 3600, lifeTime: 0 },
    startAction,
    encap: false,
    mobike: true,
    aggressive: false,
  };
}

/** A healthy modern IKEv2 site-to-site tunnel: left initiates, right waits. */
export function defaultSettings(): LabSettings {
  return {
    schema: 1,
    left: { lan: '10.1.0.0/24', wan: '198.51.100.0/24', gateway: gateway('198.51.100.10', '203.0.113.10', 'initiate') },
    right: { lan: '10.2.0.0/24', wan: '203.0.113.0/24', gateway: gateway('203.0.113.10', '198.51.100.10', 'wait') },
    realisticTimers: false,
  };
}
