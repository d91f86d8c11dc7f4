// The window's only way to the rest of the app: `window.katya`, put there by the Electron
// preload (contextBridge) or by the browser preview's bridge. Nothing else crosses over.
import type { KatyaApi } from '../preload/contract';

declare global {
  interface Window {
    katya?: KatyaApi;
  }
}

export function findApi(): KatyaApi | null {
  // Checked at run time: a broken or missing bridge must give a clear message, not a crash.
  const api = (window as { katya?: unknown }).katya as Partial<KatyaApi> | undefined;
  return api && typeof api === 'object' && api.invoke && api.send && typeof api.on === 'function'
    ? (api as KatyaApi)
    : null;
}
