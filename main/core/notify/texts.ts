// Our own words in native notifications, in English and Russian. Server data (titles, names,
// statuses) is passed in already cleaned and is never translated. Both languages are typed by one
// interface, so a phrase missing in Russian is a compile error.
import type { Channel, Severity } from '../common/protocol';

export type NotifyLanguage = 'en' | 'ru';

export interface NotifyTexts {
  /** capitalised severity word, as in the window ("High" / "Высокая") */
  severity(s: Severity): string;
  untitled: string;
  unknownTarget: string;
  maintenance: string;
  aRoom: string;
  Someone: string;
  someone: string;
  aUser: string;
  unnamed: string;
  report: string;
  metric: string;
  unknown: string;
  newMessage: string;
  by(who: string): string;
  andMore(n: number): string;
  alertFrom(source: string | null, category: string | null): string | null;
  alertCreated(sev: Severity | null, subject: string): string;
  alertUpdated(sev: Severity | null, status: string | null, subject: string): string;
  scanStarted(target: string): string;
  scanKind(scanType: string | null): string;
  scanCompleted(target: string): string;
  findings(n: number): string;
  highestSeverity(s: Severity): string;
  systemStatus(status: string, component: string | null): string;
  was(previous: string): string;
  maintenanceStarted(subject: string): string;
  affects(components: string): string;
  expectedEnd(hhmm: string): string;
  maintenanceEnded(subject: string): string;
  outcome(outcome: string): string;
  messageIn(sender: string, room: string): string;
  sentA(kind: string): string;
  messageEdited(room: string): string;
  messageDeleted(room: string): string;
  roomCreated(name: string): string;
  roomKind(visibility: string | null): string;
  roomUpdated(name: string): string;
  changed(what: string): string;
  joined(user: string, room: string): string;
  asRole(role: string): string;
  left(user: string, room: string, reason: string | null): string;
  identityCreated(user: string): string;
  identityUpdated(status: string | null, user: string): string;
  provider(p: string): string;
  verificationRequested(subject: string): string;
  verificationUpdated(status: string | null, subject: string): string;
  reputation(user: string, score: string): string;
  on(server: string): string;
  reportRequested(name: string): string;
  reportReady(name: string): string;
  rows(n: number): string;
  otherEvent(name: string): string;
  /** burst summary: "12 more security alerts" */
  summaryTitle(channel: Channel, count: number, onlyAlerts: boolean): string;
  summaryNoun(channel: Channel, count: number, onlyAlerts: boolean): string;
  summaryBody(counts: readonly (readonly [Severity, number])[]): string;
  offlineTitle: string;
  offlineBody(hhmm: string): string;
}

const EN_SEVERITY: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

const EN_NOUNS: Record<Channel, [string, string]> = {
  messages: ['message', 'messages'],
  rooms: ['room event', 'room events'],
  trust: ['trust event', 'trust events'],
  analytics: ['analytics event', 'analytics events'],
  security: ['security event', 'security events'],
  system: ['system event', 'system events'],
};

function enNoun(channel: Channel, count: number, onlyAlerts: boolean): string {
  const one = count === 1;
  if (channel === 'security' && onlyAlerts) return one ? 'security alert' : 'security alerts';
  return EN_NOUNS[channel][one ? 0 : 1];
}

const enAlert = (sev: Severity | null) =>
  sev ? `${EN_SEVERITY[sev]} security alert` : 'Security alert';

export const EN: NotifyTexts = {
  severity: (s) => EN_SEVERITY[s],
  untitled: 'untitled',
  unknownTarget: 'unknown target',
  maintenance: 'maintenance',
  aRoom: 'a room',
  Someone: 'Someone',
  someone: 'someone',
  aUser: 'a user',
  unnamed: 'unnamed',
  report: 'report',
  metric: 'Metric',
  unknown: 'unknown',
  newMessage: 'new message',
  by: (who) => `by ${who}`,
  andMore: (n) => `and ${n} more`,
  alertFrom: (source, category) =>
    source && category
      ? `from ${source} (${category})`
      : source
        ? `from ${source}`
        : category
          ? `(${category})`
          : null,
  alertCreated: (sev, subject) => `${enAlert(sev)}: ${subject}`,
  alertUpdated: (sev, status, subject) => `${enAlert(sev)} ${status ?? 'updated'}: ${subject}`,
  scanStarted: (target) => `Security scan started: ${target}`,
  scanKind: (scanType) => (scanType ? `${scanType} scan` : 'scan'),
  scanCompleted: (target) => `Security scan completed: ${target}`,
  findings: (n) => (n === 1 ? '1 finding' : `${n} findings`),
  highestSeverity: (s) => `highest severity ${s}`,
  systemStatus: (status, component) =>
    `System status: ${status}${component ? ` (${component})` : ''}`,
  was: (previous) => `was ${previous}`,
  maintenanceStarted: (subject) => `Maintenance started: ${subject}`,
  affects: (components) => `affects ${components}`,
  expectedEnd: (hhmm) => `expected to end at ${hhmm}`,
  maintenanceEnded: (subject) => `Maintenance ended: ${subject}`,
  outcome: (outcome) => `outcome: ${outcome}`,
  messageIn: (sender, room) => `${sender} in ${room}`,
  sentA: (kind) => `sent a ${kind}`,
  messageEdited: (room) => `Message edited in ${room}`,
  messageDeleted: (room) => `Message deleted in ${room}`,
  roomCreated: (name) => `Room created: ${name}`,
  roomKind: (visibility) => (visibility ? `${visibility} room` : 'room'),
  roomUpdated: (name) => `Room updated: ${name}`,
  changed: (what) => `changed ${what}`,
  joined: (user, room) => `${user} joined ${room}`,
  asRole: (role) => `as ${role}`,
  left: (user, room, reason) => {
    const verb =
      reason === 'kicked' ? 'was kicked from' : reason === 'banned' ? 'was banned from' : 'left';
    return `${user} ${verb} ${room}`;
  },
  identityCreated: (user) => `New identity for ${user}`,
  identityUpdated: (status, user) => `Identity ${status ?? 'updated'}: ${user}`,
  provider: (p) => `provider: ${p}`,
  verificationRequested: (subject) => `Verification requested: ${subject}`,
  verificationUpdated: (status, subject) => `Verification ${status ?? 'updated'}: ${subject}`,
  reputation: (user, score) => `Reputation of ${user}: ${score}`,
  on: (server) => `on ${server}`,
  reportRequested: (name) => `Report requested: ${name}`,
  reportReady: (name) => `Report ready: ${name}`,
  rows: (n) => `${n} rows`,
  otherEvent: (name) => `Katya event: ${name}`,
  summaryNoun: enNoun,
  summaryTitle: (channel, count, onlyAlerts) =>
    `${count} more ${enNoun(channel, count, onlyAlerts)}`,
  summaryBody: (counts) =>
    counts.length
      ? `including ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}; open Katya to see them`
      : 'open Katya to see them',
  offlineTitle: 'Katya is offline',
  offlineBody: (hhmm) => `No connection to the server since ${hhmm}. Retrying in the background.`,
};

// Same words as the window's renderer/i18n/ru.ts 'severity.*'.
const RU_SEVERITY: Record<Severity, string> = {
  low: 'Низкая',
  medium: 'Средняя',
  high: 'Высокая',
  critical: 'Критическая',
};

const ruPlurals = new Intl.PluralRules('ru');

/** The Russian form for a count: [1, 21 …], [2-4, 22-24 …], [5-20, 11-14 …]. */
export function ruPlural(n: number, forms: readonly [string, string, string]): string {
  const rule = ruPlurals.select(n);
  return rule === 'one' ? forms[0] : rule === 'few' ? forms[1] : forms[2];
}

const RU_NOUNS: Record<Channel, [string, string, string]> = {
  messages: ['сообщение', 'сообщения', 'сообщений'],
  rooms: ['событие комнат', 'события комнат', 'событий комнат'],
  trust: ['событие доверия', 'события доверия', 'событий доверия'],
  analytics: ['событие аналитики', 'события аналитики', 'событий аналитики'],
  security: ['событие безопасности', 'события безопасности', 'событий безопасности'],
  system: ['системное событие', 'системных события', 'системных событий'],
};

function ruNoun(channel: Channel, count: number, onlyAlerts: boolean): string {
  if (channel === 'security' && onlyAlerts)
    return ruPlural(count, [
      'оповещение безопасности',
      'оповещения безопасности',
      'оповещений безопасности',
    ]);
  return ruPlural(count, RU_NOUNS[channel]);
}

const ruAlert = (sev: Severity | null) =>
  sev
    ? `Оповещение безопасности (${RU_SEVERITY[sev].toLowerCase()} важность)`
    : 'Оповещение безопасности';

export const RU: NotifyTexts = {
  severity: (s) => RU_SEVERITY[s],
  untitled: 'без названия',
  unknownTarget: 'неизвестная цель',
  maintenance: 'обслуживание',
  aRoom: 'комнате',
  Someone: 'Кто-то',
  someone: 'кто-то',
  aUser: 'пользователь',
  unnamed: 'без названия',
  report: 'отчёт',
  metric: 'Метрика',
  unknown: 'неизвестно',
  newMessage: 'новое сообщение',
  by: (who) => `автор: ${who}`,
  andMore: (n) => `и ещё ${n}`,
  alertFrom: (source, category) =>
    source && category
      ? `источник: ${source} (${category})`
      : source
        ? `источник: ${source}`
        : category
          ? `(${category})`
          : null,
  alertCreated: (sev, subject) => `${ruAlert(sev)}: ${subject}`,
  alertUpdated: (sev, status, subject) =>
    `${ruAlert(sev)}${status ? `, статус ${status}` : ' обновлено'}: ${subject}`,
  scanStarted: (target) => `Начата проверка безопасности: ${target}`,
  scanKind: (scanType) => (scanType ? `проверка ${scanType}` : 'проверка'),
  scanCompleted: (target) => `Проверка безопасности завершена: ${target}`,
  findings: (n) => `${n} ${ruPlural(n, ['находка', 'находки', 'находок'])}`,
  highestSeverity: (s) => `наивысшая важность: ${RU_SEVERITY[s].toLowerCase()}`,
  systemStatus: (status, component) =>
    `Состояние системы: ${status}${component ? ` (${component})` : ''}`,
  was: (previous) => `было: ${previous}`,
  maintenanceStarted: (subject) => `Начато обслуживание: ${subject}`,
  affects: (components) => `затрагивает: ${components}`,
  expectedEnd: (hhmm) => `ожидаемое окончание в ${hhmm}`,
  maintenanceEnded: (subject) => `Обслуживание завершено: ${subject}`,
  outcome: (outcome) => `итог: ${outcome}`,
  messageIn: (sender, room) => `${sender} в ${room}`,
  sentA: (kind) => `отправлено: ${kind}`,
  messageEdited: (room) => `Сообщение изменено в ${room}`,
  messageDeleted: (room) => `Сообщение удалено в ${room}`,
  roomCreated: (name) => `Создана комната: ${name}`,
  roomKind: (visibility) => (visibility ? `комната (${visibility})` : 'комната'),
  roomUpdated: (name) => `Комната изменена: ${name}`,
  changed: (what) => `изменено: ${what}`,
  joined: (user, room) => `${user} присоединяется к ${room}`,
  asRole: (role) => `роль: ${role}`,
  left: (user, room, reason) =>
    reason === 'kicked'
      ? `${user}: исключение из ${room}`
      : reason === 'banned'
        ? `${user}: блокировка в ${room}`
        : `${user} покидает ${room}`,
  identityCreated: (user) => `Новая учётная запись: ${user}`,
  identityUpdated: (status, user) =>
    `Учётная запись ${status ? `(${status})` : 'обновлена'}: ${user}`,
  provider: (p) => `провайдер: ${p}`,
  verificationRequested: (subject) => `Запрошена проверка личности: ${subject}`,
  verificationUpdated: (status, subject) =>
    `Проверка личности ${status ? `(${status})` : 'обновлена'}: ${subject}`,
  reputation: (user, score) => `Репутация ${user}: ${score}`,
  on: (server) => `на ${server}`,
  reportRequested: (name) => `Запрошен отчёт: ${name}`,
  reportReady: (name) => `Отчёт готов: ${name}`,
  rows: (n) => `${n} ${ruPlural(n, ['строка', 'строки', 'строк'])}`,
  otherEvent: (name) => `Событие Katya: ${name}`,
  summaryNoun: ruNoun,
  summaryTitle: (channel, count, onlyAlerts) =>
    `Ещё ${count} ${ruNoun(channel, count, onlyAlerts)}`,
  summaryBody: (counts) =>
    counts.length
      ? `в том числе: ${counts.map(([s, n]) => `${RU_SEVERITY[s].toLowerCase()} — ${n}`).join(', ')}; откройте Katya, чтобы посмотреть`
      : 'откройте Katya, чтобы посмотреть',
  offlineTitle: 'Katya не в сети',
  offlineBody: (hhmm) => `Нет соединения с сервером с ${hhmm}. Переподключение идёт в фоне.`,
};

const TEXTS: Record<NotifyLanguage, NotifyTexts> = { en: EN, ru: RU };

/** The phrases for a language; anything unexpected falls back to English. */
export function textsFor(language: unknown): NotifyTexts {
  return language === 'ru' ? TEXTS.ru : TEXTS.en;
}
