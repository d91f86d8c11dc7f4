// Hardening that applies to every web contents the app creates: no navigation away from our
// own pages, no new windows, no permission but notifications, no webviews.
import type { App, Session, WebContents } from 'electron';
import { APP_ORIGIN } from './window';

export function isOwnUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, log: (line: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) {
      event.preventDefault();
      log(`blocked navigation to ${url.slice(0, 200)}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window.open of ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permission === 'notifications'),
  );
  session.setPermissionCheckHandler((_wc, permission) => permission === 'notifications');
  session.setDevicePermissionHandler(() => false);
}

export function hardenApp(app: App, log: (line: string) => void): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}
