import type { ImportWarning, LineLedger } from '../types.js';
import {
  groupBlock,
  interfaceBlock,
  objectBlock,
  proposalBlock,
  tunnelGroup,
  unsupportedBlock,
  v1PolicyBlock,
  v2PolicyBlock,
} from './blocks.js';
import { accessList, cryptoMap, transformSet } from './commands.js';
import type { AsaConfig, BlockHandler, ParseContext } from './model.js';
import { NOT_TUNNEL, seconds } from './syntax.js';

/** Reads ASA CLI text into the config model; every line is accounted for in the ledger. */
export function parseAsaConfig(ledger: LineLedger, warnings: ImportWarning[]): AsaConfig {
  const cfg: AsaConfig = {
    interfaces: [],
    objects: new Map(),
    groups: new Map(),
    acls: new Map(),
    v1Policies: [],
    v2Policies: [],
    transformSets: new Map(),
    proposals: new Map(),
    maps: new Map(),
    mapInterfaces: new Map(),
    enables: [],
    tunnelGroups: new Map(),
    nats: [],
  };
  const ctx: ParseContext = { cfg, ledger, warnings };
  let block: BlockHandler | null = null;

  for (let no = 1; no <= ledger.count; no++) {
    const raw = ledger.text(no);
    const trimmed = raw.trim();
    // "!" separates sections and ":" starts the header lines of show running-config.
    if (!trimmed || trimmed.startsWith('!') || trimmed.startsWith(':')) {
      if (trimmed.startsWith('!')) block = null;
      continue;
    }
    const t = trimmed.split(/\s+/);
    if (/^\s/.test(raw)) {
      if (block) block(no, t);
      else ledger.unsupported(no, 'indented line outside any block');
      continue;
    }
    block = topLevel(ctx, no, t);
  }
  return cfg;
}

function topLevel(ctx: ParseContext, no: number, t: string[]): BlockHandler | null {
  const { cfg, ledger } = ctx;
  const [a, b, c] = t;
  if (a === 'interface') return interfaceBlock(ctx, no, t.slice(1).join(' '));
  if (a === 'object' && b === 'network' && c) return objectBlock(ctx, no, c);
  if (a === 'object-group' && b === 'network' && c) return groupBlock(ctx, no, c);
  if (a === 'object' || a === 'object-group')
    return unsupportedBlock(ctx, no, `${a} ${b ?? ''} is not a network definition the tunnel can use`);
  if (a === 'access-list') return (accessList(ctx, no, t), null);
  if (a === 'nat') {
    cfg.nats.push({ line: no, tokens: t });
    ledger.pending(no, 'NAT is not part of the lab (only NAT exemption of the tunnel traffic is understood)');
    return null;
  }
  if (a === 'crypto') return crypto(ctx, no, t);
  if (a === 'isakmp' && b === 'enable' && c) {
    cfg.enables.push({ version: 1, ifname: c, line: no });
    ledger.pending(no, 'not used by the imported tunnel');
    return null;
  }
  if (a === 'tunnel-group') return tunnelGroup(ctx, no, t);
  if (a === 'group-policy') return unsupportedBlock(ctx, no, 'group policies are not part of the lab tunnel');
  if (a === 'hostname' && b) {
    cfg.hostname = { value: b, line: no };
    ledger.pending(no, 'not part of the tunnel');
    return null;
  }
  if (a === 'domain-name' && b) {
    cfg.domainName = { value: b, line: no };
    ledger.pending(no, 'not part of the tunnel');
    return null;
  }
  if (NOT_TUNNEL.has(a)) return unsupportedBlock(ctx, no, 'not part of the tunnel');
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
  if (b === 'ipsec' && c === 'security-association' && d === 'lifetime') {
    if (t[4] === 'seconds') {
      cfg.saLifetime = { value: seconds(t[5], no, 'lifetime seconds'), line: no };
      ledger.pending(no, 'not used by the imported tunnel');
    } else ledger.unsupported(no, 'volume lifetimes are not modelled; the lab rekeys by time');
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
