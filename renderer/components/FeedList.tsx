// A virtualised listbox: fixed row height, only the visible rows plus a margin are in the
// DOM, so 10,000 entries scroll as lightly as 10. The list itself holds keyboard focus and
// points at the active row with aria-activedescendant. With several servers, each row names
// its server. A row's id comes from the feed id (server/event id); data-event-id is the
// server's own.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Component } from 'preact';
import type { JSX, RefObject } from 'preact';
import { useApp } from './context';
import { ChannelIcon } from './icons';
import { eventLine } from '../format/event-line';
import { isoTime } from '../format/text';
import type { FeedEntry } from '../../main/core/common/views';
import type { I18n } from '../i18n';
import { hasFilters } from '../state/feed';
import { assignSlots } from './row-slots';
import { rowDomId } from './row-id';
import { gapLine, rowText } from '../format/row-text';

export const ROW_HEIGHT = 56;
const OVERSCAN = 10;
/** ask for the next page when this few rows remain below the viewport */
const LOAD_AHEAD = 40;
const COPY_KEY = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘C' : 'Ctrl+C';

type FeedEvent = Extract<FeedEntry, { kind: 'event' }>;

interface SummaryProps {
  entry: FeedEvent;
  i18n: I18n;
  server: string | null;
}

/**
 * What a row says about its event, built again only when its row shows another entry (an
 * entry never changes: a read mark replaces it), not when the clock, the active row or the
 * selection re-render the row.
 */
class EventSummary extends Component<SummaryProps> {
  override shouldComponentUpdate(next: SummaryProps): boolean {
    const now = this.props;
    return next.entry !== now.entry || next.i18n !== now.i18n || next.server !== now.server;
  }

  override render({ entry, i18n, server }: SummaryProps) {
    const { t } = i18n;
    const sev = entry.severity;
    return (
      <>
        <span class={`chan chan-${entry.channel}`}>
          <ChannelIcon channel={entry.channel} />
        </span>
        <span class="row-main">
          <span class="row-line">{eventLine(entry, i18n)}</span>
          <span class="row-meta">
            {server !== null && <span class="server-tag">{server}</span>}
            <span class={`sev-badge sev-${sev ?? 'none'}`}>{sev ? t(`severity.${sev}`) : ''}</span>
            <span>{entry.event}</span>
            <span class="sr-only">{entry.read ? '' : `, ${t('feed.unread')}`}</span>
          </span>
        </span>
      </>
    );
  }
}

const rowId = (e: FeedEntry) => rowDomId(e.id);

function Row({
  entry,
  index,
  active,
  selected,
  setSize,
  i18n,
  now,
  server,
}: {
  /** null: a row no entry uses now (kept, hidden, for the next entry to come in) */
  entry: FeedEntry | null;
  index: number;
  active: boolean;
  selected: boolean;
  setSize: number;
  i18n: I18n;
  now: number;
  /** the server's name, when rows name it (several servers) */
  server: string | null;
}) {
  if (entry === null) return <div hidden />;
  const style = { transform: `translateY(${index * ROW_HEIGHT}px)` };
  if (entry.kind === 'gap') {
    return (
      <div
        id={rowId(entry)}
        role="option"
        aria-selected={active}
        aria-disabled="true"
        aria-setsize={setSize}
        aria-posinset={index + 1}
        class={`row gap${active ? ' active' : ''}`}
        style={style}
        data-server={entry.server}
      >
        <span class="gap-line">{gapLine(entry, i18n, server)}</span>
      </div>
    );
  }
  const sev = entry.severity;
  return (
    <div
      id={rowId(entry)}
      role="option"
      aria-selected={active}
      aria-setsize={setSize}
      aria-posinset={index + 1}
      class={`row ev sev-${sev ?? 'none'}${entry.read ? '' : ' unread'}${active ? ' active' : ''}${selected ? ' selected' : ''}`}
      style={style}
      data-event-id={entry.eventId}
      data-server={entry.server}
    >
      <EventSummary entry={entry} i18n={i18n} server={server} />
      <time class="row-time" dateTime={isoTime(entry.receivedAt)}>
        {i18n.relative(entry.receivedAt, now)}
      </time>
    </div>
  );
}

export function FeedList({ listRef }: { listRef: RefObject<HTMLDivElement | null> }) {
  const app = useApp();
  const feed = app.feed;
  const i18n = app.i18n.value;
  const { t } = i18n;
  const entries = feed.entries.value;
  const active = Math.min(feed.activeIndex.value, Math.max(0, entries.length - 1));
  const detail = feed.detail.value;
  const selectedId = detail.state === 'open' ? detail.event.id : null;
  const now = app.coarseClock.value;
  const several = app.multiServer.value;
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const lastPrepend = useRef(feed.prepended.value.seq);
  const slotsRef = useRef<ReadonlyMap<string, number>>(new Map());

  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    setHeight(el.clientHeight || 600);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, [listRef]);

  // Entries put on top while the user reads further down: shift by their height so the rows
  // under the user's eyes stay put. At the very top, new entries simply appear. Whether the
  // list is at the top is taken from the last scroll event, not from the element: reading its
  // scrollTop here, after this render changed the rows, would make the browser lay the page
  // out at once, for every batch of a flood (most of the time of a batch, measured).
  const prepended = feed.prepended.value;
  useLayoutEffect(() => {
    if (prepended.seq === lastPrepend.current) return;
    lastPrepend.current = prepended.seq;
    const el = listRef.current;
    if (el && scrollTop > 0) {
      el.scrollTop += prepended.count * ROW_HEIGHT;
      setScrollTop(el.scrollTop);
    }
  }, [prepended, listRef]);

  // Keep the active row in view when the keyboard moves it.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const top = active * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [active, listRef]);

  // Scrolled down, a batch on top is followed by a scroll of its height (the layout effect
  // above): draw the range the list will show then, so the rows under the user's eyes keep
  // their entries through both renders.
  const shifting = prepended.seq !== lastPrepend.current && scrollTop > 0;
  const viewTop = shifting ? scrollTop + prepended.count * ROW_HEIGHT : scrollTop;
  const first = Math.max(0, Math.floor(viewTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(entries.length, Math.ceil((viewTop + height) / ROW_HEIGHT) + OVERSCAN);

  // Decided from this render's values: an effect runs later, when the entries it would
  // compare against may already have been replaced by a newer query.
  const wantMore =
    last + LOAD_AHEAD >= entries.length && feed.hasMore.value && feed.status.value === 'idle';
  useEffect(() => {
    if (wantMore && feed.entries.value === entries) void feed.loadMore();
  }, [wantMore, entries, feed]);

  // One listener for the list, not one per row: rows are reused for other entries, so the
  // entry clicked is the one the row stands for at the click (its position in the feed).
  const onClick = (e: MouseEvent) => {
    // A click elsewhere ends a text selection; the rows take none, so end it here, or the copy
    // key would copy that text rather than the row just clicked.
    document.getSelection()?.removeAllRanges();
    const row = (e.target as Element).closest('[role="option"]');
    const index = Number(row?.getAttribute('aria-posinset')) - 1;
    if (index >= 0) pick(index);
  };

  const pick = (index: number) => {
    setCopied(null);
    feed.activeIndex.value = index;
    const e = entries[index];
    if (e?.kind === 'event') void feed.open(e.id);
    listRef.current?.focus();
  };

  // The rows' text cannot be selected with the mouse (their DOM order is not the feed's, so a
  // selection would take rows the pointer never passed over); the copy key copies the active
  // row's line instead, unless the user has selected text elsewhere.
  const copyActive = (e: KeyboardEvent) => {
    const entry = entries[active];
    if (!entry || document.getSelection()?.toString()) return;
    e.preventDefault();
    setCopied(null); // so that a second copy is announced too
    const server = several ? app.serverName(entry.server) : null;
    navigator.clipboard.writeText(rowText(entry, i18n, server)).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // The key that types "c"; on a layout without Latin letters (Cyrillic "с"), the key where
    // "c" would be.
    const copyKey = e.key.toLowerCase() === 'c' || (!/^[a-z]$/i.test(e.key) && e.code === 'KeyC');
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && copyKey) return copyActive(e);
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const move = (to: number) => {
      e.preventDefault();
      setCopied(null);
      feed.activeIndex.value = Math.max(0, Math.min(entries.length - 1, to));
    };
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        return move(active + 1);
      case 'ArrowUp':
      case 'k':
        return move(active - 1);
      case 'PageDown':
        return move(active + page);
      case 'PageUp':
        return move(active - page);
      case 'Home':
        return move(0);
      case 'End':
        return move(entries.length - 1);
      case 'Enter':
      case ' ': {
        e.preventDefault();
        const entry = entries[active];
        if (entry?.kind === 'event') void feed.open(entry.id);
        return;
      }
    }
  };

  const status = feed.status.value;
  const activeEntry = entries[active];
  // Each drawn entry keeps its DOM row while it stays in range (see row-slots.ts), and the rows
  // are rendered in slot order, so a batch on top gives new text only to the rows of the
  // entries that came in; the others just move. Keyed by entry instead, Preact would build,
  // drop and move DOM rows at every batch; keyed by position, every row would get new text
  // (measured in docs/benchmarks.md).
  const slots = Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 1;
  const drawn = entries.slice(first, last);
  const slotOf = assignSlots(
    slotsRef.current,
    drawn.map((e) => e.id),
    slots,
  );
  slotsRef.current = slotOf;
  const inSlot: (number | undefined)[] = new Array(slots);
  drawn.forEach((e, k) => (inSlot[slotOf.get(e.id)!] = first + k));
  const rows: JSX.Element[] = [];
  for (let s = 0; s < slots; s++) {
    const i = inSlot[s];
    const entry = i === undefined ? null : entries[i]!;
    rows.push(
      <Row
        key={s}
        entry={entry}
        index={i ?? -1}
        active={i === active}
        selected={entry !== null && entry.id === selectedId}
        setSize={entries.length}
        i18n={i18n}
        now={now}
        server={several && entry ? app.serverName(entry.server) : null}
      />,
    );
  }
  // The rows' DOM order is not the feed's order: assistive technology reads them in the order
  // given here.
  const readingOrder = drawn.map(rowId).join(' ');

  return (
    <div class="feed-list-wrap">
      <div
        ref={listRef}
        class="feed-list"
        role="listbox"
        tabIndex={0}
        aria-label={t('feed.listLabel')}
        aria-describedby="feed-keys"
        aria-busy={status === 'loading'}
        data-loaded-count={entries.length}
        aria-activedescendant={activeEntry ? rowId(activeEntry) : undefined}
        aria-owns={readingOrder || undefined}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        <div class="feed-spacer" style={{ height: `${entries.length * ROW_HEIGHT}px` }}>
          {rows}
        </div>
      </div>
      {!entries.length && status !== 'loading' && (
        <p class="empty">
          {hasFilters(feed.filters.value) ? t('feed.emptyFiltered') : t('feed.empty')}
        </p>
      )}
      {status === 'loading' && <p class="empty">{t('feed.loading')}</p>}
      {status === 'loadingMore' && <p class="more">{t('feed.loadingMore')}</p>}
      <p id="feed-keys" class="keys">
        {t('feed.keys', { copyKey: COPY_KEY })}
      </p>
      <p class="sr-only" role="status">
        {copied === 'copied' ? t('feed.copied') : copied === 'failed' ? t('feed.copyFailed') : ''}
      </p>
    </div>
  );
}
