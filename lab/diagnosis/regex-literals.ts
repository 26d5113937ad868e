/**
 * The literals a regular expression requires, read from its source: what every match starts with
 * and which further literal runs every match contains. The prefilter (line-filter.ts) uses them to
 * rule lines out without running the regexes. Conservative by construction: anything this reader
 * does not recognise ends a literal run, so it may find fewer literals than there are, never more.
 */

type Token =
  | { t: 'lit'; ch: string }
  /** A group and its source between the parentheses; `quantified` if a quantifier follows it. */
  | { t: 'group'; body: string; quantified: boolean }
  | { t: 'other'; quantified: boolean }
  | { t: 'alt' };

/**
 * The top-level tokens of a regex source. A literal followed by a quantifier is not a literal
 * (it may be absent or repeated): it comes back as 'other'. Anything not recognised is 'other'.
 */
function tokens(src: string, from: number): Token[] | null {
  const out: Token[] = [];
  let i = from;
  while (i < src.length) {
    const c = src[i];
    let tok: Token;
    if (c === '\\') {
      const e = src[i + 1];
      // An escaped punctuation character is that character; \d, \S, \b, \1 ... are not literals.
      tok = e !== undefined && !/[A-Za-z0-9]/.test(e) ? { t: 'lit', ch: e } : { t: 'other', quantified: false };
      i += 2;
    } else if (c === '(' || c === '[') {
      const close = c === '(' ? groupEnd(src, i) : classEnd(src, i);
      if (close < 0) return null;
      tok =
        c === '('
          ? { t: 'group', body: src.slice(i + 1, close), quantified: false }
          : { t: 'other', quantified: false };
      i = close + 1;
    } else if (c === '|') {
      tok = { t: 'alt' };
      i++;
    } else if (
      c === '.' ||
      c === '$' ||
      c === '^' ||
      c === ')' ||
      c === ']' ||
      c === '}' ||
      c === '?' ||
      c === '*' ||
      c === '+' ||
      c === '{'
    ) {
      tok = { t: 'other', quantified: false };
      i++;
    } else {
      tok = { t: 'lit', ch: c };
      i++;
    }
    // A quantifier (and its lazy '?') applies to the token before it.
    const q = src[i];
    if (q === '?' || q === '*' || q === '+' || q === '{') {
      let exactly = -1;
      if (q === '{') {
        const close = src.indexOf('}', i);
        if (close < 0) return null;
        // "x{2}" is exactly "xx" (the formatter writes two spaces that way): still literals.
        if (/^\d+$/.test(src.slice(i + 1, close))) exactly = Number(src.slice(i + 1, close));
        i = close + 1;
      } else i++;
      if (src[i] === '?') i++;
      if (tok.t === 'lit' && exactly >= 1 && exactly <= 16) {
        for (let k = 1; k < exactly; k++) out.push(tok);
      } else tok = tok.t === 'group' ? { ...tok, quantified: true } : { t: 'other', quantified: true };
    }
    out.push(tok);
  }
  return out;
}

/** The alternatives of a group body made only of literals ("?:" or capturing), else null. */
function literalAlternatives(body: string): string[] | null {
  const inner = body.startsWith('?:') ? body.slice(2) : body;
  if (inner.startsWith('?')) return null; // lookaround, named group
  const alts: string[] = [''];
  const toks = tokens(inner, 0);
  if (!toks) return null;
  for (const tok of toks) {
    if (tok.t === 'alt') alts.push('');
    else if (tok.t === 'lit') alts[alts.length - 1] += tok.ch;
    else return null;
  }
  return alts;
}

/** More prefixes than this and the literal group is left unexpanded. */
const MAX_PREFIXES = 16;

/** A group that is exactly `\S+` (greedy or lazy, capturing or not). */
const NON_SPACE_RUN = /^(?:\?:)?\\S\+\??$/;

export interface RequiredLiterals {
  /** Every match starts with one of these (the source is anchored by `^`). */
  prefixes: string[];
  /**
   * When the prefix is followed by `(\S+)` and then a literal starting with a space: that literal,
   * which must then start at the first space after the prefix (\S+ cannot step over a space).
   */
  after: string | null;
  /** Further literal runs every match contains somewhere after the prefix. */
  needles: string[];
}

/**
 * The literals a regex requires, read from its source: see RequiredLiterals. A group of literal
 * alternatives right after the literal start multiplies the prefixes. null when the source is not a
 * plain anchored concatenation this reader is sure about (flags, top-level alternation).
 * Conservative by construction: anything it does not recognise ends a literal run.
 */
export function requiredLiterals(re: RegExp): RequiredLiterals | null {
  const src = re.source;
  if (re.flags !== '' || src[0] !== '^') return null;
  const toks = tokens(src, 1);
  if (!toks || toks.some((t) => t.t === 'alt')) return null;
  let prefixes = [''];
  let k = 0;
  for (; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t === 'lit') prefixes = prefixes.map((p) => p + tok.ch);
    else if (tok.t === 'group' && !tok.quantified) {
      const alts = literalAlternatives(tok.body);
      if (!alts || alts.length * prefixes.length > MAX_PREFIXES) break;
      prefixes = prefixes.flatMap((p) => alts.map((a) => p + a));
    } else break;
  }
  const runs: string[] = [];
  let run = '';
  const firstRunAt = k + 1;
  let after: string | null = null;
  for (; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t === 'lit') run += tok.ch;
    else {
      if (run) runs.push(run);
      run = '';
    }
  }
  if (run) runs.push(run);
  const next = toks[firstRunAt - 1];
  if (
    next &&
    next.t === 'group' &&
    !next.quantified &&
    NON_SPACE_RUN.test(next.body) &&
    toks[firstRunAt]?.t === 'lit'
  ) {
    // The literal run right after the \S+ group is the first of `runs`.
    if (runs[0]?.startsWith(' ')) after = runs.shift()!;
  }
  return { prefixes, after, needles: runs };
}

/** Index of the `)` closing the group opened at `open`, or -1. */
function groupEnd(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i = classEnd(src, i);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `]` closing the character class opened at `open`, or -1. */
function classEnd(src: string, open: number): number {
  for (let i = open + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === ']') return i;
  }
  return -1;
}
