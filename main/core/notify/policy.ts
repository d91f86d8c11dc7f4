// The notification policy as pure functions: which events deserve a native notification
// (docs/architecture.md, "Behaviour the design fixes"), whether quiet hours or a snooze hold one back, and what it
// says. The Notifier (notifier.ts) adds what needs memory and time: never twice, bursts,
// the offline notice. `katya tail` uses the same functions.
import { channelOf, isEventType, severityRank } from '../common/protocol';
import type { Channel, EventMessage, EventType } from '../common/protocol';
import { severityOf } from '../severity';
import type { NotificationRules } from '../common/settings-schema';
import type { ShownNotification } from '../common/views';
import { describeForNotification } from './describe';
import { minuteOfDay, nextWallTime } from './local-time';
import { textsFor } from './texts';
import type { NotifyLanguage } from './texts';

export { describeForNotification };
export type { NotificationRules } from '../common/settings-schema';
export type { NotifyLanguage } from './texts';

/** What the notifier asks to show: the window's ShownNotification, plus what it is about. */
export interface NotificationRequest extends ShownNotification {
  kind: 'event' | 'summary' | 'offline';
  channel: Channel | null;
}

const ALERT_EVENTS: ReadonlySet<string> = new Set([
  'security.alert.created',
  'security.alert.updated',
]);

/** What the app does for each event type when the user has not switched it. */
export function notifiesByDefault(event: EventType, data: Record<string, unknown>): boolean {
  switch (event) {
    case 'security.alert.created': // (alerts are then held to the severity threshold)
    case 'security.alert.updated':
    case 'system.maintenance.start':
    case 'system.maintenance.end':
      return true;
    case 'system.status.changed':
      return typeof data.status === 'string' && data.status !== 'operational';
    default:
      return false;
  }
}

/**
 * Does this event deserve a notification under these rules, before time-dependent holds
 * (quiet hours, snooze), bursts and de-duplication?
 * - a muted channel never notifies;
 * - a type switched to "feed" never notifies; switched to "notify" it always does, except that
 *   security alerts always honour the severity threshold (it is the alert setting);
 * - otherwise the defaults of docs/architecture.md apply.
 */
export function wantsNotification(event: EventMessage, rules: NotificationRules): boolean {
  if (!event || !isEventType(event.event)) return false;
  const type = event.event;
  // (a payload that is not an object has no fields: reading one from a string or number is undefined)
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (rules.mutedChannels.includes(channelOf(type))) return false;
  const choice = rules.perEvent[type];
  if (choice === 'feed') return false;
  if (ALERT_EVENTS.has(type)) {
    const sev = severityOf(type, data);
    // Stryker disable next-line ConditionalExpression: for the types only; severityRank(null) is -1, below every threshold
    return sev !== null && severityRank(sev) >= severityRank(rules.threshold);
  }
  if (choice === 'notify') return true;
  return notifiesByDefault(type, data);
}

/** Minutes since local midnight for "HH:MM", or null when malformed. */
function minutesOf(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/**
 * Are we inside the quiet hours at `now`, on the clock of `timeZone` (an IANA name; undefined
 * is this machine's zone)? A window whose end is not after its start crosses midnight
 * ("22:00"-"07:00"); equal start and end means never (a window of no length, not a whole day:
 * a person who wants no notifications at all switches them off or snoozes).
 */
export function inQuietHours(rules: NotificationRules, now: number, timeZone?: string): boolean {
  const q = rules.quietHours;
  if (!q.enabled) return false;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === null || end === null || start === end) return false;
  const t = minuteOfDay(now, timeZone);
  // Stryker disable next-line EqualityOperator: "<=" is the same, start === end has returned above
  return start < end ? t >= start && t < end : t >= start || t < end;
}

export type Hold = 'quiet_hours' | 'snoozed' | null;

/** What holds notifications back at `now`: a snooze wins over quiet hours; null when nothing does. */
export function currentHold(
  rules: NotificationRules,
  now: number,
  snoozedUntil: number | null,
  timeZone?: string,
): Hold {
  // Stryker disable next-line ConditionalExpression: for the types only; now < null is false
  if (snoozedUntil !== null && now < snoozedUntil) return 'snoozed';
  if (inQuietHours(rules, now, timeZone)) return 'quiet_hours';
  return null;
}

/** Critical events break through a snooze and quiet hours when the rules say so (the default). */
export function breaksThrough(event: EventMessage, rules: NotificationRules): boolean {
  if (!rules.criticalBreaksThrough || !isEventType(event.event)) return false;
  return severityOf(event.event, event.data ?? {}) === 'critical';
}

export type Decision =
  | { notify: true; breakthrough: boolean }
  | { notify: false; reason: 'rules' | 'quiet_hours' | 'snoozed' };

/** The whole stateless decision for one event at one moment (quiet hours on `timeZone`'s clock). */
export function decide(
  event: EventMessage,
  rules: NotificationRules,
  now: number,
  snoozedUntil: number | null,
  timeZone?: string,
): Decision {
  if (!wantsNotification(event, rules)) return { notify: false, reason: 'rules' };
  const hold = currentHold(rules, now, snoozedUntil, timeZone);
  if (hold === null) return { notify: true, breakthrough: false };
  if (breaksThrough(event, rules)) return { notify: true, breakthrough: true };
  return { notify: false, reason: hold };
}

/**
 * Epoch ms a snooze choice lasts until. "tomorrow" means the morning: the next time the quiet
 * hours end (07:00 unless changed) on `timeZone`'s clock, at least one hour from now.
 */
export function snoozeUntil(
  choice: '1h' | '4h' | 'tomorrow',
  now: number,
  rules: NotificationRules,
  timeZone?: string,
): number {
  if (choice === '1h') return now + 3_600_000;
  if (choice === '4h') return now + 4 * 3_600_000;
  const end = minutesOf(rules.quietHours.end) ?? 7 * 60;
  return nextWallTime(now + 3_600_000, end, timeZone);
}

/** Plural nouns for the burst summary ("12 more security alerts", "ещё 12 оповещений безопасности"). */
export function summaryNoun(
  channel: Channel,
  count: number,
  onlyAlerts: boolean,
  // Stryker disable next-line StringLiteral: any language but 'ru' reads as English (textsFor)
  language: NotifyLanguage = 'en',
): string {
  return textsFor(language).summaryNoun(channel, count, onlyAlerts);
}

/** The notification for one event. */
export function eventNotification(
  event: EventMessage,
  // Stryker disable next-line StringLiteral: any language but 'ru' reads as English (textsFor)
  language: NotifyLanguage = 'en',
): NotificationRequest {
  const type = isEventType(event.event) ? event.event : null;
  const severity = type ? severityOf(type, event.data ?? {}) : null;
  const { title, body } = describeForNotification(event, language);
  return {
    id: `event:${event.id}`,
    kind: 'event',
    title,
    body,
    eventId: event.id,
    severity,
    urgent: severity === 'critical',
    silent: false,
    channel: type ? channelOf(type) : null,
  };
}
