// `npm run preview [-- --no-open --data-dir DIR --server URL --token T --port N]`
// Runs the app model in Node and serves the window on loopback; see main/preview/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPreview } from './server';
import { parseProxyUrl } from '../core/common/network';

const USAGE = `usage: npm run preview -- [--no-open] [--data-dir DIR] [--server URL] [--token T] [--port N] [--policy FILE] [--proxy URL|none]

Runs Katya Desktop's core in Node and serves its window at a loopback URL (printed on the
first stdout line that starts with "preview "). --server adds that server to the profile's
list (unless it is listed already) and --token is stored for it; with no server listed it uses
the built-in demo server. Prefer KATYA_TOKEN to --token: other local users can read a
process's arguments.
Notifications are printed on stdout. The "system" proxy setting means the environment here
(HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), or --proxy URL (for every server, loopback
too); --proxy none turns an environment proxy off.`;

function fail(message: string): never {
  console.error(`preview: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      'no-open': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      policy: { type: 'string' },
      proxy: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = args.port === undefined ? 0 : Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a port number, not "${args.port}"`);
if (args.proxy !== undefined && args.proxy.trim().toLowerCase() !== 'none') {
  const parsed = parseProxyUrl(args.proxy, { allowCredentials: true });
  if (!parsed.ok) fail(`--proxy: ${parsed.error} (or "none")`);
}
if (args.host && !['127.0.0.1', 'localhost', '::1'].includes(args.host))
  fail('--host must be a loopback address: the bridge is not for other machines');

const dist = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(dist, 'renderer');
const bridgeFile = path.join(dist, 'preview', 'bridge.js');
if (!existsSync(path.join(rendererDir, 'index.html')) || !existsSync(bridgeFile)) {
  console.error(
    'preview: the build is missing; run `npm run build` (npm run preview does it for you)',
  );
  process.exit(1);
}

const dataDir = path.resolve(
  args['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'katya-preview-')),
);
mkdirSync(dataDir, { recursive: true });

function openBrowser(url: string) {
  const candidates = [
    process.env.KATYA_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const chromium = candidates.find((p): p is string => !!p && existsSync(p));
  let command: string[] | null = null;
  if (process.platform === 'darwin') command = ['open', url];
  else if (process.platform === 'win32') command = ['cmd', '/c', 'start', '', url];
  else if (chromium && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'katya-preview-browser-'));
    command = [
      chromium,
      `--app=${url}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ];
  }
  if (!command) {
    console.error(
      'preview: no browser to open here (no display or no Chromium); open the URL above yourself',
    );
    return;
  }
  const child = spawn(command[0]!, command.slice(1), { stdio: 'ignore', detached: true });
  child.on('error', () =>
    console.error('preview: could not open a browser; open the URL above yourself'),
  );
  child.unref();
}

startPreview({
  dataDir,
  server: args.server,
  token: args.token ?? process.env.KATYA_TOKEN,
  host: args.host,
  port,
  policyFile: args.policy,
  proxy: args.proxy,
  rendererDir,
  bridgeFile,
  version: process.env.npm_package_version,
  log: (line) => console.error(line),
  onNotification: (n) =>
    console.log(
      `notification ${JSON.stringify({ title: n.title, body: n.body, eventId: n.eventId, severity: n.severity })}`,
    ),
}).then(
  (preview) => {
    console.log(`preview ${preview.url}`);
    console.error(`preview: data in ${dataDir}; Ctrl+C to stop`);
    if (!args['no-open']) openBrowser(preview.url);
    let closing = false;
    const stop = () => {
      if (closing) return;
      closing = true;
      preview.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (err: Error) => {
    console.error(`preview: ${err.message}`);
    process.exit(1);
  },
);
