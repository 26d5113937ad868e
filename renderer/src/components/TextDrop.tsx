import './customer.css';

import { useRef, useState } from 'react';

import type { TextSource } from '../state/send-text';

/** A paste above this many characters is not put into the text box (the DOM) but sent as it is. */
const BIG_PASTE = 200_000;

export const formatSize = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;

/**
 * Where a customer's text comes in: dropped files (any size: read a slice at a time when sent),
 * chosen files, or pasted text. A large paste is taken at once instead of being drawn in the box.
 */
export function TextDrop({
  onText,
  what,
  testid,
  compact,
}: {
  onText: (name: string, src: TextSource) => void;
  /** What to drop, in the user's words ("logs, SA listings or device outputs"). */
  what: string;
  testid: string;
  compact?: boolean;
}) {
  const [text, setText] = useState('');
  const [over, setOver] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const files = (list: FileList | null) => {
    for (const f of Array.from(list ?? [])) onText(f.name, { kind: 'file', file: f });
  };
  return (
    <div
      className={`text-drop${over ? ' over' : ''}${compact ? ' compact' : ''}`}
      data-testid={testid}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (e.dataTransfer.files.length) files(e.dataTransfer.files);
        else {
          const t = e.dataTransfer.getData('text/plain');
          if (t) onText('dropped text', { kind: 'text', text: t });
        }
      }}
    >
      <div className="text-drop-head">
        <span>
          Drop {what} here, or{' '}
          <button onClick={() => fileRef.current?.click()} data-testid={`${testid}-choose`}>
            choose files…
          </button>
        </span>
        <input
          ref={fileRef}
          type="file"
          multiple
          hidden
          data-testid={`${testid}-file`}
          onChange={(e) => {
            files(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      <textarea
        value={text}
        rows={compact ? 3 : 4}
        spellCheck={false}
        placeholder={`…or paste ${what} here`}
        aria-label={`paste ${what}`}
        data-testid={`${testid}-paste`}
        onChange={(e) => setText(e.target.value)}
        onPaste={(e) => {
          const t = e.clipboardData.getData('text/plain');
          if (t.length > BIG_PASTE) {
            e.preventDefault();
            onText(`pasted text (${formatSize(t.length)})`, { kind: 'text', text: t });
          }
        }}
      />
      <div className="text-drop-foot">
        <button
          className="primary"
          disabled={!text.trim()}
          data-testid={`${testid}-add`}
          onClick={() => {
            onText('pasted text', { kind: 'text', text });
            setText('');
          }}
        >
          Add the pasted text
        </button>
      </div>
    </div>
  );
}
