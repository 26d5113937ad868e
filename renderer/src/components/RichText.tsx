import type { ReactNode } from 'react';

/**
 * Text written with a little markdown (`code`, **bold**), as the engine's narration and
 * catalogue texts are, shown as text: code as code, bold as bold, never the raw marks.
 */
export function RichText({ text }: { text: string }) {
  const out: ReactNode[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[1] !== undefined ? <code key={m.index}>{m[1]}</code> : <b key={m.index}>{m[2]}</b>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}
