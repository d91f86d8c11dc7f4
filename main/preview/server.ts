// The browser preview: the real app model (main/app) in Node, the built window served on a
// loopback port, and the IPC contract carried over a WebSocket (/bridge) that only a page
// holding this run's secret can use. It exists because Electron cannot run everywhere; it is
// a development and test tool and never part of a packaged build.
import { newServer } from '../core/common/servers';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { AppService } from '../app/app-service';
import type { AppServiceDeps } from '../app/app-service';
import { confBackend, loadAdminPolicy } from '../core/settings/settings';
import { probeServer } from '../core/doctor';
import { dispatchInvoke, dispatchSend, isInvokeChannel, isSendChannel } from '../ipc/dispatch';
import { startDemoServer } from '../app/demo';
import { requestTarget } from '../server/http';
import type { EmitToWindow, ShownNotification, TokenStatus } from '../../preload/contract';
import { fileKeyEncryptor } from './encryptor';
import { environmentProxy } from '../app/network';
import { resolveInside, windowCsp, windowHeaders } from '../core/window-files';

/** Same policy as the app's, but the page may talk to its own origin: the bridge socket. */
const PREVIEW_CSP = windowCsp("'self'");

export interface PreviewOptions {
  dataDir: string;
  /** a server to use instead of the demo one */
  server?: string;
  /** a token, handled exactly like one typed into settings */
  token?: string;
  host?: string;
  port?: number;
  policyFile?: string;
  /**
   * The proxy the "system" setting means here, where there is no Chromium to ask: a URL, or
   * "none"; default HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY
   */
  proxy?: string;
  rendererDir: string;
  bridgeFile: string;
  /** notifications and log lines are reported here (stdout / stderr in the CLI) */
  onNotification?: (n: ShownNotification) => void;
  log?: (line: string) => void;
  version?: string;
  /** engine timings for tests */
  connection?: AppServiceDeps['connection'];
  /** for tests: how long the history waits for the connection before being read */
  historyReadDeadlineMs?: number;
}

export interface Preview {
  /** the page to open, with this run's launch secret (good for one page) in the fragment */
  url: string;
  port: number;
  app: AppService;
  close(): Promise<void>;
}

type BridgeIn =
  | { t: 'hello'; launch?: unknown; session?: unknown }
  | { t: 'invoke'; id: number; channel: string; args: unknown[] }
  | { t: 'send'; channel: string; args: unknown[] };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The bridge's two secrets. The launch secret travels in the page URL, which ends up on the
 * browser's command line where every local user can read it (`ps`), so it is good for one
 * exchange only: the first page to present it gets a fresh session secret, which travels only
 * over the bridge socket (never on a command line or in a URL), and the launch secret is dead
 * from then on.
 */
interface BridgeSecrets {
  readonly launch: string;
  /** The session secret for the launch secret, the first time only; otherwise null. */
  exchange(candidate: string): string | null;
  isSession(candidate: string): boolean;
  /** whether the launch secret has been exchanged already */
  readonly spent: boolean;
}

function bridgeSecrets(): BridgeSecrets {
  const launch = randomBytes(24).toString('hex');
  let unspent: string | null = launch;
  let session: string | null = null;
  return {
    launch,
    exchange(candidate) {
      if (unspent === null || !sameSecret(candidate, unspent)) return null;
      unspent = null;
      session = randomBytes(32).toString('hex');
      return session;
    },
    isSession: (candidate) => session !== null && sameSecret(candidate, session),
    get spent() {
      return unspent === null;
    },
  };
}

/**
 * The Host values the preview answers to: the loopback names at its own port. Anything else
 * is a DNS-rebinding page (evil.example resolved to 127.0.0.1) reaching our port from outside.
 */
function loopbackHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

type Checked = { ok: true; url: URL } | { ok: false; status: 400 | 403 };

/**
 * Every request and upgrade goes through here first: 400 for a target that is not a URL, 403
 * for a Host (or an Origin, when one is sent) that is not ours.
 */
function checkRequest(req: http.IncomingMessage, hosts: ReadonlySet<string>): Checked {
  const headers: IncomingHttpHeaders = req.headers;
  const url = requestTarget(req);
  if (!url) return { ok: false, status: 400 };
  const host = headers.host?.toLowerCase();
  if (host === undefined || !hosts.has(host)) return { ok: false, status: 403 };
  const origin = headers.origin?.toLowerCase();
  if (origin !== undefined && !isOwnOrigin(origin, hosts)) return { ok: false, status: 403 };
  return { ok: true, url };
}

function isOwnOrigin(origin: string, hosts: ReadonlySet<string>): boolean {
  return origin.startsWith('http://') && hosts.has(origin.slice('http://'.length));
}

/** Answer an upgrade we will not take, then hang up. */
function refuseUpgrade(socket: Duplex, status: 400 | 403): void {
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const secrets = bridgeSecrets();
  // Set once listening; no request arrives before.
  let hosts: ReadonlySet<string> = new Set();
  const log = opts.log ?? (() => undefined);
  const clients = new Set<WebSocket>();

  const emit: EmitToWindow = (channel, payload) => {
    if (clients.size === 0) return;
    const frame = JSON.stringify({ t: 'event', channel, payload });
    for (const ws of clients) ws.send(frame);
  };

  const policy = opts.policyFile
    ? {
        // The developer named this file on the command line: whoever owns it, it is theirs.
        ...loadAdminPolicy(opts.policyFile, { distrust: () => null }),
        source: opts.policyFile,
      }
    : undefined;
  const app = await AppService.start({
    dataDir: opts.dataDir,
    settingsBackend: confBackend({ cwd: opts.dataDir }),
    adminPolicy: policy,
    encryptor: fileKeyEncryptor(opts.dataDir),
    notify: {
      // Native notifications become in-page toasts (and a line for whoever runs the preview).
      show: (n) => {
        opts.onNotification?.(n);
        emit('notification:shown', n);
      },
      withdraw: () => undefined,
    },
    emit,
    startDemo: startDemoServer,
    probe: probeServer,
    systemProxy: environmentProxy(process.env, opts.proxy),
    platform: process.platform,
    version: opts.version,
    // The window runs in whatever browser opened it: the preview has no Electron or Chromium
    // of its own, and no updater (About says it is a development build).
    runtime: { electron: null, chromium: null, node: process.versions.node },
    logEcho: log,
    connection: opts.connection,
    historyReadDeadlineMs: opts.historyReadDeadlineMs,
  });

  // --server and --token go through the same paths as the settings form, server first: a
  // token is bound to the server it is entered for. The server is added to the profile's list
  // (one already listed at that address is the one meant); nothing listed is removed, since
  // removing a server deletes its token and history.
  let serverId: string | undefined;
  if (opts.server) {
    const servers = app.snapshot().settings.servers;
    const listed = servers.find((s) => s.url === opts.server);
    const added = listed ? null : newServer(opts.server, servers);
    serverId = (listed ?? added)!.id;
    const result = added
      ? await app.handlers.invoke['settings:update']({ servers: [...servers, added] })
      : null;
    if (result && !result.ok) {
      await app.stop();
      throw new Error(`--server: ${result.errors.map((e) => e.message).join('; ')}`);
    }
  }
  if (opts.token) {
    let status: TokenStatus;
    try {
      status = await app.handlers.invoke['token:set']({ token: opts.token, server: serverId });
    } catch (err) {
      await app.stop();
      throw new Error(`--token: ${(err as Error).message}`, { cause: err });
    }
    if (!status.stored) throw new Error('the token could not be stored');
  }
  // The preview exists to show its page, as the app opens its window at start: the page will
  // ask for the feed first thing, so its history is read now, while the browser starts.
  app.windowComing();

  const indexHtml = async () => {
    const html = await readFile(path.join(opts.rendererDir, 'index.html'), 'utf8');
    // The bridge must define window.katya before the window's module script runs.
    return html.replace('<head>', '<head>\n    <script src="./bridge.js"></script>');
  };

  const server = http.createServer((req, res) => {
    const checked = checkRequest(req, hosts);
    if (!checked.ok) {
      res.writeHead(checked.status, { connection: 'close' }).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    void serveFile(checked.url, res).catch(() => {
      // A broken client or file must not become an unhandled rejection that ends the preview.
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function serveFile(url: URL, res: http.ServerResponse): Promise<void> {
    let body: Buffer | string;
    let file: string;
    try {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        file = 'index.html';
        body = await indexHtml();
      } else if (url.pathname === '/bridge.js') {
        file = opts.bridgeFile;
        body = await readFile(opts.bridgeFile);
      } else {
        const inside = resolveInside(opts.rendererDir, url.pathname);
        if (!inside) throw new Error('outside the renderer folder');
        file = inside;
        body = await readFile(file);
      }
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...windowHeaders(file, PREVIEW_CSP), 'cache-control': 'no-store' });
    res.end(body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const checked = checkRequest(req, hosts);
    if (!checked.ok) {
      refuseUpgrade(socket, checked.status);
      return;
    }
    // Other web pages may try to reach a loopback port; only our own page may use the bridge,
    // and a browser always sends its Origin with a WebSocket.
    if (checked.url.pathname !== '/bridge' || req.headers.origin !== `http://${req.headers.host}`) {
      refuseUpgrade(socket, 403);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  /** The reply to a hello, or null to refuse it. */
  function welcome(m: { launch?: unknown; session?: unknown }): object | null {
    if (typeof m.session === 'string') return secrets.isSession(m.session) ? { t: 'ready' } : null;
    if (typeof m.launch !== 'string') return null;
    const session = secrets.exchange(m.launch);
    if (session) return { t: 'ready', session };
    if (secrets.spent && sameSecret(m.launch, secrets.launch)) {
      // Our own page exchanges it once and then uses the session secret. A second use means
      // the URL was opened twice, or someone who read it from the process list got there first.
      log('preview: refused the launch secret: it was already exchanged for a session');
    }
    return null;
  }

  function accept(ws: WebSocket) {
    let authed = false;
    const helloTimer = setTimeout(() => ws.close(4001, 'no hello'), 5000);
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let m: BridgeIn;
      try {
        m = JSON.parse(raw.toString()) as BridgeIn;
      } catch {
        return;
      }
      if (!authed) {
        const reply = m?.t === 'hello' ? welcome(m) : null;
        if (reply) {
          authed = true;
          clearTimeout(helloTimer);
          clients.add(ws);
          ws.send(JSON.stringify(reply));
        } else {
          log('preview: refused a bridge client without the secret');
          ws.close(4001, 'bad secret');
        }
        return;
      }
      const args = 'args' in m && Array.isArray(m.args) ? m.args : [];
      if (m.t === 'invoke' && typeof m.id === 'number') {
        const id = m.id;
        const reply = (r: object) =>
          ws.readyState === ws.OPEN && ws.send(JSON.stringify({ t: 'result', id, ...r }));
        if (!isInvokeChannel(m.channel)) {
          reply({ ok: false, error: `unknown channel ${String(m.channel).slice(0, 64)}` });
          return;
        }
        dispatchInvoke(app.handlers, m.channel, args, log).then(
          (value) => reply({ ok: true, value: value ?? null }),
          (err: Error) => reply({ ok: false, error: err.message }),
        );
      } else if (m.t === 'send' && isSendChannel(m.channel)) {
        dispatchSend(app.handlers, m.channel, args, log);
      }
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      clients.delete(ws);
    });
    ws.on('error', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = loopbackHosts(port);
  const host = opts.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/#s=${secrets.launch}`,
    port,
    app,
    async close() {
      for (const ws of clients) ws.close(1001, 'preview closing');
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections would hold close() open; end them now.
      server.closeAllConnections?.();
      await closed;
      await app.stop();
    },
  };
}
