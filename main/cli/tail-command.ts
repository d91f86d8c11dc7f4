// `katya tail`: the desktop app's connection engine and notification policy on the command
// line, not a second implementation of either. Useful over SSH, in scripts (--json) and as the
// black-box client of the end-to-end tests. It follows one server or several at once: one
// engine and one notifier per server, every line saying whose it is (tail-servers.ts).
import { systemClock } from '../core/clock';
import { ConnectionEngine } from '../core/connection/engine';
import type { ConnectionState, SubscriptionStatus } from '../core/connection/types';
import { Notifier } from '../core/notify/notifier';
import type { NotificationRequest } from '../core/notify/policy';
import { AUTH_METHODS, CHANNELS } from '../core/common/protocol';
import type { AuthMethod, Channel, EventMessage, EventType } from '../core/common/protocol';
import { DEFAULT_SETTINGS } from '../core/common/settings-schema';
import { EXIT, UsageError, channelList, eventList, intOption, parseCommandArgs } from './args';
import { boundedOutput } from './bounded-output';
import type { BoundedOutput } from './bounded-output';
import { NETWORK_OPTIONS, commandNetwork } from './network-options';
import { exitCodeFor, tailServers } from './tail-servers';
import type { TailServer } from './tail-servers';
import type { NetworkOptions } from '../core/net/route-agent';
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
import type { Paint } from './format';

/** What to subscribe and how to sign in: the same for every server tail follows or doctor checks. */
export interface FollowOptions {
  authMethod: AuthMethod;
  channels: Channel[];
  events: EventType[];
}

export function followOptions(values: {
  auth?: string;
  channels?: string;
  events?: string;
}): FollowOptions {
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
  return { authMethod, channels, events };
}

/** Where and how; several servers: `--url [NAME=]URL` and `--token [NAME=]TOKEN` again. */
export const TARGET_OPTIONS = {
  url: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
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
  const { servers, notices } = tailServers(values.url, values.token, env);
  const follow = followOptions(values);
  const networks = servers.map((s) => commandNetwork(values, env, s.url));
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
  // One stdout and one stderr for every server: the bound is the process's.
  const stderr = boundedOutput(process.stderr, (count) =>
    stderr.always(infoLine(`${count} message(s) dropped: standard error was not read fast enough`)),
  );
  const stdout = boundedOutput(process.stdout, (count) => {
    if (json) stdout.always(JSON.stringify({ type: 'dropped', count }));
    else
      stderr.always(
        infoLine(`${count} event line(s) dropped: the output was not read fast enough`),
      );
  });
  for (const notice of notices) stderr.always(infoLine(notice));
  const output: TailOutput = {
    json,
    several: servers.length > 1,
    paintOut,
    paintErr,
    infoLine,
    stdout,
    stderr,
    verbose: values.verbose === true,
  };

  return new Promise<number>((resolve) => {
    // The engine's timers do not hold the process open (an app must be able to quit while
    // they run), so between a lost connection and the next attempt nothing else would: hold
    // it open until a signal, or until every server has stopped for something only a person
    // can fix.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const codes: number[] = [];
    const followers: Follower[] = servers.map((server, i) =>
      followServer(
        server,
        { ...follow, livenessTimeoutMs, network: networks[i]! },
        output,
        (code, announce) => {
          codes[i] = code;
          const left = followers.filter((f) => f.running).length;
          announce(left);
          if (left === 0) finish(exitCodeFor(codes));
        },
      ),
    );
    let done = false;
    function finish(code: number) {
      if (done) return;
      done = true;
      stdout.flushNotice();
      stderr.flushNotice();
      clearInterval(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    }
    function onSignal() {
      for (const f of followers) f.stop(); // each prints its final "closed" state
      finish(EXIT.OK);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (const f of followers) f.start();
  });
}

/** What every server's lines share: the two streams, colour, and whether names are shown. */
interface TailOutput {
  json: boolean;
  /** two or more servers: text lines carry the server's name */
  several: boolean;
  paintOut: Paint;
  paintErr: Paint;
  infoLine: (line: string) => string;
  stdout: BoundedOutput;
  stderr: BoundedOutput;
  verbose: boolean;
}

interface Follower {
  start(): void;
  /** Ctrl-C or SIGTERM: close the connection, with its "closed" line */
  stop(): void;
  /** neither stopped by a signal nor for a problem only a person can fix */
  readonly running: boolean;
}

/**
 * One server: its own engine, notifier (bursts fold and quiet hours apply per server) and
 * subscription memory, writing to the shared output. `stopped` is called once when the server
 * stops by itself (exit code 3, 4 or 5 for it), with a function that prints, when there are
 * several servers, that it is no longer followed and how many still are.
 */
function followServer(
  server: TailServer,
  options: FollowOptions & { livenessTimeoutMs: number; network: NetworkOptions },
  o: TailOutput,
  stopped: (code: number, announce: (left: number) => void) => void,
): Follower {
  const { json, stdout, stderr, paintOut } = o;
  const name = clean(server.name, 80);
  // With one server its lines are as they always were; with several each says whose it is.
  const outTag = o.several ? `${paintOut(`[${name}]`, 'bold')} ` : '';
  const errTag = o.several ? `${o.paintErr(`[${name}]`, 'bold')} ` : '';
  const info = (line: string) => stderr.always(o.infoLine(errTag + line));
  const out = stdout.always;
  // Every JSON line says whose it is, with one server too; the server's own "server" key, if
  // an envelope had one, is replaced.
  const tagged = (line: object) => JSON.stringify({ ...line, server: server.name });
  const shownUrl = clean(server.url);

  const engine = new ConnectionEngine({
    url: server.url,
    token: server.token,
    authMethod: options.authMethod,
    subscriptions: { channels: options.channels, events: options.events },
    livenessTimeoutMs: options.livenessTimeoutMs,
    network: options.network,
    log: o.verbose
      ? (level, message) =>
          process.stderr.write(`katya tail [${level}] ${errTag}${clean(message, 1000)}\n`)
      : undefined,
  });

  const showNotification = (n: NotificationRequest) => {
    if (n.kind === 'offline') return;
    if (json) {
      out(
        tagged({
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
      out(outTag + notificationLine(n, paintOut));
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
      out(tagged(line));
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
          tagged({
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
      stdout.droppable(json ? tagged(e) : outTag + eventLine(e, paintOut, Date.now()));
    } catch (err) {
      info(`could not print event ${clean(e.id, 64)}: ${clean((err as Error).message, 200)}`);
    }
    notifier.offer([e]);
  };

  // Running from the start: a server that has not started yet has not stopped either.
  let running = true;
  let offs: Array<() => void> = [];
  /** Stop quietly: the line that says why is this server's last word, not a "closed" after it. */
  const halt = (code: number) => {
    if (!running) return;
    running = false;
    for (const off of offs) off();
    engine.stop();
    notifier.dispose();
    stopped(code, (left) => {
      if (!o.several) return;
      if (json) out(tagged({ type: 'stopped', exitCode: code }));
      else
        info(
          left === 0
            ? 'stopped; no server is left to follow'
            : `stopped; ${left} other server(s) still followed`,
        );
    });
  };

  return {
    get running() {
      return running;
    },
    start() {
      offs = [
        engine.on('state', (s) => {
          // What only a person can fix stops this server, as a rejected token does: a
          // certificate this computer does not trust, a proxy that wants credentials or will
          // not tunnel. A proxy that is down, or cannot reach the server, may be back soon:
          // those are retried like any network fault.
          const problem = s.state === 'reconnecting' ? s.problem : undefined;
          const stop = problem ? stopsTail(problem) : null;
          if (problem && stop !== null) {
            if (json) onState(s);
            else {
              // The words alone: "retrying in 0.4 s" would not be true.
              info(clean(s.state === 'reconnecting' ? (s.lastError ?? '') : '', 1000));
              info(`→ ${problemAdvice(problem)}`);
            }
            halt(stop);
            return;
          }
          onState(s);
          if (s.state === 'auth_failed') {
            // The app waits for a new token here; a command line has none to wait for.
            halt(EXIT.AUTH_FAILED);
          }
        }),
        engine.on('subscriptions', onSubscriptions),
        engine.on('event', onEvent),
        engine.on('protocolError', (e) => {
          if (json) stdout.droppable(tagged({ type: 'error', ...e }));
          else stderr.droppable(o.infoLine(errTag + errorLine(e)));
        }),
        engine.on('gap', (g) => {
          if (!json) {
            info(
              `events from ${new Date(g.start).toLocaleTimeString()} to ${new Date(g.end).toLocaleTimeString()} were missed while disconnected`,
            );
          }
        }),
      ];
      engine.start();
    },
    stop() {
      if (!running) return;
      running = false;
      engine.stop(); // prints the final "closed" state
      for (const off of offs) off();
      notifier.dispose();
    },
  };
}

/** The exit code for a problem only a person can fix, or null to keep retrying. */
function stopsTail(problem: ConnectionProblem): number | null {
  if (problem.kind === 'certificate') return EXIT.CERTIFICATE;
  const { reason } = problem;
  if (reason === 'auth_required' || reason === 'denied' || reason === 'ipv4_only')
    return EXIT.PROXY_REFUSED;
  return null;
}
