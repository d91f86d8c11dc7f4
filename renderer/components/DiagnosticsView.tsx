// Diagnostics: statistics, recent state changes and log lines (token redacted by main), and
// "Copy diagnostics". Refreshed every few seconds while the view is open. The statistics are
// the first server's; with several servers, each one's state and counts follow.
import { useEffect } from 'preact/hooks';
import { useApp } from './context';
import { isoTime, scalarText } from '../format/text';

const REFRESH_MS = 5000;

export function DiagnosticsView() {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const diag = app.diagnostics;

  useEffect(() => {
    void diag.load();
    const timer = setInterval(() => void diag.load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [diag]);

  const d = diag.data.value;
  const copy = diag.copy.value;
  const n = (v: number | null | undefined) =>
    typeof v === 'number' && Number.isFinite(v) ? i.number(v) : '—';
  const when = (v: number | null | undefined) =>
    typeof v === 'number' ? i.dateTime(v) : t('diag.never');

  return (
    <section class="page" aria-labelledby="diag-title">
      <h1 id="diag-title" tabIndex={-1}>
        {t('diag.title')}
      </h1>
      <div class="actions">
        <button type="button" onClick={() => void diag.load()}>
          {t('diag.refresh')}
        </button>
        <button type="button" class="primary" onClick={() => void diag.copyToClipboard()}>
          {t('diag.copy')}
        </button>
        <span role="status">
          {copy.state === 'copied'
            ? t('diag.copied')
            : copy.state === 'failed'
              ? t('diag.copyFailed', { error: copy.error })
              : ''}
        </span>
      </div>
      {diag.error.value && (
        <p role="alert" class="error">
          {t('diag.loadFailed', { error: diag.error.value })}
        </p>
      )}
      {!d ? (
        <p>{t('diag.loading')}</p>
      ) : (
        <>
          <h2>{t('diag.stats')}</h2>
          <dl class="facts stats">
            <dt>{t('diag.state')}</dt>
            <dd>{t(`phase.${d.connection.phase}`)}</dd>
            <dt>{t('diag.server')}</dt>
            <dd class="mono">
              {scalarText(d.connection.serverUrl, 200) || t('status.demoServer')}
            </dd>
            <dt>{t('diag.uptime')}</dt>
            <dd>{i.duration(d.stats.uptimeMs)}</dd>
            <dt>{t('diag.in')}</dt>
            <dd>{n(d.stats.messagesReceived)}</dd>
            <dt>{t('diag.out')}</dt>
            <dd>{n(d.stats.messagesSent)}</dd>
            <dt>{t('diag.errors')}</dt>
            <dd>{n(d.stats.errors)}</dd>
            <dt>{t('diag.reconnects')}</dt>
            <dd>{n(d.stats.reconnects)}</dd>
            <dt>{t('diag.lastPing')}</dt>
            <dd>{when(d.stats.lastPing)}</dd>
            <dt>{t('diag.rtt')}</dt>
            <dd>{typeof d.stats.rttMs === 'number' ? i.duration(d.stats.rttMs) : '—'}</dd>
            <dt>{t('diag.duplicates')}</dt>
            <dd>{n(d.stats.duplicatesDropped)}</dd>
            <dt>{t('diag.invalid')}</dt>
            <dd>{n(d.stats.invalidDropped)}</dd>
          </dl>
          {Array.isArray(d.servers) && d.servers.length > 1 && (
            <>
              <h2>{t('diag.servers')}</h2>
              {d.servers.map((s) => (
                <section key={s.id} class="diag-server" aria-labelledby={`diag-server-${s.id}`}>
                  <h3 id={`diag-server-${s.id}`}>{scalarText(s.name, 80)}</h3>
                  <dl class="facts">
                    <dt>{t('diag.state')}</dt>
                    <dd>{t(`phase.${s.connection.phase}`)}</dd>
                    <dt>{t('diag.server')}</dt>
                    <dd class="mono">{scalarText(s.connection.serverUrl, 200)}</dd>
                    <dt>{t('diag.in')}</dt>
                    <dd>{n(s.stats?.messagesReceived)}</dd>
                    <dt>{t('diag.reconnects')}</dt>
                    <dd>{n(s.stats?.reconnects)}</dd>
                    <dt>{t('diag.historyEvents')}</dt>
                    <dd>{n(s.historyInfo?.events)}</dd>
                  </dl>
                </section>
              ))}
            </>
          )}
          <h2>{t('diag.history')}</h2>
          <dl class="facts stats">
            <dt>{t('diag.historyEvents')}</dt>
            <dd>{n(d.historyInfo?.events)}</dd>
            <dt>{t('diag.historyBytes')}</dt>
            <dd>{i.bytes(d.historyInfo?.fileBytes ?? NaN)}</dd>
            <dt>{t('diag.damaged')}</dt>
            <dd>{n(d.historyInfo?.damagedRecordsSkipped)}</dd>
          </dl>
          {Array.isArray(d.network) && d.network.length > 0 && (
            <>
              <h2>{t('diag.network')}</h2>
              <ul class="plain mono" data-testid="diag-network">
                {d.network.map((l, k) => (
                  <li key={k}>{scalarText(l, 400)}</li>
                ))}
              </ul>
            </>
          )}
          <h2>{t('diag.subscriptions')}</h2>
          {d.subscriptions.length === 0 ? (
            <p>{t('diag.none')}</p>
          ) : (
            <ul class="plain">
              {d.subscriptions.map((s) => (
                <li key={`${s.kind}:${s.name}`}>
                  <span class="mono">{scalarText(s.name, 128)}</span>{' '}
                  {s.status === 'rejected'
                    ? t('sub.rejected', {
                        code: scalarText(s.code, 16),
                        message: scalarText(s.message, 200),
                      })
                    : t(`sub.${s.status}`)}
                </li>
              ))}
            </ul>
          )}
          <h2>{t('diag.stateChanges')}</h2>
          {d.stateHistory.length === 0 ? (
            <p>{t('diag.none')}</p>
          ) : (
            <ol class="plain changes">
              {d.stateHistory
                .slice(-50)
                .reverse()
                .map((c, k) => (
                  <li key={`${c.at}:${k}`}>
                    <time dateTime={isoTime(c.at)}>{i.dateTime(c.at)}</time>{' '}
                    <strong>{t(`phase.${c.phase}`)}</strong>
                    {c.detail ? ` — ${scalarText(c.detail, 300)}` : ''}
                  </li>
                ))}
            </ol>
          )}
          <h2>{t('diag.log')}</h2>
          <pre class="log" tabIndex={0} aria-label={t('diag.log')}>
            {d.logLines.slice(-200).join('\n')}
          </pre>
          <p class="hint">
            {t('diag.version', {
              version: app.about.value.version,
              platform: app.about.value.platform,
            })}
          </p>
        </>
      )}
    </section>
  );
}
