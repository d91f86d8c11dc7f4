// The servers list, read the same way in main and in the window: a server's name before the user
// picks one, a fresh id, and the rules and network a server follows when it has none of its own.
import { DEFAULT_SUBSCRIPTIONS, SERVER_LIMITS } from './settings-schema';
import type { NotificationRules, ServerNetwork, ServerSettings, Settings } from './settings-schema';

/**
 * The name a server gets until the user picks one: its host, with the port when it is not the
 * scheme's own ("katya.example", "10.0.0.5:8443"). Cut to the name limit.
 */
export function defaultServerName(url: string): string {
  let name = url;
  try {
    name = new URL(url).host; // URL drops the scheme's default port itself
  } catch {
    // not a URL yet: the text as typed stands in
  }
  return name.trim().slice(0, SERVER_LIMITS.nameLength) || 'Katya';
}

/** `name`, or `name (2)`, `name (3)`... whichever no server in `taken` has (case aside). */
export function uniqueServerName(name: string, taken: readonly string[]): string {
  const used = new Set(taken.map((n) => n.toLocaleLowerCase()));
  if (!used.has(name.toLocaleLowerCase())) return name;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = name.slice(0, SERVER_LIMITS.nameLength - suffix.length) + suffix;
    if (!used.has(candidate.toLocaleLowerCase())) return candidate;
  }
}

/** A new server's id: 12 random lowercase hex digits, unlike any in `taken`. */
export function newServerId(
  taken: readonly string[],
  randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  for (;;) {
    const id = Array.from(randomBytes(6), (b) => b.toString(16).padStart(2, '0')).join('');
    if (!taken.includes(id)) return id;
  }
}

/** A server as the form adds it: enabled, every channel, the app's rules and network. */
export function newServer(url: string, list: readonly ServerSettings[]): ServerSettings {
  return {
    id: newServerId(list.map((s) => s.id)),
    name: uniqueServerName(
      defaultServerName(url),
      list.map((s) => s.name),
    ),
    url,
    enabled: true,
    authMethod: 'header',
    subscriptions: structuredClone(DEFAULT_SUBSCRIPTIONS),
    notifications: null,
    network: null,
  };
}

/** The notification rules a server follows: its own, or the app's. */
export function rulesFor(server: ServerSettings | null, settings: Settings): NotificationRules {
  return server?.notifications ?? settings.notifications;
}

/** The proxy and CA settings a server is reached with: its own, or the app's. */
export function networkFor(server: ServerSettings | null, settings: Settings): ServerNetwork {
  return (
    server?.network ?? {
      proxyMode: settings.proxyMode,
      proxyUrl: settings.proxyUrl,
      extraCaFile: settings.extraCaFile,
    }
  );
}
