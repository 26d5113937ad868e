import { type Imported, importResult } from './build.js';
import { convertTunnel, matches, tunnelsOf } from './paloalto/convert.js';
import { type PanScope, type PanTunnel, scopeOf } from './paloalto/objects.js';
import { parseSetCommands } from './paloalto/set-commands.js';
import { type PanNode } from './paloalto/tree.js';
import { parsePanXml } from './paloalto/xml.js';
import { ImportError, type ImportOptions, type ImportResult, type ImportWarning, LineLedger } from './types.js';

export type PaloAltoImportOptions = ImportOptions;

/** PAN-OS XML (a configuration or its fragments) rather than set commands. */
export function isPanXml(text: string): boolean {
  return /^\s*</.test(text.replace(/^\uFEFF/, ''));
}

/** Why a part of the configuration the tunnel does not use is not imported. */
function explainUnused(scope: PanScope): void {
  const net = scope.network;
  const reasons: [PanNode | undefined, string][] = [
    [net?.get('ike', 'gateway'), 'IKE gateway not used by the imported tunnel'],
    [net?.get('ike', 'crypto-profiles'), 'crypto profile not used by the imported tunnel'],
    [net?.get('interface'), 'interface not used by the imported tunnel'],
    [net?.get('virtual-router'), 'routing not used by the imported tunnel'],
  ];
  for (const [node, reason] of reasons) if (node) node.reason = reason;
  for (const a of scope.addresses.values()) a.parent!.reason = 'address object not used by the imported tunnel';
}

function listOthers(all: PanTunnel[], chosen: PanTunnel, warnings: ImportWarning[]): void {
  for (const t of all) {
    if (t === chosen) continue;
    const reason = `IPsec tunnel ${t.name} is not imported (import it with --tunnel ${t.name})`;
    t.tunnel.reason = reason;
    if (t.gateway && t.gateway !== chosen.gateway) t.gateway.reason = reason;
    warnings.push({ line: t.line, message: `${reason}; peer ${t.peer || 'unset'}` });
  }
}

/** Every line (set commands) or element (XML) the import did not use, listed with its reason. */
function account(ledger: LineLedger, root: PanNode, leaves?: Map<number, PanNode[]>): void {
  const reasonOf = (n: PanNode) =>
    n.unknown ? 'not read by the Palo Alto importer' : (n.why() ?? 'not part of the imported tunnel');
  if (leaves) {
    for (const [line, nodes] of leaves) {
      const unused = nodes.filter((n) => !n.isUsed());
      if (!unused.length) ledger.use(line);
      else ledger.unsupported(line, unused.map((n) => `${n.where()}: ${reasonOf(n)}`).join('; '));
    }
    return;
  }
  const walk = (n: PanNode) => {
    if (!n.isUsed() && n.line > 0) {
      ledger.unsupported(n.line, `${n.where()}: ${reasonOf(n)}`);
      return;
    }
    for (const c of [...n.children.values(), ...n.entries.values()]) walk(c);
  };
  walk(root);
}

/**
 * Imports one IPsec tunnel of a Palo Alto Networks configuration: set commands (flat or
 * configure mode) or the XML configuration, IKEv1 or IKEv2, with pre-shared keys.
 */
export function importPaloAlto(text: string, options: PaloAltoImportOptions = {}): ImportResult {
  return importResult(readPaloAlto(text, options));
}

/** What a PAN-OS configuration says about one tunnel, before the lab is laid out around it. */
export function readPaloAlto(text: string, options: PaloAltoImportOptions = {}): Imported {
  const side = options.side ?? 'left';
  const ledger = new LineLedger(text);
  ledger.reveal = !!options.revealSecrets;
  const warnings: ImportWarning[] = [];
  let root: PanNode;
  let leaves: Map<number, PanNode[]> | undefined;
  if (isPanXml(text)) {
    const xml = parsePanXml(text);
    root = xml.root;
    for (const u of xml.unplaced)
      ledger.unsupported(u.line, `<${u.tag}> is not part of a PAN-OS configuration the importer can place`);
  } else ({ root, leaves } = parseSetCommands(ledger));
  const scope = scopeOf(root);
  // Every key in the configuration is masked wherever a line is quoted back.
  for (const gw of scope.network?.get('ike', 'gateway')?.entries.values() ?? []) {
    const key = gw.get('authentication', 'pre-shared-key', 'key');
    if (key?.value()) ledger.secret(key.line, key.value()!);
  }
  const all = tunnelsOf(scope);
  if (!all.length)
    throw new ImportError(
      0,
      'no IPsec tunnel found (expected "set network tunnel ipsec NAME auto-key ike-gateway GATEWAY" or <tunnel><ipsec><entry> in the XML)',
    );
  const wanted = options.entry === undefined ? undefined : String(options.entry);
  const chosen = wanted === undefined ? all[0] : all.find((t) => matches(t, scope, wanted));
  if (!chosen)
    throw new ImportError(
      0,
      `no tunnel ${wanted}; the configuration has ${all.map((t) => `${t.name} (gateway ${t.gatewayName ?? '?'}, peer ${t.peer || '?'})`).join(', ')}`,
    );
  explainUnused(scope);
  listOthers(all, chosen, warnings);
  const tunnels = all.map((t) => ({ name: t.name, peer: t.peer, line: t.line, selected: t === chosen }));
  const found = convertTunnel(scope, chosen, ledger, warnings, side, tunnels);
  account(ledger, root, leaves);
  return found;
}
