// Launches the real Electron app with Playwright's `_electron` on a profile folder of its own.
// Notifications are read from the app's log on stderr (the unpackaged app echoes its log).
import { _electron as electron } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import type { AppUnderTest, RaisedNotification } from '../scenarios/harness';

export async function launchElectron(binary: string, dataDir: string): Promise<AppUnderTest> {
  const notes: RaisedNotification[] = [];
  const log: string[] = [];
  let app: ElectronApplication;
  let page: Page;

  const start = async () => {
    app = await electron.launch({
      executablePath: binary,
      args: ['.'],
      env: { ...process.env, KATYA_USER_DATA_DIR: dataDir },
    });
    app
      .process()
      .stderr?.setEncoding('utf8')
      .on('data', (d: string) => {
        for (const line of d.split('\n').filter(Boolean)) {
          log.push(line);
          const m = /INFO\s+notification: (.*)$/.exec(line);
          if (m) notes.push({ title: m[1]!, body: '', eventId: null, severity: null });
        }
      });
    page = await app.firstWindow();
  };
  await start();

  return {
    kind: 'electron',
    get page() {
      return page;
    },
    notifications: () => notes,
    log: () => log,
    async restart() {
      await app.close();
      await start();
    },
    async close() {
      await app.close();
    },
  };
}
