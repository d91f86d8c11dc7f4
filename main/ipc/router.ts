// Registers the contract's handlers on ipcMain. Every call is checked twice before a handler
// runs: the sender must be our own window's main frame, and the arguments must match the
// contract's schema. A refusal reaches the renderer as a rejected promise with a clear message.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import {
  INVOKE_CHANNELS,
  SEND_CHANNELS,
  invokeSchemas,
  parseArgs,
  sendSchemas,
} from '../../preload/contract';
import type {
  InvokeArgs,
  InvokeChannel,
  InvokeResults,
  SendArgs,
  SendChannel,
} from '../../preload/contract';

export type InvokeHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResults[C]> | InvokeResults[C];
};
export type SendHandlers = { [C in SendChannel]: (...args: SendArgs<C>) => void };

/** Decides whether an IPC message comes from our window's main frame. */
export type SenderCheck = (event: IpcMainEvent | IpcMainInvokeEvent) => boolean;

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrustedSender: SenderCheck,
  log: (message: string) => void,
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, ...raw: unknown[]) => {
      if (!isTrustedSender(event)) {
        log(
          `ipc: refused ${channel} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`,
        );
        throw new Error(`${channel}: refused, the sender is not the Katya window`);
      }
      const parsed = parseArgs(invokeSchemas[channel], raw);
      if (!parsed.ok) {
        log(`ipc: rejected ${channel}: ${parsed.error}`);
        throw new Error(`${channel}: invalid ${parsed.error}`);
      }
      const handler = handlers.invoke[channel] as (...a: unknown[]) => unknown;
      return handler(...parsed.args);
    });
  }

  const listeners = SEND_CHANNELS.map((channel) => {
    const listener = (event: IpcMainEvent, ...raw: unknown[]) => {
      if (!isTrustedSender(event)) {
        log(
          `ipc: refused ${channel} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`,
        );
        return;
      }
      const parsed = parseArgs(sendSchemas[channel], raw);
      if (!parsed.ok) {
        log(`ipc: rejected ${channel}: ${parsed.error}`);
        return;
      }
      try {
        (handlers.send[channel] as (...a: unknown[]) => void)(...parsed.args);
      } catch (err) {
        log(`ipc: ${channel} failed: ${(err as Error).message}`);
      }
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
