// The proxy the environment asks for, the way command-line tools read it: HTTPS_PROXY for
// wss://, HTTP_PROXY for ws://, ALL_PROXY for either, NO_PROXY for exceptions; lower case
// before upper case (curl's order). `katya tail`, `katya doctor` and the preview use it.
//
// Loopback servers (localhost, 127.x, ::1) never go through an environment proxy: a proxy on
// another machine cannot reach this computer's loopback anyway. `--proxy` is an explicit
// choice and applies to them too (tests, and a local proxy in front of a local server).
import { isIP } from 'node:net';
import { isLoopbackHost } from '../common/protocol';
import { DIRECT, parseProxyUrl, unbracketed } from '../common/network';
import type { ProxyRoute } from '../common/network';

type Env = Record<string, string | undefined>;

/** The first non-empty of these variables, lower case first, with the name it came from. */
function variable(env: Env, names: string[]): { name: string; value: string } | null {
  for (const name of names) {
    for (const spelled of [name.toLowerCase(), name.toUpperCase()]) {
      const value = env[spelled]?.trim();
      if (value) return { name: spelled, value };
    }
  }
  return null;
}

/**
 * Whether NO_PROXY exempts `host:port`. Entries are separated by commas or spaces: `*` (all),
 * a name (`katya.example`, which also covers its subdomains), `.example` or `*.example` (the
 * subdomains and the name), an address, a CIDR block (`10.0.0.0/8`), any of them with
 * `:PORT`.
 */
export function noProxyMatches(noProxy: string, host: string, port: number): boolean {
  const h = unbracketed(host).toLowerCase().replace(/\.$/, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: number | null = null;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1]!;
      entryPort = Number(withPort[2]);
    }
    if (entryPort !== null && entryPort !== port) continue;
    entry = unbracketed(entry);
    if (entry.includes('/')) {
      if (inCidr(h, entry)) return true;
      continue;
    }
    const bare = entry.replace(/^\*?\./, '');
    if (h === bare || h.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || isIP(base) !== 4 || isIP(host) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const toInt = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  // Compare the leading `bits` bits; `>>>` keeps the numbers unsigned (bits >= 1, so shift <= 31).
  const shift = 32 - bits;
  return toInt(host) >>> shift === toInt(base) >>> shift;
}

/**
 * The route the environment gives a server URL. `explicit` is `--proxy`: a URL (used for every
 * server, loopback included, NO_PROXY still honoured) or `none` (no proxy at all).
 * An unusable variable is an error: guessing "direct" would hide a typo in HTTPS_PROXY.
 */
export function proxyFromEnvironment(
  target: URL,
  env: Env,
  explicit?: string,
): { ok: true; route: ProxyRoute } | { ok: false; error: string } {
  const host = target.hostname;
  const port = Number(target.port || (target.protocol === 'wss:' ? 443 : 80));
  if (explicit !== undefined && explicit.trim().toLowerCase() === 'none') {
    return { ok: true, route: { choices: [DIRECT], source: '--proxy none' } };
  }
  const noProxy = variable(env, ['NO_PROXY']);
  if (noProxy && noProxyMatches(noProxy.value, host, port)) {
    return { ok: true, route: { choices: [DIRECT], source: noProxy.name } };
  }
  let found: { name: string; value: string } | null;
  if (explicit !== undefined) {
    found = { name: '--proxy', value: explicit };
  } else {
    if (isLoopbackHost(host)) return { ok: true, route: { choices: [DIRECT], source: 'loopback' } };
    found = variable(env, [target.protocol === 'wss:' ? 'HTTPS_PROXY' : 'HTTP_PROXY', 'ALL_PROXY']);
  }
  if (!found) return { ok: true, route: { choices: [DIRECT], source: 'no proxy variable' } };
  const parsed = parseProxyUrl(found.value, { allowCredentials: true });
  if (!parsed.ok) return { ok: false, error: `${found.name}: ${parsed.error}` };
  return { ok: true, route: { choices: [parsed.choice], source: found.name } };
}
