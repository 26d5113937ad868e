/**
 * A strongSwan settings tree: the shape shared by swanctl.conf, strongswan.conf and VICI messages.
 * Values are strings; lists are string arrays (swanctl.conf writes them comma-separated).
 */
export type ConfValue = string | string[] | ConfTree;
export interface ConfTree {
  [key: string]: ConfValue;
}

function quote(value: string): string {
  // swanctl.conf/strongswan.conf: values with special characters must be quoted.
  return /^[A-Za-z0-9_.:/%@*=+-]+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Renders a tree in strongSwan's settings syntax (one setting a line, sections in braces). */
export function renderConf(tree: ConfTree, indent = ''): string {
  let out = '';
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out += `${indent}${key} = ${quote(value)}\n`;
    else if (Array.isArray(value)) out += `${indent}${key} = ${value.map(quote).join(',')}\n`;
    else out += `${indent}${key} {\n${renderConf(value, indent + '  ')}${indent}}\n`;
  }
  return out;
}
