// `--proxy` and `--ca`, shared by `katya tail` and `katya doctor`: the same route agent as the
// app (main/core/net), with the proxy from the command line or the environment (HTTPS_PROXY,
// HTTP_PROXY, ALL_PROXY, NO_PROXY) and the trust store with --ca and NODE_EXTRA_CA_CERTS.
import path from 'node:path';
import { parseProxyUrl } from '../core/common/network';
import { proxyFromEnvironment } from '../core/net/proxy-env';
import { loadTrust, readPemCertificates } from '../core/net/trust';
import type { NetworkOptions } from '../core/net/route-agent';
import { UsageError } from './args';

export const NETWORK_OPTIONS = {
  proxy: { type: 'string' },
  ca: { type: 'string' },
} as const;

/**
 * The network for a command. Problems the user can fix before anything connects (a bad
 * --proxy, an unreadable --ca, a malformed HTTPS_PROXY) are usage errors: exit 2, not an
 * endless series of failing attempts.
 */
export function commandNetwork(
  values: { proxy?: string; ca?: string },
  env: NodeJS.ProcessEnv,
  target: string,
): NetworkOptions {
  const explicit = values.proxy;
  if (explicit !== undefined && explicit.trim().toLowerCase() !== 'none') {
    const parsed = parseProxyUrl(explicit, { allowCredentials: true });
    if (!parsed.ok) throw new UsageError(`--proxy: ${parsed.error} (or "none")`);
  }
  const caFile = values.ca !== undefined ? path.resolve(values.ca) : undefined;
  if (caFile !== undefined) {
    try {
      readPemCertificates(caFile);
    } catch (err) {
      throw new UsageError(`--ca: ${(err as Error).message}`);
    }
  }
  const route = (url: URL) => {
    const found = proxyFromEnvironment(url, env, explicit);
    if (!found.ok) throw new Error(found.error);
    return found.route;
  };
  const checked = proxyFromEnvironment(new URL(target), env, explicit);
  if (!checked.ok) throw new UsageError(checked.error);
  return {
    proxyFor: route,
    trust: () => loadTrust({ extraCaFiles: caFile ? [caFile] : [], env }),
  };
}
