// What a scenario needs of the app under test, whichever carrier runs it: the browser preview
// (test/e2e/preview) or the Electron app (test/e2e/electron). The scenarios themselves are in
// chain.ts and are shared by both suites.
import type { Page } from '@playwright/test';

export interface RaisedNotification {
  title: string;
  body: string;
  eventId: string | null;
  severity: string | null;
}

export interface AppUnderTest {
  kind: 'preview' | 'electron';
  /** the window */
  page: Page;
  /** every notification the app has raised so far */
  notifications(): RaisedNotification[];
  /** the app's log lines so far */
  log(): string[];
  /** quit and start again on the same profile folder; `page` shows the new window */
  restart(): Promise<void>;
  close(): Promise<void>;
}
