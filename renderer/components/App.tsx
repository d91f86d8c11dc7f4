// The window's frame: left navigation (with several servers, each one's unread count, which
// opens the feed of that server), the current view, the status bar, toasts and the live region
// that announces new critical alerts.
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context';
import { NavIcon, SnoozedIcon } from './icons';
import { runningSnooze } from './SnoozeMenu';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { FeedView } from './FeedView';
import { MetricsView } from './MetricsView';
import { SettingsView } from './settings/SettingsView';
import { DiagnosticsView } from './DiagnosticsView';
import { AboutView } from './AboutView';
import { VIEWS } from '../state/app';
import type { View } from '../state/app';
import type { StringKey } from '../i18n';

const VIEW_TITLE: Record<View, StringKey> = {
  feed: 'nav.feed',
  metrics: 'nav.metrics',
  settings: 'nav.settings',
  diagnostics: 'nav.diagnostics',
  about: 'nav.about',
};

/**
 * Each server's unread count, under "Feed", and whether its notifications are snoozed; choosing
 * one shows that server's events alone.
 */
function ServerCounts() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  if (!app.multiServer.value) return null;
  const views = app.servers.value;
  const now = app.coarseClock.value;
  const only = app.feed.filters.value.servers;
  return (
    <ul class="nav-servers" aria-label={t('nav.servers')}>
      {app.settings.value.servers.map((s) => {
        const view = views.find((v) => v.id === s.id);
        const unread = view?.unread ?? 0;
        const until = runningSnooze(view?.snoozedUntil, now);
        const snoozed = until === null ? '' : t('servers.snoozedUntil', { time: i18n.time(until) });
        const shown = only.length === 1 && only[0] === s.id;
        return (
          <li key={s.id}>
            <button
              type="button"
              class="nav-server"
              data-server={s.id}
              aria-pressed={shown}
              onClick={() => {
                app.feed.onlyServer(s.id);
                app.view.value = 'feed';
              }}
            >
              <span class="nav-server-name">
                {s.name}
                {unread > 0 && <span class="sr-only">, {t('nav.unread', { count: unread })}</span>}
                {snoozed && <span class="sr-only">, {snoozed}</span>}
              </span>
              {snoozed && (
                <span class="nav-snoozed" data-testid="server-snoozed" title={snoozed}>
                  <SnoozedIcon />
                </span>
              )}
              {unread > 0 && (
                <span class="badge" data-testid="server-unread" aria-hidden="true">
                  {i18n.number(unread)}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Nav() {
  const app = useApp();
  const { t } = app.i18n.value;
  const unread = app.unread.value;
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      <div class="brand">{t('app.title')}</div>
      <ul>
        {VIEWS.map((v) => (
          <li key={v}>
            <button
              type="button"
              class="nav-item"
              aria-current={app.view.value === v ? 'page' : undefined}
              onClick={() => (app.view.value = v)}
            >
              <NavIcon name={v} />
              <span>{t(VIEW_TITLE[v])}</span>
              {v === 'feed' && unread > 0 && (
                <span class="badge" title={t('nav.unread', { count: unread })}>
                  <span aria-hidden="true">{app.i18n.value.number(unread)}</span>
                  <span class="sr-only">{t('nav.unread', { count: unread })}</span>
                </span>
              )}
            </button>
            {v === 'feed' && <ServerCounts />}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Notices() {
  const app = useApp();
  const { t } = app.i18n.value;
  const notices = app.notices.value;
  if (!notices.length) return null;
  return (
    <section class="notices" aria-label={t('notice.label')}>
      {notices.map((text, i) => (
        <div class="notice" role="alert" key={`${i}:${text}`}>
          <span>{text}</span>
          <button
            type="button"
            class="quiet"
            onClick={() => (app.notices.value = notices.filter((_, j) => j !== i))}
          >
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
    </section>
  );
}

export function App() {
  const app = useApp();
  const { t } = app.i18n.value;
  const view = app.view.value;
  const mainRef = useRef<HTMLElement>(null);
  const firstView = useRef(true);

  // Moving between views puts the keyboard at the top of the new one.
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    // ...unless the new view already put it somewhere on purpose ("Sign in" -> token field).
    const main = mainRef.current;
    if (main && !main.contains(document.activeElement))
      main.querySelector<HTMLElement>('h1')?.focus();
  }, [view]);

  if (app.phase.value === 'failed') {
    return (
      <main class="fatal" aria-label={t('app.title')}>
        <p role="alert">{t('app.startFailed', { error: app.startError.value ?? '' })}</p>
        <button type="button" onClick={() => void app.start()}>
          {t('feed.retry')}
        </button>
      </main>
    );
  }

  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Nav />
      <div class="content">
        <Notices />
        <main id="main" ref={mainRef} class="main" aria-label={t(VIEW_TITLE[view])}>
          {view === 'feed' && <FeedView />}
          {view === 'metrics' && <MetricsView />}
          {view === 'settings' && <SettingsView />}
          {view === 'diagnostics' && <DiagnosticsView />}
          {view === 'about' && <AboutView />}
        </main>
        <StatusBar />
      </div>
      <Toasts />
      <div class="sr-only" aria-live="assertive" aria-atomic="true">
        {app.announcement.value}
      </div>
    </div>
  );
}

export function NoBridge({ message }: { message: string }) {
  return (
    <main class="fatal" aria-label="Katya Desktop">
      <p role="alert">{message}</p>
    </main>
  );
}
