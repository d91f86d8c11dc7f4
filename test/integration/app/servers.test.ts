// Several servers in one app (issue #19), end to end in Node: reference servers on loopback,
// real files, real sockets. Each server has its own connection, token, history and notifier;
// one failing never holds up another, and a token never reaches another server.
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newServer } from '../../../main/core/common/servers';
import type { ServerSettings } from '../../../main/core/common/settings-schema';
import { TokenVault } from '../../../main/core/vault/token-vault';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import type { FeedEvent, MetricSeries } from '../../../preload/contract';
import { fakeEncryptor } from '../../fakes/encryptor';
import { KatyaTestServer, eventFrame } from '../connection/support/katya-test-server';
import { cleanup, startApp, until } from './support/harness';

async function reference(token: string, port = 0): Promise<KatyaServer> {
  const s = await startKatyaServer({ port, tokens: [{ token, channels: ['*'], admin: true }] });
  cleanup.push(() => s.close());
  return s;
}

async function app(dataDir?: string) {
  const a = await startApp(dataDir);
  const view = (id: string) => a.svc.snapshot().servers.find((s) => s.id === id)?.connection;
  const fed = () => a.fed().filter((e): e is FeedEvent => e.kind === 'event');
  return { ...a, view, fed };
}

type App = Awaited<ReturnType<typeof app>>;

/** Add servers (name and URL each), store each one's token, wait until each is connected. */
async function follow(a: App, list: { name: string; url: string; token: string }[]) {
  const servers: ServerSettings[] = [];
  for (const s of list) servers.push({ ...newServer(s.url, servers), name: s.name });
  const r = await a.invoke['settings:update']({ servers });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  for (const [i, s] of list.entries())
    await a.invoke['token:set']({ token: s.token, server: servers[i]!.id });
  return servers;
}

/** Each of these servers connected with its subscriptions active: what it publishes arrives. */
const connected = (a: App, ids: string[]) => () =>
  ids.every((id) => {
    const d = a.svc.diagnostics().servers?.find((x) => x.id === id);
    return (
      d?.connection.phase === 'connected' &&
      d.subscriptions.length > 0 &&
      d.subscriptions.every((x) => x.status === 'active')
    );
  });

/** Two scripted servers, each accepting one token, followed and connected as One and Two. */
async function twoTestServers(token1: string, token2: string) {
  const one = await KatyaTestServer.start({ tokens: [token1] });
  const two = await KatyaTestServer.start({ tokens: [token2] });
  cleanup.push(
    () => one.close(),
    () => two.close(),
  );
  const a = await app();
  const [x, y] = await follow(a, [
    { name: 'One', url: one.url, token: token1 },
    { name: 'Two', url: two.url, token: token2 },
  ]);
  await until('both connected', connected(a, [x!.id, y!.id]));
  return { a, one, two, x: x!, y: y! };
}

/** Two reference servers, Production and Staging, followed and connected. */
async function prodAndStaging() {
  const prod = await reference('prod-token');
  const staging = await reference('staging-token');
  const a = await app();
  const [p, s] = await follow(a, [
    { name: 'Production', url: prod.url, token: 'prod-token' },
    { name: 'Staging', url: staging.url, token: 'staging-token' },
  ]);
  await until('both connected', connected(a, [p!.id, s!.id]));
  return { a, prod, staging, p: p!, s: s! };
}

describe('several servers', () => {
  it('follows two servers at once: one merged feed, each row with its server', async () => {
    const { a, prod, staging, p, s } = await prodAndStaging();
    prod.publish('security.alert.created', { id: 'a1', title: 'Login storm', severity: 'high' });
    await until('the first event', () => a.fed().length >= 1);
    staging.publish('message.created', { id: 'm1', content: 'hello' });
    await until('both events', () => a.fed().length >= 2);

    const page = await a.invoke['feed:query']({});
    expect(page.entries.map((e) => e.server)).toEqual([s.id, p.id]); // newest first
    expect(page.total).toBe(2);
    const alert = page.entries[1] as FeedEvent;
    expect(alert.id).toBe(`${p.id}/${alert.eventId}`);
    expect(await a.invoke['feed:get'](alert.id)).toMatchObject({
      server: p.id,
      data: { id: 'a1' },
    });
    // the server filter
    const onlyStaging = await a.invoke['feed:query']({ servers: [s.id] });
    expect(onlyStaging.entries.map((e) => (e as FeedEvent).data.id)).toEqual(['m1']);
    // unread per server, and marking one read touches only its own server's history
    expect(a.svc.snapshot().servers.map((x) => x.unread)).toEqual([1, 1]);
    await a.invoke['feed:markRead']([alert.id]);
    expect(a.svc.snapshot().servers.map((x) => x.unread)).toEqual([0, 1]);
    // with more than one server, a notification's title names it, and opens the feed id
    await until('the notification', () => a.notes.length >= 1);
    expect(a.notes[0]!.title).toMatch(/^Production: /);
    expect(a.notes[0]!.eventId).toBe(alert.id);
    // "Copy diagnostics" covers every server, with no token in it
    const text = await a.invoke['diagnostics:copy']();
    expect(text).toContain(`server "Production" (${p.id}):`);
    expect(text).toContain(`server "Staging" (${s.id}):`);
    expect(text).not.toMatch(/prod-token|staging-token/);
    // the same metric from each server is two series, each naming its server
    for (const server of [prod, staging])
      server.publish('analytics.metric.updated', { name: 'cpu', value: 50, unit: '%' });
    await until('two series', () => (a.invoke['metrics:list']() as MetricSeries[]).length === 2);
    const series = await a.invoke['metrics:list']();
    expect(series.map((m) => [m.source, m.name])).toEqual([
      [p.id, 'cpu'],
      [s.id, 'cpu'],
    ]);
    const diagnostics = await a.invoke['diagnostics:get']();
    expect(diagnostics.servers?.map((x) => x.connection.phase)).toEqual(['connected', 'connected']);
  });

  it('keeps the same event id from two servers as two events', async () => {
    const { a, one, two, x, y } = await twoTestServers('t1', 't2');
    const same = eventFrame('message.created', { content: 'same' }, { id: 'evt_same' });
    one.last!.send(same);
    two.last!.send(same);
    await until('two events', () => a.fed().length >= 2);
    expect(
      a
        .fed()
        .map((e) => e.id)
        .sort(),
    ).toEqual([`${x.id}/evt_same`, `${y.id}/evt_same`].sort());
    expect(a.svc.snapshot().unread).toBe(2);
  });

  it('presents each token to its own server only, checked at the socket', async () => {
    const { a, one, two, x, y } = await twoTestServers('token-one', 'token-two');
    // Swap the addresses: each token stays bound to the origin it was entered for.
    const swapped = a.svc.snapshot().settings.servers.map((s, i) => ({
      ...s,
      url: i === 0 ? two.url : one.url,
    }));
    expect((await a.invoke['settings:update']({ servers: swapped })).ok).toBe(true);
    await until('both ask for sign-in', () =>
      [x.id, y.id].every((id) => a.view(id)?.phase === 'signin'),
    );
    await new Promise((r) => setTimeout(r, 300));
    const presented = (s: KatyaTestServer) =>
      s.clients.map((c) => c.request.headers.authorization ?? '');
    expect(presented(one).every((h) => h === 'Bearer token-one')).toBe(true);
    expect(presented(two).every((h) => h === 'Bearer token-two')).toBe(true);
  });

  it('five servers: one refusing the token, one flapping, the other three undisturbed', async () => {
    const steady = [await reference('t0'), await reference('t1'), await reference('t2')];
    const refusing = await reference('right-token');
    let flapping = await reference('t4');
    const flapPort = Number(new URL(flapping.url).port);
    const a = await app();
    const ids = (
      await follow(a, [
        ...steady.map((s, i) => ({ name: `Steady ${i}`, url: s.url, token: `t${i}` })),
        { name: 'Refusing', url: refusing.url, token: 'wrong-token' },
        { name: 'Flapping', url: flapping.url, token: 't4' },
      ])
    ).map((s) => s.id);
    await until(
      'the steady ones and the flapping one connected',
      connected(a, [...ids.slice(0, 3), ids[4]!]),
    );
    await until('sign-in needed for the refusing one', () => a.view(ids[3]!)?.phase === 'signin');
    expect(a.svc.snapshot().connection.phase).toBe('signin'); // the worst, for the status bar
    const before = steady.map((s) => s.connectionCount());

    for (let round = 0; round < 3; round++) {
      await flapping.close();
      await until('the flapping one lost', () => a.view(ids[4]!)?.phase !== 'connected');
      for (const [i, s] of steady.entries()) s.publish('message.created', { id: `r${round}-${i}` });
      await until('the steady events', () =>
        steady.every((_s, i) => a.fed().some((e) => e.data.id === `r${round}-${i}`)),
      );
      flapping = await reference('t4', flapPort);
      await until('the flapping one back', () => a.view(ids[4]!)?.phase === 'connected');
    }
    // the steady servers never saw a second connection, nor the refusing one a retry
    expect(steady.map((s) => s.connectionCount())).toEqual(before);
    expect(refusing.connectionCount()).toBe(1);
    for (const id of ids.slice(0, 3)) expect(a.view(id)?.phase).toBe('connected');
    // the tray lists each server with its state
    const tray = a.svc.trayState(() => '12:00');
    expect(tray.icon).toBe('signin');
    expect(tray.serverLines?.map((l) => l.line)).toEqual([
      'Steady 0: Connected',
      'Steady 1: Connected',
      'Steady 2: Connected',
      'Refusing: Sign-in needed',
      'Flapping: Connected',
    ]);
  });

  it('a switched-off server is not connected; removing one wipes its token and history', async () => {
    const keep = await reference('keep-token');
    const drop = await reference('drop-token');
    const a = await app();
    const [k, d] = await follow(a, [
      { name: 'Keep', url: keep.url, token: 'keep-token' },
      { name: 'Drop', url: drop.url, token: 'drop-token' },
    ]);
    await until('both connected', connected(a, [k!.id, d!.id]));
    drop.publish('message.created', { id: 'gone' });
    await until('its event', () => a.fed().length >= 1);
    const dropDir = path.join(a.dataDir, 'servers', d!.id);
    expect(existsSync(path.join(dropDir, 'token.bin'))).toBe(true);

    const off = a.svc.snapshot().settings.servers.map((s) => ({ ...s, enabled: s.id !== d!.id }));
    expect((await a.invoke['settings:update']({ servers: off })).ok).toBe(true);
    await until('paused', () => a.view(d!.id)?.phase === 'paused');
    await until('closed at the server', () => drop.connectionCount() === 1);

    const rest = a.svc.snapshot().settings.servers.filter((s) => s.id !== d!.id);
    expect((await a.invoke['settings:update']({ servers: rest })).ok).toBe(true);
    expect(existsSync(dropDir)).toBe(false);
    expect(a.svc.snapshot().servers.map((s) => s.id)).toEqual([k!.id]);
    expect((await a.invoke['feed:query']({})).entries).toEqual([]);
    expect(a.view(k!.id)?.phase).toBe('connected');
  });
});

describe('snoozing one server or all', () => {
  it("holds one server's notifications, keeps that over a restart, and 'all' covers each", async () => {
    const { a, prod, staging, p, s } = await prodAndStaging();
    const { snoozedUntil } = await a.invoke['notifications:snooze']('1h', { server: s.id });
    expect(snoozedUntil).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(a.svc.snapshot().servers.map((x) => x.snoozedUntil)).toEqual([null, snoozedUntil]);
    expect(a.svc.snapshot().snoozedUntil).toBeNull(); // not everyone's
    staging.publish('security.alert.created', { id: 's1', title: 'Held', severity: 'high' });
    prod.publish('security.alert.created', { id: 'p1', title: 'Shown', severity: 'high' });
    await until('both in the feed', () => a.fed().length >= 2);
    await until('the notification', () => a.notes.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.notes.map((n) => n.title)).toEqual([expect.stringMatching(/^Production: .*Shown/)]);

    await a.svc.stop();
    const again = await app(a.dataDir);
    expect(again.svc.snapshot().servers.map((x) => x.snoozedUntil)).toEqual([null, snoozedUntil]);
    // "Resume notifications" for everyone ends each server's own snooze too
    await again.invoke['notifications:snooze']('4h');
    expect(again.svc.snapshot().servers.every((x) => x.snoozedUntil! > snoozedUntil!)).toBe(true);
    await again.invoke['notifications:snooze']('off');
    expect(again.svc.snapshot().servers.map((x) => x.snoozedUntil)).toEqual([null, null]);
    // everyone snoozed, then one server resumed: no longer "everyone", and so after a restart
    const all = (await again.invoke['notifications:snooze']('4h')).snoozedUntil;
    // (each server reckons "4 hours" on its own clock reading: the same to the millisecond or so)
    expect(again.svc.snapshot().snoozedUntil).toBeCloseTo(all!, -2);
    await again.invoke['notifications:snooze']('off', { server: p.id });
    expect(again.svc.snapshot().snoozedUntil).toBeNull();
    expect(again.svc.trayState(() => '12:00').snoozed).toBe(false);
    await again.svc.stop();
    const third = await app(a.dataDir);
    const kept = third.svc.snapshot().servers.map((x) => x.snoozedUntil);
    expect(kept[0]).toBeNull();
    expect(kept[1]).toBeCloseTo(all!, -2);
    await third.invoke['notifications:snooze']('off');
    expect(() => third.invoke['notifications:snooze']('1h', { server: 'nope' })).toThrow(
      /no server/,
    );
  });
});

describe('from one server to a list of one', () => {
  it('keeps the token, the history and the read marks of a version 2 profile', async () => {
    const server = await reference('old-token');
    // A version 2 profile: settings with serverUrl, the token bound to that server, history.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'katya-v2-'));
    const first = await app(dataDir);
    const [only] = await follow(first, [{ name: 'Old', url: server.url, token: 'old-token' }]);
    await until('connected', connected(first, [only!.id]));
    server.publish('message.created', { id: 'kept' });
    server.publish('message.created', { id: 'read' });
    await until('two events', () => first.fed().length >= 2);
    await first.invoke['feed:markRead']([first.fed().find((e) => e.data.id === 'read')!.id]);
    await first.svc.stop();
    // ... moved to where version 2 kept them, with the version 2 settings file:
    const v2 = path.join(mkdtempSync(path.join(os.tmpdir(), 'katya-v2-')), 'profile');
    mkdirSync(v2);
    const { cpSync } = await import('node:fs');
    cpSync(path.join(dataDir, 'servers', only!.id, 'history'), path.join(v2, 'history'), {
      recursive: true,
    });
    const vault = new TokenVault({
      file: path.join(v2, 'token.bin'),
      encryptor: fakeEncryptor('keychain'),
      acceptWeak: () => false,
    });
    vault.set('old-token', { serverUrl: server.url });
    writeFileSync(
      path.join(v2, 'settings.json'),
      JSON.stringify({
        version: 2,
        serverUrl: server.url,
        authMethod: 'header',
        subscriptions: { channels: ['messages', 'security'], events: [] },
        notifications: {
          threshold: 'critical',
          perEvent: {},
          mutedChannels: [],
          quietHours: { enabled: false, start: '22:00', end: '07:00' },
          criticalBreaksThrough: true,
        },
      }),
    );

    const second = await app(v2);
    const [migrated] = second.svc.snapshot().settings.servers;
    expect(migrated).toMatchObject({
      id: 'main',
      url: server.url,
      subscriptions: { channels: ['messages', 'security'], events: [] },
      notifications: null,
    });
    expect(second.svc.snapshot().settings.notifications.threshold).toBe('critical');
    await until('connected with the old token', connected(second, ['main']));
    const page = await second.invoke['feed:query']({});
    expect(page.entries.map((e) => [(e as FeedEvent).data.id, (e as FeedEvent).read])).toEqual([
      ['read', true],
      ['kept', false],
    ]);
  });
});
