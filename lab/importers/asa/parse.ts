import { words } from '../tokens.js';
import type { ImportWarning, LineLedger } from '../types.js';
import {
  groupBlock,
  interfaceBlock,
  ipsecAttributes,
  objectBlock,
  profileBlock,
  proposalBlock,
  unsupportedBlock,
  v1PolicyBlock,
  v2PolicyBlock,
} from './blocks.js';
import { accessList, cryptoMap, nameCommand, route, transformSet } from './commands.js';
import { type AsaConfig, type BlockHandler, emptyConfig, type ParseContext } from './model.js';
import { isGlobalCommand, isNotTunnel, NAVIGATION, seconds, withoutPrompt } from './syntax.js';

/**
 * Reads ASA CLI text into the config model; every line is accounted for in the ledger. Nothing
 * here fails: a line that cannot be read is listed, and becomes an error only if the imported
 * tunnel needs it.
 *
 * Sub-commands are read the way the ASA reads them: a command goes to the current sub-mode when
 * that sub-mode has it, to the global level otherwise, whatever its indentation; `exit` leaves the
 * sub-mode; `!` is a comment.
 */
export function parseAsaConfig(ledger: LineLedger, warnings: ImportWarning[]): AsaConfig {
  const cfg = emptyConfig();
  const ctx: ParseContext = { cfg, ledger, warnings };
  let block: BlockHandler | null = null;

  for (let no = 1; no <= ledger.count; no++) {
    const raw = withoutPrompt(ledger.text(no));
    const trimmed = raw.trim();
    // ":" starts the header lines of show running-config.
    if (!trimmed || trimmed.startsWith('!') || trimmed.startsWith(':')) continue;
    const t = words(trimmed);
    if (t[0] === 'exit' || t[0] === 'end' || t[0] === 'exit-address-family') {
      if (t[0] !== 'exit-address-family') block = null;
      else block?.line(no, t);
      continue;
    }
    const indented = /^\s/.test(raw);
    if (block && (block.accepts(t) || (indented && !isGlobalCommand(t)))) {
      block.line(no, t);
      continue;
    }
    block = topLevel(ctx, no, t);
  }
  return cfg;
}

function topLevel(ctx: ParseContext, no: number, t: string[]): BlockHandler | null {
  const { cfg, ledger } = ctx;
  const [a, b, c] = t;
  const pending = (reason: string) => (ledger.pending(no, reason), null);
  if (NAVIGATION.has(a)) return null;
  if (a === 'interface' && b) return interfaceBlock(ctx, no, t.slice(1).join(' '));
  if (a === 'object' && b === 'network' && c) return objectBlock(ctx, no, c);
  if (a === 'object-group' && b === 'network' && c) return groupBlock(ctx, no, c);
  if (a === 'object' || a === 'object-group')
    return unsupportedBlock(ctx, no, `${a} ${b ?? ''} is not a network definition the tunnel can use`);
  if (a === 'access-list') return (accessList(ctx, no, t), null);
  if (a === 'nat') {
    cfg.nats.push({ line: no, tokens: t });
    return pending('NAT is not part of the lab (only NAT exemption of the tunnel traffic is understood)');
  }
  if (a === 'crypto') return crypto(ctx, no, t);
  if (a === 'isakmp' && b === 'enable' && c) {
    cfg.enables.push({ version: 1, ifname: c, line: no });
    return pending('not used by the imported tunnel');
  }
  if (a === 'tunnel-group') return tunnelGroup(ctx, no, t);
  if (a === 'route') return (route(ctx, no, t), null);
  if (a === 'name') return (nameCommand(ctx, no, t), null);
  if (a === 'group-policy') return unsupportedBlock(ctx, no, 'group policies are not part of the lab tunnel');
  if (a === 'hostname' && b) {
    cfg.hostname = { value: b, line: no };
    return pending('not part of the tunnel');
  }
  if (a === 'domain-name' && b) {
    cfg.domainName = { value: b, line: no };
    return pending('not part of the tunnel');
  }
  if (isNotTunnel(a)) return unsupportedBlock(ctx, no, 'not part of the tunnel');
  return unsupportedBlock(ctx, no, 'not understood by the ASA importer');
}

function crypto(ctx: ParseContext, no: number, t: string[]): BlockHandler | null {
  const { cfg, ledger } = ctx;
  const [, b, c, d] = t;
  if ((b === 'ikev1' || b === 'isakmp') && c === 'policy') return v1PolicyBlock(ctx, no, t);
  if (b === 'ikev2' && c === 'policy') return v2PolicyBlock(ctx, no, t);
  if ((b === 'ikev1' || b === 'ikev2' || b === 'isakmp') && c === 'enable' && d) {
    cfg.enables.push({ version: b === 'ikev2' ? 2 : 1, ifname: d, line: no });
    ledger.pending(no, `IKE${b === 'ikev2' ? 'v2' : 'v1'} is not used by the imported tunnel`);
    return null;
  }
  if (b === 'isakmp' && c === 'identity') {
    cfg.identity = { value: t.slice(3), line: no };
    ledger.pending(no, 'not used by the imported tunnel');
    return null;
  }
  if (b === 'ipsec' && (c === 'ikev1' || c === 'transform-set'))
    return (transformSet(ctx, no, c === 'ikev1' ? t.slice(3) : t.slice(2)), null);
  if (b === 'ipsec' && c === 'ikev2' && d === 'ipsec-proposal') return proposalBlock(ctx, no, t[4]);
  if (b === 'ipsec' && c === 'profile') return profileBlock(ctx, no, d);
  if (b === 'ipsec' && c === 'security-association' && d === 'lifetime') {
    const s = t[4] === 'seconds' ? seconds(t[5], 'lifetime seconds') : undefined;
    if (s && 'value' in s) {
      cfg.saLifetime = { value: s.value, line: no };
      ledger.pending(no, 'not used by the imported tunnel');
    } else ledger.unsupported(no, s ? s.problem : 'volume lifetimes are not modelled; the lab rekeys by time');
    return null;
  }
  if (b === 'map') return (cryptoMap(ctx, no, t), null);
  if (b === 'dynamic-map')
    return unsupportedBlock(
      ctx,
      no,
      'dynamic crypto maps (any peer) are not modelled; the lab tunnel has one fixed peer',
    );
  if (b === 'ca') return unsupportedBlock(ctx, no, 'certificates are not modelled; the lab uses pre-shared keys');
  return unsupportedBlock(ctx, no, 'crypto setting not modelled in the lab');
}

function tunnelGroup(ctx: ParseContext, no: number, t: string[]): BlockHandler | null {
  const { cfg, ledger } = ctx;
  const name = t[1];
  if (!name || !t[2]) {
    ledger.unsupported(no, 'expected "tunnel-group NAME type ipsec-l2l" or "tunnel-group NAME ipsec-attributes"');
    return null;
  }
  const tg = cfg.tunnelGroups.get(name) ?? { lines: [], problems: [] };
  cfg.tunnelGroups.set(name, tg);
  const reason = `tunnel-group ${name} is not used by the imported tunnel`;
  if (t[2] === 'type') {
    if (t[3] !== 'ipsec-l2l') {
      ledger.unsupported(no, `tunnel-group type ${t[3] ?? ''} is not site-to-site`);
      return null;
    }
    tg.type = { value: t[3], line: no };
    tg.lines.push(no);
    ledger.pending(no, reason);
    return null;
  }
  if (t[2] !== 'ipsec-attributes')
    return unsupportedBlock(ctx, no, `tunnel-group ${t[2]} are not part of the lab tunnel`);
  tg.lines.push(no);
  ledger.pending(no, reason);
  return ipsecAttributes(ctx, no, name);
}
