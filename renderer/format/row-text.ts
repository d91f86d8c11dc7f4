// A feed row as one line of text: what the row shows, for the clipboard. Fields are separated
// by tabs, so a spreadsheet takes them as columns and a chat or a ticket as spaces.
import type { FeedEntry } from '../../main/core/common/views';
import type { I18n } from '../i18n';
import { eventLine } from './event-line';

type FeedGap = Extract<FeedEntry, { kind: 'gap' }>;

/** A gap's sentence; with several servers it names the server whose connection was down. */
export function gapLine(entry: FeedGap, i18n: I18n, server: string | null): string {
  const params = { start: i18n.dateTime(entry.start), end: i18n.time(entry.end) };
  return server === null ? i18n.t('feed.gap', params) : i18n.t('feed.gapOn', { ...params, server });
}

/** `server` is the server's name when rows name it (several servers), else null. */
export function rowText(entry: FeedEntry, i18n: I18n, server: string | null): string {
  if (entry.kind === 'gap') return gapLine(entry, i18n, server);
  const severity = entry.severity ? i18n.t(`severity.${entry.severity}`) : '';
  const fields = [i18n.dateTime(entry.receivedAt), severity, eventLine(entry, i18n), entry.event];
  return (server === null ? fields : [server, ...fields]).join('\t');
}
