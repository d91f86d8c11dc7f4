// Registers the contract's handlers on ipcMain. Every call is checked twice before a handler
// runs: the sender must be our own window's main frame, and the arguments must match the
// contract's schema. A refusal reaches the renderer as a rejected promise with a clear message.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../preload/contract';
import type { Handlers } from '../../preload/contract';
import { dispatchInvoke, dispatchSend } from './dispatch';

export type { InvokeHandlers, SendHandlers } from '../../preload/contract';

/** Decides whether an IPC message comes from our window's main frame. */
export type SenderCheck = (event: IpcMainEvent | IpcMainInvokeEvent) => boolean;

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

function describeSender(event: IpcMainEvent | IpcMainInvokeEvent): string {
  return event.senderFrame?.url.slice(0, 200) ?? 'no frame';
}

export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrustedSender: SenderCheck,
  log: (message: string) => void,
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, ...raw: unknown[]) => {
      if (!isTrustedSender(event)) {
        log(`ipc: refused ${channel} from an untrusted sender (${describeSender(event)})`);
        throw new Error(`${channel}: refused, the sender is not the Katya window`);
      }
      return dispatchInvoke(handlers, channel, raw, log);
    });
  }

  const listeners = SEND_CHANNELS.map((channel) => {
    const listener = (event: IpcMainEvent, ...raw: unknown[]) => {
      if (!isTrustedSender(event)) {
        log(`ipc: refused ${channel} from an untrusted sender (${describeSender(event)})`);
        return;
      }
      dispatchSend(handlers, channel, raw, log);
    };
    ipcMain.on(channel, listener);
    return [channel, listener] as const;
  });

  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
    for (const [channel, listener] of listeners) ipcMain.removeListener(channel, listener);
  };
}

/**
 * The sender check for the app: the message must come from the main frame of the window we
 * created, showing our own app:// page (not a navigated-away or embedded frame).
 */
export function ownWindowSender(
  getWebContentsId: () => number | null,
  appOrigin: string,
): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    if (event.sender.id !== getWebContentsId()) return false;
    try {
      // URL.origin is "null" for custom schemes such as app://, so compare scheme and host.
      const url = new URL(frame.url);
      return `${url.protocol}//${url.host}` === appOrigin;
    } catch {
      return false;
    }
  };
}
