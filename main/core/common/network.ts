// The way to the server as the window, the settings and the connection share it: proxy modes
// and proxy URLs, and what went wrong on the way (a proxy, a certificate) in a shape the
// window can put into words. Node-free: the settings schema and the renderer use it. The
// Node side (choosing a route, tunnelling, checking certificates) is in ../net/.

/** Proxy setting: the system's (PAC, WPAD, OS settings), none, or one typed in. */
export const PROXY_MODES = ['system', 'none', 'manual'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

/**
 * How a proxy is spoken to. `socks5h` lets the proxy resolve the server's name (what a PAC
 * file's "SOCKS5" means); `socks5` resolves it here first.
 */
export type ProxyScheme = 'http' | 'https' | 'socks4' | 'socks4a' | 'socks5' | 'socks5h';
const SCHEMES: ReadonlyMap<string, ProxyScheme> = new Map([
  ['http:', 'http'],
  ['https:', 'https'],
  ['socks4:', 'socks4'],
  ['socks4a:', 'socks4a'],
  ['socks5:', 'socks5'],
  ['socks5h:', 'socks5h'],
  // `socks://` is how curl and most tools write SOCKS5 with names resolved by the proxy.
  ['socks:', 'socks5h'],
]);
/** What people call each kind of proxy: socks4a and socks5h differ only in who resolves names. */
const KIND_NAMES: Record<ProxyScheme, string> = {
  http: 'HTTP',
  https: 'HTTPS',
  socks4: 'SOCKS4',
  socks4a: 'SOCKS4',
  socks5: 'SOCKS5',
  socks5h: 'SOCKS5',
};
const DEFAULT_PORTS: Record<ProxyScheme, number> = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks4a: 1080,
  socks5: 1080,
  socks5h: 1080,
};

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** One way to reach a server: straight, or through one proxy. */
export type ProxyChoice =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      scheme: ProxyScheme;
      host: string;
      port: number;
      /** Basic (HTTP) or SOCKS5 user name and password; never logged or shown */
      credentials?: ProxyCredentials;
    };

/** The choices for one connection, best first (a PAC file may name fallbacks), and who said so. */
export interface ProxyRoute {
  choices: ProxyChoice[];
  /** "system settings", "HTTPS_PROXY", "--proxy", "settings", "NO_PROXY" ... */
  source: string;
}

export const DIRECT: ProxyChoice = { kind: 'direct' };

/** What is wrong with a proxy URL, as a code the window translates (error.proxy.<problem>). */
export type ProxyUrlProblem = 'notUrl' | 'scheme' | 'port' | 'credentials' | 'path';

/**
 * Read a proxy URL such as `http://proxy.corp:3128` or `socks5://10.0.0.1:1080`. Credentials
 * in the URL are taken only where `allowCredentials` says so (the command line and the
 * environment); settings keep them in the encrypted store, never in the settings file.
 */
export function parseProxyUrl(
  input: string,
  opts: { allowCredentials?: boolean } = {},
):
  | { ok: true; choice: Extract<ProxyChoice, { kind: 'proxy' }> }
  | { ok: false; problem: ProxyUrlProblem; error: string } {
  const text = input.trim();
  let url: URL;
  try {
    // "proxy.corp:3128" without a scheme is common in environment variables: http is meant.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return { ok: false, problem: 'notUrl', error: `"${text}" is not a proxy URL` };
  }
  const scheme = SCHEMES.get(url.protocol);
  if (!scheme) {
    return {
      ok: false,
      problem: 'scheme',
      error: `a proxy URL starts with http://, https://, socks5:// or socks4:// (got ${url.protocol}//)`,
    };
  }
  // Only the socks schemes parse without a host ("socks5://"): the scheme is right, the host missing.
  if (url.hostname === '') {
    return { ok: false, problem: 'notUrl', error: `"${text}" is not a proxy URL: it has no host` };
  }
  if (url.port === '0') {
    return {
      ok: false,
      problem: 'port',
      error: "port 0 is not a proxy's port: scheme://HOST:PORT",
    };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, problem: 'path', error: 'a proxy URL has no path: scheme://HOST:PORT' };
  }
  const hasCredentials = url.username !== '' || url.password !== '';
  if (hasCredentials && !opts.allowCredentials) {
    return {
      ok: false,
      problem: 'credentials',
      error:
        'the proxy URL must not contain a user name or password; use the proxy credential fields',
    };
  }
  const choice: Extract<ProxyChoice, { kind: 'proxy' }> = {
    kind: 'proxy',
    scheme,
    host: socketHost(url),
    port: url.port ? Number(url.port) : DEFAULT_PORTS[scheme],
  };
  if (hasCredentials) {
    choice.credentials = {
      username: safeDecode(url.username),
      password: safeDecode(url.password),
    };
  }
  return { ok: true, choice };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** "HTTP proxy proxy.corp:3128", "direct": never with credentials, so safe for any log. */
export function describeChoice(choice: ProxyChoice): string {
  if (choice.kind === 'direct') return 'direct (no proxy)';
  return `${KIND_NAMES[choice.scheme]} proxy ${proxyAddress(choice)}`;
}

/** "proxy.corp:3128", with brackets around an IPv6 address. */
export function proxyAddress(choice: Extract<ProxyChoice, { kind: 'proxy' }>): string {
  return hostPort(choice.host, choice.port);
}

/** "host:port", with brackets around an IPv6 address: as a URL or a CONNECT line writes it. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * A host as a socket takes it: an IPv6 address without the brackets that a URL, a PAC line or
 * NO_PROXY puts around it. Anything else is left as it is.
 */
export function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A URL's host as a socket takes it. */
export function socketHost(url: URL): string {
  return unbracketed(url.hostname);
}

// ---- what went wrong on the way ---------------------------------------------------------

/** A certificate as received, in words a person can compare with what the server admin says. */
export interface CertificateInfo {
  /** "CN=katya.example, O=ACME" */
  subject: string;
  issuer: string;
  /** ISO 8601 */
  validFrom: string;
  validTo: string;
  /** "AB:CD:..." */
  fingerprint256: string;
  /** the names it is for (subjectAltName): "katya.example", "10.0.0.5" */
  names: string[];
}

export type CertificateReason =
  'expired' | 'not_yet_valid' | 'self_signed' | 'untrusted_issuer' | 'name_mismatch' | 'other';

export type ProxyReason =
  /** HTTP 407 (or a SOCKS5 refusal of the credentials) */
  | 'auth_required'
  /** nothing listens at the proxy's address */
  | 'refused'
  /** the proxy answered CONNECT with 4xx (not 407): its rules do not allow this server */
  | 'denied'
  /** the proxy answered CONNECT with 5xx: it could not reach the server */
  | 'upstream'
  /** the proxy's name does not resolve, it does not answer, or it broke off */
  | 'unreachable'
  /** a SOCKS4 proxy (IPv4 only) and a server given as an IPv6 address */
  | 'ipv4_only'
  /** a manual proxy is chosen, but no proxy URL is set */
  | 'not_set';

export type ConnectionProblem =
  | {
      kind: 'certificate';
      reason: CertificateReason;
      /** the host the certificate should have been for */
      host: string;
      /** Node's verification code, such as CERT_HAS_EXPIRED */
      code: string;
      /** the certificate that failed; null when none was received */
      certificate: CertificateInfo | null;
    }
  | {
      kind: 'proxy';
      reason: ProxyReason;
      /** "HTTP proxy proxy.corp:3128" (describeChoice) */
      proxy: string;
      /** host:port of the server the tunnel was for */
      target: string;
      /** the proxy's HTTP status, when it answered */
      status?: number;
      /** credentials were sent (so a 407 means they were refused) */
      credentialsSent?: boolean;
      /** the system's words, for 'unreachable' */
      detail?: string;
    };
