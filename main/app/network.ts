// The app's way to the server, from its settings: the proxy mode (the system's, none, or a
// manual URL), the proxy credentials from their vault, and the certificates to trust (Node's
// list, the system store, the extra CA file). The connection engine and "Test connection" both
// take this, so they always go the same way. Electron is not imported here: the system proxy
// arrives as a function (main/adapters/proxy.ts asks Chromium; the preview reads the
// environment).
import { DIRECT, describeChoice, parseProxyUrl } from '../core/common/network';
import type { ProxyChoice, ProxyCredentials, ProxyRoute } from '../core/common/network';
import type { ServerNetwork } from '../core/common/settings-schema';
import { proxyFromEnvironment } from '../core/net/proxy-env';
import { NetworkProblemError } from '../core/net/route-agent';
import type { NetworkOptions } from '../core/net/route-agent';
import { loadTrust } from '../core/net/trust';

/** The system's proxy for a URL: PAC, WPAD and the OS settings (Chromium's resolver in the app). */
export type SystemProxy = (url: URL) => Promise<ProxyRoute>;

export interface AppNetworkDeps {
  /** the proxy and CA settings this server is reached with (networkFor) */
  settings: () => ServerNetwork;
  /** the proxy credentials from their vault, or null */
  credentials: () => ProxyCredentials | null;
  /** null: the environment's HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY stand in for it */
  systemProxy: SystemProxy | null;
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment as the system proxy, where there is no Chromium to ask (the preview, tests):
 * HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, or `explicit` (the preview's --proxy).
 */
export function environmentProxy(env: NodeJS.ProcessEnv, explicit?: string): SystemProxy {
  return async (url) => {
    const found = proxyFromEnvironment(url, env, explicit);
    if (!found.ok) throw new Error(found.error);
    return { ...found.route, source: `environment: ${found.route.source}` };
  };
}

/** The stored credentials go to the proxies of the route that do not carry their own. */
function withCredentials(choice: ProxyChoice, credentials: ProxyCredentials | null): ProxyChoice {
  if (choice.kind === 'direct' || choice.credentials || !credentials) return choice;
  return { ...choice, credentials };
}

export function appNetwork(deps: AppNetworkDeps): NetworkOptions & { describe(): string[] } {
  const env = deps.env ?? process.env;

  async function route(url: URL): Promise<ProxyRoute> {
    const s = deps.settings();
    if (s.proxyMode === 'none') return { choices: [DIRECT], source: 'settings: no proxy' };
    if (s.proxyMode === 'manual') {
      const parsed = s.proxyUrl === '' ? null : parseProxyUrl(s.proxyUrl);
      if (!parsed?.ok) {
        // Going direct instead would bypass the proxy the user asked for: say so and wait.
        throw new NetworkProblemError({
          kind: 'proxy',
          reason: 'not_set',
          proxy: 'manual proxy',
          target: url.host,
        });
      }
      return { choices: [parsed.choice], source: 'settings: manual proxy' };
    }
    return (deps.systemProxy ?? environmentProxy(env))(url);
  }

  const trust = () => {
    const file = deps.settings().extraCaFile;
    return loadTrust({ extraCaFiles: file ? [file] : [], env });
  };

  return {
    async proxyFor(url) {
      const r = await route(url);
      const credentials = deps.credentials();
      return { ...r, choices: r.choices.map((c) => withCredentials(c, credentials)) };
    },
    trust,
    /** For diagnostics: the proxy setting and what is trusted, in English, no secrets. */
    describe() {
      const s = deps.settings();
      const lines: string[] = [];
      if (s.proxyMode === 'none') lines.push('proxy: none (direct connections)');
      else if (s.proxyMode === 'manual') {
        const parsed = s.proxyUrl ? parseProxyUrl(s.proxyUrl) : null;
        lines.push(
          `proxy: manual, ${parsed?.ok ? describeChoice(parsed.choice) : 'no proxy URL set'}`,
        );
      } else
        lines.push(
          deps.systemProxy
            ? "proxy: the system's (PAC, WPAD, OS settings), asked for each connection"
            : 'proxy: from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)',
        );
      lines.push(`proxy credentials: ${deps.credentials() ? 'stored' : 'none'}`);
      const t = trust();
      for (const line of t.summary) lines.push(`trusted: ${line}`);
      for (const problem of t.problems) lines.push(`trust problem: ${problem}`);
      return lines;
    },
  };
}
