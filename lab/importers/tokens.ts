/*
 * Words of vendor CLI lines, and the template variables vendors and cloud providers put into the
 * configs they publish. A placeholder is recognised by its own form (`<...>`, `${...}`,
 * `{{ ... }}`, an address with X for digits), never by a list of known names.
 */

/** `<Azure_Gateway_Public_IP>`, `${oracleHeadend1}`, `{{ aws_vgw_ip_1 }}`, `%PEER_IP%`. */
const TEMPLATE = /^(<[^<>]+>|\$\{[^}]+\}|\{\{.*\}\}|%[A-Za-z][\w-]*%)$/;

/** An address published with digits masked: `104.X.X.X`, `206.X.X.1`, `40.76.x.x`. */
const MASKED_ADDRESS = /^(\d{1,3}|[xX*]+)(\.(\d{1,3}|[xX*]+)){3}(\/\d{1,2})?$/;

export function isTemplateVariable(word: string): boolean {
  return TEMPLATE.test(word.trim());
}

export function isMaskedAddress(word: string): boolean {
  return MASKED_ADDRESS.test(word) && /[xX*]/.test(word);
}

/** A value that stands for one the publisher left out: a template variable or a masked address. */
export function isPlaceholder(word: string): boolean {
  return isTemplateVariable(word) || isMaskedAddress(word);
}

/** A key published masked: `*****` (ASA show running-config), `XXXXXXXX` (a redacted sample). */
export function isMaskedKey(key: string): boolean {
  return /^\*{3,}$/.test(key) || /^[xX]{4,}$/.test(key);
}

/**
 * Splits a CLI line into words. Double quotes group a word (and are removed: `"Azure-VNGpubip"` is
 * the name Azure-VNGpubip); template variables keep their inner spaces (`{{ a | md5_hash }}`,
 * `<NextHop IP>`); `[ a b ]` lists stay as the words `[`, `a`, `b`, `]`.
 */
export function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|\{\{.*?\}\}|\$\{[^}]*\}|<[^<>]*>|\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[0]);
  return out;
}
