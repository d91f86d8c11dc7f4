// Everything the app keeps for one server: its connection (ServerLink), its token (a vault
// bound to its origin), its history and its notifier, each in the server's own folder of the
// profile. Two servers share nothing here, so the same event id on both is two events, a burst
// on one folds only that one, and a token never meets the other server.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Clock, TimerHandle } from '../core/clock';
import type { ConnectionOptions } from '../core/connection/types';
import type { EventMessage } from '../core/common/protocol';
import type { ServerSettings, Settings } from '../core/common/settings-schema';
import type { ConnectionView, FeedGap, HistoryEvent } from '../core/common/views';
import type { SubscriptionStatus } from '../core/common/connection-types';
import { networkFor, rulesFor } from '../core/common/servers';
import { EventHistory } from '../core/history/history';
import { feedKey, toFeedEntry } from '../core/history/merged-feed';
import type { Logger } from '../core/log/logger';
import type { ScopedLog } from '../core/log/scoped';
import { Notifier, fileSeenStore } from '../core/notify/notifier';
import type { NotificationRequest } from '../core/notify/policy';
import type { NotifyLanguage } from '../core/notify/texts';
import { fileSnoozeStore } from '../core/notify/snooze-store';
import type { SnoozeStore } from '../core/notify/snooze-store';
import { LEGACY_SERVER_ID } from '../core/settings/migrations';
import { TokenVault } from '../core/vault/token-vault';
import type { Encryptor } from '../core/vault/token-vault';
import { appNetwork } from './network';
import { MetricsTracker } from '../core/metrics';
import type { SystemProxy } from './network';
import type { ProxyCredentials } from '../core/common/network';
import { ServerLink } from './server-link';
import type { DemoServer } from './server-link';

/** The slot of the built-in demo server, followed while no server is configured. */
export const DEMO_SLOT = 'demo';

/**
 * Where a server's files live. The demo and the server that version 2 settings migrated
 * (LEGACY_SERVER_ID) use the profile's own folder, where version 2 kept the one server's token,
 * history and notified ids; every other server has servers/<id>/.
 */
export function slotDir(dataDir: string, id: string): string {
  return id === DEMO_SLOT || id === LEGACY_SERVER_ID ? dataDir : path.join(dataDir, 'servers', id);
}

export interface SlotEvents {
  events(slot: ServerSlot, batch: EventMessage[], frames: readonly string[]): void;
  gap(slot: ServerSlot, gap: FeedGap): void;
  view(slot: ServerSlot, view: ConnectionView): void;
  subscriptions(slot: ServerSlot, subs: SubscriptionStatus[]): void;
  /**
   * The history has read its file; `held` are the events that came before, stored only now
   * (the feed has not had them yet).
   */
  historyLoaded(slot: ServerSlot, held: HistoryEvent[]): void;
  notify(slot: ServerSlot, n: NotificationRequest): void;
  withdraw(slot: ServerSlot, id: string): void;
  /** this server's own snooze started, ended or ran out */
  snoozeChange(slot: ServerSlot, until: number | null): void;
}

export interface SlotDeps {
  /** a server id from the settings, or DEMO_SLOT */
  id: string;
  dataDir: string;
  clock: Clock;
  log: Logger;
  encryptor: Encryptor;
  settings: () => Settings;
  startDemo: (() => Promise<DemoServer>) | null;
  systemProxy: SystemProxy | null;
  proxyCredentials: () => ProxyCredentials | null;
  language: () => NotifyLanguage;
  /** the snooze of every server, at start */
  snoozedUntil: number | null;
  gapSettleMs?: number;
  /** default HISTORY_READ_DEADLINE_MS */
  historyReadDeadlineMs?: number;
  connection?: Partial<
    Pick<ConnectionOptions, 'livenessTimeoutMs' | 'backoff' | 'batch' | 'random'>
  >;
  on: SlotEvents;
}

/**
 * The slot's log: the demo's lines read as they always have; a server's carry its id, so the
 * lines of several servers can be told apart (the id, not the name: names change).
 */
function slotLog(deps: SlotDeps): ScopedLog & { child(scope: string): ScopedLog } {
  if (deps.id === DEMO_SLOT) return deps.log;
  const prefix = `server ${deps.id}`;
  const own = deps.log.child(prefix);
  return { ...own, child: (scope) => deps.log.child(`${prefix} ${scope}`) };
}

/**
 * How long a slot waits at most before reading its history. The read waits for the connection
 * (its subscriptions settled) so that it does not delay it; a server that cannot be reached
 * must not keep the feed empty, nor a window that asks for it (see historyReady).
 */
export const HISTORY_READ_DEADLINE_MS = 1000;

export class ServerSlot {
  readonly id: string;
  readonly dir: string;
  readonly link: ServerLink;
  readonly vault: TokenVault;
  readonly notifier: Notifier;
  readonly network: ReturnType<typeof appNetwork>;
  /** this server's analytics metrics */
  readonly metrics = new MetricsTracker();
  readonly history: EventHistory;
  readonly #deps: SlotDeps;
  /** this server's own snooze ("Snooze Staging for 1 hour"), beside the app's snooze.json */
  readonly #snoozes: SnoozeStore;
  #readDeadline: TimerHandle | undefined;
  #historyRead: Promise<void> | null = null;
  #closed = false;

  /** Opens nothing slow: the history's file is read later (historyReady). */
  constructor(deps: SlotDeps) {
    this.#deps = deps;
    this.id = deps.id;
    this.dir = slotDir(deps.dataDir, deps.id);
    const log = slotLog(deps);
    const settings = deps.settings;
    const s = settings();
    this.history = EventHistory.unloaded({
      dir: path.join(this.dir, 'history'),
      clock: deps.clock,
      maxEvents: s.history.maxEvents,
      maxAgeDays: s.history.maxAgeDays,
      log: log.child('history'),
      // Whatever started the read (this slot, or the history for an event it holds).
      loaded: (held) => {
        deps.clock.clearTimeout(this.#readDeadline);
        if (!this.#closed) deps.on.historyLoaded(this, held);
      },
    });
    this.#snoozes = fileSnoozeStore(path.join(this.dir, 'server-snooze.json'), log.child('snooze'));
    this.vault = new TokenVault({
      file: path.join(this.dir, 'token.bin'),
      encryptor: deps.encryptor,
      acceptWeak: () => settings().acceptWeakTokenStorage,
      log: log.child('token vault'),
      legacyOriginFile:
        deps.id === LEGACY_SERVER_ID ? path.join(this.dir, 'token-server.json') : undefined,
    });
    this.network = appNetwork({
      settings: () => networkFor(this.settings(), settings()),
      credentials: deps.proxyCredentials,
      systemProxy: deps.systemProxy,
    });
    const on = deps.on;
    this.notifier = new Notifier({
      clock: deps.clock,
      rules: rulesFor(this.settings(), settings()),
      seen: fileSeenStore(path.join(this.dir, 'notified.json'), {
        log: log.child('notified-ids'),
      }),
      show: (n) =>
        on.notify(this, {
          ...n,
          id: feedKey(this.id, n.id),
          eventId: n.eventId && feedKey(this.id, n.eventId),
        }),
      withdraw: (id) => on.withdraw(this, feedKey(this.id, id)),
      // the later of the snooze of every server and this server's own, both kept over a restart
      snoozedUntil:
        Math.max(deps.snoozedUntil ?? 0, this.#snoozes.read(deps.clock.now()) ?? 0) || null,
      onSnoozeChange: (until) => {
        this.#snoozes.write(until);
        on.snoozeChange(this, until);
      },
      log: log.child('notifier'),
      language: deps.language,
    });
    this.link = new ServerLink({
      network: this.network,
      clock: deps.clock,
      log,
      vault: this.vault,
      server: () => this.settings(),
      startDemo: deps.id === DEMO_SLOT ? deps.startDemo : null,
      gapSettleMs: deps.gapSettleMs,
      connection: deps.connection,
      on: {
        state: (st) => this.notifier.connection(st),
        events: (batch, frames) => on.events(this, batch, frames),
        // Whether to notify is decided per event as it arrives, not after the batch window.
        event: (event) => this.notifier.offer([event]),
        gap: (gap) => on.gap(this, toFeedEntry(this.id, this.history.addGap(gap)) as FeedGap),
        subscriptions: (subs) => {
          on.subscriptions(this, subs);
          if (subs.length && subs.every((sub) => sub.status !== 'pending')) {
            void this.historyReady();
          }
        },
        view: (v) => on.view(this, v),
      },
    });
    this.#readDeadline = deps.clock.setTimeout(
      () => void this.historyReady(),
      deps.historyReadDeadlineMs ?? HISTORY_READ_DEADLINE_MS,
    );
  }

  /**
   * The history with its file read: started by the connection's subscriptions settling, by
   * HISTORY_READ_DEADLINE_MS, or by the first caller that needs the history whole (a query
   * from the window); every caller gets the same promise. Never rejects.
   */
  historyReady(): Promise<void> {
    this.#historyRead ??= this.history.load().then(
      () => undefined,
      // Stryker disable next-line all: load() never rejects; this only keeps a bug from being unhandled
      (err: Error) => this.#deps.log.error(`history: ${err.message}`),
    );
    return this.#historyRead;
  }

  /** This server's settings now; null for the demo (or a server just removed). */
  settings(): ServerSettings | null {
    if (this.id === DEMO_SLOT) return null;
    return this.#deps.settings().servers.find((s) => s.id === this.id) ?? null;
  }

  /** The name the user gave the server; the demo's is its own. */
  name(): string {
    return this.settings()?.name ?? 'Demo';
  }

  /** The app's settings changed: rules and limits follow at once. */
  settingsChanged(next: Settings): void {
    this.notifier.setRules(rulesFor(this.settings(), next));
    this.vault.reconsiderStorage();
    this.history.setLimits(next.history.maxEvents, next.history.maxAgeDays);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#deps.clock.clearTimeout(this.#readDeadline);
    // The link first: a gap it still holds goes into the history before that closes.
    await this.link.stop();
    this.notifier.dispose();
    await this.history.close();
  }

  /** The server was removed: close, then forget its token, history and notified ids. */
  async wipe(): Promise<void> {
    await this.close();
    this.vault.clear();
    rmSync(path.join(this.dir, 'history'), { recursive: true, force: true });
    rmSync(path.join(this.dir, 'notified.json'), { force: true });
    rmSync(path.join(this.dir, 'server-snooze.json'), { force: true });
    if (this.dir !== this.#deps.dataDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
