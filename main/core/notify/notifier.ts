// The notification scheduler: applies the pure policy (policy.ts) to events as they arrive and
// adds what needs memory and time. Never twice for one event id; at most `burstLimit` per
// channel per `burstWindowMs`, the rest folded into one summary when the window closes; a
// snooze that ends by itself; one quiet notice after `offlineAfterMs` without a connection,
// withdrawn when it returns. Time comes from the injected Clock only.
import type { Clock, TimerHandle } from '../clock';
import type { ConnectionState } from '../connection/types';
import { channelOf, isEventType, severityRank } from '../common/protocol';
import type { Channel, EventMessage, Severity } from '../common/protocol';
import { severityOf } from '../severity';
import type { NotificationRules } from '../common/settings-schema';
import type { SnoozeChoice } from '../common/views';
import { decide, eventNotification, snoozeUntil } from './policy';
import { checkTimeZone, hhmm } from './local-time';
import type { NotificationRequest } from './policy';
import { memorySeenStore } from './seen-store';
import type { SeenStore } from './seen-store';
import { textsFor } from './texts';
import type { NotifyLanguage } from './texts';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';

export { fileSeenStore, memorySeenStore } from './seen-store';
export type { FileSeenStore, SeenStore } from './seen-store';

export const OFFLINE_NOTIFICATION_ID = 'offline';

export interface NotifierOptions {
  clock: Clock;
  rules: NotificationRules;
  show(n: NotificationRequest): void;
  withdraw(id: string): void;
  /** notified ids; give fileSeenStore() so "never twice" survives restarts */
  seen?: SeenStore;
  /** default 120_000 */
  offlineAfterMs?: number;
  /** default 3 */
  burstLimit?: number;
  /** default 10_000 */
  burstWindowMs?: number;
  /** a snooze to restore (epoch ms), for example saved at the last quit */
  snoozedUntil?: number | null;
  /** told when a snooze starts, is turned off, or runs out (for the tray icon) */
  onSnoozeChange?(until: number | null): void;
  /** problems only: ids that could not be saved (warn), a failed show or withdraw (error) */
  log?: ScopedLog;
  /** the language of our own words, asked each time a notification is built; default 'en' */
  language?: () => NotifyLanguage;
  /**
   * the zone whose clock quiet hours, "snooze until tomorrow" and the offline notice's time
   * are read on (an IANA name such as 'Europe/Moscow'); default this machine's zone. An
   * unknown name is a RangeError here, at construction.
   */
  timeZone?: string;
}

interface BurstWindow {
  shown: number;
  folded: number;
  foldedAlertsOnly: boolean;
  bySeverity: Map<Severity, number>;
  timer: TimerHandle;
}

export class Notifier {
  readonly #clock: Clock;
  readonly #show: (n: NotificationRequest) => void;
  readonly #withdraw: (id: string) => void;
  readonly #seen: SeenStore;
  readonly #offlineAfterMs: number;
  readonly #burstLimit: number;
  readonly #burstWindowMs: number;
  readonly #onSnoozeChange: (until: number | null) => void;
  readonly #log: ScopedLog;
  readonly #language: () => NotifyLanguage;
  readonly #timeZone: string | undefined;
  #rules: NotificationRules;
  #snoozedUntil: number | null = null;
  #snoozeTimer: TimerHandle | undefined;
  readonly #windows = new Map<Channel, BurstWindow>();
  #offlineSince: number | null = null;
  #offlineTimer: TimerHandle | undefined;
  #offlineShown = false;
  #summaries = 0;
  #disposed = false;

  constructor(opts: NotifierOptions) {
    this.#clock = opts.clock;
    this.#rules = opts.rules;
    this.#show = opts.show;
    this.#withdraw = opts.withdraw;
    this.#seen = opts.seen ?? memorySeenStore();
    this.#offlineAfterMs = opts.offlineAfterMs ?? 120_000;
    this.#burstLimit = Math.max(1, opts.burstLimit ?? 3);
    this.#burstWindowMs = opts.burstWindowMs ?? 10_000;
    this.#onSnoozeChange = opts.onSnoozeChange ?? (() => {});
    this.#log = opts.log ?? SILENT_LOG;
    // Stryker disable next-line ArrowFunction,StringLiteral: any answer but 'ru' reads as English (#lang)
    this.#language = opts.language ?? (() => 'en');
    // A zone given by name is checked now; this machine's own is always valid, and building
    // its formatter (~10 ms of ICU at the first use) waits for quiet hours or the offline
    // notice to need it, rather than delay the start.
    // Stryker disable next-line ConditionalExpression: checking this machine's zone too only costs time
    if (opts.timeZone !== undefined) checkTimeZone(opts.timeZone);
    this.#timeZone = opts.timeZone;
    const restored = opts.snoozedUntil ?? null;
    // Stryker disable next-line ConditionalExpression: for the types only; Number.isFinite(null) is false
    if (restored !== null && Number.isFinite(restored) && restored > this.#clock.now()) {
      this.#setSnooze(restored, false);
    }
  }

  /** Events after the connection's de-duplication, in arrival order. */
  offer(events: readonly EventMessage[]): void {
    if (this.#disposed || !Array.isArray(events)) return;
    const now = this.#clock.now();
    const snoozed = this.snoozedUntil();
    const decided: string[] = [];
    const inBatch = new Set<string>();
    for (const event of events) {
      // (an event name that is not a string is refused by the rules, in decide())
      if (!event || typeof event.id !== 'string') continue;
      if (inBatch.has(event.id)) continue;
      // The rules first: most events only go to the feed and need no look-up in the seen ids.
      const d = decide(event, this.#rules, now, snoozed, this.#timeZone);
      if (!d.notify && d.reason === 'rules') continue;
      if (this.#seenHas(event.id)) continue;
      // Held back by quiet hours or a snooze counts as decided: it must not pop up later.
      inBatch.add(event.id);
      decided.push(event.id);
      if (d.notify) this.#admit(event);
    }
    if (decided.length) {
      try {
        this.#seen.add(decided);
      } catch (err) {
        this.#log.warn(`cannot record notified ids: ${(err as Error).message}`);
      }
    }
  }

  /** Feed connection states: a long disconnection raises one quiet notice, cleared on 'open'. */
  connection(state: ConnectionState): void {
    if (this.#disposed || !state) return;
    if (state.state === 'connecting' || state.state === 'reconnecting') {
      if (this.#offlineSince !== null) return;
      const since = Number.isFinite(state.since) ? state.since : this.#clock.now();
      this.#offlineSince = since;
      const wait = Math.max(0, since + this.#offlineAfterMs - this.#clock.now());
      this.#offlineTimer = this.#clock.setTimeout(() => this.#offlineDue(), wait);
      return;
    }
    // open: back online. auth_failed / closed: not a network outage; the window and the tray
    // say "sign-in needed" or "paused", so a notice about being offline would be wrong.
    this.#clock.clearTimeout(this.#offlineTimer);
    this.#offlineTimer = undefined;
    this.#offlineSince = null;
    if (this.#offlineShown) {
      this.#offlineShown = false;
      this.#safe(() => this.#withdraw(OFFLINE_NOTIFICATION_ID), 'withdraw');
    }
  }

  setRules(rules: NotificationRules): void {
    this.#rules = rules;
  }

  /** Start or end a snooze; returns the end (epoch ms) or null for 'off'. */
  snooze(choice: SnoozeChoice): number | null {
    if (this.#disposed) return null;
    if (choice === 'off') {
      this.#clearSnooze();
      return null;
    }
    if (choice !== '1h' && choice !== '4h' && choice !== 'tomorrow') return this.snoozedUntil();
    const until = snoozeUntil(choice, this.#clock.now(), this.#rules, this.#timeZone);
    this.#setSnooze(until, true);
    return until;
  }

  snoozedUntil(): number | null {
    // Stryker disable next-line ConditionalExpression: with no snooze the answer is null either way
    if (this.#snoozedUntil !== null && this.#clock.now() >= this.#snoozedUntil) return null;
    return this.#snoozedUntil;
  }

  /** Stop all timers and write the notified ids still waiting for the disk (synchronously). */
  dispose(): void {
    if (!this.#disposed) {
      try {
        this.#seen.flush?.();
      } catch (err) {
        this.#log.warn(`cannot save notified ids: ${(err as Error).message}`);
      }
    }
    this.#disposed = true;
    this.#clock.clearTimeout(this.#snoozeTimer);
    this.#clock.clearTimeout(this.#offlineTimer);
    for (const w of this.#windows.values()) this.#clock.clearTimeout(w.timer);
    this.#windows.clear();
  }

  // ---- inside -----------------------------------------------------------------------------

  #seenHas(id: string): boolean {
    let seen = false;
    try {
      seen = this.#seen.has(id);
    } catch {
      // a store that cannot be read: the id counts as new (better twice than never)
    }
    return seen;
  }

  /** Show now, or fold into the channel's summary when the burst limit is reached. */
  #admit(event: EventMessage) {
    // Stryker disable next-line ConditionalExpression: decide() has refused unknown types already; this narrows the type
    if (!isEventType(event.event)) return;
    const channel = channelOf(event.event);
    let w = this.#windows.get(channel);
    if (!w) {
      w = {
        shown: 0,
        folded: 0,
        foldedAlertsOnly: true,
        bySeverity: new Map(),
        timer: this.#clock.setTimeout(() => this.#closeWindow(channel), this.#burstWindowMs),
      };
      this.#windows.set(channel, w);
    }
    if (w.shown < this.#burstLimit) {
      w.shown++;
      const n = eventNotification(event, this.#lang());
      this.#safe(() => this.#show(n), 'show');
      return;
    }
    w.folded++;
    if (!event.event.startsWith('security.alert.')) w.foldedAlertsOnly = false;
    const sev = severityOf(event.event, event.data ?? {});
    if (sev) w.bySeverity.set(sev, (w.bySeverity.get(sev) ?? 0) + 1);
  }

  #closeWindow(channel: Channel) {
    const w = this.#windows.get(channel);
    this.#windows.delete(channel);
    if (!w || w.folded === 0 || this.#disposed) return;
    const severities = [...w.bySeverity.entries()].sort(
      (a, b) => severityRank(b[0]) - severityRank(a[0]),
    );
    const top = severities[0]?.[0] ?? null;
    const t = textsFor(this.#lang());
    const summary: NotificationRequest = {
      id: `summary:${channel}:${++this.#summaries}`,
      kind: 'summary',
      title: t.summaryTitle(channel, w.folded, w.foldedAlertsOnly),
      body: t.summaryBody(severities),
      eventId: null,
      severity: top,
      urgent: top === 'critical',
      silent: false,
      channel,
    };
    this.#safe(() => this.#show(summary), 'show');
  }

  #offlineDue() {
    this.#offlineTimer = undefined;
    // The timer runs only while offline and not yet shown: 'open', dispose and the like clear it.
    // Stryker disable next-line ConditionalExpression: for the types only
    if (this.#offlineSince === null) return;
    this.#offlineShown = true;
    const since = hhmm(this.#offlineSince, this.#timeZone);
    this.#safe(() => {
      const t = textsFor(this.#lang());
      this.#show({
        id: OFFLINE_NOTIFICATION_ID,
        kind: 'offline',
        title: t.offlineTitle,
        body: t.offlineBody(since),
        eventId: null,
        severity: null,
        urgent: false,
        // Quiet on purpose: it informs, it does not alarm; it is not held by a snooze either,
        // so the app can never break silently.
        silent: true,
        channel: null,
      });
    }, 'show');
  }

  #setSnooze(until: number, tell: boolean) {
    this.#clock.clearTimeout(this.#snoozeTimer);
    this.#snoozedUntil = until;
    this.#snoozeTimer = this.#clock.setTimeout(
      () => {
        // a newer snooze has cleared this timer: the one that fires is the current one
        this.#snoozeTimer = undefined;
        this.#clearSnooze();
      },
      Math.max(0, until - this.#clock.now()),
    );
    if (tell) this.#safe(() => this.#onSnoozeChange(until), 'onSnoozeChange');
  }

  #clearSnooze() {
    this.#clock.clearTimeout(this.#snoozeTimer);
    this.#snoozeTimer = undefined;
    const had = this.#snoozedUntil !== null;
    this.#snoozedUntil = null;
    if (had) this.#safe(() => this.#onSnoozeChange(null), 'onSnoozeChange');
  }

  /** The language now; a broken or odd answer falls back to English rather than losing a notice. */
  #lang(): NotifyLanguage {
    let answer: unknown;
    try {
      answer = this.#language();
    } catch {
      // a broken source: English
    }
    if (answer === 'ru') return 'ru';
    // Stryker disable next-line StringLiteral: any language but 'ru' reads as English (textsFor)
    return 'en';
  }

  #safe(fn: () => void, what: string) {
    try {
      fn();
    } catch (err) {
      this.#log.error(`${what} failed: ${(err as Error)?.message ?? err}`);
    }
  }
}
