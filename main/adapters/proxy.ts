// The system proxy, as Chromium sees it: Electron's session.resolveProxy(url) runs the PAC
// file, WPAD and the OS settings for a URL and answers in PAC form ("PROXY host:port;
// SOCKS5 host:port; DIRECT"). This turns that answer into the route the core's connection
// uses, so the connection in the main process goes where the window's own requests would.
import type { Session } from 'electron';
import { DIRECT, unbracketed } from '../core/common/network';
import type { ProxyChoice, ProxyRoute, ProxyScheme } from '../core/common/network';

/** PAC keywords and how each is spoken to; QUIC and anything unknown are skipped. */
const KINDS: ReadonlyMap<string, ProxyScheme> = new Map([
  ['PROXY', 'http'],
  ['HTTP', 'http'],
  ['HTTPS', 'https'],
  // Chromium resolves names itself for SOCKS4 and lets a SOCKS5 proxy resolve them.
  ['SOCKS', 'socks4'],
  ['SOCKS4', 'socks4'],
  ['SOCKS5', 'socks5h'],
]);

const DEFAULT_PORTS: Record<ProxyScheme, number> = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks4a: 1080,
  socks5: 1080,
  socks5h: 1080,
};

/** "PROXY a:3128; SOCKS5 [::1]:1080; DIRECT" -> the choices, in order. */
export function parsePacAnswer(answer: string): ProxyChoice[] {
  const choices: ProxyChoice[] = [];
  for (const entry of String(answer).split(';')) {
    const [keyword, address] = entry.trim().split(/\s+/, 2);
    if (!keyword) continue;
    const kind = keyword.toUpperCase();
    if (kind === 'DIRECT') {
      choices.push(DIRECT);
      continue;
    }
    const scheme = KINDS.get(kind);
    const m = address ? /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(address) : null;
    if (!scheme || !m) continue;
    const port = m[2] === undefined ? DEFAULT_PORTS[scheme] : Number(m[2]);
    if (!(port > 0 && port < 65_536)) continue;
    choices.push({ kind: 'proxy', scheme, host: unbracketed(m[1]!), port });
  }
  return choices;
}

/**
 * The app's system-proxy function over a session. Asked once per connection attempt, so a
 * changed PAC file, a new network or a VPN are followed. A WebSocket URL is asked as the
 * http(s) URL it upgrades from, which is how Chromium resolves WebSockets and what PAC files
 * are written for. When Chromium cannot answer, the connection goes direct, as Chromium's
 * own requests do when a PAC file fails.
 */
export function systemProxyResolver(
  session: Pick<Session, 'resolveProxy'>,
  log: (line: string) => void = () => undefined,
): (url: URL) => Promise<ProxyRoute> {
  return async (url) => {
    const asked = new URL(url);
    asked.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    asked.search = '';
    asked.hash = '';
    let answer: string;
    try {
      answer = await session.resolveProxy(asked.toString());
    } catch (err) {
      log(
        `the system proxy could not be resolved, going direct: ${(err as Error)?.message ?? err}`,
      );
      return { choices: [DIRECT], source: 'system settings (unavailable)' };
    }
    const choices = parsePacAnswer(answer);
    if (choices.length === 0) {
      log(
        `the system proxy answer "${String(answer).slice(0, 200)}" names nothing usable, going direct`,
      );
      return { choices: [DIRECT], source: 'system settings' };
    }
    return { choices, source: 'system settings' };
  };
}
