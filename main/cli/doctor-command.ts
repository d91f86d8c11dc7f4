// `katya doctor`: the doctor probe (main/core/doctor.ts, the same one the app's "Test connection"
// runs) printed one line per step as it goes, with advice after an arrow when a step failed.
import { probeServer } from '../core/doctor';
import type { TestStep } from '../core/common/views';
import { EXIT, intOption, parseCommandArgs } from './args';
import { clean, painter, wantsColour } from './format';
import { TARGET_OPTIONS, connectionTarget } from './tail-command';
import { NETWORK_OPTIONS, commandNetwork } from './network-options';

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
  const target = connectionTarget(values, env, { tokenRequired: false });
  const network = commandNetwork(values, env, target.url);
  const timeoutMs = intOption(values.timeout, 'timeout', 10_000, 100, 600_000);
  const paint = painter(wantsColour(process.stdout, env));

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
    // The probe says no token was given; here we can say how to give one.
    if (s.step === 'auth' && outcome === 'skip' && !target.token && detail === 'no token given')
      detail += ' (--token or KATYA_TOKEN)';
    const tail = s.advice ? ` ${paint('→', 'dim')} ${clean(s.advice, 400)}` : '';
    process.stdout.write(`${mark}  ${label.padEnd(20)} ${detail}${tail}\n`);
  };

  const result = await probeServer(
    {
      url: target.url,
      authMethod: target.authMethod,
      token: target.token,
      channels: target.channels,
      events: target.events,
      timeoutMs,
      network,
    },
    print,
  );
  return result.authFailed ? EXIT.AUTH_FAILED : result.ok ? EXIT.OK : EXIT.FAILURE;
}
