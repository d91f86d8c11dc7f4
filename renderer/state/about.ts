// The About view: versions (asked for when the view opens) and where updates stand (kept
// current by main's update:changed). The update buttons answer at once; what follows (a
// check, download progress) arrives as update:changed.
import { signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { AboutInfo, UpdateView } from '../../main/core/common/update-view';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isUpdateView(u: unknown): u is UpdateView {
  return typeof u === 'object' && u !== null && typeof (u as UpdateView).phase === 'string';
}

export function createAboutState(api: KatyaApi) {
  const info = signal<AboutInfo | null>(null);
  const update = signal<UpdateView | null>(null);
  const error = signal<string | null>(null);

  async function load(): Promise<void> {
    try {
      const about = await api.invoke['app:about']();
      if (about && typeof about === 'object' && about.versions && isUpdateView(about.update)) {
        info.value = about;
        update.value = about.update;
        error.value = null;
      }
    } catch (err) {
      error.value = message(err);
    }
  }

  function applyUpdate(u: unknown): void {
    if (isUpdateView(u)) update.value = u;
  }

  async function act(channel: 'update:check' | 'update:download' | 'update:install') {
    try {
      applyUpdate(await api.invoke[channel]());
      error.value = null;
    } catch (err) {
      error.value = message(err);
    }
  }

  return {
    info,
    update,
    error,
    load,
    applyUpdate,
    check: () => act('update:check'),
    download: () => act('update:download'),
    install: () => act('update:install'),
  };
}

export type AboutState = ReturnType<typeof createAboutState>;
