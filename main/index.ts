// Electron main process: builds the app model (main/app) and the adapters, and wires them.
// Everything that decides lives in main/core and main/app; each adapter here is a thin layer
// over one Electron API.
import {
  BrowserWindow,
  Menu,
  dialog,
  Notification,
  Tray,
  app,
  ipcMain,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
} from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppService } from './app/app-service';
import { APP_ORIGIN, WindowManager, applicationMenu, windowOptions } from './adapters/window';
import { registerAppScheme, serveRenderer } from './adapters/app-protocol';
import { NativeNotifications } from './adapters/notifications';
import { TrayController, trayIconFile } from './adapters/tray';
import { safeStorageEncryptor } from './adapters/safe-storage';
import { hardenApp, hardenSession } from './adapters/security';
import { watchPowerAndNetwork } from './adapters/power';
import { autostart } from './adapters/autostart';
import { electronStoreBackend } from './adapters/settings-store';
import { ElectronUpdater, installFacts } from './adapters/updater';
import { ownWindowSender, registerIpc } from './ipc/router';
import { systemProxyResolver } from './adapters/proxy';
import { startDemoServer } from './app/demo';
import { probeServer } from './core/doctor';
import { loadMachinePolicy } from './core/settings/settings';
import { systemClock } from './core/clock';
import type { TrayIcon } from './core/tray-state';
import type { EmitToWindow } from '../preload/contract';
import { Disposer } from './core/disposer';

// At login: --hidden on Linux and Windows; macOS drops arguments and says wasOpenedAtLogin.
const startHidden =
  process.argv.includes('--hidden') ||
  (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
const distDir = path.join(__dirname, '..');
const resources = app.isPackaged ? process.resourcesPath : path.join(distDir, '..', 'build');

function iconPath(...parts: string[]): string {
  return path.join(resources, 'icons', ...parts);
}

const APP_USER_MODEL_ID = 'app.katya.desktop';

function main() {
  // The profile folder (KATYA_USER_DATA_DIR) was taken by main/start.ts, which loads this.
  if (!app.requestSingleInstanceLock()) {
    // A second launch: the first instance gets 'second-instance' and shows its window.
    app.quit();
    return;
  }
  // Windows shows a notification only for an app with this id, the one the installer registers
  // with its Start-menu shortcut (appId in electron-builder.yml).
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  registerAppScheme(protocol);
  const earlyLog = (line: string) => console.error(line);
  hardenApp(app, (line) => (service ? service.log.warn(line) : earlyLog(line)));

  let service: AppService | null = null;
  let windows: WindowManager<BrowserWindow> | null = null;
  let quitting = false;
  // The tray's timers and the power watcher: released before the core stops at quit.
  const running = new Disposer();

  app.on('second-instance', () => windows?.open());
  // The app lives in the tray: closing the last window must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    windows?.allowClose();
    if (quitting || !service) return;
    quitting = true;
    event.preventDefault();
    running.close((err) => service?.log.warn(`releasing at quit: ${String(err)}`));
    void service.stop().finally(() => app.exit(0));
  });

  app
    .whenReady()
    .then(async () => {
      // Replaces Electron's default menu, whose View menu reloads and opens DevTools.
      const menu = applicationMenu(app.isPackaged, process.platform);
      Menu.setApplicationMenu(menu && Menu.buildFromTemplate(menu));
      hardenSession(session.defaultSession);
      serveRenderer(protocol, path.join(distDir, 'renderer'));
      const platform = process.platform;
      const login = autostart(app, platform);
      const policy = loadMachinePolicy(platform);

      const emit: EmitToWindow = (channel, payload) => windows?.send(channel, payload);
      const notifications = new NativeNotifications({
        create: (options) => new Notification(options),
        isSupported: () => Notification.isSupported(),
        platform,
        iconPath: existsSync(iconPath('app', '256x256.png'))
          ? iconPath('app', '256x256.png')
          : undefined,
        onClick: (eventId, id) => {
          windows?.open();
          if (eventId) service?.openEvent(eventId);
          else if (id.startsWith('update:')) service?.openView('about');
        },
        log: (line) => service?.log.warn(line),
      });

      service = await AppService.start({
        dataDir: app.getPath('userData'),
        settingsBackend: electronStoreBackend(app.getPath('userData')),
        adminPolicy: policy,
        encryptor: safeStorageEncryptor(safeStorage, platform),
        notify: notifications,
        emit,
        startDemo: startDemoServer,
        probe: probeServer,
        setStartAtLogin: (enabled) => login.set(enabled),
        platform,
        version: app.getVersion(),
        runtime: {
          electron: process.versions.electron ?? null,
          chromium: process.versions.chrome ?? null,
          node: process.versions.node,
        },
        updates: {
          // deb, rpm and the like are updated by the system; the core reads these facts.
          install: installFacts({
            isPackaged: app.isPackaged,
            platform,
            resourcesPath: process.resourcesPath,
            env: process.env,
          }),
          createPort: (log) =>
            new ElectronUpdater({
              // Loaded on first use: a copy that does not update itself never loads it.
              load: async () => (await import('electron-updater')).autoUpdater,
              log,
              beforeInstall: () => app.releaseSingleInstanceLock(),
            }),
        },
        systemLanguage: () => app.getLocale(),
        // The connection follows Chromium's proxy (PAC, WPAD, OS settings), asked per attempt.
        systemProxy: systemProxyResolver(session.defaultSession, (line) =>
          service?.log.warn(`proxy: ${line}`),
        ),
        logEcho: app.isPackaged ? undefined : (line) => console.error(line),
      });
      const svc = service;

      windows = new WindowManager<BrowserWindow>({
        clock: systemClock,
        onCreated: () => svc.windowCreated(),
        create: () => {
          const win = new BrowserWindow(
            windowOptions(
              path.join(distDir, 'preload', 'index.cjs'),
              iconPath('app', '512x512.png'),
            ),
          );
          win.once('ready-to-show', () => win.show());
          void win.loadURL(`${APP_ORIGIN}/index.html`);
          return win;
        },
      });
      registerIpc(
        ipcMain,
        svc.handlers,
        ownWindowSender(() => windows?.current()?.webContents.id ?? null, APP_ORIGIN),
        (l) => svc.log.warn(l),
      );

      const trayImage = (icon: TrayIcon) =>
        nativeImage.createFromPath(iconPath('tray', trayIconFile(icon, platform)));
      const tray = new Tray(trayImage('connecting'));
      const trayView = new TrayController(tray, {
        image: trayImage,
        buildMenu: (template) => Menu.buildFromTemplate(template),
        startAtLogin: () => login.get(),
        actions: {
          open: () => windows?.open(),
          openSettings: () => {
            windows?.open();
            svc.openView('settings');
          },
          snooze: (choice) => svc.snooze(choice),
          reconnectNow: (server) => svc.reconnectNow(server),
          // The menu shows the OS's login item, which may differ from the saved setting: set the
          // OS first, then record the choice.
          setStartAtLogin: (enabled) =>
            void Promise.resolve(login.set(enabled))
              .then(() => svc.handlers.invoke['settings:update']({ startAtLogin: enabled }))
              .catch((err: Error) => svc.log.error(`start at login: ${err.message}`)),
          update: () => svc.updateNow(),
          quit: () => app.quit(),
        },
      });
      const hhmm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
      const tick = running.timer();
      const redraw = () => {
        const state = svc.trayState((ms) => hhmm.format(ms));
        trayView.render(state);
        // "Reconnecting (in N s)" moves with time alone; otherwise the tray stays idle.
        if (state.ticking) tick.set(redraw, 1000);
        else tick.clear();
      };
      // Under a flood the tray would be asked to redraw with every batch; a quarter second is enough.
      const pending = running.timer();
      running.add(svc.onTrayChange(() => pending.setIfIdle(redraw, 250)));
      redraw();

      running.add(
        watchPowerAndNetwork(powerMonitor, net, (reason) => {
          svc.log.info(`nudge: ${reason}`);
          svc.nudge();
        }),
      );

      if (!startHidden) windows.open();
    })
    .catch((err: Error) => {
      // Without its core the app can neither alert nor show anything: say so and leave, rather
      // than hold the single-instance lock with no window and no tray.
      dialog.showErrorBox('Katya Desktop could not start', err.message);
      app.exit(1);
    });
}

main();
