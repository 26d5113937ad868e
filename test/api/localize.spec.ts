import { describe, expect, it } from 'vitest';

import { localizeAddresses } from '../../lab/api/localize.js';
import { defaultSettings } from '../../lab/settings/defaults.js';

describe("fault texts in the lab's own addressing", () => {
  const lab = defaultSettings();
  lab.left.lan = '192.168.10.0/24';
  lab.right.lan = '172.20.0.0/16';
  lab.left.wan = '10.10.0.0/24';

  it('leaves the default lab as written', () => {
    const t = "gw-left's remote selector becomes 10.0.0.0/8 (which holds its own LAN 10.1.0.0/24)";
    expect(localizeAddresses(t, defaultSettings())).toBe(t);
  });

  it('moves addresses and subnets into the lab subnets, supernets with them', () => {
    expect(
      localizeAddresses(
        "gw-left's remote selector becomes 10.0.0.0/8 (which holds its own LAN 10.1.0.0/24), host-left (10.1.0.10), 10.1.0.128/25, peer 198.51.100.99, router 203.0.113.1, right LAN 10.2.0.0/24",
        lab,
      ),
    ).toBe(
      "gw-left's remote selector becomes 192.0.0.0/8 (which holds its own LAN 192.168.10.0/24), host-left (192.168.10.10), 192.168.10.128/25, peer 10.10.0.99, router 203.0.113.1, right LAN 172.20.0.0/16",
    );
  });

  it('leaves addresses outside every default subnet, and what would not fit', () => {
    const small = defaultSettings();
    small.left.lan = '192.168.10.0/28';
    expect(localizeAddresses('10.99.0.0/24 and 10.1.0.128/25 and 192.0.2.1', small)).toBe(
      '10.99.0.0/24 and 10.1.0.128/25 and 192.0.2.1',
    );
  });
});
