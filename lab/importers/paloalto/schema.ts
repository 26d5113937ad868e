/**
 * The part of the PAN-OS configuration tree the Palo Alto importer knows, for reading set
 * commands: a set command names a path and then one or more sibling settings
 * (`set ... dpd interval 10 retry 3 enable yes`), so telling keywords from values needs the tree's
 * shape. `v` is a single value, `l` a list (`[ a b ]` or one value), an object a container, and
 * `*` inside a container marks a list of named entries (`gateway NAME ...`).
 */
export type Schema = { readonly [keyword: string]: Schema | 'v' | 'l' };

const LIFETIME: Schema = { seconds: 'v', minutes: 'v', hours: 'v', days: 'v' };
const LIFESIZE: Schema = { kb: 'v', mb: 'v', gb: 'v', tb: 'v' };
const ENTRIES: Schema = { '*': {} };
const DPD: Schema = { enable: 'v', interval: 'v', retry: 'v' };
const ID: Schema = { id: 'v', type: 'v', matching: 'v' };

const GATEWAY: Schema = {
  authentication: {
    'pre-shared-key': { key: 'v' },
    certificate: { 'local-certificate': { '*': {} }, 'certificate-profile': 'v' },
  },
  protocol: {
    version: 'v',
    ikev1: { 'exchange-mode': 'v', 'ike-crypto-profile': 'v', dpd: DPD },
    ikev2: { 'ike-crypto-profile': 'v', 'require-cookie': 'v', dpd: DPD },
  },
  'protocol-common': {
    'nat-traversal': { enable: 'v', 'keep-alive-interval': 'v', 'udp-checksum-enable': 'v' },
    'passive-mode': 'v',
    fragmentation: { enable: 'v' },
  },
  'local-address': { interface: 'v', ip: 'v', 'floating-ip': 'v' },
  'peer-address': { ip: 'v', fqdn: 'v', dynamic: {} },
  'local-id': ID,
  'peer-id': ID,
  disabled: 'v',
  comment: 'v',
  ipv6: 'v',
};

const PROXY_ID: Schema = {
  '*': {
    local: 'v',
    remote: 'v',
    protocol: {
      any: {},
      number: 'v',
      tcp: { 'local-port': 'v', 'remote-port': 'v' },
      udp: { 'local-port': 'v', 'remote-port': 'v' },
    },
  },
};

const TUNNEL: Schema = {
  'auto-key': {
    'ike-gateway': ENTRIES,
    'ipsec-crypto-profile': 'v',
    'proxy-id': PROXY_ID,
    'proxy-id-v6': PROXY_ID,
  },
  'tunnel-interface': 'v',
  'tunnel-monitor': { enable: 'v', 'destination-ip': 'v', 'tunnel-monitor-profile': 'v', 'proxy-id': 'v' },
  'anti-replay': 'v',
  'anti-replay-window': 'v',
  'copy-tos': 'v',
  'copy-flow-label': 'v',
  'enable-gre-encapsulation': 'v',
  disabled: 'v',
  comment: 'v',
  ipv6: 'v',
  'manual-key': {},
  'global-protect-satellite': {},
};

const UNIT: Schema = {
  ip: ENTRIES,
  ipv6: { enabled: 'v', address: ENTRIES },
  mtu: 'v',
  'interface-management-profile': 'v',
  comment: 'v',
  'netflow-profile': 'v',
};

const ADDRESS: Schema = {
  '*': { 'ip-netmask': 'v', 'ip-range': 'v', 'ip-wildcard': 'v', fqdn: 'v', description: 'v', tag: 'l' },
};

const NETWORK: Schema = {
  ike: {
    gateway: { '*': GATEWAY },
    'crypto-profiles': {
      'ike-crypto-profiles': {
        '*': { encryption: 'l', hash: 'l', 'dh-group': 'l', lifetime: LIFETIME, 'authentication-multiple': 'v' },
      },
      'ipsec-crypto-profiles': {
        '*': {
          esp: { encryption: 'l', authentication: 'l' },
          ah: { authentication: 'l' },
          'dh-group': 'v',
          lifetime: LIFETIME,
          lifesize: LIFESIZE,
        },
      },
    },
  },
  tunnel: { ipsec: { '*': TUNNEL } },
  interface: {
    ethernet: { '*': { layer3: { ip: ENTRIES, 'interface-management-profile': 'v', mtu: 'v' }, comment: 'v' } },
    tunnel: { units: { '*': UNIT }, ip: ENTRIES, mtu: 'v' },
    loopback: { units: { '*': UNIT }, ip: ENTRIES },
  },
  'virtual-router': {
    '*': {
      interface: 'l',
      'routing-table': {
        ip: {
          'static-route': {
            '*': {
              destination: 'v',
              interface: 'v',
              nexthop: { 'ip-address': 'v', 'next-vr': 'v', discard: {} },
              metric: 'v',
              'admin-dist': 'v',
              'route-table': 'v',
            },
          },
        },
      },
    },
  },
};

/** The root of set commands: a firewall's (or vsys's) configuration. */
export const PAN_SCHEMA: Schema = {
  network: NETWORK,
  address: ADDRESS,
  shared: { address: ADDRESS },
  vsys: { '*': { address: ADDRESS } },
};
