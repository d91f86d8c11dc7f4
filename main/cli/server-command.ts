// `katya server`: the reference server as a process. The server itself is main/server; this
// file turns flags into options, prints the one line scripts wait for, and shuts down cleanly.
import { isLoopbackHost } from '../core/common/protocol';
import { startKatyaServer } from '../server/server';
import { loadTokensFile } from '../server/tokens';
import type { TokenGrant } from '../server/tokens';
import { EXIT, intOption, numberOption, parseCommandArgs, UsageError } from './args';

export async function runServer(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    tokens: { type: 'string' },
    'demo-rate': { type: 'string' },
    'max-subscriptions': { type: 'string' },
    'ping-interval': { type: 'string' },
    'auth-timeout': { type: 'string' },
  });
  const host = values.host ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError('--host must not be empty');
  const port = intOption(values.port, 'port', 8080, 0, 65535);
  const demoRate = numberOption(values['demo-rate'], 'demo-rate', 2, 0, 10_000);
  const maxSubscriptions = intOption(values['max-subscriptions'], 'max-subscriptions', 10, 1, 1000);
  const pingIntervalMs = intOption(
    values['ping-interval'],
    'ping-interval',
    30_000,
    10,
    86_400_000,
  );
  const authTimeoutMs = intOption(values['auth-timeout'], 'auth-timeout', 10_000, 10, 3_600_000);

  const log = (line: string) => process.stderr.write(`katya server: ${line}\n`);

  let tokens: TokenGrant[] | undefined;
  if (values.tokens !== undefined) {
    try {
      tokens = await loadTokensFile(values.tokens);
    } catch (err) {
      log((err as Error).message);
      return EXIT.FAILURE;
    }
  }

  let server;
  try {
    server = await startKatyaServer({
      host,
      port,
      tokens,
      demoRate,
      maxSubscriptions,
      pingIntervalMs,
      authTimeoutMs,
      log,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use; pick another with --port (0 picks a free one)`
        : e.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this computer; check --host`
          : e.message;
    log(`cannot start: ${why}`);
    return EXIT.FAILURE;
  }

  // Scripts and tests wait for this exact first line.
  process.stdout.write(`listening ${server.url}\n`);
  if (!isLoopbackHost(host)) {
    // This server speaks plain ws:// only: beyond this computer, anyone on the path reads
    // the tokens (sent with every connection) and the events.
    log(
      `warning: listening on ${host} with plain ws:// (no TLS): tokens and events cross the network in clear text; put a TLS proxy (wss://) in front of it, or listen on 127.0.0.1`,
    );
  }
  if (server.demoToken) {
    log(`no --tokens given: demo token with every right (read all channels, publish):`);
    log(`  ${server.demoToken}`);
  } else {
    log(`${tokens?.length ?? 0} token(s) loaded from ${values.tokens}`);
  }
  log(demoRate > 0 ? `demo events: ${demoRate} per second` : 'demo events: off');
  log(`publish: POST ${server.httpUrl}/v1/events; health: GET ${server.httpUrl}/healthz`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C: the user does not want to wait for slow clients.
        resolve(EXIT.OK);
        return;
      }
      stopping = true;
      log(`${signal}: closing every client with 1001`);
      server.close().then(
        () => resolve(EXIT.OK),
        (err: unknown) => {
          log(`error while closing: ${(err as Error).message}`);
          resolve(EXIT.OK);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
