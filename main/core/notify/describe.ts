// Notification text: what each of the 22 event types says in a title and a body, in English or
// Russian (the phrases are in texts.ts, their words in the message catalogue of main/core/common).
// Server data is untrusted: every field is checked for type, cleaned of control characters
// and cut to length, and a missing field falls back to something still readable.
import { isEventType } from '../common/protocol';
import type { EventMessage, Severity } from '../common/protocol';
import { severityOf } from '../severity';
import { textsFor } from './texts';
import type { NotifyLanguage, NotifyTexts } from './texts';
import { scalarText } from '../common/untrusted-text';

const TITLE_MAX = 120;
const BODY_MAX = 300;

/** A short single-line text from an untrusted string or number, or null when there is none. */
function text(v: unknown, max = 80): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  return scalarText(v, max) || null;
}

function list(v: unknown, t: NotifyTexts, max = 5): string | null {
  if (!Array.isArray(v)) return text(v);
  const items = v.map((x) => text(x, 40)).filter((x): x is string => x !== null);
  if (!items.length) return null;
  return items.length > max
    ? `${items.slice(0, max).join(', ')} ${t.andMore(items.length - max)}`
    : items.join(', ');
}

function words(v: unknown): string | null {
  const t = text(v);
  const spaced = t?.replace(/_+/g, ' ').trim();
  return spaced ? spaced : null;
}

/** "HH:MM" in local time for an ISO date, or null. */
function clockTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function severityLabel(s: Severity, language: NotifyLanguage = 'en'): string {
  return textsFor(language).severity(s);
}

const join = (...parts: (string | null | false | undefined)[]) => parts.filter(Boolean).join(' ');

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

type Describer = (
  d: Record<string, unknown>,
  sev: Severity | null,
  t: NotifyTexts,
) => { title: string; body: string };

const DESCRIBE: Record<string, Describer> = {
  'security.alert.created': (d, sev, t) => ({
    title: t.alertCreated(sev, text(d.title) ?? text(d.id) ?? t.untitled),
    body: t.alertFrom(text(d.source), words(d.category)) ?? text(d.description, 200) ?? '',
  }),
  'security.alert.updated': (d, sev, t) => {
    const by = text(d.updatedBy);
    return {
      title: t.alertUpdated(sev, words(d.status), text(d.title) ?? text(d.id) ?? t.untitled),
      body: [by ? t.by(by) : null, t.alertFrom(text(d.source), words(d.category))]
        .filter(Boolean)
        .join(', '),
    };
  },
  'security.scan.started': (d, _sev, t) => ({
    title: t.scanStarted(text(d.target) ?? text(d.id) ?? t.unknownTarget),
    body: join(t.scanKind(words(d.scanType)), text(d.startedBy) && t.by(text(d.startedBy)!)),
  }),
  'security.scan.completed': (d, sev, t) => {
    const n = typeof d.findings === 'number' && Number.isFinite(d.findings) ? d.findings : null;
    return {
      title: t.scanCompleted(text(d.target) ?? text(d.id) ?? t.unknownTarget),
      body: [
        n === null ? null : t.findings(n),
        sev && t.highestSeverity(sev),
        words(d.scanType) && t.scanKind(words(d.scanType)),
      ]
        .filter(Boolean)
        .join(', '),
    };
  },
  'system.status.changed': (d, _sev, t) => {
    const previous = words(d.previousStatus);
    return {
      title: t.systemStatus(words(d.status) ?? t.unknown, text(d.component)),
      body: [text(d.message, 200), previous && t.was(previous)].filter(Boolean).join(' · '),
    };
  },
  'system.maintenance.start': (d, _sev, t) => {
    const until = clockTime(d.expectedEndAt);
    const components = list(d.components, t);
    return {
      title: t.maintenanceStarted(text(d.title) ?? text(d.id) ?? t.maintenance),
      body: [components && t.affects(components), until && t.expectedEnd(until)]
        .filter(Boolean)
        .join(', '),
    };
  },
  'system.maintenance.end': (d, _sev, t) => ({
    title: t.maintenanceEnded(text(d.title) ?? text(d.id) ?? t.maintenance),
    body: words(d.outcome) ? t.outcome(words(d.outcome)!) : '',
  }),
  'message.created': (d, _sev, t) => ({
    title: t.messageIn(
      text(d.senderName) ?? t.Someone,
      text(d.roomName) ?? text(d.roomId) ?? t.aRoom,
    ),
    body:
      text(d.content, 200) ??
      (words(d.messageType) ? t.sentA(words(d.messageType)!) : t.newMessage),
  }),
  'message.updated': (d, _sev, t) => ({
    title: t.messageEdited(text(d.roomName) ?? text(d.roomId) ?? t.aRoom),
    body: [text(d.editedBy) ?? text(d.senderName), text(d.content, 200)].filter(Boolean).join(': '),
  }),
  'message.deleted': (d, _sev, t) => ({
    title: t.messageDeleted(text(d.roomName) ?? text(d.roomId) ?? t.aRoom),
    body: text(d.deletedBy) ? t.by(text(d.deletedBy)!) : '',
  }),
  'room.created': (d, _sev, t) => ({
    title: t.roomCreated(text(d.name) ?? text(d.id) ?? t.unnamed),
    body: join(t.roomKind(words(d.visibility)), text(d.createdBy) && t.by(text(d.createdBy)!)),
  }),
  'room.updated': (d, _sev, t) => {
    const changes = list(d.changes, t);
    return {
      title: t.roomUpdated(text(d.name) ?? text(d.id) ?? t.unnamed),
      body: join(changes && t.changed(changes), text(d.updatedBy) && t.by(text(d.updatedBy)!)),
    };
  },
  'room.member.joined': (d, _sev, t) => ({
    title: t.joined(
      text(d.userName) ?? text(d.userId) ?? t.Someone,
      text(d.roomName) ?? text(d.roomId) ?? t.aRoom,
    ),
    body: words(d.role) ? t.asRole(words(d.role)!) : '',
  }),
  'room.member.left': (d, _sev, t) => ({
    title: t.left(
      text(d.userName) ?? text(d.userId) ?? t.Someone,
      text(d.roomName) ?? text(d.roomId) ?? t.aRoom,
      text(d.reason),
    ),
    body: '',
  }),
  'trust.identity.created': (d, _sev, t) => ({
    title: t.identityCreated(text(d.userName) ?? text(d.userId) ?? t.aUser),
    body: words(d.provider) ? t.provider(words(d.provider)!) : '',
  }),
  'trust.identity.updated': (d, _sev, t) => ({
    title: t.identityUpdated(words(d.status), text(d.userName) ?? text(d.userId) ?? t.aUser),
    body: words(d.provider) ? t.provider(words(d.provider)!) : '',
  }),
  'trust.verification.created': (d, _sev, t) => ({
    title: t.verificationRequested(text(d.subjectName) ?? t.someone),
    body: join(
      text(d.verifierName) && t.by(text(d.verifierName)!),
      words(d.method) && `(${words(d.method)})`,
    ),
  }),
  'trust.verification.updated': (d, _sev, t) => ({
    title: t.verificationUpdated(words(d.status), text(d.subjectName) ?? t.someone),
    body: text(d.verifierName) ? t.by(text(d.verifierName)!) : '',
  }),
  'trust.reputation.updated': (d, _sev, t) => ({
    title: t.reputation(text(d.userName) ?? text(d.userId) ?? t.aUser, text(d.score) ?? '?'),
    body: join(
      text(d.previousScore) && t.was(text(d.previousScore)!),
      text(d.reason) && `· ${text(d.reason)}`,
    ),
  }),
  'analytics.metric.updated': (d, _sev, t) => {
    const meta = (
      typeof d.metadata === 'object' && d.metadata !== null ? d.metadata : {}
    ) as Record<string, unknown>;
    return {
      title: `${text(d.name) ?? t.metric}: ${join(text(d.value) ?? '?', text(d.unit))}`,
      body: join(
        text(meta.server) && t.on(text(meta.server)!),
        text(meta.region) && `(${text(meta.region)})`,
      ),
    };
  },
  'analytics.report.created': (d, _sev, t) => ({
    title: t.reportRequested(text(d.name) ?? text(d.id) ?? t.report),
    body: join(words(d.period), text(d.requestedBy) && t.by(text(d.requestedBy)!)),
  }),
  'analytics.report.completed': (d, _sev, t) => ({
    title: t.reportReady(text(d.name) ?? text(d.id) ?? t.report),
    body: join(words(d.period), typeof d.rows === 'number' ? `· ${t.rows(d.rows)}` : null),
  }),
};

/**
 * Title and body for a notification about `event` (plain text, bounded length). Our own words
 * follow `language`; the server's data is shown as sent, only cleaned.
 */
export function describeForNotification(
  event: EventMessage,
  language: NotifyLanguage = 'en',
): { title: string; body: string } {
  const t = textsFor(language);
  const data = typeof event.data === 'object' && event.data !== null ? event.data : {};
  const name = typeof event.event === 'string' ? event.event : 'event';
  const describe = isEventType(name) ? DESCRIBE[name] : undefined;
  if (!describe) return { title: cut(t.otherEvent(text(name) ?? t.unknown), TITLE_MAX), body: '' };
  let out: { title: string; body: string };
  try {
    out = describe(data, isEventType(name) ? severityOf(name, data) : null, t);
  } catch {
    out = { title: t.otherEvent(name), body: '' };
  }
  return { title: cut(out.title, TITLE_MAX), body: cut(out.body.trim(), BODY_MAX) };
}
