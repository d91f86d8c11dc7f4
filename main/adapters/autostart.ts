// "Start at login": Electron's login items on macOS and Windows, an XDG autostart entry on Linux.
import type { App } from 'electron';
import os from 'node:os';
import { setXdgAutostart, xdgAutostartEnabled, xdgAutostartFile } from '../core/autostart';

export function autostart(
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>,
  platform: NodeJS.Platform,
) {
  if (platform === 'linux') {
    const file = xdgAutostartFile(process.env, os.homedir());
    // An AppImage runs from a temporary mount; its stable path is in $APPIMAGE.
    const exec = [process.env.APPIMAGE ?? process.execPath];
    return {
      get: () => xdgAutostartEnabled(file),
      set: (enabled: boolean) => setXdgAutostart(file, enabled, exec),
    };
  }
  // On Windows a login item is matched by its arguments: ask with the ones it was set with.
  const args = ['--hidden'];
  return {
    get: () => app.getLoginItemSettings({ args }).openAtLogin,
    set: (enabled: boolean) => app.setLoginItemSettings({ openAtLogin: enabled, args }),
  };
}
