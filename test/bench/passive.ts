// The measurements that are mostly waiting, run side by side to save wall time (none of them
// loads the machine): reconnection after server restarts, connection attempts after a 4001,
// and the core's CPU time on a quiet connection.
import { newServer } from '../../main/core/common/servers';
import { AppService } from '../../main/app/app-service';
import { probeServer } from '../../main/core/doctor';
import type { SubscriptionStatus } from '../../main/core/connection/types';
import { confBackend } from '../../main/core/settings/settings';
import { startKatyaServer } from '../../main/server/server';
import type { KatyaServer, TokenGrant } from '../../main/server/server';
import type { AppServiceDeps } from '../../main/app/app-service';
import { fakeEncryptor } from '../fakes/encryptor';
import { BenchChild, epochNow, percentile, sleep, tempDir, until } from './lib';

const TOKEN = 'bench-passive-token';
const GRANTS: TokenGrant[] = [{ token: TOKEN, channels: ['*'], admin: true }];

/** An AppService in this process, signed in to `server`; `onSubscriptions` sees every change. */
async function signedInApp(
  server: KatyaServer,
  onSubscriptions: (all: SubscriptionStatus[]) => void,
  connection?: AppServiceDeps['connection'],
): Promise<AppService> {
  const dataDir = tempDir('app');
  const svc = await AppService.start({
    dataDir,
    settingsBackend: confBackend({ cwd: dataDir }),
    encryptor: fakeEncryptor('keychain'),
    notify: { show: () => undefined, withdraw: () => undefined },
    emit: (channel, payload) => {
      if (channel === 'subscriptions:changed') onSubscriptions(payload as SubscriptionStatus[]);
    },
    startDemo: null,
    probe: probeServer,
    ...(connection ? { connection } : {}),
  });
  // The server first: a token is kept for the server it was entered for.
  const r = await svc.handlers.invoke['settings:update']({ servers: [newServer(server.url, [])] });
  if (!r.ok) throw new Error('server URL refused');
  await svc.handlers.invoke['token:set']({ token: TOKEN });
  await until('subscriptions active', () => allActive(svc.snapshot().subscriptions), 30_000);
  return svc;
}

const allActive = (subs: SubscriptionStatus[]) =>
  subs.length > 0 && subs.every((s) => s.status === 'active');

// ---- reconnection ------------------------------------------------------------------------

export interface ReconnectResult {
  samplesMs: number[];
  p50: number;
  p95: number;
  max: number;
  downtimeMs: number;
  uptimeMs: number;
  resetAfterMs: number;
}

/**
 * Restart the server on the same port `restarts` times: close it (clients get 1001), stay down
 * `downtimeMs`, listen again; time from the new server's listen to every subscription active
 * again. Between restarts the connection stays up longer than the backoff's reset time, so every
 * restart starts from the first backoff step, as restarts minutes apart do in real life.
 */
export async function runReconnect(opts: {
  restarts: number;
  downtimeMs: number;
  /** undefined: the engine's default (5 s) */
  resetAfterMs?: number;
  log: (line: string) => void;
}): Promise<ReconnectResult> {
  let server = await startKatyaServer({ tokens: GRANTS });
  const port = server.port;
  let activeAt: number | null = null;
  const svc = await signedInApp(
    server,
    (all) => {
      if (allActive(all)) activeAt = epochNow();
    },
    opts.resetAfterMs ? { backoff: { resetAfterMs: opts.resetAfterMs } } : undefined,
  );
  const resetAfterMs = opts.resetAfterMs ?? 5000;
  const uptimeMs = resetAfterMs + 300;
  const samples: number[] = [];
  try {
    for (let i = 0; i < opts.restarts; i++) {
      await sleep(uptimeMs);
      activeAt = null;
      await server.close();
      await sleep(opts.downtimeMs);
      server = await startKatyaServer({ port, tokens: GRANTS });
      const listenAt = epochNow();
      await until('subscriptions active again', () => activeAt !== null, 120_000, 1);
      samples.push(activeAt! - listenAt);
    }
  } finally {
    await svc.stop();
    await server.close();
  }
  opts.log(`reconnect: ${samples.map((s) => s.toFixed(0)).join(' ')} ms`);
  return {
    samplesMs: samples,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: Math.max(...samples),
    downtimeMs: opts.downtimeMs,
    uptimeMs,
    resetAfterMs,
  };
}

// ---- after a 4001 ------------------------------------------------------------------------

export interface AuthStopResult {
  windowS: number;
  attempts: number;
  documentClientAttempts: number;
}

/**
 * Revoke the token the client is connected with (the server sends error 4001 and closes with
 * 4001) and count the connections the server accepts in the next `windowS` seconds: from the
 * core, and, for comparison, from the document's client (which retries every 5 s, 10 times).
 */
export async function runAuthStop(opts: {
  windowS: number;
  log: (line: string) => void;
}): Promise<AuthStopResult> {
  const server = await startKatyaServer({ tokens: GRANTS });
  const docServer = await startKatyaServer({ tokens: GRANTS });
  const svc = await signedInApp(server, () => undefined);
  const doc = new BenchChild('ingest-client.ts', ['document', docServer.url, '1000000000'], {
    quietStdout: true,
  });
  try {
    await until('document client connected', () => docServer.clientCount() === 1, 30_000, 10);
    const before = server.connectionCount();
    const docBefore = docServer.connectionCount();
    server.setTokens([]);
    docServer.setTokens([]);
    await until('sign-in needed', () => svc.snapshot().connection.phase === 'signin', 30_000);
    await sleep(opts.windowS * 1000);
    const result = {
      windowS: opts.windowS,
      attempts: server.connectionCount() - before,
      documentClientAttempts: docServer.connectionCount() - docBefore,
    };
    opts.log(
      `after 4001: ${result.attempts} attempts by the core, ${result.documentClientAttempts} by the document's client in ${opts.windowS} s`,
    );
    return result;
  } finally {
    await doc.stop();
    await svc.stop();
    await server.close();
    await docServer.close();
  }
}

// ---- idle ---------------------------------------------------------------------------------

export interface IdleResult {
  windowS: number;
  settleS: number;
  coreCpuMs: number;
  coreCpuMsPerMin: number;
  bareCpuMsPerMin: number;
}

interface CpuSample {
  type: 'cpu';
  user: number;
  system: number;
  at: number;
}

async function cpuOver(children: BenchChild[], windowS: number): Promise<number[]> {
  const take = () =>
    Promise.all(
      children.map((c) => {
        c.send({ type: 'cpu' });
        return c.next<CpuSample>('cpu', 10_000);
      }),
    );
  const a = await take();
  await sleep(windowS * 1000);
  const b = await take();
  return a.map((s, i) => (b[i]!.user - s.user + b[i]!.system - s.system) / 1000);
}

/**
 * CPU time of a core process connected to a quiet server (the default 30 s ping, no events)
 * over `windowS` seconds, and of a bare `ws` client on the same server as the baseline.
 */
export async function runIdle(opts: {
  windowS: number;
  settleS: number;
  log: (line: string) => void;
}): Promise<IdleResult> {
  const server = await startKatyaServer({ tokens: GRANTS });
  const core = new BenchChild('core-host.ts');
  const bare = new BenchChild(
    'ingest-client.ts',
    ['bare', server.url, '1000000000', `--token=${TOKEN}`],
    { quietStdout: true },
  );
  try {
    core.send({ type: 'start', url: server.url, token: TOKEN });
    await core.next('ready', 60_000);
    await until('both connected', () => server.clientCount() === 2, 30_000, 10);
    // Let start-up finish first: some 8-20 s after start V8's memory reducer runs a few full
    // collections (seen with --trace-gc as "Mark-Compact (reduce)", in the bare client too),
    // 0.1-0.2 s of CPU once; an all-day figure must not count it.
    await sleep(opts.settleS * 1000);
    const [coreMs, bareMs] = await cpuOver([core, bare], opts.windowS);
    const perMin = (ms: number) => (ms * 60) / opts.windowS;
    const result = {
      windowS: opts.windowS,
      settleS: opts.settleS,
      coreCpuMs: coreMs!,
      coreCpuMsPerMin: perMin(coreMs!),
      bareCpuMsPerMin: perMin(bareMs!),
    };
    opts.log(
      `idle: core ${result.coreCpuMs.toFixed(1)} ms CPU in ${opts.windowS} s (${result.coreCpuMsPerMin.toFixed(1)} ms/min), bare client ${result.bareCpuMsPerMin.toFixed(1)} ms/min`,
    );
    return result;
  } finally {
    await core.stop();
    await bare.stop();
    await server.close();
  }
}
