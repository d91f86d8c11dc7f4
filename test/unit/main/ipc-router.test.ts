import { newServer } from '../../../main/core/common/servers';
import { describe, expect, it, vi } from 'vitest';
import type { IpcMain } from 'electron';
import { ownWindowSender, registerIpc } from '../../../main/ipc/router';
import type { InvokeHandlers, SendHandlers } from '../../../main/ipc/router';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../../preload/contract';
import { FakeIpcMain } from '../../fakes/ipc-main';

const ours = { webContentsId: 7, frameUrl: 'app://katya/index.html' };

function setup() {
  const ipc = new FakeIpcMain();
  const log: string[] = [];
  const invoke = Object.fromEntries(
    INVOKE_CHANNELS.map((c) => [c, vi.fn(async (...args: unknown[]) => ({ channel: c, args }))]),
  ) as unknown as InvokeHandlers;
  const send = Object.fromEntries(
    SEND_CHANNELS.map((c) => [c, vi.fn()]),
  ) as unknown as SendHandlers;
  const off = registerIpc(
    ipc as unknown as IpcMain,
    { invoke, send },
    ownWindowSender(() => 7, 'app://katya'),
    (m) => log.push(m),
  );
  return { ipc, invoke, send, log, off };
}

describe('IPC router', () => {
  it('registers every channel of the contract and removes them all', () => {
    const { ipc, off } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    off();
    expect(ipc.handlers.size).toBe(0);
    expect([...ipc.listeners.values()].flat()).toHaveLength(0);
  });

  it('passes valid arguments to the handler', async () => {
    const { ipc, invoke } = setup();
    await expect(
      ipc.invoke(ours, 'feed:query', { channels: ['security'], unreadOnly: true, limit: 50 }),
    ).resolves.toEqual({
      channel: 'feed:query',
      args: [{ channels: ['security'], unreadOnly: true, limit: 50 }],
    });
    expect(invoke['feed:query']).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['feed:query', [{ channels: ['nope'] }], /argument 0\.channels\.0/],
    ['feed:query', [{ limit: 1e9 }], /argument 0\.limit/],
    ['feed:query', [{ extra: true }], /argument 0/],
    ['feed:markRead', [[]], /argument 0/],
    ['token:set', [{ token: '' }], /enter a token/],
    ['token:set', [{ token: 'has space' }], /no spaces/],
    [
      'settings:update',
      [
        {
          servers: [{ ...newServer('wss://example.com/v1/ws', []), url: 'ws://example.com/v1/ws' }],
        },
      ],
      /ws:\/\/ is unencrypted/,
    ],
    ['settings:update', [{ theme: 'purple' }], /argument 0\.theme/],
    ['notifications:snooze', ['forever'], /argument 0/],
    ['app:snapshot', ['unexpected'], /arguments|argument/],
  ])('rejects bad arguments to %s with a clear error', async (channel, args, message) => {
    const { ipc, invoke, log } = setup();
    await expect(ipc.invoke(ours, channel, ...args)).rejects.toThrow(message);
    expect(
      (invoke as unknown as Record<string, ReturnType<typeof vi.fn>>)[channel],
    ).not.toHaveBeenCalled();
    expect(log.join('\n')).toContain(`rejected ${channel}`);
  });

  it.each([
    ['another window', { webContentsId: 8, frameUrl: 'app://katya/index.html' }],
    ['a remote page in our window', { webContentsId: 7, frameUrl: 'https://evil.example/' }],
    ['a subframe', { webContentsId: 7, frameUrl: 'app://katya/index.html', isMainFrame: false }],
    ['a lookalike host', { webContentsId: 7, frameUrl: 'app://katya.evil/index.html' }],
  ])('refuses %s', async (_name, sender) => {
    const { ipc, invoke, send } = setup();
    await expect(ipc.invoke(sender, 'app:snapshot')).rejects.toThrow(/refused/);
    expect(invoke['app:snapshot']).not.toHaveBeenCalled();
    ipc.send(sender, 'window:ready');
    expect(send['window:ready']).not.toHaveBeenCalled();
  });

  it('delivers valid one-way messages and drops invalid ones', () => {
    const { ipc, send, log } = setup();
    ipc.send(ours, 'feed:opened', 'evt_1');
    expect(send['feed:opened']).toHaveBeenCalledWith('evt_1');
    ipc.send(ours, 'feed:opened', 42);
    expect(send['feed:opened']).toHaveBeenCalledTimes(1);
    expect(log.join('\n')).toContain('rejected feed:opened');
  });

  it('has no channel that could return the token', () => {
    expect(INVOKE_CHANNELS.filter((c) => /token/.test(c))).toEqual(['token:set', 'token:clear']);
  });
});
