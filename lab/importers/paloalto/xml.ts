import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { ImportError } from '../types.js';
import { mergeInto, PanNode } from './tree.js';

/** The attribute the reader adds to every start tag to keep its line through the XML parser. */
const LINE = '__ipsec_lab_line';

/** Adds the line number to every start tag (outside comments, CDATA and declarations). */
function withLines(xml: string): string {
  let line = 1;
  let last = 0;
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][\s\S]*?>|<([A-Za-z_][\w:.-]*)/g;
  return xml.replace(re, (m: string, tag: string | undefined, offset: number) => {
    for (let i = last; i < offset; i++) if (xml.charCodeAt(i) === 10) line++;
    last = offset;
    return tag ? `<${tag} ${LINE}="${line}"` : m;
  });
}

type XmlItem = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Where a fragment goes: `xpath /config/devices/entry[@name='x']/network/ike/gateway` in a comment before it. */
function xpathOf(comment: string): string[] | undefined {
  const m = /xpath\s+(\/\S+)/.exec(comment);
  return m ? m[1].split('/').filter(Boolean) : undefined;
}

/** Descends a PAN-OS xpath, creating what is missing: `entry[@name='x']` steps are entries. */
function place(root: PanNode, steps: string[], line: number): PanNode {
  let n = root;
  for (const step of steps) {
    const m = /^([\w.-]+)(?:\[@name=['"]([^'"]*)['"]\])?$/.exec(step);
    if (!m) break;
    if (m[1] === 'entry' && m[2] !== undefined) n = n.entry(m[2], line);
    else {
      n = n.child(m[1], line);
      if (m[2] !== undefined) n = n.entry(m[2], line);
    }
  }
  return n;
}

function build(item: XmlItem, into: PanNode): void {
  const tag = Object.keys(item).find((k) => k !== ':@')!;
  if (tag === '#text' || tag === '#comment') return;
  const attrs = item[':@'] ?? {};
  const line = Number(attrs[LINE] ?? 0);
  const children = item[tag] as XmlItem[];
  if (tag === 'member') {
    const text = children.map((c) => c['#text']).join('');
    into.values.push({ text: String(text), line });
    return;
  }
  const node = tag === 'entry' && attrs.name !== undefined ? into.entry(attrs.name, line) : into.child(tag, line);
  for (const c of children) {
    if ('#text' in c) node.values.push({ text: String(c['#text']), line });
    else build(c, node);
  }
}

/**
 * A bare `<entry>` fragment placed by what it is (a skillet or API snippet without its xpath):
 * an IKE gateway has authentication and a protocol, an IPsec tunnel an auto-key, a crypto profile
 * its algorithms.
 */
function placeByForm(root: PanNode, fragment: PanNode): PanNode | undefined {
  const has = (...names: string[]) => names.every((n) => fragment.children.has(n));
  const ike = ['config', 'devices', "entry[@name='localhost.localdomain']", 'network', 'ike'];
  if (has('auto-key')) return place(root, ['config', 'devices', ike[2], 'network', 'tunnel', 'ipsec'], fragment.line);
  if (has('authentication') || has('peer-address')) return place(root, [...ike, 'gateway'], fragment.line);
  if (has('esp') || has('ah')) return place(root, [...ike, 'crypto-profiles', 'ipsec-crypto-profiles'], fragment.line);
  if (has('hash', 'dh-group')) return place(root, [...ike, 'crypto-profiles', 'ike-crypto-profiles'], fragment.line);
  return undefined;
}

/**
 * Reads a PAN-OS XML configuration (running-config.xml, `show config running` output, an API
 * response) or a sequence of fragments, each placed at the xpath named in the comment before it,
 * into the configuration tree. Malformed XML is an error naming its line.
 */
export function parsePanXml(text: string): { root: PanNode; unplaced: { line: number; tag: string }[] } {
  // The declaration must come first in XML; blanking it keeps every line number.
  const body = text.replace(/^\uFEFF/, '').replace(/<\?xml[\s\S]*?\?>/, (d) => d.replace(/[^\n]/g, ' '));
  const check = XMLValidator.validate(`<ipsec-lab-root>${body}</ipsec-lab-root>`);
  if (check !== true) throw new ImportError(check.err.line, `not well-formed XML: ${check.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    preserveOrder: true,
    commentPropName: '#comment',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
  });
  const items = parser.parse(withLines(body)) as XmlItem[];
  const root = new PanNode('', '', 0);
  const unplaced: { line: number; tag: string }[] = [];
  let xpath: string[] | undefined;
  for (const item of items) {
    if ('#comment' in item) {
      const c = (item['#comment'] as XmlItem[]).map((x) => x['#text']).join('');
      xpath = xpathOf(String(c)) ?? xpath;
      continue;
    }
    if ('#text' in item) continue;
    const holder = new PanNode('', '', 0);
    build(item, holder);
    const [tag] = Object.keys(item).filter((k) => k !== ':@');
    const line = Number(item[':@']?.[LINE] ?? 0);
    // The node `build` made: an entry for `<entry name=...>`, else the element.
    const made = [...holder.entries.values(), ...holder.children.values()][0];
    if (!made) continue;
    if (tag === 'response') {
      const config = made.get('result', 'config');
      if (config) mergeInto(root.child('config', config.line), config);
      continue;
    }
    let target: PanNode | undefined;
    if (xpath) target = place(root, xpath, line);
    else if (tag === 'config') target = root;
    else if (tag === 'entry') target = placeByForm(root, made);
    else target = place(root, ['config', 'devices', "entry[@name='localhost.localdomain']"], line);
    if (!target) {
      unplaced.push({ line, tag });
      continue;
    }
    const into = made.isEntry ? target.entry(made.name, line) : target.child(made.name, line);
    // A snippet file loaded at one xpath may hold several elements: they all go there.
    mergeInto(into, made);
  }
  return { root, unplaced };
}
