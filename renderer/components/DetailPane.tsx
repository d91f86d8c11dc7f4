// The full event: every field of the payload as indented JSON text, with copy and mark read,
// the server it came from and the id that server gave it.
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context';
import { ChannelIcon } from './icons';
import { eventLine } from '../format/event-line';
import { payloadText, scalarText } from '../format/text';

export function DetailPane({ onClose }: { onClose: () => void }) {
  const app = useApp();
  const feed = app.feed;
  const i = app.i18n.value;
  const { t } = i;
  const d = feed.detail.value;
  const heading = useRef<HTMLHeadingElement>(null);
  const openedId = d.state === 'open' ? d.event.id : null;

  // Opened from a notification (focus is not in the list): bring the keyboard here.
  useEffect(() => {
    if (openedId && !document.activeElement?.closest('.feed-list')) heading.current?.focus();
  }, [openedId]);

  const close = () => {
    feed.close();
    onClose();
  };

  let body;
  if (d.state === 'loading') body = <p>{t('detail.loading')}</p>;
  else if (d.state === 'missing') body = <p role="alert">{t('detail.notFound')}</p>;
  else if (d.state === 'open') {
    const ev = d.event;
    const payload = payloadText(ev.data);
    const copy = feed.copyState.value;
    body = (
      <>
        <h2 ref={heading} tabIndex={-1} class={`detail-title sev-${ev.severity ?? 'none'}`}>
          <ChannelIcon channel={ev.channel} />
          <span>{eventLine(ev, i)}</span>
        </h2>
        <div class="detail-actions">
          <button type="button" disabled={ev.read} onClick={() => void feed.markRead([ev.id])}>
            {ev.read ? t('detail.isRead') : t('detail.markRead')}
          </button>
          <button type="button" onClick={() => void feed.copyPayload(payload)}>
            {t('detail.copy')}
          </button>
          <span class="copy-state" role="status">
            {copy === 'copied'
              ? t('detail.copied')
              : copy === 'failed'
                ? t('detail.copyFailed')
                : ''}
          </span>
        </div>
        <dl class="facts">
          <dt>{t('detail.server')}</dt>
          <dd data-testid="detail-server">{app.serverName(ev.server)}</dd>
          <dt>{t('detail.event')}</dt>
          <dd>{scalarText(ev.event, 128)}</dd>
          <dt>{t('detail.channel')}</dt>
          <dd>{t(`channel.${ev.channel}`)}</dd>
          <dt>{t('detail.severity')}</dt>
          <dd>{ev.severity ? t(`severity.${ev.severity}`) : t('detail.none')}</dd>
          <dt>{t('detail.received')}</dt>
          <dd>{i.dateTime(ev.receivedAt)}</dd>
          <dt>{t('detail.serverTime')}</dt>
          <dd>{scalarText(ev.timestamp, 64) || '—'}</dd>
          <dt>{t('detail.id')}</dt>
          <dd class="mono">{scalarText(ev.eventId, 256)}</dd>
        </dl>
        <h3>{t('detail.payload')}</h3>
        <pre class="payload" tabIndex={0} aria-label={t('detail.payload')}>
          {payload}
        </pre>
      </>
    );
  }

  return (
    <section class="detail" aria-label={t('detail.label')}>
      <button
        type="button"
        class="quiet detail-close"
        onClick={close}
        aria-label={t('detail.close')}
      >
        ×
      </button>
      {body}
    </section>
  );
}
