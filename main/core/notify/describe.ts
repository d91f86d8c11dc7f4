// Notification text: what each of the 22 event types says in a title and a body, in English.
// Server data is untrusted: every field is checked for type, cleaned of control characters
// and cut to length, and a missing field falls back to something still readable.
import { isEventType } from '../protocol';
import type { EventMessage, Severity } from '../protocol';
import { severityOf } from '../severity';

const TITLE_MAX = 120;
const BODY_MAX = 300;

// Control characters and line separators: a notification is one title and one short body.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A short single-line text from an untrusted value, or null when there is none. */
function text(v: unknown, max = 80): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const clean = v.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

function list(v: unknown, max = 5): string | null {
  if (!Array.isArray(v)) return text(v);
  const items = v.map((x) => text(x, 40)).filter((x): x is string => x !== null);
  if (!items.length) return null;
  return items.length > max
    ? `${items.slice(0, max).join(', ')} and ${items.length - max} more`
    : items.join(', ');
}

function words(v: unknown): string | null {
  const t = text(v);
  return t ? t.replace(/_/g, ' ') : null;
}

/** "HH:MM" in local time for an ISO date, or null. */
function clockTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function severityLabel(s: Severity): string {
  return cap(s);
}

const join = (...parts: (string | null | false | undefined)[]) => parts.filter(Boolean).join(' ');

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function alertOrigin(d: Record<string, unknown>): string | null {
  const source = text(d.source);
  const category = words(d.category);
  if (source && category) return `from ${source} (${category})`;
  if (source) return `from ${source}`;
  if (category) return `(${category})`;
  return null;
}

type Describer = (
  d: Record<string, unknown>,
  sev: Severity | null,
) => { title: string; body: string };

const DESCRIBE: Record<string, Describer> = {
  'security.alert.created': (d, sev) => ({
    title: `${sev ? `${severityLabel(sev)} security alert` : 'Security alert'}: ${text(d.title) ?? text(d.id) ?? 'untitled'}`,
    body: alertOrigin(d) ?? text(d.description, 200) ?? '',
  }),
  'security.alert.updated': (d, sev) => {
    const status = words(d.status);
    const by = text(d.updatedBy);
    return {
      title: `${sev ? `${severityLabel(sev)} security alert` : 'Security alert'} ${status ?? 'updated'}: ${text(d.title) ?? text(d.id) ?? 'untitled'}`,
      body: [by ? `by ${by}` : null, alertOrigin(d)].filter(Boolean).join(', '),
    };
  },
  'security.scan.started': (d) => ({
    title: `Security scan started: ${text(d.target) ?? text(d.id) ?? 'unknown target'}`,
    body: join(
      words(d.scanType) ? `${words(d.scanType)} scan` : 'scan',
      text(d.startedBy) && `by ${text(d.startedBy)}`,
    ),
  }),
  'security.scan.completed': (d, sev) => {
    const n = typeof d.findings === 'number' && Number.isFinite(d.findings) ? d.findings : null;
    const findings = n === null ? null : n === 1 ? '1 finding' : `${n} findings`;
    return {
      title: `Security scan completed: ${text(d.target) ?? text(d.id) ?? 'unknown target'}`,
      body: [
        findings,
        sev && `highest severity ${sev}`,
        words(d.scanType) && `${words(d.scanType)} scan`,
      ]
        .filter(Boolean)
        .join(', '),
    };
  },
  'system.status.changed': (d) => {
    const status = words(d.status) ?? 'unknown';
    const component = text(d.component);
    const previous = words(d.previousStatus);
    return {
      title: `System status: ${status}${component ? ` (${component})` : ''}`,
      body: [text(d.message, 200), previous && `was ${previous}`].filter(Boolean).join(' · '),
    };
  },
  'system.maintenance.start': (d) => {
    const until = clockTime(d.expectedEndAt);
    return {
      title: `Maintenance started: ${text(d.title) ?? text(d.id) ?? 'maintenance'}`,
      body: [
        list(d.components) && `affects ${list(d.components)}`,
        until && `expected to end at ${until}`,
      ]
        .filter(Boolean)
        .join(', '),
    };
  },
  'system.maintenance.end': (d) => ({
    title: `Maintenance ended: ${text(d.title) ?? text(d.id) ?? 'maintenance'}`,
    body: words(d.outcome) ? `outcome: ${words(d.outcome)}` : '',
  }),
  'message.created': (d) => ({
    title: `${text(d.senderName) ?? 'Someone'} in ${text(d.roomName) ?? text(d.roomId) ?? 'a room'}`,
    body:
      text(d.content, 200) ??
      (words(d.messageType) ? `sent a ${words(d.messageType)}` : 'new message'),
  }),
  'message.updated': (d) => ({
    title: `Message edited in ${text(d.roomName) ?? text(d.roomId) ?? 'a room'}`,
    body: [text(d.editedBy) ?? text(d.senderName), text(d.content, 200)].filter(Boolean).join(': '),
  }),
  'message.deleted': (d) => ({
    title: `Message deleted in ${text(d.roomName) ?? text(d.roomId) ?? 'a room'}`,
    body: text(d.deletedBy) ? `by ${text(d.deletedBy)}` : '',
  }),
  'room.created': (d) => ({
    title: `Room created: ${text(d.name) ?? text(d.id) ?? 'unnamed'}`,
    body: join(words(d.visibility), 'room', text(d.createdBy) && `by ${text(d.createdBy)}`),
  }),
  'room.updated': (d) => ({
    title: `Room updated: ${text(d.name) ?? text(d.id) ?? 'unnamed'}`,
    body: join(
      list(d.changes) && `changed ${list(d.changes)}`,
      text(d.updatedBy) && `by ${text(d.updatedBy)}`,
    ),
  }),
  'room.member.joined': (d) => ({
    title: `${text(d.userName) ?? text(d.userId) ?? 'Someone'} joined ${text(d.roomName) ?? text(d.roomId) ?? 'a room'}`,
    body: words(d.role) ? `as ${words(d.role)}` : '',
  }),
  'room.member.left': (d) => {
    const reason = text(d.reason);
    const verb =
      reason === 'kicked' ? 'was kicked from' : reason === 'banned' ? 'was banned from' : 'left';
    return {
      title: `${text(d.userName) ?? text(d.userId) ?? 'Someone'} ${verb} ${text(d.roomName) ?? text(d.roomId) ?? 'a room'}`,
      body: '',
    };
  },
  'trust.identity.created': (d) => ({
    title: `New identity for ${text(d.userName) ?? text(d.userId) ?? 'a user'}`,
    body: words(d.provider) ? `provider: ${words(d.provider)}` : '',
  }),
  'trust.identity.updated': (d) => ({
    title: `Identity ${words(d.status) ?? 'updated'}: ${text(d.userName) ?? text(d.userId) ?? 'a user'}`,
    body: words(d.provider) ? `provider: ${words(d.provider)}` : '',
  }),
  'trust.verification.created': (d) => ({
    title: `Verification requested: ${text(d.subjectName) ?? 'someone'}`,
    body: join(
      text(d.verifierName) && `by ${text(d.verifierName)}`,
      words(d.method) && `(${words(d.method)})`,
    ),
  }),
  'trust.verification.updated': (d) => ({
    title: `Verification ${words(d.status) ?? 'updated'}: ${text(d.subjectName) ?? 'someone'}`,
    body: text(d.verifierName) ? `by ${text(d.verifierName)}` : '',
  }),
  'trust.reputation.updated': (d) => ({
    title: `Reputation of ${text(d.userName) ?? text(d.userId) ?? 'a user'}: ${text(d.score) ?? '?'}`,
    body: join(
      text(d.previousScore) && `was ${text(d.previousScore)}`,
      text(d.reason) && `· ${text(d.reason)}`,
    ),
  }),
  'analytics.metric.updated': (d) => {
    const meta = (
      typeof d.metadata === 'object' && d.metadata !== null ? d.metadata : {}
    ) as Record<string, unknown>;
    return {
      title: `${text(d.name) ?? 'Metric'}: ${join(text(d.value) ?? '?', text(d.unit))}`,
      body: join(
        text(meta.server) && `on ${text(meta.server)}`,
        text(meta.region) && `(${text(meta.region)})`,
      ),
    };
  },
  'analytics.report.created': (d) => ({
    title: `Report requested: ${text(d.name) ?? text(d.id) ?? 'report'}`,
    body: join(words(d.period), text(d.requestedBy) && `by ${text(d.requestedBy)}`),
  }),
  'analytics.report.completed': (d) => ({
    title: `Report ready: ${text(d.name) ?? text(d.id) ?? 'report'}`,
    body: join(words(d.period), typeof d.rows === 'number' ? `· ${d.rows} rows` : null),
  }),
};

/** Title and body for a notification about `event` (English, plain text, bounded length). */
export function describeForNotification(event: EventMessage): { title: string; body: string } {
  const data = typeof event.data === 'object' && event.data !== null ? event.data : {};
  const name = typeof event.event === 'string' ? event.event : 'event';
  const describe = isEventType(name) ? DESCRIBE[name] : undefined;
  if (!describe)
    return { title: cut(`Katya event: ${text(name) ?? 'unknown'}`, TITLE_MAX), body: '' };
  let out: { title: string; body: string };
  try {
    out = describe(data, isEventType(name) ? severityOf(name, data) : null);
  } catch {
    out = { title: `Katya event: ${name}`, body: '' };
  }
  return { title: cut(out.title, TITLE_MAX), body: cut(out.body.trim(), BODY_MAX) };
}
