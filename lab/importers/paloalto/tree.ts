import { append } from '../types.js';

/**
 * The PAN-OS configuration tree, whichever form it came in: set commands and the XML
 * configuration describe the same tree (an element or keyword per node, named `entry` lists,
 * `member` lists and text values). Every node remembers where it was written and whether the
 * import used it, so everything else can be listed as not imported.
 */
export interface PanValue {
  text: string;
  line: number;
}

export class PanNode {
  readonly children = new Map<string, PanNode>();
  readonly entries = new Map<string, PanNode>();
  readonly values: PanValue[] = [];
  used = false;
  /** Not in the importer's picture of PAN-OS (set commands only): listed as not understood. */
  unknown = false;
  /** Why this subtree is not imported, when it is not; the nearest ancestor's reason applies otherwise. */
  reason?: string;

  constructor(
    readonly name: string,
    readonly path: string,
    public line: number,
    readonly parent?: PanNode,
    /** The node stands for one `<entry name=...>` of its parent. */
    readonly isEntry = false,
  ) {}

  child(name: string, line = 0): PanNode {
    let c = this.children.get(name);
    if (!c) {
      c = new PanNode(name, `${this.path}/${name}`, line, this);
      this.children.set(name, c);
    }
    if (!c.line) c.line = line;
    return c;
  }

  entry(name: string, line = 0): PanNode {
    let e = this.entries.get(name);
    if (!e) {
      e = new PanNode(name, `${this.path}[${name}]`, line, this, true);
      this.entries.set(name, e);
    }
    if (!e.line) e.line = line;
    return e;
  }

  /** A descendant by element names, e.g. get('protocol', 'ikev2', 'dpd'). */
  get(...names: string[]): PanNode | undefined {
    const [first, ...rest] = names;
    if (first === undefined) return this;
    return this.children.get(first)?.get(...rest);
  }

  /** The node's value (its text, or its first member). */
  value(): string | undefined {
    return this.values[0]?.text;
  }

  /** Members of a list: `<member>` values, set-command `[ a b ]` lists, or the names of its entries. */
  list(): string[] {
    return [...this.values.map((v) => v.text), ...this.entries.keys()];
  }

  /** Marks the node (and, for a whole-subtree read, everything under it) as imported. */
  use(deep = false): this {
    this.used = true;
    if (deep) for (const n of [...this.children.values(), ...this.entries.values()]) n.use(true);
    return this;
  }

  isUsed(): boolean {
    return this.used || [...this.children.values(), ...this.entries.values()].some((n) => n.isUsed());
  }

  /** The reason it is not imported: its own, or its nearest ancestor's. */
  why(): string | undefined {
    return this.reason ?? this.parent?.why();
  }

  /** How the user finds it: the path with entry names, without the device wrapper. */
  where(): string {
    return this.path.replace(/^\/config\/devices\[[^\]]*\]/, '').replace(/^\//, '');
  }
}

/** Copies everything of `from` into `into` (fragments of one configuration loaded at the same place). */
export function mergeInto(into: PanNode, from: PanNode): void {
  append(into.values, from.values);
  for (const [k, c] of from.children) mergeInto(into.child(k, c.line), c);
  for (const [k, e] of from.entries) mergeInto(into.entry(k, e.line), e);
}

/** Every node below `root` named `name`, nearest first. */
export function findAll(root: PanNode, name: string): PanNode[] {
  const out: PanNode[] = [];
  const queue = [root];
  while (queue.length) {
    const n = queue.shift()!;
    if (n.name === name && !n.isEntry) out.push(n);
    append(append(queue, n.children.values()), n.entries.values());
  }
  return out;
}
