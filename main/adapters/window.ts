// The main window: created hardened, hidden (not closed) when the user closes it, destroyed
// after it has stayed hidden for a while to give its memory back, and rebuilt when opened.
// Also the application menu the window shows.
import type {
  BrowserWindow,
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
} from 'electron';
import type { Clock, TimerHandle } from '../core/clock';

export const APP_ORIGIN = 'app://katya';
export const DESTROY_HIDDEN_AFTER_MS = 10 * 60_000;

export function windowOptions(
  preloadPath: string,
  iconPath?: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 420,
    show: false,
    title: 'Katya Desktop',
    ...(iconPath ? { icon: iconPath } : {}),
    backgroundColor: '#1b1d21',
    webPreferences: {
      preload: preloadPath,
      // Set explicitly although they are Electron's defaults: a security tool says what it relies on.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle-click on a link asks for a new window: refused anyway (security.ts denies every
      // window.open), but with the event gone the page cannot be made to ask at all.
      disableBlinkFeatures: 'Auxclick',
    },
  };
}

/**
 * The application menu, or null for none. A packaged build has no DevTools toggle and no
 * reload: both are ways into a running app that a user never needs. macOS keeps its standard
 * app and edit menus, since copy, paste and Quit only have shortcuts there through a menu;
 * Windows and Linux get no menu bar (their text fields handle the editing keys themselves).
 * Development builds keep the View menu with reload and DevTools.
 */
export function applicationMenu(
  isPackaged: boolean,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] | null {
  const mac = platform === 'darwin';
  if (isPackaged)
    return mac ? [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }] : null;
  return [
    { role: mac ? 'appMenu' : 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}

/** The part of BrowserWindow the lifecycle uses; test/fakes/window.ts implements it. */
export type WindowLike = Pick<
  BrowserWindow,
  | 'show'
  | 'hide'
  | 'focus'
  | 'destroy'
  | 'isDestroyed'
  | 'isVisible'
  | 'isMinimized'
  | 'restore'
  | 'on'
> & { webContents: Pick<BrowserWindow['webContents'], 'id' | 'send'> };

export class WindowManager<W extends WindowLike = WindowLike> {
  private win: W | null = null;
  private destroyTimer: TimerHandle | undefined;
  private quitting = false;

  constructor(
    private readonly opts: {
      create: () => W;
      clock: Clock;
      destroyHiddenAfterMs?: number;
      onCreated?: (win: W) => void;
    },
  ) {}

  /** Show the window, building it first if it does not exist. */
  open(): W {
    this.opts.clock.clearTimeout(this.destroyTimer);
    this.destroyTimer = undefined;
    let win = this.win;
    if (!win || win.isDestroyed()) {
      win = this.opts.create();
      this.win = win;
      this.watch(win);
      this.opts.onCreated?.(win);
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return win;
  }

  hide(): void {
    const win = this.current();
    if (!win) return;
    win.hide();
    this.scheduleDestroy();
  }

  current(): W | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  /** Deliver to the window if it exists; a rebuilt window asks for a fresh snapshot anyway. */
  send(channel: string, payload: unknown): void {
    this.current()?.webContents.send(channel, payload);
  }

  /** Let the next close really close (app quitting). */
  allowClose(): void {
    this.quitting = true;
  }

  private watch(win: W) {
    win.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      this.hide();
    });
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
  }

  private scheduleDestroy() {
    this.opts.clock.clearTimeout(this.destroyTimer);
    this.destroyTimer = this.opts.clock.setTimeout(() => {
      this.destroyTimer = undefined;
      const win = this.current();
      if (win && !win.isVisible()) {
        win.destroy();
        this.win = null;
      }
    }, this.opts.destroyHiddenAfterMs ?? DESTROY_HIDDEN_AFTER_MS);
  }
}
