// A stand-in for Electron's ipcMain, enough to drive main/ipc/router.ts: it records handlers
// and lets a test call them with a sender frame of its choosing.
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;
type Listener = (event: IpcMainEvent, ...args: unknown[]) => void;

export interface FakeSender {
  webContentsId: number;
  frameUrl: string;
  isMainFrame?: boolean;
}

function event(sender: FakeSender) {
  const frame = { url: sender.frameUrl, parent: sender.isMainFrame === false ? {} : null };
  return {
    sender: { id: sender.webContentsId },
    senderFrame: frame,
  } as unknown as IpcMainInvokeEvent & IpcMainEvent;
}

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Listener[]>();

  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: Listener) {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((l) => l !== listener),
    );
    return this;
  }

  /** what ipcRenderer.invoke would get back (a rejection carries the handler's error) */
  async invoke(sender: FakeSender, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event(sender), ...args);
  }
  send(sender: FakeSender, channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event(sender), ...args);
  }
}
