// The history's file is read after the connection is up, so that reading it does not delay
// connecting (issue #17's cold start). What must hold: the window never sees a history that
// has not been read, an unreachable server does not keep it unread for long, and what arrives
// before the read is kept, after what was on disk, once.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { splitFeedKey } from '../../../main/core/history/merged-feed';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import type { FeedEvent, ServerView } from '../../../preload/contract';
import { follow } from './support/follow';
import { cleanup, startApp, until } from './support/harness';

const TOKEN = 'admin-s3cret-token';
/** Long enough that only what the test does can start the read. */
const NEVER = 600_000;

type App = Awaited<ReturnType<typeof startApp>>;

async function katya(): Promise<KatyaServer> {
  const s = await startKatyaServer({ port: 0, tokens: [{ token: TOKEN, channels: ['*'] }] });
  cleanup.push(() => s.close());
  return s;
}

/** A profile with two events stored (one read) for the server at `url`, and the app stopped. */
async function profileWithHistory(s: KatyaServer): Promise<App> {
  const a = await startApp();
  expect((await a.invoke['settings:update'](follow(a, s.url))).ok).toBe(true);
  await a.invoke['token:set']({ token: TOKEN });
  await until('subscriptions active', () => settled(a.svc.snapshot().subscriptions));
  s.publish('message.created', { id: 'old1', content: 'one' });
  s.publish('message.created', { id: 'old2', content: 'two' });
  await until('two events', () => a.fed().length >= 2);
  await a.invoke['feed:markRead']([(a.fed()[0] as FeedEvent).id]);
  await a.svc.stop();
  return a;
}

function settled(subs: readonly { status: string }[]): boolean {
  return subs.length > 0 && subs.every((x) => x.status !== 'pending');
}

function historyLoaded(a: App): boolean {
  return (a.svc.diagnostics().historyInfo as { loaded?: boolean }).loaded === true;
}

function eventIds(entries: readonly { kind: string }[]): unknown[] {
  return entries.filter((e): e is FeedEvent => e.kind === 'event').map((e) => e.data.id);
}

describe('the history is read after the connection', () => {
  it('connects first, reads the history once the subscriptions are settled, then tells the window', async () => {
    const s = await katya();
    const first = await profileWithHistory(s);
    const a = await startApp(first.dataDir, { historyReadDeadlineMs: NEVER });
    expect(historyLoaded(a)).toBe(false);
    await until('the history read', () => historyLoaded(a));
    const views = a.of('servers:changed') as ServerView[][];
    const atSettled = views.findIndex((v) => settled(v[0]!.subscriptions));
    expect(atSettled).toBeGreaterThanOrEqual(0);
    // When the subscriptions settled the file had not been read: no unread count yet ...
    expect(views[atSettled]![0]!.unread).toBe(0);
    // ... and once it had, the window was told the count on disk.
    await until('the unread count on disk', () => a.of('unread:changed').at(-1)?.unread === 1);
    expect(a.svc.snapshot().unread).toBe(1);
    const page = await a.invoke['feed:query']({});
    expect(eventIds(page.entries)).toEqual(['old2', 'old1']);
  });

  it('reads the history at once for a window that asks before the connection is up', async () => {
    const a = await restartedOffline(NEVER);
    const page = await a.invoke['feed:query']({});
    expect(eventIds(page.entries)).toEqual(['old2', 'old1']);
    expect((await a.invoke['diagnostics:get']()).historyInfo.events).toBe(2);
    expect(a.svc.snapshot().connection.phase).not.toBe('connected');
  });

  it('starts the read as soon as a window is created, while it loads', async () => {
    const a = await restartedOffline(NEVER);
    a.svc.windowCreated();
    await until('the history read', () => historyLoaded(a));
    await until('the unread count on disk', () => a.of('unread:changed').at(-1)?.unread === 1);
  });

  it('does not wait past its deadline for a server that cannot be reached', async () => {
    const a = await restartedOffline(200);
    await until('the history read without a connection', () => historyLoaded(a), 5_000);
    expect(a.svc.snapshot().connection.phase).not.toBe('connected');
    await until('the unread count on disk', () => a.of('unread:changed').at(-1)?.unread === 1);
  });

  it('keeps what arrives before the read, after what was on disk, once, and tells the window then', async () => {
    const { first, a, ws } = await appOnUnansweringServer();
    // old2 again, as the same message: the server's id of the stored one
    const stored = first.fed() as FeedEvent[];
    const old2 = splitFeedKey(stored.find((e) => e.data.id === 'old2')!.id)!.id;
    ws.send(event(old2, 'again', 'old2'));
    ws.send(event('new1', 'while unread'));
    await taken(a, 2);

    const page = await a.invoke['feed:query']({});
    expect(eventIds(page.entries)).toEqual(['new1', 'old2', 'old1']);
    expect(eventIds(a.fed())).toEqual(['new1']);
    await a.svc.stop();
    const log = historyFile(a);
    // one record each: the message's id, then its payload's
    expect(log.match(/"id":"new1"/g)).toHaveLength(2);
    expect(log.match(/"id":"old2"/g)).toHaveLength(1);
    expect(log).not.toContain('again');
  });

  it('sends on a flood held before the read in batches no larger than the engine batch', async () => {
    const { a, ws } = await appOnUnansweringServer();
    for (let i = 0; i < 1200; i++) ws.send(event(`f${i}`, 'flood'));
    await taken(a, 1200);
    await a.invoke['feed:query']({});
    const batches = a.of('feed:added');
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
    expect(eventIds(batches.flat())).toHaveLength(1200);
  });

  it('loses nothing held when it stops before anything asked for the history', async () => {
    const { first, a, ws } = await appOnUnansweringServer();
    ws.send(event('new1', 'held at the stop'));
    await taken(a, 1);
    await a.svc.stop();

    const b = await startApp(first.dataDir, { historyReadDeadlineMs: NEVER });
    const page = await b.invoke['feed:query']({});
    expect(eventIds(page.entries)).toEqual(['new1', 'old2', 'old1']);
  });
});

/**
 * The app started again on a profile with two events stored, its server gone: the history is
 * not read yet when start() returns.
 */
async function restartedOffline(historyReadDeadlineMs: number): Promise<App> {
  const s = await katya();
  const first = await profileWithHistory(s);
  await s.close();
  const a = await startApp(first.dataDir, { historyReadDeadlineMs });
  expect(historyLoaded(a)).toBe(false);
  return a;
}

/**
 * A profile with two events stored, and the app started on it following a server that never
 * answers a subscription: what starts the read is a question from the window, or the history
 * itself half a second after it first holds an event (the unit tests time that).
 */
async function appOnUnansweringServer() {
  const first = await profileWithHistory(await katya());
  const silent = await unansweringServer();
  const a = await startApp(first.dataDir, { historyReadDeadlineMs: NEVER });
  await followWithToken(a, silent.url);
  const ws = await until('the app connected', () => silent.sockets[0]);
  return { first, a, ws };
}

/** The app has taken `n` messages, and the engine's batch window (50 ms) is over. */
async function taken(a: App, n: number) {
  await until(`${n} messages taken`, () => a.svc.diagnostics().stats.messagesReceived >= n);
  await new Promise((r) => setTimeout(r, 200));
}

/** A server that takes the app's connection and never answers a subscription. */
async function unansweringServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  cleanup.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/ws`, sockets };
}

/** Follow `url` instead; the stored token was for the old address, so it is entered again. */
async function followWithToken(a: App, url: string) {
  expect((await a.invoke['settings:update'](follow(a, url))).ok).toBe(true);
  await a.invoke['token:set']({ token: TOKEN });
}

/** An event message; `dataId` is the id in its payload, which the tests list. */
function event(id: string, content: string, dataId = id): string {
  return JSON.stringify({
    type: 'event',
    id,
    timestamp: new Date().toISOString(),
    event: 'message.created',
    channel: 'messages',
    data: { id: dataId, content },
  });
}

function historyFile(a: App): string {
  const id = a.svc.snapshot().settings.servers[0]!.id;
  return readFileSync(path.join(a.dataDir, 'servers', id, 'history', 'events.log'), 'utf8');
}
