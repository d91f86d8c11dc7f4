// `katya doctor`: the doctor probe (main/core/doctor.ts, the same one the app's "Test connection"
// runs) printed one line per step as it goes, with advice after an arrow when a step failed.
// Several servers (`--url NAME=URL` again, as for tail) are checked one after another, each
// under a line with its name.
import { probeServer } from '../core/doctor';
import type { TestStep } from '../core/common/views';
import { EXIT, intOption, parseCommandArgs } from './args';
import { clean, painter, wantsColour } from './format';
import type { Paint } from './format';
import { TARGET_OPTIONS, followOptions } from './tail-command';
import type { FollowOptions } from './tail-command';
import { namedServers } from './tail-servers';
import type { NamedServer } from './tail-servers';
import { NETWORK_OPTIONS, commandNetwork } from './network-options';
import type { NetworkOptions } from '../core/net/route-agent';

const LABELS: Record<TestStep['step'], string> = {
  url: 'server URL',
  proxy: 'proxy',
  dns: 'name resolution',
  tcp: 'TCP connection',
  tunnel: 'proxy tunnel',
  tls: 'TLS',
  chain: 'certificate',
  upgrade: 'WebSocket upgrade',
  auth: 'authentication',
  subscribe: 'subscription',
  rtt: 'round trip',
};

export async function runDoctor(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...TARGET_OPTIONS,
    ...NETWORK_OPTIONS,
    timeout: { type: 'string' },
  });
  // A bad URL is a usage error here (exit 2), so the probe's own URL step always passes.
  const { servers, notices } = namedServers(values.url, values.token, env);
  const follow = followOptions(values);
  const networks = servers.map((s) => commandNetwork(values, env, s.url));
  const timeoutMs = intOption(values.timeout, 'timeout', 10_000, 100, 600_000);
  const paint = painter(wantsColour(process.stdout, env));
  for (const notice of notices) process.stderr.write(`katya doctor: ${notice}\n`);

  const several = servers.length > 1;
  const codes: number[] = [];
  for (const [i, server] of servers.entries()) {
    if (several) {
      if (i > 0) process.stdout.write('\n');
      process.stdout.write(`${paint(`[${server.name}]`, 'bold')} ${server.url}\n`);
    }
    codes.push(await checkServer(server, several, follow, networks[i]!, timeoutMs, paint));
  }
  return doctorExitCode(codes);
}

/**
 * Several servers: 1 when a step other than authentication failed on any of them, else 3 when
 * a token was refused, else 0.
 */
export function doctorExitCode(codes: readonly number[]): number {
  if (codes.includes(EXIT.FAILURE)) return EXIT.FAILURE;
  return codes.includes(EXIT.AUTH_FAILED) ? EXIT.AUTH_FAILED : EXIT.OK;
}

async function checkServer(
  server: NamedServer,
  several: boolean,
  follow: FollowOptions,
  network: NetworkOptions,
  timeoutMs: number,
  paint: Paint,
): Promise<number> {
  // The probe says no token was given; here we can say how to give one.
  const howToGiveToken = several
    ? ` (--token ${server.name}=TOKEN, or --token TOKEN or KATYA_TOKEN for all)`
    : ' (--token or KATYA_TOKEN)';
  const print = (s: TestStep) => {
    if (s.step === 'url' && s.ok) return;
    const outcome = s.outcome ?? (s.ok ? 'ok' : 'fail');
    const mark =
      outcome === 'ok'
        ? paint('ok  ', 'green')
        : outcome === 'fail'
          ? paint('FAIL', 'bold', 'red')
          : paint('skip', 'dim');
    // One skipped line stands for all the subscriptions that were not tried.
    const label = s.step === 'subscribe' && outcome === 'skip' ? 'subscriptions' : LABELS[s.step];
    // The probe bounds its own text; a certificate line (names, dates, fingerprint) is long.
    let detail = clean(s.detail, 1000);
    if (s.step === 'auth' && outcome === 'skip' && !server.token && detail === 'no token given')
      detail += howToGiveToken;
    const tail = s.advice ? ` ${paint('→', 'dim')} ${clean(s.advice, 400)}` : '';
    process.stdout.write(`${mark}  ${label.padEnd(20)} ${detail}${tail}\n`);
  };

  const result = await probeServer(
    {
      url: server.url,
      authMethod: follow.authMethod,
      token: server.token,
      channels: follow.channels,
      events: follow.events,
      timeoutMs,
      network,
    },
    print,
  );
  return result.authFailed ? EXIT.AUTH_FAILED : result.ok ? EXIT.OK : EXIT.FAILURE;
}
