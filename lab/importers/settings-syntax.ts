import { append, ImportError } from './types.js';

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

/**
 * Deeper than any strongSwan file is (swanctl.conf uses 5 levels): past it the input is refused on
 * its line, before anything recurses over the tree.
 */
const MAX_NESTING = 64;
/** References followed from one section, one through the next (a: b, b: c, ...). */
const MAX_REFERENCE_CHAIN = 64;

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
    if (stack.length > MAX_NESTING)
      throw new ImportError(
        here,
        `sections nested too deep: "${name}" would open level ${stack.length} (at most ${MAX_NESTING}; swanctl.conf needs 5)`,
      );
    let section = parent.sections.get(name);
    if (section) section.extraLines.push(here);
    else {
      section = newSection(name, here);
      parent.sections.set(name, section);
    }
    append(section.refs, refs);
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

interface Resolving {
  root: ConfSection;
  referenced: Set<string>;
  /** Sections being resolved now (an ancestor, or a section further up a reference chain), by path. */
  active: Map<ConfSection, string>;
  done: Set<ConfSection>;
}

/**
 * `b : a { }` makes b inherit whatever of a it does not set itself. A reference back to a section
 * being resolved (itself, an ancestor, or one earlier in the chain) is a loop; a long chain without
 * one is only nested too deep: each has its own message, naming the line of the reference.
 */
function resolveReferences(section: ConfSection, root: ConfSection, referenced: Set<string>): void {
  resolveSection(section, '', [], { root, referenced, active: new Map(), done: new Set() });
}

function resolveSection(section: ConfSection, path: string, chain: string[], ctx: Resolving): void {
  if (ctx.done.has(section)) return;
  ctx.active.set(section, path);
  for (const ref of section.refs) {
    const target = findSection(ctx.root, ref.path);
    if (!target)
      throw new ImportError(
        ref.line,
        `section "${ref.path}" referenced by "${section.name}" does not exist (references use the full path, e.g. connections.base)`,
      );
    const busy = ctx.active.get(target);
    if (busy !== undefined) {
      const how =
        busy !== '' && path.startsWith(`${busy}.`)
          ? `"${path}" references "${ref.path}", which contains it`
          : `${[...chain, path].join(' -> ')} -> ${ref.path}`;
      throw new ImportError(ref.line, `section references loop: ${how}`);
    }
    if (chain.length >= MAX_REFERENCE_CHAIN)
      throw new ImportError(
        ref.line,
        `section references nested too deep: "${path}" is reached through more than ${MAX_REFERENCE_CHAIN} references in a chain`,
      );
    ctx.referenced.add(ref.path);
    resolveSection(target, ref.path, [...chain, path], ctx);
    for (const [k, v] of target.keys) if (!section.keys.has(k)) section.keys.set(k, v);
    for (const [k, v] of target.sections) {
      const own = section.sections.get(k);
      if (!own) section.sections.set(k, v);
      else {
        own.refs.push({ path: `${ref.path}.${k}`, line: ref.line });
        // Resolved already through another reference: resolve it again with what it inherits now.
        ctx.done.delete(own);
      }
    }
  }
  section.refs = [];
  for (const [name, s] of section.sections) resolveSection(s, path ? `${path}.${name}` : name, chain, ctx);
  ctx.active.delete(section);
  ctx.done.add(section);
}

/** Every line a section and its content occupy (headers, keys, overridden keys). */
export function sectionLines(section: ConfSection): number[] {
  const out = [section.line, ...section.extraLines, ...section.overridden.map((o) => o.key.line)];
  for (const k of section.keys.values()) out.push(k.line);
  for (const s of section.sections.values()) append(out, sectionLines(s));
  return out;
}
