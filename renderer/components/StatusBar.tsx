// The connection in words, with the one action that helps in each state. With several servers
// it is the connection that needs the user most (main's summary), named by its server, and the
// action is for that server.
import { useApp } from './context';
import { SnoozeMenu, runningSnooze, snoozedServers } from './SnoozeMenu';
import type { ConnectionView, ServerView } from '../../main/core/common/views';
import { certificateDetails, problemWhy } from '../../main/core/common/problem-words';

/** "Notifications snoozed until 14:00"; with several servers, whose. */
function SnoozeSummary() {
  const app = useApp();
  const { t, time } = app.i18n.value;
  const now = app.coarseClock.value;
  let text = '';
  if (!app.multiServer.value) {
    const until = runningSnooze(app.snoozedUntil.value, now);
    if (until !== null) text = t('status.snoozedUntil', { time: time(until) });
  } else {
    const ids = app.settings.value.servers.map((s) => s.id);
    const held = snoozedServers(ids, app.servers.value, now);
    if (held.length === 1)
      text = t('status.serverSnoozedUntil', {
        name: app.serverName(held[0]!.id),
        time: time(held[0]!.until),
      });
    else if (held.length === ids.length && held.length > 0)
      // every server: held at least until the first of them resumes
      text = t('status.snoozedUntil', { time: time(Math.min(...held.map((h) => h.until))) });
    else if (held.length > 1) text = t('status.serversSnoozed', { count: held.length });
  }
  return text ? <span class="snoozed">{text}</span> : null;
}

/** The server whose connection main's summary is: the first with that phase (and address). */
function serverOf(c: ConnectionView, views: readonly ServerView[]): ServerView | undefined {
  const same = views.filter((v) => v.connection?.phase === c.phase);
  return same.find((v) => v.connection.serverUrl === c.serverUrl) ?? same[0];
}

export function StatusBar() {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const c = app.connection.value;
  if (!c) return <footer class="statusbar" />;
  // Only the reconnect countdown needs the second-by-second clock.
  const now = c.phase === 'reconnecting' ? app.clock.value : 0;

  const server = c.demo || !c.serverUrl ? t('status.demoServer') : c.serverUrl;
  const views = app.servers.value;
  const who = app.multiServer.value ? serverOf(c, views) : undefined;
  const name = who ? app.serverName(who.id) : '';
  // `spoken` is what the polite live region says: it does not tick every second.
  let shown: string;
  let spoken: string;
  switch (c.phase) {
    case 'connecting':
      shown = spoken = t('status.connecting', { server });
      break;
    case 'connected':
      shown = spoken = t('status.connected', { server });
      break;
    case 'reconnecting': {
      const seconds = c.retryAt === null ? 0 : Math.ceil((c.retryAt - now) / 1000);
      spoken = t('status.reconnectingNow');
      shown = seconds > 0 ? t('status.reconnecting', { count: seconds }) : spoken;
      break;
    }
    case 'offline':
      shown = spoken = t('status.offline', { time: i.time(c.since) });
      break;
    case 'signin':
      shown = spoken = t('status.signin');
      break;
    // Which certificate or proxy stands in the way, and why, rather than "reconnecting".
    case 'certificate':
    case 'proxy': {
      const why = c.problem ? problemWhy(c.problem, t) : (c.lastError ?? '');
      shown = spoken = t(c.phase === 'certificate' ? 'status.certificate' : 'status.proxy', {
        why,
      });
      break;
    }
    default:
      shown = spoken = t('status.paused');
  }
  if (who && c.phase === 'connected') {
    // the summary is "connected" only when every server that is on is
    const count = views.filter((v) => v.connection?.phase === 'connected').length;
    shown = spoken = t('status.connectedAll', { count });
  } else if (who && c.phase !== 'paused') {
    shown = t('status.serverState', { name, state: shown });
    spoken = t('status.serverState', { name, state: spoken });
  }

  return (
    <footer class={`statusbar phase-${c.phase}`}>
      <span class="state-dot" aria-hidden="true" />
      <span class="sr-only" role="status">
        {spoken}
      </span>
      <span class="status-text" aria-hidden="true" data-testid="status-text">
        {shown}
      </span>
      {c.problem
        ? (() => {
            const details = certificateDetails(c.problem, t);
            return (
              details && (
                <span class="status-error status-problem" data-testid="status-problem">
                  {details}
                </span>
              )
            );
          })()
        : c.lastError &&
          c.phase !== 'connected' && (
            <span class="status-error">{t('status.lastError', { error: c.lastError })}</span>
          )}
      {c.demo && (
        <span class="demo-badge" title={t('status.demoHint')}>
          {t('status.demo')}
          <span class="sr-only">: {t('status.demoHint')}</span>
        </span>
      )}
      {(c.phase === 'offline' ||
        c.phase === 'reconnecting' ||
        c.phase === 'certificate' ||
        c.phase === 'proxy') && (
        <button type="button" onClick={() => void app.reconnectNow(who?.id)}>
          {who ? t('status.reconnectServer', { name }) : t('status.reconnectNow')}
        </button>
      )}
      {c.phase === 'signin' && (
        <button type="button" class="primary" onClick={() => app.signIn(who?.id)}>
          {who ? t('status.signInServer', { name }) : t('status.signIn')}
        </button>
      )}
      <span class="spacer" />
      <SnoozeMenu menuId="snooze-menu">
        <SnoozeSummary />
      </SnoozeMenu>
    </footer>
  );
}
