import { describe, expect, it } from 'vitest';

import { isRoutedTunnel } from '../../lab/config/routed-tunnel.js';
import { charonSettingsTree, renderStrongswanConf } from '../../lab/config/strongswan-conf.js';
import { BYPASS_CONNECTION, bypassConnectionTree, renderSwanctlConf } from '../../lab/config/swanctl-conf.js';
import { parseSettingsSyntax } from '../../lab/importers/settings-syntax.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';

function routed(): LabSettings {
  const s = defaultSettings();
  for (const side of ['left', 'right'] as const) {
    s[side].gateway.localTs = ['0.0.0.0/0'];
    s[side].gateway.remoteTs = ['0.0.0.0/0'];
  }
  return s;
}

describe('routed tunnels (selectors that hold the gateway itself)', () => {
  it('are the 0.0.0.0/0 and "any" tunnels, not LAN-to-LAN ones nor a wide selector short of the WANs', () => {
    expect(isRoutedTunnel(routed(), 'left')).toBe(true);
    expect(isRoutedTunnel(routed(), 'right')).toBe(true);
    const s = defaultSettings();
    expect(isRoutedTunnel(s, 'left')).toBe(false);
    // The overlapping-subnets fault's 10.0.0.0/8 holds the LANs but neither gateway's address.
    s.left.gateway.remoteTs = ['10.0.0.0/8'];
    expect(isRoutedTunnel(s, 'left')).toBe(false);
    // A remote selector that holds the peer's WAN address does hold the gateway's IKE traffic.
    s.left.gateway.remoteTs = ['10.2.0.0/24', '203.0.113.0/24'];
    expect(isRoutedTunnel(s, 'left')).toBe(true);
    expect(isRoutedTunnel(s, 'right')).toBe(false);
  });

  it('libipsec: routes in the main table (longest prefix wins), the exclude route for the peer kept', () => {
    const options = { datapath: 'libipsec', realisticTimers: false, routed: true } as const;
    expect(() => parseSettingsSyntax(renderStrongswanConf(options))).not.toThrow();
    const charon = charonSettingsTree(options)['charon-systemd'] as Record<string, any>;
    expect(charon.routing_table).toBe('0');
    expect(charon.plugins['kernel-libipsec']).toMatchObject({ load: 'yes', allow_peer_ts: 'no' });
    // libipsec would route pass policies into its TUN device: bypass-lan stays off.
    expect(charon.plugins['bypass-lan'].load).toBe('no');
    const plain = charonSettingsTree({ datapath: 'libipsec', realisticTimers: false });
    expect((plain['charon-systemd'] as Record<string, any>).routing_table).toBeUndefined();
  });

  it('kernel: table 220 kept, a passthrough for the LAN and WAN and bypass-lan for the underlay only', () => {
    const options = { datapath: 'kernel', realisticTimers: false, routed: true } as const;
    expect(() => parseSettingsSyntax(renderStrongswanConf(options))).not.toThrow();
    const charon = charonSettingsTree(options)['charon-systemd'] as Record<string, any>;
    expect(charon.routing_table).toBeUndefined();
    expect(charon.plugins['bypass-lan']).toEqual({ load: 'yes', interfaces_use: 'eth0' });

    const s = routed();
    expect(bypassConnectionTree(s, 'left', 'kernel')).toEqual({
      children: {
        own: {
          local_ts: ['0.0.0.0/0'],
          remote_ts: ['10.1.0.0/24', '198.51.100.0/24'],
          mode: 'pass',
          start_action: 'trap',
        },
      },
    });
    expect(bypassConnectionTree(s, 'right', 'kernel')!.children).toMatchObject({
      own: { remote_ts: ['10.2.0.0/24', '203.0.113.0/24'] },
    });
    expect(bypassConnectionTree(s, 'left', 'libipsec')).toBeUndefined();
    expect(bypassConnectionTree(defaultSettings(), 'left', 'kernel')).toBeUndefined();

    const connections = (text: string) => [
      ...parseSettingsSyntax(text).root.sections.get('connections')!.sections.keys(),
    ];
    expect(connections(renderSwanctlConf(s, 'left', { datapath: 'kernel' }))).toEqual(['lab', BYPASS_CONNECTION]);
    expect(connections(renderSwanctlConf(s, 'left', { datapath: 'libipsec' }))).toEqual(['lab']);
    // An exported swanctl.conf (no lab datapath) is the tunnel alone.
    expect(connections(renderSwanctlConf(s, 'left'))).toEqual(['lab']);
  });
});
