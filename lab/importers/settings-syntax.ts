import { ImportError } from './types.js';

/**
 * strongSwan's settings syntax (swanctl.conf, strongswan.conf): `name { ... }` sections,
 * `key = value` settings, `#` comments, quoted values that may span lines, `include` statements
 * and section references (`name : other.section { ... }`). Every node keeps its line so the
 * importer can account for each one.
 */
export interface ConfKey {
  name: string;
  value: string;
  line: number;
}

export interface ConfSection {
  name: string;
  line: number;
  refs: { path: string; line: number }[];
  keys: Map<string, ConfKey>;
  sections: Map<string, ConfSection>;
  /** Keys that a later definition replaced, as strongSwan does: the last one wins. */
  overridden: { key: ConfKey; by: number }[];
  /** Section headers of later blocks with the same name, which strongSwan merges into this one. */
  extraLines: number[];
}

export interface ConfDocument {
  root: ConfSection;
  includes: { line: number; pattern: string }[];
  /** Full paths of sections other sections reference (templates). */
  referenced: Set<string>;
}

function newSection(name: string, line: number): ConfSection {
  return { name, line, refs: [], keys: new Map(), sections: new Map(), overridden: [], extraLines: [] };
}

const NAME = /[^\s{}=#:,"]/;

export function parseSettingsSyntax(text: string): ConfDocument {
  const root = newSection('', 0);
  const includes: ConfDocument['includes'] = [];
  const stack: ConfSection[] = [root];
  let i = 0;
  let line = 1;
  const lines = text.split('\n');
  const indent = (n: number) => /^[ \t]*/.exec(lines[n - 1] ?? '')![0].length;
  // Braces do not care about indentation, but people do: a "}" indented unlike the header it
  // closes is the best hint at which section really lacks its "}".
  const openedAt: number[] = [0];
  let mismatch: { section: ConfSection; opener: number; close: number } | undefined;

  const peek = () => text[i];
  const advance = () => {
    if (text[i] === '\n') line++;
    i++;
  };
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const c = peek();
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) advance();
      else if (newlines && c === '#') while (i < text.length && peek() !== '\n') advance();
      else break;
    }
  };
  const restOfLine = () => {
    let s = '';
    while (i < text.length && peek() !== '\n' && peek() !== '#' && peek() !== '}') {
      s += peek();
      advance();
    }
    return s.trim();
  };
  const quoted = (startLine: number) => {
    advance(); // opening quote
    let s = '';
    for (;;) {
      if (i >= text.length) throw new ImportError(startLine, 'unterminated quoted value (expected a closing ")');
      const c = peek();
      if (c === '"') {
        advance();
        return s;
      }
      if (c === '\\') {
        advance();
        const e = peek();
        s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
        advance();
        continue;
      }
      s += c;
      advance();
    }
  };

  for (;;) {
    skipSpace(true);
    if (i >= text.length) break;
    const c = peek();
    const here = line;
    if (c === '}') {
      if (stack.length === 1) throw new ImportError(here, 'unexpected "}" (no section is open)');
      const closed = stack.pop()!;
      const opener = openedAt.pop()!;
      if (!mismatch && indent(here) !== indent(opener) && /^[ \t]*}/.test(lines[here - 1] ?? ''))
        mismatch = { section: closed, opener, close: here };
      advance();
      continue;
    }
    if (!NAME.test(c)) throw new ImportError(here, `unexpected "${c}" (expected a setting name or a section)`);
    let name = '';
    while (i < text.length && NAME.test(peek())) {
      name += peek();
      advance();
    }
    skipSpace(false);
    const parent = stack[stack.length - 1];
    if (name === 'include' && peek() !== '=' && peek() !== '{' && peek() !== ':') {
      includes.push({ line: here, pattern: restOfLine() });
      continue;
    }
    if (peek() === '=') {
      advance();
      skipSpace(false);
      let value: string;
      if (peek() === '"') {
        value = quoted(here);
        skipSpace(false);
        if (i < text.length && peek() !== '\n' && peek() !== '#' && peek() !== '}') {
          throw new ImportError(line, `unexpected text after the quoted value of ${name}`);
        }
      } else value = restOfLine();
      const key = { name, value, line: here };
      const old = parent.keys.get(name);
      if (old) parent.overridden.push({ key: old, by: here });
      parent.keys.set(name, key);
      continue;
    }
    const refs: ConfSection['refs'] = [];
    if (peek() === ':') {
      advance();
      for (;;) {
        skipSpace(true);
        let ref = '';
        while (i < text.length && NAME.test(peek())) {
          ref += peek();
          advance();
        }
        if (!ref) throw new ImportError(line, `expected a section name after ":" in ${name}`);
        refs.push({ path: ref, line });
        skipSpace(true);
        if (peek() !== ',') break;
        advance();
      }
    }
    skipSpace(true);
    if (peek() !== '{') throw new ImportError(here, `expected "=" or "{" after "${name}"`);
    advance();
    let section = parent.sections.get(name);
    if (section) section.extraLines.push(here);
    else {
      section = newSection(name, here);
      parent.sections.set(name, section);
    }
    section.refs.push(...refs);
    stack.push(section);
    openedAt.push(here);
  }
  if (stack.length > 1) {
    if (mismatch) {
      const { section: s, opener, close } = mismatch;
      throw new ImportError(
        opener,
        `section "${s.name}" is never closed: the "}" on line ${close} is indented for an outer section (expected a "}" for "${s.name}" before it)`,
      );
    }
    const open = stack[stack.length - 1];
    throw new ImportError(openedAt[openedAt.length - 1], `section "${open.name}" is never closed (expected "}")`);
  }
  const referenced = new Set<string>();
  resolveReferences(root, root, referenced);
  return { root, includes, referenced };
}

function findSection(root: ConfSection, path: string): ConfSection | undefined {
  let s: ConfSection | undefined = root;
  for (const part of path.split('.')) s = s?.sections.get(part);
  return s;
}

/** `b : a { }` makes b inherit whatever of a it does not set itself. */
function resolveReferences(section: ConfSection, root: ConfSection, referenced: Set<string>, depth = 0): void {
  if (depth > 32) throw new ImportError(section.line, 'section references loop');
  for (const ref of section.refs) {
    const target = findSection(root, ref.path);
    if (!target)
      throw new ImportError(
        ref.line,
        `section "${ref.path}" referenced by "${section.name}" does not exist (references use the full path, e.g. connections.base)`,
      );
    referenced.add(ref.path);
    resolveReferences(target, root, referenced, depth + 1);
    for (const [k, v] of target.keys) if (!section.keys.has(k)) section.keys.set(k, v);
    for (const [k, v] of target.sections) {
      const own = section.sections.get(k);
      if (!own) section.sections.set(k, v);
      else own.refs.push({ path: `${ref.path}.${k}`, line: ref.line });
    }
  }
  section.refs = [];
  for (const s of section.sections.values()) resolveReferences(s, root, referenced, depth + 1);
}

/** Every line a section and its content occupy (headers, keys, overridden keys). */
export function sectionLines(section: ConfSection): number[] {
  const out = [section.line, ...section.extraLines, ...section.overridden.map((o) => o.key.line)];
  for (const k of section.keys.values()) out.push(k.line);
  for (const s of section.sections.values()) out.push(...sectionLines(s));
  return out;
}
