// Every server message carries `id` and `timestamp` (docs/protocol.md, "Envelope"): events,
// responses, errors, pings and pongs, each kind with its own id prefix, no id used twice.
import { afterEach, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { RawClient, bearer } from './raw-client';
import type { Frame } from './raw-client';

const TOKENS = [{ token: 'viewer', channels: ['messages'] }];
let s: KatyaServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

const PREFIX: Record<string, RegExp> = {
  event: /^evt_[0-9a-z]+$/,
  response: /^rsp_[0-9a-z]+$/,
  error: /^err_[0-9a-z]+$/,
  ping: /^png_[0-9a-z]+$/,
  pong: /^pog_[0-9a-z]+$/,
};

function expectStamped(frame: Frame | undefined, type: string) {
  expect(frame?.type).toBe(type);
  expect(frame?.id).toMatch(PREFIX[type]!);
  expect(typeof frame?.timestamp).toBe('string');
  expect(new Date(frame!.timestamp!).toISOString()).toBe(frame!.timestamp);
}

describe('ids and timestamps on every server message', () => {
  it('stamps responses, errors, pongs, pings and events, each with its own prefix', async () => {
    s = await startKatyaServer({ tokens: TOKENS, pingIntervalMs: 300 });
    const c = await RawClient.open(s.url);
    clients.push(c);

    const [auth] = await c.request({ type: 'auth', token: 'viewer' }, 'a');
    expectStamped(auth, 'response');
    const [sub] = await c.request({ type: 'subscribe', channels: ['messages'] }, 's');
    expectStamped(sub, 'response');
    const [unsub] = await c.request({ type: 'unsubscribe', channels: ['rooms'] }, 'u');
    expectStamped(unsub, 'response');
    const [denied] = await c.request({ type: 'subscribe', channels: ['security'] }, 'd');
    expectStamped(denied, 'error');
    const [malformed] = await c.request({ type: 'dance' }, 'm');
    expectStamped(malformed, 'error');
    c.send('not json');
    expectStamped(await c.waitFor((f) => f.type === 'error' && !f.data?.requestId), 'error');
    const [pong] = await c.request({ type: 'ping' }, 'p');
    expectStamped(pong, 'pong');
    c.send({ type: 'ping' }); // a pong without a request id is stamped all the same
    await c.waitFor((f) => f.type === 'pong' && f.data?.requestId === undefined);
    expectStamped(
      c.frames.find((f) => f.type === 'pong' && f.data?.requestId === undefined),
      'pong',
    );
    expectStamped(await c.waitFor((f) => f.type === 'ping'), 'ping');
    const sent = s.publish('message.created', { id: 'msg_1' });
    expectStamped(await c.waitFor((f) => f.id === sent.id), 'event');

    const ids = c.frames.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stamps the 4001 error of a refused token', async () => {
    s = await startKatyaServer({ tokens: TOKENS, closeGraceMs: 50 });
    const c = await RawClient.open(s.url, bearer('wrong'));
    clients.push(c);
    expectStamped(await c.waitFor((f) => f.type === 'error'), 'error');
  });
});
