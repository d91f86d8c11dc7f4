// The doctor probe: walks the way from this computer to a Katya server one step at a time and
// says, for each, what it found and what to do when it failed. `katya doctor` prints it line by
// line; the app's "Test connection" shows the same steps in the settings window.
// It is a probe, not a client: node:dns and node:net for the first hop (the server, or the
// proxy), then one `ws` socket over the app's own route agent (../net/route-agent.ts), whose
// progress (the proxy tunnel, the TLS handshake and the chain it received) becomes steps of
// their own. It never throws: whatever goes wrong becomes a failed step.
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { DIRECT, describeChoice, socketHost } from './common/network';
import type { CertificateInfo, ConnectionProblem, ProxyChoice, ProxyRoute } from './common/network';
import { RouteAgent, isNetworkProblem } from './net/route-agent';
import type { NetworkOptions, RouteStage } from './net/route-agent';
import { certificateLine } from './net/certificate';
import { describeProblem, problemAdvice } from './net/problem-text';
import { displayText } from './common/untrusted-text';
import { redact } from './log/redact';
import {
  AUTH_METHODS,
  CHANNELS,
  CLOSE_CODES,
  ERROR_CODES,
  validateServerUrl,
} from './common/protocol';
import type { AuthMethod, Channel, EventType } from './common/protocol';
import type { TestResult, TestStep } from './common/views';

export interface ProbeInput {
  url: string;
  /** how the token is presented, as the app would: default 'header' */
  authMethod?: AuthMethod;
  /** without one, the probe checks everything up to the upgrade and the round trip */
  token?: string;
  /** default: all six channels */
  channels?: Channel[];
  events?: EventType[];
  /** per step, not for the whole probe; default 10 s */
  timeoutMs?: number;
  /** the proxy and the trusted certificates, as the app's connection uses them */
  network?: NetworkOptions;
}

export type ProbeResult = TestResult & {
  /** the server (or a proxy) refused the token: `katya doctor` exits 3 for this */
  authFailed: boolean;
  /** the proxy or certificate problem that stopped the probe, if that is what did */
  problem?: ConnectionProblem;
};

type StepName = TestStep['step'];
type Outcome = NonNullable<TestStep['outcome']>;

interface Frame {
  type?: unknown;
  data?: {
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    channel?: unknown;
    event?: unknown;
    action?: unknown;
  };
}

const DEFAULT_TIMEOUT_MS = 10_000;
const EARLIER_FAILED = 'an earlier step failed';

class TimeoutError extends Error {}

const timedOut = (ms: number, what: string) =>
  new TimeoutError(`no answer within ${ms} ms (${what})`);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(ms, what)), ms);
  });
  // Stryker disable next-line ArrowFunction: a timer left running rejects a race already settled; only a process waiting to exit would notice
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Frames of the probe socket, kept from the first one on, with a way to wait for one. */
class Inbox {
  // Stryker disable next-line ArrayDeclaration: no step takes a string for a frame
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private wake: (() => void)[] = [];

  constructor(ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        const parsed = JSON.parse(String(data)) as unknown;
        // JSON objects (and arrays); null and scalars are no frames
        if (parsed instanceof Object) this.frames.push(parsed as Frame);
      } catch {
        // Not JSON: not something a step can use; the steps report what they miss.
      }
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
  }

  /** Resolves with the first frame that matches, or null when the socket closed first. */
  async next(match: (f: Frame) => boolean): Promise<Frame | null> {
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private notify() {
    const w = this.wake;
    this.wake = [];
    for (const fn of w) fn();
  }
}

const errorCode = (f: Frame) => (f.type === 'error' ? String(f.data?.code ?? '') : null);

/** Keyed by the code the server sent, so a Map: an odd code is unknown, never a prototype member. */
const SUBSCRIPTION_ADVICE: ReadonlyMap<string, string> = new Map([
  [
    ERROR_CODES.NO_PERMISSION,
    'the token may not read it; ask the server admin to grant it, or stop subscribing to it',
  ],
  [ERROR_CODES.UNKNOWN_NAME, 'the server does not know this name; check the spelling'],
  [
    ERROR_CODES.SUBSCRIPTION_LIMIT,
    'over the server limit; follow whole channels instead of single event types, or fewer of them',
  ],
]);

/** A TLS failure that is not a refused certificate: most often plain HTTP on the port. */
const TLS_ADVICE = 'check that the port speaks TLS (wss://) and not plain HTTP (ws://)';

/**
 * Text a server sends back (error messages) could echo the token; the probe's own sentences never
 * hold it, so only quoted text is masked (a token like "wrong" must not garble our advice).
 * Tokens shorter than 4 characters are left alone: masking every "t" would hide nothing.
 */
function redactor(token: string | undefined): (text: string) => string {
  if (token === undefined || token.length < 4) {
    // Stryker disable next-line ArrayDeclaration: no secret; another list would mask only a text that quotes it
    return (text) => redact(text, []);
  }
  return (text) => redact(text, [token]);
}

/** One TCP connection, closed again as soon as it is made (or given up on). */
async function connectOnce(host: string, port: number, timeoutMs: number): Promise<void> {
  const socket = tcpConnect({ host, port });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      'TCP',
    );
  } finally {
    socket.destroy();
  }
}

export async function probeServer(
  input: ProbeInput,
  onStep?: (s: TestStep) => void,
): Promise<ProbeResult> {
  const steps: TestStep[] = [];
  let authFailed = false;
  let problem: ConnectionProblem | undefined;
  const redact = redactor(typeof input?.token === 'string' ? input.token : undefined);
  // Masked before it is cut: a token cut in two is no longer recognised, and half of it shows.
  const said = (value: unknown, max = 200) => displayText(redact(String(value ?? '')), max);
  const p: Probe = {
    emit: (step, outcome, detail, advice) => {
      const s: TestStep = { step, ok: outcome === 'ok', outcome, detail };
      if (advice) s.advice = advice;
      steps.push(s);
      try {
        // Stryker disable next-line OptionalChaining: a missing listener throws into this catch
        onStep?.(s);
      } catch {
        // A listener that throws (a closed terminal, a gone window) must not stop the probe.
      }
    },
    said,
    failure: (err) => said(err instanceof Error ? err.message : String(err)) || 'unknown error',
    markAuthFailed: () => (authFailed = true),
    markProblem: (found) => (problem = found),
  };

  try {
    await walk(input, p);
  } catch (err) {
    // The steps catch what they expect; this is the net for what they do not, so the caller
    // always gets a report instead of a rejection.
    p.emit('rtt', 'fail', `the probe stopped: ${p.failure(err)}`, 'this is a bug in the probe');
  }
  return {
    ok: steps.every((s) => s.outcome !== 'fail'),
    steps,
    authFailed,
    ...(problem && { problem }),
  };
}

/** What the steps share: how to report, and how to quote text that did not come from us. */
interface Probe {
  emit: (step: StepName, outcome: Outcome, detail: string, advice?: string) => void;
  /**
   * Text from the server or the system: one line of at most `max` (200) characters, with the
   * token masked if it echoes it (it ends up in a terminal or a window).
   */
  said: (value: unknown, max?: number) => string;
  /** an error's message, quoted like `said` */
  failure: (err: unknown) => string;
  markAuthFailed: () => void;
  markProblem: (problem: ConnectionProblem) => void;
}

/** Where the probe goes and how, once the input is checked. */
interface Target {
  url: URL;
  host: string;
  port: number;
  secure: boolean;
  authMethod: AuthMethod;
  /** never empty: an empty token is none */
  token: string | undefined;
  channels: Channel[];
  events: EventType[];
  timeoutMs: number;
  network: NetworkOptions;
}

/**
 * A first-hop check that failed. A timeout is final: a proxy that drops packets holds the app's
 * connection until its deadline, so the app never gets to the route's next choice.
 */
interface HopFailure {
  ok: false;
  timedOut: boolean;
}

/** Where the probe's first packets go: the server itself, or the proxy in front of it. */
interface Hop {
  host: string;
  port: number;
  /** "" for the server, "proxy " for a proxy: the dns and tcp steps say which they checked */
  label: string;
  proxied: boolean;
}

const ORDER: StepName[] = [
  'proxy',
  'dns',
  'tcp',
  'tunnel',
  'tls',
  'chain',
  'upgrade',
  'auth',
  'subscribe',
  'rtt',
];

/** One step after another; each reports itself, and the first to fail ends the walk. */
async function walk(input: ProbeInput, p: Probe): Promise<void> {
  const target = checkTarget(input, p);
  if (!target) return;
  let hop: Hop | null = null;
  // After a failure the rest are listed as skipped, so the report always shows how far it got.
  // A ws:// probe has no TLS steps to skip, a direct one no tunnel, and the certificate chain
  // is listed only when one was received.
  const skipAfter = (step: StepName) =>
    ORDER.slice(ORDER.indexOf(step) + 1)
      .filter((s) => (s !== 'tls' || target.secure) && s !== 'chain')
      .filter((s) => s !== 'tunnel' || hop === null || hop.proxied)
      .forEach((s) => p.emit(s, 'skip', EARLIER_FAILED));

  const chosen = await chooseRoute(target, p);
  if (!chosen) return skipAfter('proxy');
  const reached = await reachFirstHop(chosen, target, p);
  hop = reached.hop;
  if (!reached.ok) return skipAfter(reached.failedAt);
  const opened = await upgrade(target, reached.route, p);
  if (!opened.ok) return skipAfter(opened.failedAt);
  const { ws, inbox } = opened;
  try {
    // Authentication, then subscriptions: both need a token.
    if (target.token === undefined) {
      p.emit('auth', 'skip', 'no token given');
      p.emit('subscribe', 'skip', 'needs a token');
    } else {
      const signedIn = await authenticate(
        ws,
        inbox,
        target.token,
        target.authMethod,
        target.timeoutMs,
        p,
      );
      if (!signedIn) return skipAfter('auth');
      await subscribe(ws, inbox, target.channels, target.events, target.timeoutMs, p);
    }
    await roundTrip(ws, inbox, target.timeoutMs, p);
  } finally {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'doctor done');
    else ws.terminate();
  }
}

/** The URL and options: the same rule the settings apply, so a probe never goes where the app would not. */
function checkTarget(input: ProbeInput, p: Probe): Target | null {
  const checked =
    typeof input?.url === 'string'
      ? validateServerUrl(input.url)
      : ({ ok: false, error: 'no server URL given' } as const);
  if (!checked.ok) {
    p.emit('url', 'fail', p.said(checked.error, 300), 'expected wss://HOST/v1/ws');
    return null;
  }
  const authMethod: AuthMethod = input.authMethod ?? 'header';
  if (!AUTH_METHODS.includes(authMethod)) {
    p.emit('url', 'fail', `unknown way to send the token: ${p.said(authMethod, 40)}`);
    return null;
  }
  const url = checked.url;
  p.emit('url', 'ok', p.said(url.toString()));
  const secure = url.protocol === 'wss:';
  return {
    url,
    host: socketHost(url),
    port: Number(url.port || (secure ? 443 : 80)),
    secure,
    authMethod,
    token: typeof input.token === 'string' && input.token !== '' ? input.token : undefined,
    channels: input.channels ?? [...CHANNELS],
    events: input.events ?? [],
    timeoutMs:
      input.timeoutMs !== undefined && Number.isFinite(input.timeoutMs) && input.timeoutMs > 0
        ? input.timeoutMs
        : DEFAULT_TIMEOUT_MS,
    network: input.network ?? {},
  };
}

/** Which proxy, if any, the URL goes through, and who said so. */
async function chooseRoute(t: Target, p: Probe): Promise<ProxyRoute | null> {
  try {
    const asked: ProxyRoute = t.network.proxyFor
      ? await withTimeout(Promise.resolve(t.network.proxyFor(t.url)), t.timeoutMs, 'proxy')
      : { choices: [], source: 'default' };
    // No choice at all (no one to ask, or a PAC file that named none) is the direct way.
    const route = asked.choices.length ? asked : { ...asked, choices: [DIRECT] };
    const [first, ...rest] = route.choices.map(describeChoice);
    const fallbacks = rest.length ? `, then ${rest.join(', then ')}` : '';
    p.emit('proxy', 'ok', `${first}${fallbacks} (${p.said(route.source, 80)})`);
    return route;
  } catch (err) {
    p.emit(
      'proxy',
      'fail',
      `the proxy for this URL cannot be found: ${p.failure(err)}`,
      'check the proxy setting (system, none or manual), the PAC file or HTTPS_PROXY',
    );
    return null;
  }
}

function hopOf(choice: ProxyChoice, t: Target): Hop {
  if (choice.kind === 'direct') return { host: t.host, port: t.port, label: '', proxied: false };
  return { host: choice.host, port: choice.port, label: 'proxy ', proxied: true };
}

/**
 * The first hop the app would take: the route's choices in order, a proxy whose name does not
 * resolve or whose port refuses giving way to the next choice, as the route agent does
 * ("PROXY a:3128; PROXY b:3128; DIRECT"); the direct way, the last choice and a proxy that does
 * not answer within the step's time are final.
 * The name and port of the hop taken are reported. The proxies passed over are named in advice
 * on its TCP step (the app waits for each of them at every connection), or, when no choice
 * answers, on the last one's failure. The route handed on starts at the hop taken.
 */
async function reachFirstHop(
  route: ProxyRoute,
  t: Target,
  p: Probe,
): Promise<
  { ok: true; hop: Hop; route: ProxyRoute } | { ok: false; hop: Hop; failedAt: 'dns' | 'tcp' }
> {
  const passedOver: string[] = [];
  for (const [i, choice] of route.choices.entries()) {
    const hop = hopOf(choice, t);
    const final = choice.kind === 'direct' || i === route.choices.length - 1;
    // This choice's steps are held until it is known whether they are the report's.
    const held: Parameters<Probe['emit']>[] = [];
    const quiet: Probe = { ...p, emit: (...line) => void held.push(line) };
    const named = await resolveName(hop, t.timeoutMs, quiet);
    const checked = named.ok ? await reachPort(hop, named.address, t.timeoutMs, quiet) : named;
    const reached = checked.ok;
    if (!checked.ok && !checked.timedOut && !final) {
      const [, , detail] = held[held.length - 1]!;
      passedOver.push(`${describeChoice(choice)}, ${detail}`);
      continue;
    }
    // The proxies passed over, on one bounded line: a PAC answer may name many.
    const passed = passedOver.length ? p.said(passedOver.join('; '), 600) : '';
    held.forEach(([step, outcome, detail, advice], k) => {
      if (!passed || k < held.length - 1) p.emit(step, outcome, detail, advice);
      else if (reached)
        p.emit(
          step,
          outcome,
          detail,
          `the route's earlier choices do not answer, and the app tries them first at every connection: ${passed}; check the PAC file or proxy settings`,
        );
      else
        p.emit(
          step,
          outcome,
          `${detail}; the route's earlier choices did not answer either: ${passed}`,
          advice,
        );
    });
    return reached
      ? { ok: true, hop, route: { ...route, choices: route.choices.slice(i) } }
      : { ok: false, hop, failedAt: held[held.length - 1]![0] === 'dns' ? 'dns' : 'tcp' };
  }
  // Never reached: chooseRoute's route has at least one choice, and the last one is final.
  throw new Error('a route without choices');
}

/**
 * Name resolution of the first hop (the server, or the proxy; an HTTP proxy resolves the
 * server's name itself, the app resolves it for a socks4:// or socks5:// one when it tunnels):
 * the address to connect to, or why there is none, reported.
 */
async function resolveName(
  hop: Hop,
  timeoutMs: number,
  p: Probe,
): Promise<{ ok: true; address: string } | HopFailure> {
  if (isIP(hop.host)) {
    p.emit('dns', 'ok', `${hop.label}${hop.host} is an address, nothing to resolve`);
    return { ok: true, address: hop.host };
  }
  try {
    const all = await withTimeout(lookup(hop.host, { all: true }), timeoutMs, 'DNS');
    p.emit('dns', 'ok', `${hop.label}${hop.host} → ${all.map((a) => a.address).join(', ')}`);
    // Never empty: Node's lookup fails (EAI_NODATA) rather than answer with no address.
    return { ok: true, address: all[0]!.address };
  } catch (err) {
    p.emit(
      'dns',
      'fail',
      `${hop.label}${hop.host}: ${p.failure(err)}`,
      hop.proxied
        ? 'check the proxy host name, your DNS settings and VPN'
        : 'check the host name for typos, your DNS settings and VPN',
    );
    return { ok: false, timedOut: err instanceof TimeoutError };
  }
}

/** A TCP connection to the first hop's port. */
async function reachPort(
  hop: Hop,
  address: string,
  timeoutMs: number,
  p: Probe,
): Promise<{ ok: true } | HopFailure> {
  try {
    const started = performance.now();
    await connectOnce(address, hop.port, timeoutMs);
    p.emit(
      'tcp',
      'ok',
      `${hop.label}${address} port ${hop.port} in ${(performance.now() - started).toFixed(1)} ms`,
    );
    return { ok: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const advice =
      code === 'ECONNREFUSED'
        ? hop.proxied
          ? 'nothing listens there: is the proxy running, and is its port right?'
          : 'nothing listens there: is the server running, and is the port right?'
        : err instanceof TimeoutError
          ? 'packets are dropped: a firewall, proxy or VPN may be in the way'
          : 'check the network connection';
    p.emit('tcp', 'fail', `${hop.label}${address} port ${hop.port}: ${p.failure(err)}`, advice);
    return { ok: false, timedOut: err instanceof TimeoutError };
  }
}

/** The certificates as received, one step each, leaf first; the one at fault fails. */
function reportChain(chain: CertificateInfo[], failed: CertificateInfo | null, p: Probe): void {
  chain.forEach((c, i) => {
    const bad = failed !== null && c.fingerprint256 === failed.fingerprint256;
    p.emit('chain', bad ? 'fail' : 'ok', `#${i} ${p.said(certificateLine(c), 600)}`);
  });
}

/**
 * The WebSocket upgrade, with the token presented the chosen way, over the same route agent as
 * the app's connection: the proxy tunnel and the TLS handshake (with the chain as received)
 * are reported as their own steps on the way.
 */
async function upgrade(
  t: Target,
  route: ProxyRoute,
  p: Probe,
): Promise<{ ok: true; ws: WebSocket; inbox: Inbox } | { ok: false; failedAt: StepName }> {
  if (!t.secure) p.emit('tls', 'skip', 'not used: ws:// to this computer');
  const wsUrl = new URL(t.url);
  const headers: Record<string, string> = {};
  if (t.token !== undefined && t.authMethod === 'query') wsUrl.searchParams.set('token', t.token);
  if (t.token !== undefined && t.authMethod === 'header')
    headers.authorization = `Bearer ${t.token}`;
  let tunnelled = false;
  let secured = false;
  let opened!: () => void;
  let failed!: (err: unknown) => void;
  const upgraded = new Promise<void>((resolve, reject) => {
    opened = resolve;
    failed = reject;
  });
  // ws's handshake timeout starts only once the route agent hands it a socket: a proxy that
  // never answers CONNECT, or a port that never answers the TLS hello, would hold the probe
  // for good. So each stage on the way gets the step timeout, counted from the one before.
  let timer: NodeJS.Timeout | undefined;
  const waitFor = (what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => failed(timedOut(t.timeoutMs, what)), t.timeoutMs);
  };
  // Proxies that took the connection and then failed before they answered: the route agent
  // goes on to the next choice, at every connection; said on the step of the way it took.
  const passed: string[] = [];
  const passedAdvice = (went: string) =>
    passed.length
      ? `${p.said(passed.join('; '), 600)}; the app passes over it at every connection and ${went}: check the PAC file or proxy settings`
      : undefined;
  const onStage = (stage: RouteStage) => {
    if (stage.stage === 'passed') {
      passed.push(describeProblem(stage.problem));
    } else if (stage.stage === 'tunnel') {
      tunnelled = true;
      const how =
        stage.choice.kind === 'proxy' && stage.choice.scheme.startsWith('socks')
          ? 'SOCKS connection'
          : 'CONNECT';
      const through = describeChoice(stage.choice);
      p.emit(
        'tunnel',
        'ok',
        `${how} ${p.said(t.url.host, 260)} through ${through} in ${stage.ms.toFixed(1)} ms`,
        passedAdvice(`tunnels through ${through}`),
      );
      passed.length = 0;
      waitFor(t.secure ? 'TLS' : 'upgrade');
    } else if (stage.stage === 'tls') {
      secured = true;
      const leaf = stage.chain[0];
      const daysLeft = leaf
        ? Math.floor((Date.parse(leaf.validTo) - Date.now()) / 86_400_000)
        : NaN;
      // Stryker disable next-line StringLiteral: a finished handshake always has its protocol
      const protocol = stage.protocol ?? 'TLS';
      const detail = `${protocol}, certificate valid for ${daysLeft} more day(s)`;
      if (daysLeft < 14)
        p.emit('tls', 'ok', detail, 'the certificate expires soon; tell the server admin');
      else p.emit('tls', 'ok', detail);
      reportChain(stage.chain, null, p);
      waitFor('upgrade');
    }
  };
  // The route from the hop taken (reachFirstHop), for the URL without the token (wsUrl may carry it).
  const agent = new RouteAgent(new URL(t.url), { ...t.network, proxyFor: () => route }, onStage);
  const proxied = route.choices[0]!.kind === 'proxy'; // never empty: it starts at the hop taken
  let ws: WebSocket;
  try {
    // Throws at once for a token that cannot go in a header (a pasted line break, say).
    ws = new WebSocket(wsUrl, { headers, agent });
  } catch (err) {
    p.emit('upgrade', 'fail', p.failure(err), 'paste the token again, without spaces or breaks');
    return { ok: false, failedAt: 'upgrade' };
  }
  waitFor(proxied ? 'tunnel' : t.secure ? 'TLS' : 'upgrade');
  const started = performance.now();
  const inbox = new Inbox(ws);
  ws.once('open', opened);
  ws.once('unexpected-response', (_req, res: IncomingMessage) => {
    failed(
      Object.assign(new Error(`HTTP ${res.statusCode} instead of 101`), {
        status: res.statusCode,
      }),
    );
    res.resume();
  });
  // Every error, also one after the upgrade: reported through the steps, never thrown.
  ws.on('error', failed);
  try {
    // Stryker disable next-line ArrowFunction: a stage timer left running rejects a promise already settled; only a process waiting to exit would notice
    await upgraded.finally(() => clearTimeout(timer));
    p.emit(
      'upgrade',
      'ok',
      `HTTP 101 in ${(performance.now() - started).toFixed(1)} ms`,
      passedAdvice('goes direct'),
    );
    return { ok: true, ws, inbox };
  } catch (err) {
    ws.terminate();
    if (isNetworkProblem(err)) {
      p.markProblem(err.problem);
      if (err.problem.kind === 'proxy') {
        p.emit(
          'tunnel',
          'fail',
          p.said(describeProblem(err.problem), 400),
          problemAdvice(err.problem),
        );
        return { ok: false, failedAt: 'tunnel' };
      }
      p.emit('tls', 'fail', p.said(describeProblem(err.problem), 600), problemAdvice(err.problem));
      reportChain(err.chain, err.problem.certificate, p);
      return { ok: false, failedAt: 'chain' };
    }
    // Not through the tunnel, or no TLS: the failure belongs to that step.
    if (proxied && !tunnelled) {
      p.emit(
        'tunnel',
        'fail',
        p.failure(err),
        'the proxy did not open the tunnel; check the proxy setting',
      );
      return { ok: false, failedAt: 'tunnel' };
    }
    if (t.secure && !secured) {
      p.emit('tls', 'fail', p.failure(err), TLS_ADVICE);
      return { ok: false, failedAt: 'chain' };
    }
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403) {
      p.markAuthFailed();
      p.emit(
        'upgrade',
        'fail',
        p.failure(err),
        'the server (or a proxy) refused the token; check it',
      );
    } else {
      const advice =
        status === 404
          ? `nothing at ${p.said(t.url.pathname, 80)}; the Katya path is /v1/ws`
          : status
            ? 'a proxy may not pass WebSocket upgrades; check its configuration'
            : 'check that this is a Katya server';
      p.emit('upgrade', 'fail', p.failure(err), advice);
    }
    return { ok: false, failedAt: 'upgrade' };
  }
}

/** Whether the server took the token; a refusal (not a silence) also marks the report. */
async function authenticate(
  ws: WebSocket,
  inbox: Inbox,
  token: string,
  authMethod: AuthMethod,
  timeoutMs: number,
  p: Probe,
): Promise<boolean> {
  try {
    const isAuthEnd = (f: Frame) =>
      errorCode(f) === ERROR_CODES.BAD_TOKEN ||
      (f.type === 'response' && f.data?.requestId === 'doctor-auth') ||
      (f.type === 'pong' && f.data?.requestId === 'doctor-auth');
    // With the message method the answer is a response; otherwise the server has already
    // judged the token at the upgrade, and a pong shows the connection survived that.
    ws.send(
      JSON.stringify(
        authMethod === 'message'
          ? { type: 'auth', id: 'doctor-auth', token }
          : { type: 'ping', id: 'doctor-auth' },
      ),
    );
    const answer = await withTimeout(inbox.next(isAuthEnd), timeoutMs, 'authentication');
    const refused = (why: string) => {
      p.emit(
        'auth',
        'fail',
        `refused (${why})`,
        'the token is wrong, expired or revoked; get a new one',
      );
      p.markAuthFailed();
      return false;
    };
    if (answer === null) {
      // next() gives null only once the socket has closed.
      const code = inbox.closed!.code;
      // Only 4001 (an error, or the close after it) judges the token, as for the app's
      // connection; any other close is the server's trouble or the network's.
      if (code === CLOSE_CODES.AUTH_FAILED) return refused(`closed ${code}`);
      p.emit(
        'auth',
        'fail',
        `the connection closed (${code}) before an answer`,
        'the server ended the connection without judging the token; check the server',
      );
      return false;
    }
    if (errorCode(answer) === ERROR_CODES.BAD_TOKEN) {
      // Stryker disable next-line OptionalChaining: a 4001 error has data: its code is in it
      return refused(p.said(answer.data?.message) || 'error 4001');
    }
    p.emit('auth', 'ok', `token accepted (${authMethod})`);
    return true;
  } catch (err) {
    p.emit('auth', 'fail', p.failure(err), 'the server does not answer; is this a Katya server?');
    return false;
  }
}

/** One step per channel and per event type, so the report names exactly what was refused. */
async function subscribe(
  ws: WebSocket,
  inbox: Inbox,
  channels: Channel[],
  events: EventType[],
  timeoutMs: number,
  p: Probe,
): Promise<void> {
  const names = [
    ...channels.map((name) => ({ kind: 'channel', name: String(name) })),
    ...events.map((name) => ({ kind: 'event', name: String(name) })),
  ];
  if (names.length === 0) {
    p.emit('subscribe', 'skip', 'nothing to subscribe to');
    return;
  }
  let end: Frame | null;
  try {
    ws.send(JSON.stringify({ type: 'subscribe', id: 'doctor-sub', channels, events }));
    end = await withTimeout(
      inbox.next(
        (f) =>
          (f.type === 'response' &&
            (f.data?.requestId === 'doctor-sub' || f.data?.action === 'subscribe')) ||
          errorCode(f) === ERROR_CODES.SUBSCRIPTION_LIMIT,
      ),
      timeoutMs,
      'subscribe',
    );
  } catch (err) {
    for (const { kind, name } of names) {
      p.emit(
        'subscribe',
        'fail',
        `${kind} ${p.said(name, 80)}: ${p.failure(err)}`,
        'the server does not answer subscriptions',
      );
    }
    return;
  }
  const errors = inbox.frames.filter((f) => f.type === 'error');
  const limit = errors.find((f) => errorCode(f) === ERROR_CODES.SUBSCRIPTION_LIMIT);
  for (const { kind, name } of names) {
    const shown = `${kind} ${p.said(name, 80)}`;
    const rejected = errors.find(
      (f) => (kind === 'channel' ? f.data?.channel : f.data?.event) === name,
    );
    if (rejected) {
      const code = errorCode(rejected)!;
      const why = [
        p.said(code, 10),
        // Stryker disable next-line OptionalChaining: found by a field of its data, so it has data
        p.said(rejected.data?.message),
      ].filter(Boolean);
      p.emit(
        'subscribe',
        'fail',
        `${shown}: ${why.join(' ')}`,
        SUBSCRIPTION_ADVICE.get(code) ?? 'the server refused it',
      );
    } else if (limit) {
      p.emit(
        'subscribe',
        'fail',
        // Stryker disable next-line OptionalChaining: found by the code in its data, so it has data
        `${shown}: ${p.said(limit.data?.message) || '4004'}`,
        SUBSCRIPTION_ADVICE.get(ERROR_CODES.SUBSCRIPTION_LIMIT)!,
      );
    } else if (end?.type === 'response') {
      p.emit('subscribe', 'ok', shown);
    } else {
      p.emit('subscribe', 'fail', `${shown}: no answer`, 'the server closed the connection');
    }
  }
}

/** Three client pings: the average says whether notifications will arrive on time. */
async function roundTrip(ws: WebSocket, inbox: Inbox, timeoutMs: number, p: Probe) {
  try {
    const times: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const id = `doctor-rtt-${i}`;
      const sent = performance.now();
      ws.send(JSON.stringify({ type: 'ping', id }));
      const pong = await withTimeout(
        inbox.next(
          (f) => f.type === 'pong' && (f.data?.requestId === id || f.data?.requestId === undefined),
        ),
        timeoutMs,
        'ping',
      );
      // next() gives null only once the socket has closed.
      if (!pong) throw new Error(`the connection closed (${inbox.closed!.code})`);
      inbox.frames.splice(inbox.frames.indexOf(pong), 1);
      times.push(performance.now() - sent);
    }
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    const detail = `${avg.toFixed(1)} ms average of 3 pings (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`;
    if (avg > 1000) p.emit('rtt', 'ok', detail, 'slow: notifications will arrive late');
    else p.emit('rtt', 'ok', detail);
  } catch (err) {
    p.emit(
      'rtt',
      'fail',
      p.failure(err),
      'the server does not answer pings; the app may see the connection as dead',
    );
  }
}
