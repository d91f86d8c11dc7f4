// Which servers `katya tail` follows and `katya doctor` checks, under which names, with which
// token (docs/server-and-cli.md, "Several servers"). Pure: the arguments and the environment in,
// the servers or a UsageError out.
//
// The rules, in short:
// - `--url URL` or `--url NAME=URL`, repeatable. A value whose first "=" comes before any ":" or
//   "/" starts with a name (a URL cannot: it starts with ws: or wss:). A name is 1 to 64 letters,
//   digits, ".", "_" or "-". Without one the name is the URL's host and port, the port written
//   out even when it is the scheme's default (wss://katya.example/v1/ws is "katya.example:443").
//   Given names have no ":" and default names always have one, so the two never meet; two equal
//   default names, or two equal given names, are bad usage.
// - `--token NAME=TOKEN` is that server's token only when NAME is exactly a server's name (given
//   or default). Any other value, "=" in it or not, is the token for all servers, taken whole:
//   base64 padding ("...==") and a "k=v" token stay what they are. KATYA_TOKEN is always a token
//   for all, never split. `--token` beats KATYA_TOKEN; a server's own token beats both.
import { EXIT, UsageError } from './args';
import { validateServerUrl } from '../core/common/protocol';

export interface NamedServer {
  /** the name shown on every line: given with NAME=URL, else HOST:PORT */
  name: string;
  url: string;
  /** undefined: no token for this server (doctor checks what it can without one) */
  token: string | undefined;
}

export interface TailServer extends NamedServer {
  token: string;
}

export interface ServerList<S extends NamedServer> {
  servers: S[];
  /** things worth a line on stderr before anything connects (never a token's text) */
  notices: string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** a name before the first "=", when nothing before it could belong to a URL */
const NAMED = /^([^=:/]*)=(.*)$/s;

/** HOST:PORT, with the scheme's port when the URL leaves it out; IPv6 hosts in brackets. */
export function defaultServerName(url: URL): string {
  const port = url.port || (url.protocol === 'wss:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

function parseUrl(value: string): { name: string; given: boolean; url: string } {
  const named = NAMED.exec(value);
  const name = named?.[1];
  const text = named ? named[2]! : value;
  if (name !== undefined && !NAME.test(name)) {
    throw new UsageError(
      `bad server name "${name.slice(0, 80)}" in --url: a name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  const checked = validateServerUrl(text);
  if (!checked.ok) throw new UsageError(`bad --url${name ? ` for ${name}` : ''}: ${checked.error}`);
  return {
    name: name ?? defaultServerName(checked.url),
    given: name !== undefined,
    url: checked.url.toString(),
  };
}

/**
 * A token for all that looks like NAME=TOKEN (a name-like start, then "=" and something other
 * than more "="): perhaps a server's name mistyped. Base64 padding does not look like this.
 */
const LOOKS_NAMED = /^[A-Za-z0-9][A-Za-z0-9._:[\]-]*=[^=]/;

/** The servers to follow, each with its token: a server without one is bad usage. */
export function tailServers(
  urls: readonly string[] | undefined,
  tokens: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): ServerList<TailServer> {
  const { servers, notices } = namedServers(urls, tokens, env);
  const withTokens = servers.map(({ name, url, token }): TailServer => {
    if (token) return { name, url, token };
    if (servers.length === 1)
      throw new UsageError('a token is needed: --token TOKEN or the KATYA_TOKEN variable');
    throw new UsageError(
      `no token for the server "${name}": --token ${name}=TOKEN, or a token for all servers (--token TOKEN or KATYA_TOKEN)`,
    );
  });
  return { servers: withTokens, notices };
}

/** The servers named by --url, with the token --token or KATYA_TOKEN gives each, if any. */
export function namedServers(
  urls: readonly string[] | undefined,
  tokens: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): ServerList<NamedServer> {
  if (!urls || urls.length === 0)
    throw new UsageError('--url is required, for example --url wss://katya.example/v1/ws');

  const parsed = urls.map(parseUrl);
  const seen = new Map<string, { given: boolean }>();
  for (const p of parsed) {
    const before = seen.get(p.name);
    if (before && !p.given && !before.given) {
      throw new UsageError(
        `two servers would both be called "${p.name}": name them, as in --url prod=wss://... --url staging=wss://...`,
      );
    }
    if (before) throw new UsageError(`two servers are named "${p.name}": give each its own name`);
    seen.set(p.name, p);
  }
  const names = parsed.map((p) => p.name);

  const own = new Map<string, string>();
  let forAll: string | undefined;
  for (const value of tokens ?? []) {
    const eq = value.indexOf('=');
    const name = eq > 0 ? value.slice(0, eq) : undefined;
    if (name !== undefined && seen.has(name)) {
      const token = value.slice(eq + 1);
      if (!token) throw new UsageError(`--token ${name}= is empty`);
      if (own.has(name)) throw new UsageError(`--token ${name}=... is given twice`);
      own.set(name, token);
      continue;
    }
    if (forAll !== undefined) {
      throw new UsageError(
        `--token is given twice as a token for all servers; NAME=TOKEN is one server's token only when NAME is a server's name (${names.join(', ')})`,
      );
    }
    forAll = value;
  }
  const flagForAll = forAll || undefined;
  forAll = flagForAll ?? (env.KATYA_TOKEN || undefined);

  const servers = parsed.map(({ name, url }) => ({ name, url, token: own.get(name) ?? forAll }));

  const notices: string[] = [];
  const sharedBy = parsed.filter((p) => !own.has(p.name)).length;
  if (flagForAll && parsed.length > 1 && sharedBy > 0 && LOOKS_NAMED.test(flagForAll)) {
    // The token's own text is never printed, not even the part before "=".
    notices.push(
      `a --token looks like NAME=TOKEN but its NAME is no server's (${names.join(', ')}): it is sent whole, as the token for all, to ${sharedBy === parsed.length ? 'every server' : `${sharedBy} server(s) without a token of their own`}`,
    );
  }
  return { servers, notices };
}

/**
 * The exit code once every server has stopped: 3 (authentication failed) only when every one
 * stopped for sign-in; otherwise the code of the first server, in --url order, that stopped for
 * anything else (4 certificate, 5 proxy).
 */
export function exitCodeFor(codes: readonly number[]): number {
  if (codes.length > 0 && codes.every((c) => c === EXIT.AUTH_FAILED)) return EXIT.AUTH_FAILED;
  return codes.find((c) => c !== EXIT.OK && c !== EXIT.AUTH_FAILED) ?? EXIT.OK;
}
