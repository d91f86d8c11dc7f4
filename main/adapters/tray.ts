// The tray icon and its menu. What to show comes from main/core/tray-state.ts; this file only
// draws it with Electron's Tray and Menu, with the menu's words from the message catalogue in
// the state's language.
import type { MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { SnoozeChoice } from '../../preload/contract';
import type { TrayIcon, TrayState } from '../core/tray-state';
import { createTranslator } from '../core/common/messages';

export interface TrayActions {
  open(): void;
  openSettings(): void;
  snooze(choice: SnoozeChoice): void;
  /** one server's (by id), or every server's */
  reconnectNow(server?: string): void;
  setStartAtLogin(enabled: boolean): void;
  /** the update item: restart into a downloaded update, or download one (none: no updates) */
  update?(): void;
  quit(): void;
}

/**
 * The icon file for a state (build/icons/tray, shipped as resources/icons/tray): template images
 * on macOS (the menu bar tints them), .ico on Windows, and the light-on-dark variant on Linux,
 * whose panels are dark on most desktops. @2x files next to them are picked up by Electron.
 */
export function trayIconFile(icon: TrayIcon, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `${icon}Template.png`;
  if (platform === 'win32') return `${icon}-dark.ico`;
  return `${icon}-dark.png`;
}

/** The menu as data, so it can be unit-tested without Electron. */
export function trayMenu(
  state: TrayState,
  startAtLogin: boolean,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  const t = createTranslator(state.language);
  // An update on offer comes right under the status, where it is seen.
  const update: MenuItemConstructorOptions[] = state.updateItem
    ? [{ label: state.updateItem, click: () => actions.update?.() }]
    : [];
  // With several servers, each has its line, and its own "Reconnect now" beneath it.
  const lines = state.serverLines ?? [];
  const status: MenuItemConstructorOptions[] = lines.length
    ? lines.map((server) => ({
        label: server.line,
        submenu: [
          { label: t('status.reconnectNow'), click: () => actions.reconnectNow(server.id) },
        ],
      }))
    : [{ label: state.statusLine, enabled: false }];
  return [
    ...status,
    ...update,
    { type: 'separator' },
    { label: t('tray.open'), click: () => actions.open() },
    {
      label: state.snoozed ? t('tray.snoozed') : t('snooze.button'),
      submenu: [
        { label: t('snooze.1h'), click: () => actions.snooze('1h') },
        { label: t('snooze.4h'), click: () => actions.snooze('4h') },
        { label: t('snooze.tomorrow'), click: () => actions.snooze('tomorrow') },
        { type: 'separator' },
        {
          label: t('snooze.off'),
          enabled: state.snoozed,
          click: () => actions.snooze('off'),
        },
      ],
    },
    { label: t('status.reconnectNow'), click: () => actions.reconnectNow() },
    { label: t('tray.settings'), click: () => actions.openSettings() },
    { type: 'separator' },
    {
      label: t('settings.startAtLogin'),
      type: 'checkbox',
      checked: startAtLogin,
      click: (item) => actions.setStartAtLogin(item.checked),
    },
    { label: t('tray.quit'), click: () => actions.quit() },
  ];
}

export class TrayController {
  private last: { icon: TrayIcon; tooltip: string; menuKey: string } | null = null;

  constructor(
    private readonly tray: Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'on'>,
    private readonly opts: {
      image: (icon: TrayIcon) => NativeImage;
      buildMenu: (template: MenuItemConstructorOptions[]) => Parameters<Tray['setContextMenu']>[0];
      actions: TrayActions;
      startAtLogin: () => boolean;
    },
  ) {
    tray.on('click', () => opts.actions.open());
  }

  /** Redraw only what changed: tray updates are visible flicker on some desktops. */
  render(state: TrayState): void {
    const startAtLogin = this.opts.startAtLogin();
    const servers = (state.serverLines ?? []).map((l) => `${l.id}:${l.line}`).join('|');
    const menuKey = `${state.language}|${state.statusLine}|${state.snoozed}|${startAtLogin}|${state.updateItem ?? ''}|${servers}`;
    if (this.last?.icon !== state.icon) this.tray.setImage(this.opts.image(state.icon));
    if (this.last?.tooltip !== state.tooltip) this.tray.setToolTip(state.tooltip);
    if (this.last?.menuKey !== menuKey) {
      this.tray.setContextMenu(
        this.opts.buildMenu(trayMenu(state, startAtLogin, this.opts.actions)),
      );
    }
    this.last = { icon: state.icon, tooltip: state.tooltip, menuKey };
  }
}
