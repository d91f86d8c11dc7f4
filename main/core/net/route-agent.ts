// The one way every connection to a Katya server is made (the app, the preview, `katya tail`,
// the doctor and "Test connection"): an http.Agent that `ws` uses for the upgrade request.
// Per connection it asks where to go (direct, or the proxies a PAC file, the environment or the
// settings name), opens the way there (a TCP connection, an HTTP CONNECT tunnel by the
// proxy-agents library, or a SOCKS connection by the socks client), and for wss:// makes the
// TLS connection itself against the trust store, so that a refused certificate can be named.
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect } from 'node:net';
import { addAbortSignal } from 'node:stream';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { ClientRequest } from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent } from 'agent-base';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksClient } from 'socks';
import { DIRECT, describeChoice, hostPort, proxyAddress, socketHost } from '../common/network';
import type {
  CertificateInfo,
  ConnectionProblem,
  ProxyChoice,
  ProxyRoute,
} from '../common/network';
import { displayText } from '../common/untrusted-text';
import { certificateChain, certificateProblem } from './certificate';
import type { TrustStore } from './trust';
import { describeProblem } from './problem-text';

type ProxyEntry = Extract<ProxyChoice, { kind: 'proxy' }>;

/** How the connections of one engine (or one probe) find their way. */
export interface NetworkOptions {
  /** where a connection to `url` goes; asked once per connection attempt. Default: direct */
  proxyFor?: (url: URL) => Promise<ProxyRoute> | ProxyRoute;
  /** the certificates wss:// trusts, asked once per attempt. Default: Node's own store */
  trust?: () => TrustStore;
}

/** Progress of one connection, for the doctor's steps and the engine's log. */
export type RouteStage =
  | { stage: 'route'; route: ProxyRoute }
  | { stage: 'tunnel'; choice: ProxyChoice; ms: number }
  /** a proxy that failed before it answered, given up for the route's next choice */
  | { stage: 'passed'; choice: ProxyChoice; problem: ConnectionProblem }
  | { stage: 'tls'; protocol: string | null; chain: CertificateInfo[]; ms: number };

const BRAND = Symbol.for('katya.networkProblem');

/** A connection failed on the way (a proxy, a certificate): the problem says which and why. */
export class NetworkProblemError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly problem: ConnectionProblem,
    /** for certificates: the whole chain as received, leaf first */
    readonly chain: CertificateInfo[] = [],
  ) {
    super(describeProblem(problem));
    this.name = 'NetworkProblemError';
  }
}

/** True for a NetworkProblemError, also one from another copy of this module. */
export function isNetworkProblem(err: unknown): err is NetworkProblemError {
  return (
    typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  );
}

const contexts = new WeakMap<TrustStore, SecureContext>();

/** One secure context per trust store: building one from some 300 certificates takes ~40 ms. */
function secureContextFor(trust: TrustStore): SecureContext {
  let context = contexts.get(trust);
  if (!context) {
    context = tls.createSecureContext({ ca: trust.ca });
    contexts.set(trust, context);
  }
  return context;
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function errorText(err: unknown): string {
  return displayText(err instanceof Error ? err.message : String(err), 200);
}

/** What one connection attempt needs on every part of its way. */
interface Way {
  req: ClientRequest;
  options: AgentConnectOpts;
  /** the server's host (no brackets around IPv6) and port */
  host: string;
  port: number;
  trust: TrustStore | undefined;
  /** aborted when the attempt is given up on: every socket of the attempt closes with it */
  signal: AbortSignal;
}

/** A TCP connection, closed by `signal` until it is handed on. */
function tcpTo(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port, signal });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * A SOCKS connection to the server through `choice`. The TCP connection to the proxy is made
 * here, with the attempt's signal, and handed to the socks client: a proxy that accepts and
 * then never answers is closed with the attempt. `destination` is what socksDestination
 * gives: an address or a name.
 */
async function socksTunnel(
  choice: ProxyEntry,
  destination: string,
  { port, signal }: Way,
): Promise<Duplex> {
  const version = choice.scheme.startsWith('socks4') ? 4 : 5;
  const socket = await tcpTo(choice.host, choice.port, signal);
  try {
    const { credentials } = choice;
    const { socket: tunnel } = await SocksClient.createConnection({
      proxy: {
        host: choice.host,
        port: choice.port,
        type: version,
        ...(credentials && { userId: credentials.username, password: credentials.password }),
      },
      destination: { host: destination, port },
      command: 'connect',
      existing_socket: socket,
    });
    return tunnel;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/**
 * What a SOCKS proxy is asked to reach: the server's address resolved here for socks4 and
 * socks5 (socks4 knows IPv4 only), its name for socks4a and socks5h. A name that does not
 * resolve is the server's name's problem, not the proxy's: its error is not a proxy problem,
 * so no other proxy is tried for it. An IPv6 address cannot go through SOCKS4 at all: that is
 * said as such, rather than sent on as a SOCKS4a name the proxy would refuse in its own words.
 */
async function socksDestination(choice: ProxyEntry, { host, port, signal }: Way): Promise<string> {
  const resolvesHere = choice.scheme === 'socks4' || choice.scheme === 'socks5';
  const family = isIP(host);
  if (family === 6 && choice.scheme === 'socks4') {
    throw new NetworkProblemError({
      kind: 'proxy',
      reason: 'ipv4_only',
      proxy: describeChoice(choice),
      target: hostPort(host, port),
    });
  }
  if (!resolvesHere || family !== 0) return host;
  const { address } = await lookup(host, choice.scheme === 'socks4' ? { family: 4 } : {});
  signal.throwIfAborted();
  return address;
}

export class RouteAgent extends Agent {
  readonly #target: URL;
  readonly #options: NetworkOptions;
  readonly #observe: ((stage: RouteStage) => void) | undefined;

  /** `target` is the server URL (without a token: a PAC file never sees it). */
  constructor(target: URL, options: NetworkOptions = {}, observe?: (stage: RouteStage) => void) {
    super();
    this.#target = target;
    this.#options = options;
    this.#observe = observe;
  }

  override async connect(req: ClientRequest, options: AgentConnectOpts): Promise<Duplex> {
    const secure = this.#target.protocol === 'wss:';
    const host = socketHost(this.#target);
    const port = Number(this.#target.port || (secure ? 443 : 80));
    // A connection given up on (the engine's deadline, a stop, the doctor's step timeout) ends
    // every socket still under way, also those the proxy libraries opened: each is made with
    // this signal. ws gives up with req.abort(), which emits 'abort' even before the request
    // has a socket (it has none until this returns), so 'close' alone would never come.
    const aborted = new AbortController();
    const abort = () => aborted.abort();
    req.once('abort', abort);
    req.once('close', abort);
    // Aborted in the tick it was made: the 'abort' went out before this ran.
    if (req.destroyed) abort();
    try {
      const route = await this.#route();
      aborted.signal.throwIfAborted();
      this.#tell({ stage: 'route', route });
      const trust = secure ? this.#options.trust?.() : undefined;
      const way = { req, options, host, port, trust, signal: aborted.signal };
      const raw = await this.#openFirstUsable(route, way);
      if (!secure) return raw;
      return await this.#secure(raw, way);
    } finally {
      req.off('abort', abort);
      req.off('close', abort);
    }
  }

  async #route(): Promise<ProxyRoute> {
    const route = this.#options.proxyFor
      ? await this.#options.proxyFor(this.#target)
      : { choices: [DIRECT], source: 'default' };
    return route.choices.length ? route : { ...route, choices: [DIRECT] };
  }

  #tell(stage: RouteStage): void {
    try {
      this.#observe?.(stage);
    } catch {
      // An observer's bug must not decide the connection.
    }
  }

  /**
   * The route's choices in order: a proxy that cannot be reached gives way to the next one,
   * as browsers do with a PAC answer such as "PROXY a:3128; PROXY b:3128; DIRECT". A proxy
   * that answered (407, 403, 502) is the answer: no fallback past a proxy's own refusal.
   */
  async #openFirstUsable(route: ProxyRoute, way: Way): Promise<Duplex> {
    let lastError: unknown = null;
    for (const [i, choice] of route.choices.entries()) {
      try {
        const started = performance.now();
        const socket =
          choice.kind === 'direct'
            ? await tcpTo(way.host, way.port, way.signal)
            : await this.#tunnel(choice, way);
        if (choice.kind === 'proxy') {
          this.#tell({ stage: 'tunnel', choice, ms: performance.now() - started });
        }
        return socket;
      } catch (err) {
        lastError = err;
        // A SOCKS4 proxy cannot carry an IPv6 address: it was never asked, so it has not answered.
        const unreachable =
          isNetworkProblem(err) &&
          err.problem.kind === 'proxy' &&
          (err.problem.reason === 'refused' ||
            err.problem.reason === 'unreachable' ||
            err.problem.reason === 'ipv4_only');
        if (!unreachable) throw err;
        if (i < route.choices.length - 1)
          this.#tell({ stage: 'passed', choice, problem: err.problem });
      }
    }
    throw lastError;
  }

  /** A tunnel through one proxy: SOCKS by the socks client, HTTP CONNECT by its agent. */
  async #tunnel(choice: ProxyEntry, way: Way): Promise<Duplex> {
    const { req, options, host, port, trust, signal } = way;
    const proxy = describeChoice(choice);
    const target = hostPort(host, port);
    const credentialsSent = choice.credentials !== undefined;
    if (choice.scheme.startsWith('socks')) {
      const destination = await socksDestination(choice, way);
      try {
        return await socksTunnel(choice, destination, way);
      } catch (err) {
        throw new NetworkProblemError(socksProblem(err, proxy, target, credentialsSent));
      }
    }
    const url = new URL(`${choice.scheme}://${proxyAddress(choice)}`);
    if (choice.credentials) {
      url.username = encodeURIComponent(choice.credentials.username);
      url.password = encodeURIComponent(choice.credentials.password);
    }
    // Only the way to the server is asked of the library; TLS to the server is ours (#secure).
    const connectOpts = { ...options, host, port, secureEndpoint: false } as AgentConnectOpts;
    // An https:// proxy is reached over TLS, with the same trust as the server.
    const agent = new HttpsProxyAgent(url, { signal, ...(trust && { ca: trust.ca }) });
    let status: number | undefined;
    const onAnswer = (answer: { statusCode?: number }) => (status = answer.statusCode);
    req.once('proxyConnect', onAnswer);
    let socket: Duplex;
    try {
      socket = await agent.connect(req, connectOpts);
    } catch (err) {
      const code = errorCode(err);
      throw new NetworkProblemError({
        kind: 'proxy',
        reason: code === 'ECONNREFUSED' ? 'refused' : 'unreachable',
        proxy,
        target,
        detail: errorText(err),
      });
    } finally {
      req.off('proxyConnect', onAnswer);
    }
    if (status === 200) return socket;
    // The library hands back a stand-in that would replay the proxy's answer as the server's:
    // a proxy's 403 must never read as the server refusing the token.
    socket.destroy();
    throw new NetworkProblemError({
      kind: 'proxy',
      reason:
        status === 407
          ? 'auth_required'
          : status !== undefined && status >= 500
            ? 'upstream'
            : 'denied',
      proxy,
      target,
      credentialsSent,
      ...(status !== undefined && { status }),
    });
  }

  /**
   * TLS to the server. Verification is Node's own (the chain against the trust store, then the
   * host name); it is only acted on here rather than inside tls.connect, so that the socket is
   * still open to read the certificate chain when it fails. The socket reaches the HTTP
   * request only after it passed: nothing, not the token, is ever written to a server whose
   * certificate failed.
   */
  #secure(raw: Duplex, { host, trust, signal }: Way): Promise<TLSSocket> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        socket: raw,
        host,
        servername: isIP(host) ? undefined : host,
        ...(trust && { secureContext: secureContextFor(trust) }),
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: false, // decided below, before anything is written
      });
      addAbortSignal(signal, socket);
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        const chain = certificateChain(socket.getPeerCertificate(true));
        if (!socket.authorized) {
          const code = String(socket.authorizationError ?? 'UNKNOWN');
          socket.destroy();
          reject(new NetworkProblemError(certificateProblem(code, chain, host), chain));
          return;
        }
        this.#tell({
          stage: 'tls',
          protocol: socket.getProtocol(),
          chain,
          ms: performance.now() - started,
        });
        resolve(socket);
      });
    });
  }
}

/** What a SOCKS library error means (its messages are the only thing it gives). */
export function socksProblem(
  err: unknown,
  proxy: string,
  target: string,
  credentialsSent: boolean,
): ConnectionProblem {
  const text = errorText(err);
  const base = { kind: 'proxy' as const, proxy, target };
  if (errorCode(err) === 'ECONNREFUSED' || /ECONNREFUSED/.test(text))
    return { ...base, reason: 'refused' };
  if (/authentication/i.test(text)) return { ...base, reason: 'auth_required', credentialsSent };
  if (/rejected connection - (NotAllowed|Failure)/i.test(text))
    return { ...base, reason: 'denied', detail: text };
  if (/rejected connection/i.test(text)) return { ...base, reason: 'upstream', detail: text };
  return { ...base, reason: 'unreachable', detail: text };
}
