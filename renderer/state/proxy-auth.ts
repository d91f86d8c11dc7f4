// The proxy credentials in the settings form: write-only like the token (main never sends
// them back, only whether and where they are kept), saved and removed through the contract.
import { signal } from '@preact/signals';
import type { Signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { ProxyAuthStatus } from '../../main/core/common/views';

export type ProxyAuthNote =
  { kind: 'saved' | 'cleared' | 'missing' } | { kind: 'failed'; error: string } | null;

export function createProxyAuthState(api: KatyaApi, status: Signal<ProxyAuthStatus>) {
  const note = signal<ProxyAuthNote>(null);

  async function save(username: string, password: string, acceptWeak: boolean): Promise<boolean> {
    if (username.trim() === '') {
      note.value = { kind: 'missing' };
      return false;
    }
    try {
      const next = await api.invoke['proxyAuth:set'](
        acceptWeak
          ? { username: username.trim(), password, acceptWeakStorage: true }
          : { username: username.trim(), password },
      );
      if (next && typeof next === 'object') status.value = next;
      note.value = { kind: 'saved' };
      return true;
    } catch (err) {
      note.value = { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
      return false;
    }
  }

  async function clear(): Promise<void> {
    try {
      const next = await api.invoke['proxyAuth:clear']();
      if (next && typeof next === 'object') status.value = next;
      note.value = { kind: 'cleared' };
    } catch (err) {
      note.value = { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }

  return { status, note, save, clear };
}

export type ProxyAuthState = ReturnType<typeof createProxyAuthState>;
