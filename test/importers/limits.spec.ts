import { describe, expect, it } from 'vitest';

import { importConfig, ImportError } from '../../lab/importers/index.js';
import { parseSettingsSyntax } from '../../lab/importers/settings-syntax.js';
import { thrown } from './fixtures.js';

/** A plain crypto-map tunnel whose crypto ACL names one object-group: what the big file is built around. */
const ASA_HEAD = `interface GigabitEthernet0/0
 nameif outside
 ip address 198.51.100.10 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 ip address 10.1.0.1 255.255.255.0
`;
const ASA_TAIL = `access-list VPN extended permit ip object-group LOCAL object-group REMOTE
object-group network REMOTE
 network-object 10.2.0.0 255.255.255.0
crypto ipsec ikev2 ipsec-proposal P
 protocol esp encryption aes-256
 protocol esp integrity sha-256
crypto map M 10 match address VPN
crypto map M 10 set peer 203.0.113.10
crypto map M 10 set ikev2 ipsec-proposal P
crypto map M interface outside
crypto ikev2 policy 10
 encryption aes-256
 integrity sha256
 group 14
 prf sha256
crypto ikev2 enable outside
tunnel-group 203.0.113.10 type ipsec-l2l
tunnel-group 203.0.113.10 ipsec-attributes
 ikev2 remote-authentication pre-shared-key K3y-of-the-big-file
 ikev2 local-authentication pre-shared-key K3y-of-the-big-file
`;

function bigAsa(targetBytes: number): string {
  // The local group holds ~1.5 million host entries (all used by the tunnel), then unrelated
  // interface ACL lines fill the rest: every line of both kinds is accounted for by the import.
  const parts = [ASA_HEAD, 'object-group network LOCAL\n'];
  let size = parts[0].length;
  for (let i = 0; size < targetBytes / 2; i++) {
    const line = ` network-object host 10.1.${(i >> 8) & 255}.${i & 255}\n`;
    parts.push(line);
    size += line.length;
  }
  for (let i = 0; size < targetBytes; i++) {
    const line = `access-list OUTSIDE_IN extended permit tcp any host 198.51.100.10 eq ${1024 + (i % 60000)}\n`;
    parts.push(line);
    size += line.length;
  }
  parts.push(ASA_TAIL);
  return parts.join('');
}

describe('importer limits (issue 11)', () => {
  it('a ~100 MB ASA config answers with a result, not a RangeError from spreading its lines into a call', () => {
    const text = bigAsa(100 * 1024 * 1024);
    expect(text.length).toBeGreaterThan(100 * 1024 * 1024);
    let result: ReturnType<typeof importConfig> | undefined;
    let error: unknown;
    try {
      result = importConfig(text);
    } catch (e) {
      error = e;
    }
    // An answer either way: a result, or an ImportError naming a line; never the stack overflowing.
    expect(error === undefined || error instanceof ImportError, String(error)).toBe(true);
    expect(result).toBeDefined();
    expect(result!.format).toBe('asa');
    // The remote group is the peer's LAN (selectors equal to the LAN are written as the LAN).
    expect(result!.settings.right.lan).toBe('10.2.0.0/24');
    // 65536 distinct hosts (the generator cycles through 10.1.x.y), each a selector once.
    expect(result!.settings.left.gateway.localTs).toHaveLength(65_536);
    // Every unrelated ACL line is listed as not imported; none of the group's (used) lines is.
    expect(result!.unsupported.length).toBeGreaterThan(500_000);
    expect(result!.unsupported.some((u) => u.text.includes('network-object host'))).toBe(false);
  }, 240_000);

  it('swanctl.conf: plain deep nesting is "nested too deep" at its line, not a reference loop', () => {
    const depth = 200;
    const text = `${Array.from({ length: depth }, (_, i) => `s${i} {`).join('\n')}\n${'}\n'.repeat(depth)}`;
    const e = thrown(() => parseSettingsSyntax(text));
    expect(e).toBeInstanceOf(ImportError);
    expect(e.message).toMatch(/^line 65: sections nested too deep: "s64" would open level 65/);
    expect(e.message).not.toMatch(/loop/);
    // 64 levels are read.
    const ok = `${Array.from({ length: 64 }, (_, i) => `s${i} {`).join('\n')}\n${'}\n'.repeat(64)}`;
    expect(() => parseSettingsSyntax(ok)).not.toThrow();
  });

  it('swanctl.conf: a real reference loop is named as one, with the chain and the line of the reference', () => {
    const loop = 'connections {\n  a : connections.b {\n  }\n  b : connections.a {\n  }\n}\n';
    const e = thrown(() => parseSettingsSyntax(loop));
    expect(e.message).toBe('line 4: section references loop: connections.a -> connections.b -> connections.a');
    const self = 'connections {\n  a : connections.a {\n  }\n}\n';
    expect(thrown(() => parseSettingsSyntax(self)).message).toBe(
      'line 2: section references loop: connections.a -> connections.a',
    );
    const ancestor = 'connections {\n  a {\n    children : connections.a {\n    }\n  }\n}\n';
    expect(thrown(() => parseSettingsSyntax(ancestor)).message).toBe(
      'line 3: section references loop: "connections.a.children" references "connections.a", which contains it',
    );
  });

  it('swanctl.conf: a long chain of references without a loop is "nested too deep", a short one resolves', () => {
    const chain = (n: number) =>
      `t {\n${Array.from({ length: n }, (_, i) => `  s${i}${i + 1 < n ? ` : t.s${i + 1}` : ''} {\n    k${i} = v\n  }`).join('\n')}\n}\n`;
    const e = thrown(() => parseSettingsSyntax(chain(100)));
    expect(e.message).toMatch(
      /^line \d+: section references nested too deep: "t\.s\d+" is reached through more than 64/,
    );
    const doc = parseSettingsSyntax(chain(10));
    // s0 inherits every key down the chain.
    expect([...doc.root.sections.get('t')!.sections.get('s0')!.keys.keys()].sort()).toHaveLength(10);
  });

  it('ASA object-groups: a loop is a loop, a long chain of distinct groups is nested too deep', () => {
    const withGroups = (groups: string) =>
      `${ASA_HEAD}${groups}${ASA_TAIL.replace('object-group LOCAL', 'object-group G0')}`;
    const loop = withGroups('object-group network G0\n group-object G1\nobject-group network G1\n group-object G0\n');
    expect(thrown(() => importConfig(loop)).message).toMatch(/^line \d+: object-group loop: G0 -> G1 -> G0$/);
    const deep = withGroups(
      Array.from({ length: 30 }, (_, i) => `object-group network G${i}\n group-object G${i + 1}\n`).join('') +
        'object-group network G30\n network-object 10.1.0.0 255.255.255.0\n',
    );
    const e = thrown(() => importConfig(deep));
    expect(e.message).toMatch(/object-groups nested too deep: 17 levels/);
    expect(e.message).not.toMatch(/loop/);
  });
});
