// The browser preview: the real app model (main/app) in Node, the built window served on a
// loopback port, and the IPC contract carried over a WebSocket (/bridge) that only a page
// holding this run's secret can use. It exists because Electron cannot run everywhere; it is
// a development and test tool and never part of a packaged build.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { AppService } from '../app/app-service';
import type { AppServiceDeps } from '../app/app-service';
import { confBackend, loadAdminPolicy } from '../core/settings/settings';
import { probeServer } from '../core/doctor';
import { dispatchInvoke, dispatchSend, isInvokeChannel, isSendChannel } from '../ipc/dispatch';
import { startDemoServer } from '../app/demo';
import type { EmitToWindow, ShownNotification } from '../../preload/contract';
import { fileKeyEncryptor } from './encryptor';
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
  rendererDir: string;
  bridgeFile: string;
  /** notifications and log lines are reported here (stdout / stderr in the CLI) */
  onNotification?: (n: ShownNotification) => void;
  log?: (line: string) => void;
  version?: string;
  /** engine timings for tests */
  connection?: AppServiceDeps['connection'];
}

export interface Preview {
  /** the page to open, with this run's secret in the fragment */
  url: string;
  port: number;
  app: AppService;
  close(): Promise<void>;
}

type BridgeIn =
  | { t: 'hello'; secret: string }
  | { t: 'invoke'; id: number; channel: string; args: unknown[] }
  | { t: 'send'; channel: string; args: unknown[] };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const secret = randomBytes(24).toString('hex');
  const log = opts.log ?? (() => undefined);
  const clients = new Set<WebSocket>();

  const emit: EmitToWindow = (channel, payload) => {
    if (clients.size === 0) return;
    const frame = JSON.stringify({ t: 'event', channel, payload });
    for (const ws of clients) ws.send(frame);
  };

  const policy = opts.policyFile
    ? { ...loadAdminPolicy(opts.policyFile), source: opts.policyFile }
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
    platform: process.platform,
    version: opts.version,
    logEcho: log,
    connection: opts.connection,
  });

  // --server and --token go through the same paths as the settings form.
  if (opts.token) {
    const status = await app.handlers.invoke['token:set']({ token: opts.token });
    if (!status.stored) throw new Error('the token could not be stored');
  }
  if (opts.server !== undefined) {
    const result = await app.handlers.invoke['settings:update']({ serverUrl: opts.server });
    if (!result.ok) {
      await app.stop();
      throw new Error(`--server: ${result.errors.map((e) => e.message).join('; ')}`);
    }
  }

  const indexHtml = async () => {
    const html = await readFile(path.join(opts.rendererDir, 'index.html'), 'utf8');
    // The bridge must define window.katya before the window's module script runs.
    return html.replace('<head>', '<head>\n    <script src="./bridge.js"></script>');
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://preview');
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
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
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://preview');
    const origin = req.headers.origin;
    const own = `http://${req.headers.host}`;
    // Other web pages may try to reach a loopback port; only our own page may use the bridge.
    if (url.pathname !== '/bridge' || origin !== own) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

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
        if (m?.t === 'hello' && typeof m.secret === 'string' && sameSecret(m.secret, secret)) {
          authed = true;
          clearTimeout(helloTimer);
          clients.add(ws);
          ws.send(JSON.stringify({ t: 'ready' }));
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
  const host = opts.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/#s=${secret}`,
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
