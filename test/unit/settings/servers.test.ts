// The servers list: what a valid list is, the names a server gets before the user picks one,
// and which rules and network a server follows.
import { describe, expect, it } from 'vitest';
import {
  defaultServerName,
  networkFor,
  newServer,
  newServerId,
  rulesFor,
  uniqueServerName,
} from '../../../main/core/common/servers';
import {
  DEFAULT_SETTINGS,
  SERVER_LIMITS,
  serversSchema,
} from '../../../main/core/common/settings-schema';
import { fieldErrorsFromIssues } from '../../../main/core/common/settings-errors';

const server = (url: string, name: string, id: string) => ({ ...newServer(url, []), name, id });

function problems(list: unknown) {
  const r = serversSchema.safeParse(list);
  return r.success ? [] : fieldErrorsFromIssues(r.error.issues).map((e) => `${e.field}:${e.code}`);
}

describe('a servers list', () => {
  it('holds servers with distinct ids and names (case aside), up to the limit', () => {
    const a = server('wss://a.example/v1/ws', 'Production', 'a1');
    const b = server('wss://b.example/v1/ws', 'Staging', 'b1');
    expect(problems([a, b])).toEqual([]);
    expect(problems([a, { ...b, name: 'PRODUCTION' }])).toEqual(['1.name:serverName.taken']);
    expect(problems([a, { ...b, id: 'a1' }])).toEqual(['1.id:invalid']);
    const many = Array.from({ length: SERVER_LIMITS.max + 1 }, (_, i) =>
      server('wss://a.example/v1/ws', `S${i}`, `s${i}`),
    );
    expect(problems(many)).toEqual(['settings:servers.tooMany']);
    expect(problems(many.slice(1))).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['padded', ' Prod'],
    ['too long', 'x'.repeat(SERVER_LIMITS.nameLength + 1)],
    ['a control character', 'Prod\nuction'],
    ['a bidi override', 'Prod\u202Euction'],
  ])('refuses a name that is %s', (_what, name) => {
    expect(problems([server('wss://a.example/v1/ws', name, 'a1')])).toEqual(['0.name:serverName']);
  });

  it('refuses an id that could not be a folder name, and a server without an address', () => {
    for (const id of ['', 'A1', '../x', 'a/b', '__proto__', 'x'.repeat(17)])
      expect(problems([server('wss://a.example/v1/ws', 'P', id)]), id).toEqual(['0.id:invalid']);
    expect(problems([server('', 'P', 'a1')])).toEqual(['0.url:url.empty']);
  });
});

describe('names and ids', () => {
  it('names a server by its host, with the port when it is not the usual one', () => {
    expect(defaultServerName('wss://katya.example/v1/ws')).toBe('katya.example');
    expect(defaultServerName('wss://katya.example:443/v1/ws')).toBe('katya.example');
    expect(defaultServerName('ws://10.0.0.5:8080/v1/ws')).toBe('10.0.0.5:8080');
    expect(defaultServerName('not a url')).toBe('not a url');
    expect(defaultServerName('   ')).toBe('Katya');
    expect(defaultServerName(`wss://${'h'.repeat(60)}.example/`)).toHaveLength(
      SERVER_LIMITS.nameLength,
    );
  });

  it('numbers a name that is taken', () => {
    expect(uniqueServerName('Prod', ['Staging'])).toBe('Prod');
    expect(uniqueServerName('Prod', ['prod'])).toBe('Prod (2)');
    expect(uniqueServerName('Prod', ['Prod', 'Prod (2)'])).toBe('Prod (3)');
    const long = 'x'.repeat(SERVER_LIMITS.nameLength);
    expect(uniqueServerName(long, [long])).toHaveLength(SERVER_LIMITS.nameLength);
  });

  it('makes an id of 12 hex digits that no server has', () => {
    const bytes = [new Uint8Array(6), new Uint8Array([1, 2, 3, 4, 5, 255])];
    expect(newServerId(['000000000000'], () => bytes.shift()!)).toBe('0102030405ff');
    expect(newServerId([])).toMatch(/^[0-9a-f]{12}$/);
  });

  it('adds a server enabled, on every channel, following the app', () => {
    const first = newServer('wss://katya.example/v1/ws', []);
    const second = newServer('wss://katya.example/v1/ws', [first]);
    expect(second).toMatchObject({
      name: 'katya.example (2)',
      enabled: true,
      authMethod: 'header',
      notifications: null,
      network: null,
    });
    expect(second.subscriptions.channels).toHaveLength(6);
    expect(second.id).not.toBe(first.id);
  });
});

describe('what a server follows', () => {
  const s = newServer('wss://katya.example/v1/ws', []);
  const own = { ...DEFAULT_SETTINGS.notifications, threshold: 'low' as const };

  it("its own rules and network when it has them, else the app's", () => {
    expect(rulesFor(s, DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS.notifications);
    expect(rulesFor({ ...s, notifications: own }, DEFAULT_SETTINGS)).toBe(own);
    expect(rulesFor(null, DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS.notifications);
    const app = { ...DEFAULT_SETTINGS, proxyMode: 'manual' as const, proxyUrl: 'http://p:3128' };
    expect(networkFor(s, app)).toEqual({
      proxyMode: 'manual',
      proxyUrl: 'http://p:3128',
      extraCaFile: '',
    });
    const mine = { proxyMode: 'none' as const, proxyUrl: '', extraCaFile: '/etc/ca.pem' };
    expect(networkFor({ ...s, network: mine }, app)).toBe(mine);
  });
});
