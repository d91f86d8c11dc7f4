import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import {
  DESTROY_HIDDEN_AFTER_MS,
  WindowManager,
  applicationMenu,
  windowOptions,
} from '../../../main/adapters/window';
import type { WindowLike } from '../../../main/adapters/window';
import { FakeWindow } from '../../fakes/electron';
import { ManualClock } from '../../fakes/clock';

function setup() {
  const clock = new ManualClock();
  const created: FakeWindow[] = [];
  const options: ReturnType<typeof windowOptions>[] = [];
  const manager = new WindowManager({
    clock,
    // As main/index.ts builds it: a BrowserWindow (here the fake) from windowOptions().
    create: () => {
      options.push(windowOptions('/app/preload.cjs', '/app/icon.png'));
      const w = new FakeWindow();
      created.push(w);
      return w as unknown as WindowLike;
    },
  });
  // The manager hands back what `create` built: our fakes.
  const wm = {
    open: () => manager.open() as unknown as FakeWindow,
    current: () => manager.current() as unknown as FakeWindow | null,
    send: (c: string, p: unknown) => manager.send(c, p),
    allowClose: () => manager.allowClose(),
  };
  return { clock, created, options, wm };
}

describe('window lifecycle', () => {
  it('builds the window once and shows and focuses it on open', () => {
    const { wm, created } = setup();
    const w = wm.open();
    expect(w.visible).toBe(true);
    expect(wm.open()).toBe(w);
    expect(created).toHaveLength(1);
    expect(w.focused).toBe(2);
  });

  it('hides to the tray when the user closes it', () => {
    const { wm } = setup();
    const w = wm.open();
    expect(w.userClose()).toBe(false);
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
  });

  it('destroys a window hidden for ten minutes and rebuilds it on open', () => {
    const { wm, created, clock } = setup();
    const w = wm.open();
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS - 1);
    expect(w.destroyed).toBe(false);
    clock.advance(1);
    expect(w.destroyed).toBe(true);
    expect(wm.current()).toBeNull();
    const again = wm.open();
    expect(again).not.toBe(w);
    expect(created).toHaveLength(2);
  });

  it('keeps a window that was opened again before the deadline', () => {
    const { wm, clock } = setup();
    const w = wm.open();
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS / 2);
    wm.open();
    clock.advance(DESTROY_HIDDEN_AFTER_MS);
    expect(w.destroyed).toBe(false);
  });

  it('really closes when the app quits', () => {
    const { wm } = setup();
    const w = wm.open();
    wm.allowClose();
    expect(w.userClose()).toBe(true);
    expect(wm.current()).toBeNull();
  });

  it('sends only to a live window', () => {
    const { wm, clock } = setup();
    wm.send('feed:added', []);
    const w = wm.open();
    wm.send('connection:changed', { phase: 'connected' });
    expect(w.sent).toEqual([['connection:changed', { phase: 'connected' }]]);
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS);
    expect(() => wm.send('feed:added', [])).not.toThrow();
  });

  it('asks Electron for an isolated, sandboxed renderer without Node', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('disables the Auxclick Blink feature in every window it builds, rebuilt ones too', () => {
    const { wm, clock, options } = setup();
    wm.open().userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS);
    wm.open();
    expect(options).toHaveLength(2);
    for (const o of options) {
      // Electron takes a comma-separated list of Blink feature names.
      const disabled = (o.webPreferences?.disableBlinkFeatures ?? '').split(',');
      expect(disabled).toContain('Auxclick');
    }
  });
});

/** Every role in a menu template, submenus included. */
function roles(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

// Roles that open DevTools or reload the page, directly or as part of a stock menu.
const DEVELOPER_ROLES = ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'defaultMenu'];
const PLATFORMS: NodeJS.Platform[] = ['darwin', 'win32', 'linux'];

describe('application menu', () => {
  it('has no DevTools toggle and no reload in a packaged build, on any platform', () => {
    for (const platform of PLATFORMS) {
      const found = roles(applicationMenu(true, platform) ?? []);
      for (const role of DEVELOPER_ROLES) expect(found, platform).not.toContain(role);
    }
  });

  it('keeps the standard app and edit menus on macOS, so copy and paste work', () => {
    const found = roles(applicationMenu(true, 'darwin') ?? []);
    expect(found).toContain('appMenu');
    expect(found).toContain('editMenu');
  });

  it('shows no menu bar on Windows and Linux in a packaged build', () => {
    expect(applicationMenu(true, 'win32')).toBeNull();
    expect(applicationMenu(true, 'linux')).toBeNull();
  });

  it('keeps reload and DevTools for development', () => {
    for (const platform of PLATFORMS) {
      const found = roles(applicationMenu(false, platform) ?? []);
      expect(found, platform).toContain('viewMenu');
      expect(found, platform).toContain('editMenu');
    }
    expect(roles(applicationMenu(false, 'darwin') ?? [])).toContain('appMenu');
  });
});
