// `katya doctor`: walks the way from this computer to a Katya server one step at a time and
// says, for each, what it found and what to do when it failed. It is a probe, not a client:
// it uses node:dns, node:net, node:tls and a plain `ws` socket so that every step is visible.
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import { ERROR_CODES } from '../core/protocol';
import { EXIT, intOption, parseCommandArgs } from './args';
import { clean, painter, wantsColour } from './format';
import type { Paint } from './format';
import { TARGET_OPTIONS, connectionTarget } from './tail-command';

type Outcome = 'ok' | 'FAIL' | 'skip';

interface Frame {
  type?: unknown;
  data?: {
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    channel?: unknown;
    event?: unknown;
    channels?: unknown;
    events?: unknown;
    action?: unknown;
  };
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms (${what})`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Frames of the probe socket, kept from the first one on, with a way to wait for one. */
class Inbox {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private wake: (() => void)[] = [];

  constructor(ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        const parsed = JSON.parse(data.toString()) as unknown;
        if (parsed && typeof parsed === 'object') this.frames.push(parsed as Frame);
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

const SUBSCRIPTION_ADVICE: Record<string, string> = {
  [ERROR_CODES.NO_PERMISSION]:
    'the token may not read it; ask the server admin to grant it, or stop subscribing to it',
  [ERROR_CODES.UNKNOWN_NAME]: 'the server does not know this name; check the spelling',
  [ERROR_CODES.SUBSCRIPTION_LIMIT]:
    'over the server limit; follow whole channels instead of single event types, or fewer of them',
};

function tlsAdvice(code: string | undefined, host: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'the server certificate has expired; the server admin must renew it';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return 'the certificate is not signed by a known authority; add your CA with NODE_EXTRA_CA_CERTS=ca.pem (or to the system store for the app)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the certificate is not for ${host}; use the host name the certificate names`;
    default:
      return 'check that the port speaks TLS (wss://) and not plain HTTP (ws://)';
  }
}

export async function runDoctor(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...TARGET_OPTIONS, timeout: { type: 'string' } });
  const target = connectionTarget(values, env, { tokenRequired: false });
  const timeoutMs = intOption(values.timeout, 'timeout', 10_000, 100, 600_000);
  const paint: Paint = painter(wantsColour(process.stdout, env));

  const url = new URL(target.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'wss:';
  const port = Number(url.port || (secure ? 443 : 80));

  let failed = false;
  let authFailed = false;
  const report = (outcome: Outcome, step: string, detail: string, advice?: string) => {
    if (outcome === 'FAIL') failed = true;
    const mark =
      outcome === 'ok'
        ? paint('ok  ', 'green')
        : outcome === 'FAIL'
          ? paint('FAIL', 'bold', 'red')
          : paint('skip', 'dim');
    const tail = advice ? ` ${paint('→', 'dim')} ${advice}` : '';
    process.stdout.write(`${mark}  ${step.padEnd(20)} ${detail}${tail}\n`);
  };
  const skipRest = (steps: string[], why: string) => steps.forEach((s) => report('skip', s, why));
  const remaining = (from: string) => {
    const all = [
      'name resolution',
      'TCP connection',
      'TLS',
      'WebSocket upgrade',
      'authentication',
      'subscriptions',
      'round trip',
    ];
    return all.slice(all.indexOf(from) + 1).filter((s) => s !== 'TLS' || secure);
  };
  const describeError = (err: unknown) => clean((err as Error).message ?? String(err));

  // 1. Name resolution
  let address: string;
  if (isIP(host)) {
    address = host;
    report('ok', 'name resolution', `${host} is an address, nothing to resolve`);
  } else {
    try {
      const all = await withTimeout(lookup(host, { all: true }), timeoutMs, 'DNS');
      address = all[0]!.address;
      report('ok', 'name resolution', `${host} → ${all.map((a) => a.address).join(', ')}`);
    } catch (err) {
      report(
        'FAIL',
        'name resolution',
        `${host}: ${describeError(err)}`,
        'check the host name for typos, your DNS settings and VPN',
      );
      skipRest(remaining('name resolution'), 'an earlier step failed');
      return EXIT.FAILURE;
    }
  }

  // 2. TCP
  try {
    const started = performance.now();
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const socket = tcpConnect({ host: address, port }, () => {
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
      }),
      timeoutMs,
      'TCP',
    );
    report(
      'ok',
      'TCP connection',
      `${address} port ${port} in ${(performance.now() - started).toFixed(1)} ms`,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const advice =
      code === 'ECONNREFUSED'
        ? 'nothing listens there: is the server running, and is the port right?'
        : err instanceof TimeoutError
          ? 'packets are dropped: a firewall, proxy or VPN may be in the way'
          : 'check the network connection';
    report('FAIL', 'TCP connection', `${address} port ${port}: ${describeError(err)}`, advice);
    skipRest(remaining('TCP connection'), 'an earlier step failed');
    return EXIT.FAILURE;
  }

  // 3. TLS
  if (secure) {
    try {
      const cert = await withTimeout(
        new Promise<{ cert: PeerCertificate; protocol: string | null }>((resolve, reject) => {
          const socket = tlsConnect(
            { host: address, port, servername: isIP(host) ? undefined : host },
            () => {
              const result = { cert: socket.getPeerCertificate(), protocol: socket.getProtocol() };
              socket.destroy();
              resolve(result);
            },
          );
          socket.on('error', reject);
        }),
        timeoutMs,
        'TLS',
      );
      const daysLeft = Math.floor((Date.parse(cert.cert.valid_to) - Date.now()) / 86_400_000);
      const detail = `${cert.protocol ?? 'TLS'}, certificate valid for ${daysLeft} more day(s)`;
      if (daysLeft < 14)
        report('ok', 'TLS', detail, 'the certificate expires soon; tell the server admin');
      else report('ok', 'TLS', detail);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      report('FAIL', 'TLS', describeError(err), tlsAdvice(code, host));
      skipRest(remaining('TLS'), 'an earlier step failed');
      return EXIT.FAILURE;
    }
  } else {
    report('skip', 'TLS', 'not used: ws:// to this computer');
  }

  // 4. Upgrade (with the token presented the chosen way, as the app would)
  const wsUrl = new URL(target.url);
  const headers: Record<string, string> = {};
  if (target.token && target.authMethod === 'query') wsUrl.searchParams.set('token', target.token);
  if (target.token && target.authMethod === 'header')
    headers.authorization = `Bearer ${target.token}`;
  const started = performance.now();
  const ws = new WebSocket(wsUrl, { headers, handshakeTimeout: timeoutMs });
  ws.on('error', () => {}); // reported through the promise below
  const inbox = new Inbox(ws);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode} instead of 101`), {
            status: res.statusCode,
          }),
        );
        res.resume();
      });
      ws.once('error', reject);
    });
    report('ok', 'WebSocket upgrade', `HTTP 101 in ${(performance.now() - started).toFixed(1)} ms`);
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403) {
      report(
        'FAIL',
        'WebSocket upgrade',
        describeError(err),
        'the server (or a proxy) refused the token; check it',
      );
      authFailed = true;
    } else {
      const advice =
        status === 404
          ? `nothing at ${url.pathname}; the Katya path is /v1/ws`
          : status
            ? 'a proxy may not pass WebSocket upgrades; check its configuration'
            : 'check that this is a Katya server';
      report('FAIL', 'WebSocket upgrade', describeError(err), advice);
    }
    skipRest(remaining('WebSocket upgrade'), 'an earlier step failed');
    ws.terminate();
    return authFailed ? EXIT.AUTH_FAILED : EXIT.FAILURE;
  }

  const finish = (code: number) => {
    ws.close(1000, 'doctor done');
    return code;
  };

  // 5. Authentication
  if (!target.token) {
    report('skip', 'authentication', 'no token given (--token or KATYA_TOKEN)');
    skipRest(['subscriptions'], 'needs a token');
  } else {
    try {
      const isAuthEnd = (f: Frame) =>
        errorCode(f) === ERROR_CODES.BAD_TOKEN ||
        (f.type === 'response' && f.data?.requestId === 'doctor-auth') ||
        (f.type === 'pong' && f.data?.requestId === 'doctor-auth');
      // With the message method the answer is a response; otherwise the server has already
      // judged the token at the upgrade, and a pong shows the connection survived that.
      ws.send(
        JSON.stringify(
          target.authMethod === 'message'
            ? { type: 'auth', id: 'doctor-auth', token: target.token }
            : { type: 'ping', id: 'doctor-auth' },
        ),
      );
      const answer = await withTimeout(inbox.next(isAuthEnd), timeoutMs, 'authentication');
      if (!answer || errorCode(answer) === ERROR_CODES.BAD_TOKEN) {
        const why = answer
          ? clean(answer.data?.message ?? 'error 4001')
          : `closed ${inbox.closed?.code ?? ''}`;
        report(
          'FAIL',
          'authentication',
          `refused (${why})`,
          'the token is wrong, expired or revoked; get a new one',
        );
        authFailed = true;
      } else {
        report('ok', 'authentication', `token accepted (${target.authMethod})`);
      }
    } catch (err) {
      report(
        'FAIL',
        'authentication',
        describeError(err),
        'the server does not answer; is this a Katya server?',
      );
    }
    if (authFailed || failed) {
      skipRest(['subscriptions', 'round trip'], 'an earlier step failed');
      ws.terminate();
      return authFailed ? EXIT.AUTH_FAILED : EXIT.FAILURE;
    }

    // 6. Subscriptions, one line each
    try {
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          id: 'doctor-sub',
          channels: target.channels,
          events: target.events,
        }),
      );
      const end = await withTimeout(
        inbox.next(
          (f) =>
            (f.type === 'response' &&
              (f.data?.requestId === 'doctor-sub' || f.data?.action === 'subscribe')) ||
            errorCode(f) === ERROR_CODES.SUBSCRIPTION_LIMIT,
        ),
        timeoutMs,
        'subscribe',
      );
      const errors = inbox.frames.filter((f) => f.type === 'error');
      const limit = errors.find((f) => errorCode(f) === ERROR_CODES.SUBSCRIPTION_LIMIT);
      const names = [
        ...target.channels.map((name) => ({ kind: 'channel', name })),
        ...target.events.map((name) => ({ kind: 'event', name })),
      ];
      for (const { kind, name } of names) {
        const rejected = errors.find(
          (f) => (kind === 'channel' ? f.data?.channel : f.data?.event) === name,
        );
        const label = `subscription`;
        if (rejected) {
          const code = errorCode(rejected)!;
          report(
            'FAIL',
            label,
            `${kind} ${name}: ${code} ${clean(rejected.data?.message ?? '')}`,
            SUBSCRIPTION_ADVICE[code],
          );
        } else if (limit) {
          report(
            'FAIL',
            label,
            `${kind} ${name}: ${clean(limit.data?.message ?? '4004')}`,
            SUBSCRIPTION_ADVICE[ERROR_CODES.SUBSCRIPTION_LIMIT],
          );
        } else if (end?.type === 'response') {
          report('ok', label, `${kind} ${name}`);
        } else {
          report('FAIL', label, `${kind} ${name}: no answer`, 'the server closed the connection');
        }
      }
    } catch (err) {
      report(
        'FAIL',
        'subscriptions',
        describeError(err),
        'the server does not answer subscriptions',
      );
    }
  }

  // 7. Round trip: three client pings
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
      if (!pong) throw new Error(`the connection closed (${inbox.closed?.code ?? '?'})`);
      inbox.frames.splice(inbox.frames.indexOf(pong), 1);
      times.push(performance.now() - sent);
    }
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    const detail = `${avg.toFixed(1)} ms average of 3 pings (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`;
    if (avg > 1000) report('ok', 'round trip', detail, 'slow: notifications will arrive late');
    else report('ok', 'round trip', detail);
  } catch (err) {
    report(
      'FAIL',
      'round trip',
      describeError(err),
      'the server does not answer pings; the app may see the connection as dead',
    );
  }

  return finish(authFailed ? EXIT.AUTH_FAILED : failed ? EXIT.FAILURE : EXIT.OK);
}
