// Our own words in native notifications, in English and Russian, read from the one message
// catalogue (main/core/common/messages-*.ts, keys notify.* and severity.*) that the window and the
// tray use too. Server data (titles, names, statuses) is passed in already cleaned and is never
// translated. NotifyTexts says which phrases a notification can use; the choices between them
// (with or without a status, kicked or banned) are made here, the words are in the catalogue.
import type { Channel, Severity } from '../common/protocol';
import { createTranslator } from '../common/messages';
import type { Language, MessageKey } from '../common/messages';

export type NotifyLanguage = Language;

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

function textsIn(language: NotifyLanguage): NotifyTexts {
  // Plain digits, as notifications have always shown them.
  const t = createTranslator(language);
  /** the window's word: "High" / "Высокая" */
  const severityWord = (s: Severity) => t(`severity.${s}`);
  /** the same inside a sentence: "high" / "высокая" */
  const severityLower = (s: Severity) => severityWord(s).toLocaleLowerCase(language);
  const alert = (sev: Severity | null) =>
    sev
      ? t('notify.alertOfSeverity', { Severity: severityWord(sev), severity: severityLower(sev) })
      : t('notify.alert');
  const summaryNoun = (channel: Channel, count: number, onlyAlerts: boolean) => {
    const key: MessageKey =
      channel === 'security' && onlyAlerts
        ? 'notify.noun.securityAlerts'
        : `notify.noun.${channel}`;
    return t(key, { count });
  };
  return {
    severity: severityWord,
    untitled: t('notify.untitled'),
    unknownTarget: t('notify.unknownTarget'),
    maintenance: t('notify.maintenance'),
    aRoom: t('notify.aRoom'),
    Someone: t('notify.Someone'),
    someone: t('notify.someone'),
    aUser: t('notify.aUser'),
    unnamed: t('notify.unnamed'),
    report: t('notify.report'),
    metric: t('notify.metric'),
    unknown: t('notify.unknown'),
    newMessage: t('notify.newMessage'),
    by: (who) => t('notify.by', { who }),
    andMore: (count) => t('notify.andMore', { count }),
    alertFrom: (source, category) =>
      source && category
        ? t('notify.alertFrom', { source, category })
        : source
          ? t('notify.alertFromSource', { source })
          : category
            ? t('notify.alertCategory', { category })
            : null,
    alertCreated: (sev, subject) => t('notify.alertCreated', { alert: alert(sev), subject }),
    alertUpdated: (sev, status, subject) =>
      status
        ? t('notify.alertUpdated', { alert: alert(sev), status, subject })
        : t('notify.alertUpdatedNoStatus', { alert: alert(sev), subject }),
    scanStarted: (target) => t('notify.scanStarted', { target }),
    scanKind: (scanType) => (scanType ? t('notify.scanOfType', { scanType }) : t('notify.scan')),
    scanCompleted: (target) => t('notify.scanCompleted', { target }),
    findings: (count) => t('notify.findings', { count }),
    highestSeverity: (s) => t('notify.highestSeverity', { severity: severityLower(s) }),
    systemStatus: (status, component) =>
      component
        ? t('notify.systemStatusOf', { status, component })
        : t('notify.systemStatus', { status }),
    was: (previous) => t('notify.was', { previous }),
    maintenanceStarted: (subject) => t('notify.maintenanceStarted', { subject }),
    affects: (components) => t('notify.affects', { components }),
    expectedEnd: (time) => t('notify.expectedEnd', { time }),
    maintenanceEnded: (subject) => t('notify.maintenanceEnded', { subject }),
    outcome: (outcome) => t('notify.outcome', { outcome }),
    messageIn: (sender, room) => t('notify.messageIn', { sender, room }),
    sentA: (kind) => t('notify.sentA', { kind }),
    messageEdited: (room) => t('notify.messageEdited', { room }),
    messageDeleted: (room) => t('notify.messageDeleted', { room }),
    roomCreated: (name) => t('notify.roomCreated', { name }),
    roomKind: (visibility) =>
      visibility ? t('notify.roomOfVisibility', { visibility }) : t('notify.room'),
    roomUpdated: (name) => t('notify.roomUpdated', { name }),
    changed: (what) => t('notify.changed', { what }),
    joined: (user, room) => t('notify.joined', { user, room }),
    asRole: (role) => t('notify.asRole', { role }),
    left: (user, room, reason) =>
      t(
        reason === 'kicked'
          ? 'notify.kicked'
          : reason === 'banned'
            ? 'notify.banned'
            : 'notify.left',
        {
          user,
          room,
        },
      ),
    identityCreated: (user) => t('notify.identityCreated', { user }),
    identityUpdated: (status, user) =>
      status
        ? t('notify.identityUpdated', { status, user })
        : t('notify.identityUpdatedNoStatus', { user }),
    provider: (provider) => t('notify.provider', { provider }),
    verificationRequested: (subject) => t('notify.verificationRequested', { subject }),
    verificationUpdated: (status, subject) =>
      status
        ? t('notify.verificationUpdated', { status, subject })
        : t('notify.verificationUpdatedNoStatus', { subject }),
    reputation: (user, score) => t('notify.reputation', { user, score }),
    on: (server) => t('notify.on', { server }),
    reportRequested: (name) => t('notify.reportRequested', { name }),
    reportReady: (name) => t('notify.reportReady', { name }),
    rows: (count) => t('notify.rows', { count }),
    otherEvent: (name) => t('notify.otherEvent', { name }),
    summaryNoun,
    summaryTitle: (channel, count, onlyAlerts) =>
      t('notify.summaryTitle', { count, noun: summaryNoun(channel, count, onlyAlerts) }),
    summaryBody: (counts) =>
      counts.length
        ? t('notify.summaryBody', {
            counts: counts
              .map(([s, count]) => t('notify.severityCount', { count, severity: severityLower(s) }))
              .join(', '),
          })
        : t('notify.summaryBodyPlain'),
    offlineTitle: t('notify.offlineTitle'),
    offlineBody: (time) => t('notify.offlineBody', { time }),
  };
}

export const EN: NotifyTexts = textsIn('en');
export const RU: NotifyTexts = textsIn('ru');

const TEXTS: Record<NotifyLanguage, NotifyTexts> = { en: EN, ru: RU };

/** The phrases for a language; anything unexpected falls back to English. */
export function textsFor(language: unknown): NotifyTexts {
  return language === 'ru' ? TEXTS.ru : TEXTS.en;
}
