/**
 * Who may call the engine over IPC: the top-level frame of our own page, nothing else (not an
 * iframe, not a page the window was somehow navigated to, not a frame already gone).
 */
import type { AppOrigin } from './app-origin.js';
import type { IpcMainInvokeEventLike } from './electron-types.js';

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(event: IpcMainInvokeEventLike, origin: AppOrigin): SenderVerdict {
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'the calling frame is gone' };
  if (frame.parent) return { ok: false, reason: 'only the top-level frame may call the lab' };
  if (!origin.isOwn(frame.url))
    return { ok: false, reason: `the calling page is not IPsec Lab's own (${frame.url || 'no URL'})` };
  return { ok: true };
}
