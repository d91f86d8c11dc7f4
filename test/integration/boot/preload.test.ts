// The built preload (dist/preload/index.cjs, what the sandboxed window runs first) loaded in
// Node against a stand-in contextBridge and ipcRenderer: it exposes exactly the IPC contract as
// `window.katya` (one function per channel, nothing more), never ipcRenderer itself, and
// needs nothing but `electron`, as a sandboxed preload must.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, invokeSchemas, sendSchemas } from '../../../preload/contract';
import { fakeElectronPreload, requireWithElectron } from '../../fakes/electron-main';
import type { PreloadRecord } from '../../fakes/electron-main';

const PRELOAD = path.resolve(__dirname, '../../../dist/preload/index.cjs');

type Fn = (...args: unknown[]) => unknown;
interface Exposed {
  invoke: Record<string, Fn>;
  send: Record<string, Fn>;
  on: (channel: string, listener: Fn) => () => void;
}

describe('the preload (dist/preload/index.cjs) exposes exactly the contract', () => {
  let electron: PreloadRecord;
  let requested: string[];
  let api: Exposed;

  beforeAll(() => {
    if (!existsSync(PRELOAD)) throw new Error(`${PRELOAD} is missing: run \`npm run build\` first`);
    electron = fakeElectronPreload();
    requested = requireWithElectron(PRELOAD, electron.module);
    api = electron.exposed.get('katya') as Exposed;
  });

  it('requires nothing but electron (a sandboxed preload has no Node modules)', () => {
    expect(requested).toEqual(['electron']);
  });

  it('exposes one object, window.katya, with invoke, send and on', () => {
    expect([...electron.exposed.keys()]).toEqual(['katya']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'send']);
    expect(typeof api.on).toBe('function');
  });

  it('has one invoke function per invoke channel of the contract, and no other', () => {
    expect(Object.keys(api.invoke).sort()).toEqual(Object.keys(invokeSchemas).sort());
    for (const fn of Object.values(api.invoke)) expect(typeof fn).toBe('function');
  });

  it('has one send function per send channel of the contract, and no other', () => {
    expect(Object.keys(api.send).sort()).toEqual(Object.keys(sendSchemas).sort());
    for (const fn of Object.values(api.send)) expect(typeof fn).toBe('function');
  });

  it('never hands ipcRenderer or its methods across the bridge', () => {
    const leaves = [api.on, ...Object.values(api.invoke), ...Object.values(api.send)];
    const ipc = electron.ipcRenderer as unknown as Record<string, unknown>;
    for (const leaf of leaves) {
      expect(leaf).not.toBe(electron.ipcRenderer);
      for (const method of ['invoke', 'send', 'on', 'removeListener', 'emit']) {
        expect(leaf).not.toBe(ipc[method]);
      }
    }
  });

  it('forwards each call on its own channel', async () => {
    await api.invoke['feed:get']!('evt_1');
    api.send['feed:opened']!('evt_1');
    expect(electron.ipcRenderer.invoked).toEqual([['feed:get', ['evt_1']]]);
    expect(electron.ipcRenderer.sentMessages).toEqual([['feed:opened', ['evt_1']]]);
  });

  it('subscribes to the contract event channels only, and hands listeners the payload alone', () => {
    for (const channel of EVENT_CHANNELS) {
      const got: unknown[][] = [];
      const off = api.on(channel, (...args) => got.push(args));
      electron.ipcRenderer.emit(channel, { sender: 'the IpcRendererEvent' }, { n: 1 });
      expect(got, channel).toEqual([[{ n: 1 }]]);
      off();
      expect(electron.ipcRenderer.listenerCount(channel), channel).toBe(0);
    }
    expect(() => api.on('electron-store-get-data', () => undefined)).toThrow(/unknown event/);
    expect(electron.ipcRenderer.listenerCount('electron-store-get-data')).toBe(0);
  });
});
