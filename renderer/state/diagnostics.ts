// Diagnostics: fetched on demand (and refreshed while the view is open), copied as the text
// main prepares (token redacted there).
import { signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { Diagnostics } from '../../main/core/common/views';

export function createDiagnosticsState(api: KatyaApi) {
  const data = signal<Diagnostics | null>(null);
  const error = signal<string | null>(null);
  const copy = signal<{ state: 'idle' | 'copied' } | { state: 'failed'; error: string }>({
    state: 'idle',
  });

  async function load(): Promise<void> {
    try {
      const d = await api.invoke['diagnostics:get']();
      if (d && typeof d === 'object' && d.stats && d.connection) {
        data.value = d;
        error.value = null;
      }
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    }
  }

  async function copyToClipboard(): Promise<void> {
    try {
      const text = await api.invoke['diagnostics:copy']();
      await navigator.clipboard.writeText(typeof text === 'string' ? text : String(text));
      copy.value = { state: 'copied' };
    } catch (err) {
      copy.value = { state: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }

  return { data, error, copy, load, copyToClipboard };
}

export type DiagnosticsState = ReturnType<typeof createDiagnosticsState>;
