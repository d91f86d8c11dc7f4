import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { TrayController, trayIconFile, trayMenu } from '../../../main/adapters/tray';
import type { TrayActions } from '../../../main/adapters/tray';
import type { TrayState } from '../../../main/core/tray-state';
import { FakeTray } from '../../fakes/electron';

const connected: TrayState = {
  icon: 'connected',
  tooltip: 'Katya Desktop — Connected',
  statusLine: 'Connected',
  snoozed: false,
  ticking: false,
  language: 'en',
};

function actions(): TrayActions {
  return {
    open: vi.fn(),
    openSettings: vi.fn(),
    snooze: vi.fn(),
    reconnectNow: vi.fn(),
    setStartAtLogin: vi.fn(),
    quit: vi.fn(),
  };
}

function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
}

describe('tray menu', () => {
  it('has the status line, Open, Snooze, Reconnect now, Settings, Start at login and Quit', () => {
    const menu = trayMenu(connected, false, actions());
    expect(labels(menu)).toEqual([
      'Connected',
      'Open Katya Desktop',
      'Snooze',
      'Reconnect now',
      'Settings…',
      'Start at login',
      'Quit Katya Desktop',
    ]);
    expect(menu[0]!.enabled).toBe(false);
  });

  it('with several servers, lists each with its state and its own "Reconnect now"', () => {
    const a = actions();
    const menu = trayMenu(
      {
        ...connected,
        statusLine: 'Sign-in needed',
        serverLines: [
          { id: 'p1', line: 'Production: Connected' },
          { id: 's1', line: 'Staging: Sign-in needed' },
        ],
      },
      false,
      a,
    );
    expect(labels(menu).slice(0, 3)).toEqual([
      'Production: Connected',
      'Staging: Sign-in needed',
      'Open Katya Desktop',
    ]);
    const staging = menu[1]!.submenu as MenuItemConstructorOptions[];
    expect(labels(staging)).toEqual(['Reconnect now']);
    staging[0]!.click?.({} as never, undefined, {} as never);
    expect(a.reconnectNow).toHaveBeenCalledWith('s1');
    menu.find((i) => i.label === 'Reconnect now')!.click?.({} as never, undefined, {} as never);
    expect(a.reconnectNow).toHaveBeenLastCalledWith();
  });

  it('offers 1 h, 4 h, until tomorrow and resume, and runs the actions', () => {
    const a = actions();
    const menu = trayMenu({ ...connected, snoozed: true }, true, a);
    const snooze = menu.find((i) => i.label === 'Snoozed')!.submenu as MenuItemConstructorOptions[];
    expect(labels(snooze)).toEqual([
      'For 1 hour',
      'For 4 hours',
      'Until tomorrow',
      'Resume notifications',
    ]);
    for (const item of snooze) item.click?.({} as never, undefined, {} as never);
    expect(a.snooze).toHaveBeenNthCalledWith(1, '1h');
    expect(a.snooze).toHaveBeenNthCalledWith(4, 'off');
    const login = menu.find((i) => i.label === 'Start at login')!;
    expect(login.checked).toBe(true);
    login.click?.({ checked: false } as never, undefined, {} as never);
    expect(a.setStartAtLogin).toHaveBeenCalledWith(false);
  });

  it("speaks Russian when the state does, with the window's words for the same actions", () => {
    const a = actions();
    const menu = trayMenu({ ...connected, statusLine: 'Подключено', language: 'ru' }, false, a);
    expect(labels(menu)).toEqual([
      'Подключено',
      'Открыть Katya Desktop',
      'Отложить',
      'Переподключиться',
      'Настройки…',
      'Запускать при входе в систему',
      'Выйти из Katya Desktop',
    ]);
    const snoozed = trayMenu({ ...connected, snoozed: true, language: 'ru' }, false, a);
    const submenu = snoozed.find((i) => i.label === 'Отложено')!
      .submenu as MenuItemConstructorOptions[];
    expect(labels(submenu)).toEqual([
      'На 1 час',
      'На 4 часа',
      'До завтра',
      'Возобновить уведомления',
    ]);
  });

  it('rebuilds the menu when the language changes', () => {
    const tray = new FakeTray();
    const menus: MenuItemConstructorOptions[][] = [];
    const c = new TrayController(tray as unknown as Tray, {
      image: (icon) => icon as unknown as NativeImage,
      buildMenu: (t) => {
        menus.push(t);
        return t as never;
      },
      actions: actions(),
      startAtLogin: () => false,
    });
    c.render(connected);
    c.render({ ...connected, language: 'ru' });
    expect(menus.map((m) => m[2]!.label)).toEqual(['Open Katya Desktop', 'Открыть Katya Desktop']);
  });

  it('redraws only what changed', () => {
    const tray = new FakeTray();
    const images: string[] = [];
    const a = actions();
    const c = new TrayController(tray as unknown as Tray, {
      image: (icon) => {
        images.push(icon);
        return icon as unknown as NativeImage;
      },
      buildMenu: (t) => t as never,
      actions: a,
      startAtLogin: () => false,
    });
    c.render(connected);
    c.render(connected);
    expect(tray.calls).toEqual(['setImage', 'setToolTip', 'setContextMenu']);
    c.render({
      ...connected,
      icon: 'unread',
      tooltip: 'Katya Desktop — Connected — 3 unread, 1 alerts',
    });
    expect(tray.calls.slice(3)).toEqual(['setImage', 'setToolTip']);
    expect(images).toEqual(['connected', 'unread']);
    tray.emit('click');
    expect(a.open).toHaveBeenCalled();
  });
});

describe('tray icon files', () => {
  it('uses template images on macOS, .ico on Windows, light-on-dark PNGs on Linux, all of which exist', async () => {
    const { existsSync } = await import('node:fs');
    const states = ['connected', 'connecting', 'offline', 'signin', 'unread', 'snoozed'] as const;
    for (const state of states) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        expect(existsSync(`build/icons/tray/${trayIconFile(state, platform)}`)).toBe(true);
      }
    }
    expect(trayIconFile('signin', 'darwin')).toBe('signinTemplate.png');
  });
});
