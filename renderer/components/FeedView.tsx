// The feed view: filters and search on top (with several servers, which servers' events), the
// virtualised list, and the detail pane.
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context';
import { FeedList } from './FeedList';
import { DetailPane } from './DetailPane';
import { CHANNELS, SEVERITIES } from '../../main/core/common/protocol';
import { hasFilters } from '../state/feed';

function Toolbar() {
  const app = useApp();
  const feed = app.feed;
  const i = app.i18n.value;
  const { t } = i;
  const f = feed.filters.value;
  const servers = app.settings.value.servers;
  return (
    <div class="toolbar" role="search" aria-label={t('feed.filters')}>
      <input
        type="search"
        class="search"
        aria-label={t('feed.search')}
        placeholder={t('feed.search')}
        maxLength={200}
        value={f.text}
        onInput={(e) => feed.setText(e.currentTarget.value)}
      />
      {app.multiServer.value && (
        <div class="chips" role="group" aria-label={t('feed.servers')}>
          {servers.map((s) => (
            <button
              key={s.id}
              type="button"
              class="chip server-chip"
              data-server={s.id}
              aria-pressed={f.servers.includes(s.id)}
              onClick={() => feed.toggleServer(s.id)}
            >
              {s.name}
            </button>
          ))}
        </div>
      )}
      <div class="chips" role="group" aria-label={t('feed.channels')}>
        {CHANNELS.map((c) => (
          <button
            key={c}
            type="button"
            class="chip"
            aria-pressed={f.channels.includes(c)}
            onClick={() => feed.toggleChannel(c)}
          >
            {t(`channel.${c}`)}
          </button>
        ))}
      </div>
      <div class="chips" role="group" aria-label={t('feed.severities')}>
        {SEVERITIES.map((s) => (
          <button
            key={s}
            type="button"
            class={`chip sev-chip sev-${s}`}
            aria-pressed={f.severities.includes(s)}
            onClick={() => feed.toggleSeverity(s)}
          >
            {t(`severity.${s}`)}
          </button>
        ))}
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={f.unreadOnly}
          onChange={(e) => feed.setFilters({ unreadOnly: e.currentTarget.checked })}
        />
        {t('feed.unreadOnly')}
      </label>
      {hasFilters(f) && (
        <button type="button" class="quiet" onClick={() => feed.clearFilters()}>
          {t('feed.clearFilters')}
        </button>
      )}
      <span class="spacer" />
      <span class="counts">
        <span data-testid="feed-total">{t('feed.total', { count: feed.total.value })}</span>
        {' · '}
        <span data-testid="feed-unread">{t('feed.unreadCount', { count: app.unread.value })}</span>
      </span>
      <button
        type="button"
        disabled={
          app.unread.value === 0 && !feed.entries.value.some((e) => e.kind === 'event' && !e.read)
        }
        onClick={() => void feed.markAllRead()}
      >
        {t('feed.markAllRead')}
      </button>
    </div>
  );
}

export function FeedView() {
  const app = useApp();
  const { t } = app.i18n.value;
  const feed = app.feed;
  const listRef = useRef<HTMLDivElement>(null);
  const detailOpen = feed.detail.value.state !== 'closed';

  // Esc closes the detail pane from anywhere in the feed and returns to the list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (feed.detail.value.state === 'closed') return;
      e.preventDefault();
      feed.close();
      listRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [feed]);

  return (
    <section class="feed-view" aria-labelledby="feed-title">
      <h1 id="feed-title" class="sr-only" tabIndex={-1}>
        {t('feed.title')}
      </h1>
      <Toolbar />
      {feed.status.value === 'error' && (
        <p class="error" role="alert">
          {t('feed.loadFailed', { error: feed.error.value ?? '' })}{' '}
          <button type="button" class="quiet" onClick={() => void feed.reload()}>
            {t('feed.retry')}
          </button>
        </p>
      )}
      <div class={`feed-body${detailOpen ? ' with-detail' : ''}`}>
        <FeedList listRef={listRef} />
        {detailOpen && <DetailPane onClose={() => listRef.current?.focus()} />}
      </div>
    </section>
  );
}
