/**
 * Sends a customer's text to the host in pieces, one in flight at a time: a dropped 100 MB log is
 * read from the file a slice at a time and never held whole, and no message carries more than a
 * piece (the host refuses more than MAX_PIECE characters; lab/api/schemas.ts customerAppend).
 */
import type { UploadInfo } from '../../../lab/api/contract';
import type { LabClient } from '../api/client';

/** Characters per piece: the host's limit. */
export const MAX_PIECE = 512 * 1024;
/** Bytes read from a file per piece: a byte decodes to at most one character, and the decoder may carry 3 over. */
const FILE_SLICE = MAX_PIECE - 4;

export type TextSource = { kind: 'file'; file: File } | { kind: 'text'; text: string };

/** Size to show and to count progress in: bytes of a file, characters of a pasted text. */
export const sourceSize = (s: TextSource) => (s.kind === 'file' ? s.file.size : s.text.length);

/** The pieces of a source, each at most MAX_PIECE characters, never splitting a surrogate pair. */
async function* pieces(src: TextSource): AsyncGenerator<{ text: string; upTo: number }> {
  if (src.kind === 'text') {
    const t = src.text;
    for (let i = 0; i < t.length;) {
      let end = Math.min(t.length, i + MAX_PIECE);
      const last = t.charCodeAt(end - 1);
      if (end < t.length && last >= 0xd800 && last <= 0xdbff) end--;
      yield { text: t.slice(i, end), upTo: end };
      i = end;
    }
    return;
  }
  const decoder = new TextDecoder('utf-8');
  const file = src.file;
  for (let pos = 0; pos < file.size; pos += FILE_SLICE) {
    const bytes = await file.slice(pos, pos + FILE_SLICE).arrayBuffer();
    const end = Math.min(file.size, pos + FILE_SLICE);
    yield { text: decoder.decode(bytes, { stream: end < file.size }), upTo: end };
  }
}

/**
 * Sends the whole source and finishes it. `onProgress(sent)` after every piece; `cancelled()`
 * stops between pieces (the host's copy is then discarded).
 */
export async function sendText(
  client: LabClient,
  name: string,
  src: TextSource,
  onProgress: (sent: number) => void,
  cancelled: () => boolean = () => false,
): Promise<UploadInfo> {
  const size = src.kind === 'file' ? src.file.size : undefined;
  const opened = await client.call('customerOpen', { name, size });
  let seq = 0;
  try {
    for await (const p of pieces(src)) {
      if (cancelled()) throw new Error(`${name}: removed before it was sent`);
      if (p.text) await client.call('customerAppend', opened.id, seq++, p.text);
      onProgress(p.upTo);
    }
    return await client.call('customerFinish', opened.id);
  } catch (e) {
    void client.call('customerDiscard', opened.id).catch(() => false);
    throw e;
  }
}
