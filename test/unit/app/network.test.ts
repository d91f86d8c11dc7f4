// The app's route from its settings: system (asked per attempt), none, manual; the stored
// proxy credentials go to proxies that have none of their own; a manual mode without a URL is
// a proxy problem, never a silent direct connection.
import { describe, expect, it } from 'vitest';
import { appNetwork } from '../../../main/app/network';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import type { Settings } from '../../../main/core/common/settings-schema';
import type { ProxyCredentials, ProxyRoute } from '../../../main/core/common/network';
import { isNetworkProblem } from '../../../main/core/net/route-agent';

function network(
  patch: Partial<Settings>,
  opts: { credentials?: ProxyCredentials; system?: ProxyRoute; env?: NodeJS.ProcessEnv } = {},
) {
  const asked: string[] = [];
  const n = appNetwork({
    settings: () => ({ ...DEFAULT_SETTINGS, ...patch }),
    credentials: () => opts.credentials ?? null,
    systemProxy: opts.system
      ? async (url) => {
          asked.push(url.toString());
          return opts.system!;
        }
      : null,
    env: opts.env ?? {},
  });
  return { n, asked };
}
const target = new URL('wss://katya.example/v1/ws');
const alice = { username: 'alice', password: 'pw' };

describe('appNetwork', () => {
  it('asks the system for each attempt, and adds the stored credentials to its proxies', async () => {
    const { n, asked } = network(
      {},
      {
        credentials: alice,
        system: {
          choices: [{ kind: 'proxy', scheme: 'http', host: 'p', port: 3128 }, { kind: 'direct' }],
          source: 'system settings',
        },
      },
    );
    const r = await n.proxyFor!(target);
    await n.proxyFor!(target);
    expect(asked).toHaveLength(2);
    expect(r.choices).toEqual([
      { kind: 'proxy', scheme: 'http', host: 'p', port: 3128, credentials: alice },
      { kind: 'direct' },
    ]);
  });

  it('reads the environment for "system" where there is no Chromium (the preview)', async () => {
    const { n } = network({}, { env: { HTTPS_PROXY: 'http://env-proxy:8080' } });
    expect(await n.proxyFor!(target)).toMatchObject({
      choices: [{ host: 'env-proxy', port: 8080 }],
      source: 'environment: HTTPS_PROXY',
    });
  });

  it('goes direct for "none", and through the manual URL for "manual"', async () => {
    expect((await network({ proxyMode: 'none' }).n.proxyFor!(target)).choices).toEqual([
      { kind: 'direct' },
    ]);
    const manual = await network(
      { proxyMode: 'manual', proxyUrl: 'socks5://10.0.0.1:1080' },
      { credentials: alice },
    ).n.proxyFor!(target);
    expect(manual).toEqual({
      choices: [
        { kind: 'proxy', scheme: 'socks5', host: '10.0.0.1', port: 1080, credentials: alice },
      ],
      source: 'settings: manual proxy',
    });
  });

  it('a manual mode without a URL is a proxy problem, not a direct connection', async () => {
    const { n } = network({ proxyMode: 'manual', proxyUrl: '' });
    const err = await Promise.resolve()
      .then(() => n.proxyFor!(target))
      .catch((e: unknown) => e);
    expect(isNetworkProblem(err) && err.problem).toMatchObject({
      kind: 'proxy',
      reason: 'not_set',
    });
  });

  it('describes itself for diagnostics, without secrets', () => {
    const lines = network(
      { proxyMode: 'manual', proxyUrl: 'http://p:3128' },
      { credentials: alice },
    ).n.describe();
    expect(lines[0]).toBe('proxy: manual, HTTP proxy p:3128');
    expect(lines[1]).toBe('proxy credentials: stored');
    expect(lines.some((l) => l.startsWith("trusted: Node's list"))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/alice|pw/);
  });
});
