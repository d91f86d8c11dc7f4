// Settings on disk with electron-store in the app (conf, the same library underneath, in the
// preview and tests). Schema, migrations and corruption recovery are SettingsService's work.
import Store from 'electron-store';
import { storeBackend, tolerantDeserialize } from '../core/settings/settings';
import type { SettingsBackend } from '../core/settings/settings';

export function electronStoreBackend(userDataDir: string): SettingsBackend {
  const store = new Store<Record<string, unknown>>({
    cwd: userDataDir,
    name: 'settings',
    deserialize: tolerantDeserialize,
    accessPropertiesByDotNotation: false,
  });
  return storeBackend(store);
}
