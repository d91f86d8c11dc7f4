// The Electron preload: exposes the contract as `window.katya`, one method per channel.
// ipcRenderer itself never crosses the bridge, and listeners receive only the payload
// (never the IpcRendererEvent, which would leak `sender`).
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, SEND_CHANNELS } from './channels';
import type { EventChannel, EventPayloads, KatyaApi } from './contract';

const invoke = Object.fromEntries(
  INVOKE_CHANNELS.map((channel) => [
    channel,
    (...args: unknown[]) => ipcRenderer.invoke(channel, ...args),
  ]),
) as KatyaApi['invoke'];

const send = Object.fromEntries(
  SEND_CHANNELS.map((channel) => [
    channel,
    (...args: unknown[]) => ipcRenderer.send(channel, ...args),
  ]),
) as KatyaApi['send'];

const allowed = new Set<string>(EVENT_CHANNELS);

const api: KatyaApi = {
  invoke,
  send,
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayloads[C]) => void) {
    if (!allowed.has(channel)) throw new Error(`unknown event channel: ${String(channel)}`);
    const wrapped = (_event: unknown, payload: EventPayloads[C]) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('katya', api);
