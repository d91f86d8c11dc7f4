// `katya tail`: the desktop app's connection engine and notification policy on the command
// line, not a second implementation of either. Useful over SSH, in scripts (--json) and as the
// black-box client of the end-to-end tests.
import { systemClock } from '../core/clock';
import { ConnectionEngine } from '../core/connection/engine';
import type { ConnectionState, SubscriptionStatus } from '../core/connection/types';
import { Notifier } from '../core/notify/notifier';
import type { NotificationRequest } from '../core/notify/policy';
import { AUTH_METHODS, CHANNELS, validateServerUrl } from '../core/common/protocol';
import type { AuthMethod, Channel, EventMessage, EventType } from '../core/common/protocol';
import { DEFAULT_SETTINGS } from '../core/common/settings-schema';
import { EXIT, UsageError, channelList, eventList, intOption, parseCommandArgs } from './args';
import { boundedOutput } from './bounded-output';
import { NETWORK_OPTIONS, commandNetwork } from './network-options';
import { problemAdvice } from '../core/net/problem-text';
import type { ConnectionProblem } from '../core/common/network';
import {
  clean,
  errorLine,
  eventLine,
  notificationLine,
  painter,
  stateLine,
  subscriptionLine,
  wantsColour,
} from './format';

export interface ConnectionTarget {
  url: string;
  /** always set for tail; doctor can run its first steps without one */
  token: string | undefined;
  authMethod: AuthMethod;
  channels: Channel[];
  events: EventType[];
}

/** The options tail and doctor share: where, with what token, how, and what to subscribe. */
export function connectionTarget(
  values: {
    url?: string;
    token?: string;
    auth?: string;
    channels?: string;
    events?: string;
  },
  env: NodeJS.ProcessEnv,
  opts: { tokenRequired?: boolean } = {},
): ConnectionTarget {
  if (!values.url)
    throw new UsageError('--url is required, for example --url wss://katya.example/v1/ws');
  const checked = validateServerUrl(values.url);
  if (!checked.ok) throw new UsageError(`bad --url: ${checked.error}`);
  const token = values.token || env.KATYA_TOKEN || undefined;
  if (!token && opts.tokenRequired !== false)
    throw new UsageError('a token is needed: --token TOKEN or the KATYA_TOKEN variable');
  const authMethod = (values.auth ?? 'header') as AuthMethod;
  if (!AUTH_METHODS.includes(authMethod)) {
    throw new UsageError(`--auth must be one of ${AUTH_METHODS.join(', ')} (got "${values.auth}")`);
  }
  const events = eventList(values.events) ?? [];
  // Nothing named: everything, like the app's default settings.
  const channels = channelList(values.channels) ?? (values.events ? [] : [...CHANNELS]);
  if (channels.length === 0 && events.length === 0) {
    throw new UsageError('nothing to follow: --channels and --events are both empty');
  }
  return { url: checked.url.toString(), token, authMethod, channels, events };
}

export const TARGET_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  auth: { type: 'string' },
  channels: { type: 'string' },
  events: { type: 'string' },
} as const;

export async function runTail(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...TARGET_OPTIONS,
    ...NETWORK_OPTIONS,
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'idle-timeout': { type: 'string' },
  });
  const target = connectionTarget(values, env);
  const network = commandNetwork(values, env, target.url);
  const livenessTimeoutMs = intOption(
    values['idle-timeout'],
    'idle-timeout',
    45_000,
    100,
    86_400_000,
  );
  const json = values.json === true;

  const paintOut = painter(!json && wantsColour(process.stdout, env));
  const paintErr = painter(wantsColour(process.stderr, env));
  const infoLine = (line: string) => `${paintErr('katya tail:', 'dim')} ${line}`;
  // Behind a slow reader, events and server errors are dropped and counted rather than held
  // without bound (docs/server-and-cli.md, "Output"); states and notifications always go out.
  const stderr = boundedOutput(process.stderr, (count) =>
    stderr.always(infoLine(`${count} message(s) dropped: standard error was not read fast enough`)),
  );
  const info = (line: string) => stderr.always(infoLine(line));
  const stdout = boundedOutput(process.stdout, (count) => {
    if (json) stdout.always(JSON.stringify({ type: 'dropped', count }));
    else info(`${count} event line(s) dropped: the output was not read fast enough`);
  });
  const out = stdout.always;
  const shownUrl = clean(target.url);

  const engine = new ConnectionEngine({
    url: target.url,
    token: target.token,
    authMethod: target.authMethod,
    subscriptions: { channels: target.channels, events: target.events },
    livenessTimeoutMs,
    network,
    log: values.verbose
      ? (level, message) => process.stderr.write(`katya tail [${level}] ${clean(message, 1000)}\n`)
      : undefined,
  });

  const showNotification = (n: NotificationRequest) => {
    if (n.kind === 'offline') return;
    if (json) {
      out(
        JSON.stringify({
          type: 'notification',
          kind: n.kind,
          title: n.title,
          body: n.body,
          eventId: n.eventId,
          severity: n.severity,
          channel: n.channel,
          urgent: n.urgent,
        }),
      );
    } else {
      out(notificationLine(n, paintOut));
    }
  };
  const notifier = new Notifier({
    clock: systemClock,
    rules: DEFAULT_SETTINGS.notifications,
    show: showNotification,
    withdraw: () => {},
  });

  const onState = (s: ConnectionState) => {
    if (json) {
      const line: Record<string, unknown> = {
        type: 'state',
        state: s.state,
        at: new Date(s.since).toISOString(),
      };
      if (s.state === 'reconnecting') {
        line.attempt = s.attempt;
        line.delayMs = s.delayMs;
        if (s.lastError) line.error = s.lastError;
        if (s.problem) line.problem = s.problem;
      }
      if (s.state === 'auth_failed') line.reason = s.reason;
      out(JSON.stringify(line));
    } else {
      info(stateLine(s, shownUrl));
    }
  };

  const lastStatus = new Map<string, string>();
  const onSubscriptions = (all: SubscriptionStatus[]) => {
    for (const s of all) {
      const key = `${s.kind}:${s.name}`;
      const status = s.status === 'rejected' ? `rejected:${s.code}` : s.status;
      if (lastStatus.get(key) === status) continue;
      lastStatus.set(key, status);
      if (s.status === 'pending') continue;
      if (json) {
        out(
          JSON.stringify({
            type: 'subscription',
            kind: s.kind,
            name: s.name,
            status: s.status,
            ...(s.status === 'rejected' ? { code: s.code, message: s.message } : {}),
          }),
        );
      } else {
        info(subscriptionLine(s));
      }
    }
  };

  // Each event is printed the moment it is accepted, then offered to the notifier, so its
  // notification line (if any) follows it at once; nothing waits for the engine's batches.
  const onEvent = (e: EventMessage) => {
    // One event that cannot be printed costs that line, never the events after it.
    try {
      stdout.droppable(json ? JSON.stringify(e) : eventLine(e, paintOut, Date.now()));
    } catch (err) {
      info(`could not print event ${clean(e.id, 64)}: ${clean((err as Error).message, 200)}`);
    }
    notifier.offer([e]);
  };

  return new Promise<number>((resolve) => {
    // The engine's timers do not hold the process open (an app must be able to quit while
    // they run), so between a lost connection and the next attempt nothing else would: hold
    // it open until a signal or an authentication failure ends the command.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const offs = [
      engine.on('state', (s) => {
        // What only a person can fix ends the command, as a rejected token does: a certificate
        // this computer does not trust, a proxy that wants credentials or will not tunnel. A
        // proxy that is down, or cannot reach the server, may be back soon: those are retried
        // like any network fault.
        const problem = s.state === 'reconnecting' ? s.problem : undefined;
        const stop = problem ? stopsTail(problem) : null;
        if (problem && stop !== null) {
          if (json) onState(s);
          else {
            // The words alone: "retrying in 0.4 s" would not be true.
            info(clean(s.state === 'reconnecting' ? (s.lastError ?? '') : '', 1000));
            info(`→ ${problemAdvice(problem)}`);
          }
          finish(stop);
          return;
        }
        onState(s);
        if (s.state === 'auth_failed') {
          // The app waits for a new token here; a command line has none to wait for.
          finish(EXIT.AUTH_FAILED);
        }
      }),
      engine.on('subscriptions', onSubscriptions),
      engine.on('event', onEvent),
      engine.on('protocolError', (e) => {
        if (json) stdout.droppable(JSON.stringify({ type: 'error', ...e }));
        else stderr.droppable(infoLine(errorLine(e)));
      }),
      engine.on('gap', (g) => {
        if (!json) {
          info(
            `events from ${new Date(g.start).toLocaleTimeString()} to ${new Date(g.end).toLocaleTimeString()} were missed while disconnected`,
          );
        }
      }),
    ];
    let done = false;
    function finish(code: number) {
      if (done) return;
      done = true;
      if (code !== EXIT.OK) {
        // Stop quietly: the line that says why is the last word, not a "closed" after it.
        for (const off of offs) off();
        engine.stop();
      } else {
        engine.stop(); // prints the final "closed" state
        for (const off of offs) off();
      }
      notifier.dispose();
      stdout.flushNotice();
      stderr.flushNotice();
      clearInterval(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    }
    function onSignal() {
      finish(EXIT.OK);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    engine.start();
  });
}

/** The exit code for a problem only a person can fix, or null to keep retrying. */
function stopsTail(problem: ConnectionProblem): number | null {
  if (problem.kind === 'certificate') return EXIT.CERTIFICATE;
  if (problem.reason === 'auth_required' || problem.reason === 'denied') return EXIT.PROXY_REFUSED;
  return null;
}
