// The doctor probe once the socket is open: how it presents the token and what counts as the
// server's verdict on it, one subscription step per name with the server's reason for each
// refusal, the three pings of the round trip, and the goodbye. Against the reference server
// where its answers are the point, and against a scripted WebSocket server on loopback where a
// test needs answers the reference server never gives (late, odd or missing ones).
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../../main/core/doctor';
import type { Channel, EventType } from '../../../main/core/common/protocol';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer, KatyaServerOptions } from '../../../main/server/server';
import { answerLikeKatya, closePeers, send, startScriptedServer } from './support/doctor-peers';
import type { Answer } from './support/doctor-peers';
import { directTo, fail, ok, probe, skip, skipped } from './support/doctor-report';

const ADMIN = 'admin-secret-0123';
const VIEWER = 'viewer-token-4567';
const TOKEN = 'abcdef';
const ALL_CHANNELS = ['messages', 'rooms', 'trust', 'analytics', 'security', 'system'];

let katya: KatyaServer | null = null;
afterEach(async () => {
  await katya?.close();
  katya = null;
  await closePeers();
});
const startKatya = async (opts: KatyaServerOptions = {}) =>
  (katya = await startKatyaServer({
    port: 0,
    tokens: [
      { token: ADMIN, channels: ['*'], admin: true },
      { token: VIEWER, channels: ['messages', 'rooms'] },
    ],
    ...opts,
  }));

const ping = (id: string) => ({ type: 'ping', id });
const RTT_PINGS = [ping('doctor-rtt-1'), ping('doctor-rtt-2'), ping('doctor-rtt-3')];
const PINGS_OK = ok('rtt', 'N ms average of 3 pings (min N, max N)');
const REFUSED_ADVICE = 'the token is wrong, expired or revoked; get a new one';

/** A scripted server that answers as Katya does, but does `first` with the authentication. */
const authAnswered = (first: Answer) =>
  startScriptedServer((message, peer) => {
    if (message.id === 'doctor-auth') first(message, peer);
    else answerLikeKatya(message, peer);
  });

describe('the token', () => {
  it('goes in the Authorization header by default; authentication is then a ping that must come back', async () => {
    const server = await startScriptedServer();
    const { result, steps } = await probe({ url: server.url, token: TOKEN });
    expect(server.upgrades).toEqual([{ path: '/v1/ws', authorization: `Bearer ${TOKEN}` }]);
    expect(server.received).toEqual([
      ping('doctor-auth'),
      { type: 'subscribe', id: 'doctor-sub', channels: ALL_CHANNELS, events: [] },
      ...RTT_PINGS,
    ]);
    expect(steps).toStrictEqual([
      ...directTo(server.url),
      skip('tls', 'not used: ws:// to this computer'),
      ok('upgrade', 'HTTP 101 in N ms'),
      ok('auth', 'token accepted (header)'),
      ...ALL_CHANNELS.map((c) => ok('subscribe', `channel ${c}`)),
      PINGS_OK,
    ]);
    expect(result).toStrictEqual({ ok: true, steps: result.steps, authFailed: false });
    expect(await server.hungUp).toEqual({ code: 1000, reason: 'doctor done' });
  });

  it('goes in the query with the query method, and in the first message with the message method', async () => {
    const query = await startScriptedServer();
    const q = await probe({ url: query.url, token: TOKEN, authMethod: 'query', channels: [] });
    expect(query.upgrades).toEqual([{ path: `/v1/ws?token=${TOKEN}`, authorization: undefined }]);
    expect(query.received[0]).toEqual(ping('doctor-auth'));
    expect(q.steps[6]).toStrictEqual(ok('auth', 'token accepted (query)'));

    const message = await startScriptedServer();
    const m = await probe({ url: message.url, token: TOKEN, authMethod: 'message', channels: [] });
    expect(message.upgrades).toEqual([{ path: '/v1/ws', authorization: undefined }]);
    expect(message.received[0]).toEqual({ type: 'auth', id: 'doctor-auth', token: TOKEN });
    expect(m.steps[6]).toStrictEqual(ok('auth', 'token accepted (message)'));
  });

  it('is none when it is missing, empty or not a string: nothing is sent, and the rest still runs', async () => {
    const server = await startScriptedServer();
    for (const token of [undefined, '', 42 as unknown as string]) {
      for (const authMethod of ['header', 'query', 'message'] as const) {
        const { result, steps } = await probe({ url: server.url, token, authMethod });
        expect(steps.slice(6), `${String(token)} ${authMethod}`).toStrictEqual([
          skip('auth', 'no token given'),
          skip('subscribe', 'needs a token'),
          PINGS_OK,
        ]);
        expect(result.ok).toBe(true);
      }
    }
    expect(server.upgrades).toEqual(Array(9).fill({ path: '/v1/ws', authorization: undefined }));
    expect(server.received).toEqual(Array<unknown>(9).fill(RTT_PINGS).flat());
  });
});

describe('the verdict on the token', () => {
  it('is taken only from the answer to its own request: other frames before it do not count', async () => {
    const server = await authAnswered((message, peer) => {
      peer.send('not JSON at all');
      for (const frame of [
        null,
        42,
        'text',
        [],
        {
          type: 'event',
          channel: 'rooms',
          event: 'room.created',
          data: { requestId: message.id, code: '4001' },
        },
        { type: 'response', data: { action: 'subscribe', requestId: 'another' } },
        { type: 'response' },
        { type: 'pong', data: { requestId: 'another' } },
        { type: 'pong' },
        { type: 'error' },
        { type: 'error', data: { code: '4003', message: 'malformed', requestId: message.id } },
        { type: 'error', data: { code: '4001', message: 'invalid or expired token' } },
      ])
        send(peer, frame);
    });
    const { result, steps } = await probe({ url: server.url, token: TOKEN, timeoutMs: 2000 });
    expect(steps.slice(5)).toStrictEqual([
      ok('upgrade', 'HTTP 101 in N ms'),
      fail('auth', 'refused (invalid or expired token)', REFUSED_ADVICE),
      ...skipped('subscribe', 'rtt'),
    ]);
    expect(result).toStrictEqual({ ok: false, steps: result.steps, authFailed: true });
  });

  it('quotes the refusal on one line of at most 200 characters, the token masked before the cut', async () => {
    const refusing = (words: (token: string) => string) =>
      authAnswered((message, peer) =>
        send(peer, {
          type: 'error',
          data: { code: '4001', message: words(message.token!), requestId: message.id },
        }),
      );
    const echo = await refusing((t) => `unknown token ${t}\nsee https://katya.example/help`);
    const r = await probeServer({ url: echo.url, token: 'abcd', authMethod: 'message' });
    expect(r.steps[6]).toStrictEqual(
      fail(
        'auth',
        'refused (unknown token [redacted] see https://katya.example/help)',
        REFUSED_ADVICE,
      ),
    );
    // A token of fewer than 4 characters is not masked: hiding every "abc" would hide nothing.
    const short = await probeServer({ url: echo.url, token: 'abc', authMethod: 'message' });
    expect(short.steps[6]!.detail).toBe(
      'refused (unknown token abc see https://katya.example/help)',
    );

    // Where the cut falls inside the token, no part of the token is left to show.
    const long = await refusing((t) => `${'x'.repeat(190)} ${t} ${'w'.repeat(100)}`);
    const cut = await probeServer({
      url: long.url,
      token: 'secret-token-1234',
      authMethod: 'message',
    });
    expect(cut.steps[6]).toStrictEqual(
      fail('auth', `refused (${'x'.repeat(190)} [redacte…)`, REFUSED_ADVICE),
    );
  });

  it('says "error 4001" when the refusal has no words, and takes a numeric code too', async () => {
    for (const data of [{ code: '4001' }, { code: '4001', message: '' }, { code: 4001 }]) {
      const server = await authAnswered((_message, peer) => send(peer, { type: 'error', data }));
      const r = await probeServer({ url: server.url, token: TOKEN, channels: [] });
      expect(r.steps[6], JSON.stringify(data)).toStrictEqual(
        fail('auth', 'refused (error 4001)', REFUSED_ADVICE),
      );
      expect(r.authFailed).toBe(true);
    }
  });

  it('is a refusal when the server closes with 4001 before answering', async () => {
    const server = await authAnswered((_message, peer) =>
      peer.close(4001, 'authentication failed'),
    );
    const r = await probeServer({ url: server.url, token: TOKEN });
    expect(r.steps.slice(6)).toStrictEqual([
      fail('auth', 'refused (closed 4001)', REFUSED_ADVICE),
      ...skipped('subscribe', 'rtt'),
    ]);
    expect(r.authFailed).toBe(true);
  });

  it('is no verdict when the server closes with another code: that is the server in trouble, not the token', async () => {
    const server = await authAnswered((_message, peer) => peer.close(1011, 'internal error'));
    const r = await probeServer({ url: server.url, token: TOKEN });
    expect(r.steps.slice(6)).toStrictEqual([
      fail(
        'auth',
        'the connection closed (1011) before an answer',
        'the server ended the connection without judging the token; check the server',
      ),
      ...skipped('subscribe', 'rtt'),
    ]);
    expect(r.authFailed).toBe(false);
  });

  it('is no verdict when the server breaks the protocol before answering', async () => {
    // A text frame that is not UTF-8: the client library gives up on the connection.
    const server = await authAnswered((_message, peer) =>
      peer.send(Buffer.from([0xff, 0xfe]), { binary: false }),
    );
    const r = await probeServer({ url: server.url, token: TOKEN });
    expect(r.steps.slice(6)).toStrictEqual([
      fail(
        'auth',
        'the connection closed (1006) before an answer',
        'the server ended the connection without judging the token; check the server',
      ),
      ...skipped('subscribe', 'rtt'),
    ]);
    expect(r.authFailed).toBe(false);
  });

  it("is the reference server's: a wrong token refused in its words with each method", async () => {
    const server = await startKatya();
    for (const authMethod of ['header', 'query', 'message'] as const) {
      const r = await probeServer({ url: server.url, token: 'not-a-known-token-89', authMethod });
      expect(r.steps[6], authMethod).toStrictEqual(
        fail('auth', 'refused (invalid or expired token)', REFUSED_ADVICE),
      );
    }
  });
});

describe('the subscriptions', () => {
  it("are one step per channel and event type, in order, with the reference server's reason for each refusal", async () => {
    const server = await startKatya();
    // With the message method the auth response is already there: it is not the subscribe answer.
    const r = await probe({
      url: server.url,
      token: VIEWER,
      authMethod: 'message',
      channels: ['messages', 'security', 'rooms'],
      events: ['system.status.changed', 'message.exploded' as EventType],
    });
    const advice =
      'the token may not read it; ask the server admin to grant it, or stop subscribing to it';
    expect(r.steps.slice(6)).toStrictEqual([
      ok('auth', 'token accepted (message)'),
      ok('subscribe', 'channel messages'),
      fail(
        'subscribe',
        'channel security: 4002 this token may not read the channel "security"',
        advice,
      ),
      ok('subscribe', 'channel rooms'),
      fail(
        'subscribe',
        'event system.status.changed: 4002 this token may not read the channel "system" of "system.status.changed"',
        advice,
      ),
      fail(
        'subscribe',
        'event message.exploded: 4005 event type "message.exploded" does not exist',
        'the server does not know this name; check the spelling',
      ),
      PINGS_OK,
    ]);
    expect(r.result.ok).toBe(false);
    expect(r.result.authFailed).toBe(false);
  });

  it('fail each, with the limit in the server words, when the request goes over the server limit', async () => {
    const server = await startKatya({ maxSubscriptions: 2 });
    const r = await probeServer({
      url: server.url,
      token: ADMIN,
      channels: ['messages', 'rooms'],
      events: ['system.status.changed'],
    });
    const why =
      'at most 2 subscriptions (channels plus event types) per connection; this request would make 3, so none of it was applied';
    const advice =
      'over the server limit; follow whole channels instead of single event types, or fewer of them';
    expect(r.steps.slice(7, 10)).toStrictEqual([
      fail('subscribe', `channel messages: ${why}`, advice),
      fail('subscribe', `channel rooms: ${why}`, advice),
      fail('subscribe', `event system.status.changed: ${why}`, advice),
    ]);
  });

  it('name the code when the server gives no words, and the other codes plainly', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.type === 'subscribe') {
        send(peer, { type: 'response' });
        for (const data of [
          { code: '4002', channel: 'security' },
          { channel: 'system', message: 'not today' },
          { code: '4003', message: 'bad\nrequest', channel: 'trust' },
          { code: '4005000000000', event: 'room.gone' },
          { code: '4005', channel: 'q'.repeat(100), message: 'no such channel' },
        ])
          send(peer, { type: 'error', data });
        // An error without details, and an event whose payload names a channel: no refusals.
        send(peer, { type: 'error' });
        send(peer, {
          type: 'event',
          channel: 'rooms',
          event: 'room.created',
          data: { channel: 'rooms', event: 'room.created' },
        });
      }
      answerLikeKatya(message, peer);
    });
    const r = await probeServer({
      url: server.url,
      token: TOKEN,
      channels: ['security', 'system', 'trust', 'rooms', 'q'.repeat(100) as Channel],
      events: ['room.gone' as EventType],
    });
    expect(r.steps.slice(7, 13)).toStrictEqual([
      fail(
        'subscribe',
        'channel security: 4002',
        'the token may not read it; ask the server admin to grant it, or stop subscribing to it',
      ),
      fail('subscribe', 'channel system: not today', 'the server refused it'),
      fail('subscribe', 'channel trust: 4003 bad request', 'the server refused it'),
      ok('subscribe', 'channel rooms'),
      fail(
        'subscribe',
        `channel ${'q'.repeat(79)}…: 4005 no such channel`,
        'the server does not know this name; check the spelling',
      ),
      fail('subscribe', 'event room.gone: 400500000…', 'the server refused it'),
    ]);
  });

  it('fail each with the code when the limit error has no words', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.type === 'subscribe') send(peer, { type: 'error', data: { code: 4004 } });
      else answerLikeKatya(message, peer);
    });
    const r = await probe({ url: server.url, token: TOKEN, channels: ['rooms', 'trust'] });
    const advice =
      'over the server limit; follow whole channels instead of single event types, or fewer of them';
    expect(r.steps.slice(7)).toStrictEqual([
      fail('subscribe', 'channel rooms: 4004', advice),
      fail('subscribe', 'channel trust: 4004', advice),
      PINGS_OK,
    ]);
  });

  it('pass on a response that names the request, or the action for a server that does not echo ids', async () => {
    for (const data of [{ requestId: 'doctor-sub' }, { action: 'subscribe' }]) {
      const server = await startScriptedServer((message, peer) => {
        if (message.type === 'subscribe') send(peer, { type: 'response', data });
        else answerLikeKatya(message, peer);
      });
      const r = await probeServer({ url: server.url, token: TOKEN, channels: ['rooms'] });
      expect(r.steps[7], JSON.stringify(data)).toStrictEqual(ok('subscribe', 'channel rooms'));
    }
  });

  it('fail each when the server does not answer within the step timeout; the round trip still runs', async () => {
    const server = await startScriptedServer((message, peer) => {
      // An answer to something else is no answer.
      if (message.type === 'subscribe')
        send(peer, { type: 'response', data: { action: 'unsubscribe', requestId: 'another' } });
      else answerLikeKatya(message, peer);
    });
    const { steps } = await probe({
      url: server.url,
      token: TOKEN,
      channels: ['rooms'],
      events: ['room.created'],
      timeoutMs: 100,
    });
    const advice = 'the server does not answer subscriptions';
    expect(steps.slice(7)).toStrictEqual([
      fail('subscribe', 'channel rooms: no answer within 100 ms (subscribe)', advice),
      fail('subscribe', 'event room.created: no answer within 100 ms (subscribe)', advice),
      PINGS_OK,
    ]);
  });

  it('fail each when the server hangs up instead of answering, and so does the round trip', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.type === 'subscribe') peer.close(1011, 'internal error');
      else answerLikeKatya(message, peer);
    });
    const r = await probeServer({ url: server.url, token: TOKEN, channels: ['rooms', 'trust'] });
    expect(r.steps.slice(7)).toStrictEqual([
      fail('subscribe', 'channel rooms: no answer', 'the server closed the connection'),
      fail('subscribe', 'channel trust: no answer', 'the server closed the connection'),
      fail(
        'rtt',
        'the connection closed (1011)',
        'the server does not answer pings; the app may see the connection as dead',
      ),
    ]);
  });

  it('are skipped when there is nothing to subscribe to', async () => {
    const server = await startScriptedServer();
    const { result, steps } = await probe({
      url: server.url,
      token: TOKEN,
      channels: [],
      events: [],
    });
    expect(steps.slice(6)).toStrictEqual([
      ok('auth', 'token accepted (header)'),
      skip('subscribe', 'nothing to subscribe to'),
      PINGS_OK,
    ]);
    expect(result.ok).toBe(true);
    expect(server.received).toEqual([ping('doctor-auth'), ...RTT_PINGS]);
  });
});

describe('the round trip', () => {
  const NO_PONG = 'the server does not answer pings; the app may see the connection as dead';

  it('takes a pong without an id from a server that does not echo them, once', async () => {
    const server = await startScriptedServer((message, peer) =>
      message.type === 'ping' ? send(peer, { type: 'pong' }) : answerLikeKatya(message, peer),
    );
    const { steps } = await probe({ url: server.url, channels: [] });
    expect(steps.at(-1)).toStrictEqual(PINGS_OK);

    // Each such pong answers one ping: a server that answers only the first one fails.
    let answered = 0;
    const once = await startScriptedServer((message, peer) => {
      if (message.type === 'ping' && answered++ === 0) send(peer, { type: 'pong' });
    });
    const r = await probeServer({ url: once.url, timeoutMs: 100 });
    expect(r.steps.at(-1)).toStrictEqual(fail('rtt', 'no answer within 100 ms (ping)', NO_PONG));
  });

  it('waits for the pong to each ping: neither an earlier pong nor one for another request will do', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.id === 'doctor-rtt-3')
        send(peer, { type: 'pong', data: { requestId: 'doctor-rtt-9' } });
      else answerLikeKatya(message, peer);
    });
    const { steps } = await probe({ url: server.url, token: TOKEN, channels: [], timeoutMs: 100 });
    expect(steps.at(-1)).toStrictEqual(fail('rtt', 'no answer within 100 ms (ping)', NO_PONG));
    expect(server.received).toEqual([ping('doctor-auth'), ...RTT_PINGS]);
  });

  it('gives the average of the three, with the fastest and the slowest', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.id === 'doctor-rtt-2') setTimeout(() => answerLikeKatya(message, peer), 30);
      else answerLikeKatya(message, peer);
    });
    const { steps, pings } = await probe({ url: server.url, channels: [] });
    expect(steps.at(-1)).toStrictEqual(PINGS_OK);
    // One slow pong: the average lies strictly between the fastest and the slowest.
    expect(pings!.min).toBeLessThan(pings!.avg);
    expect(pings!.avg).toBeLessThan(pings!.max);
  });

  it('fails when the connection closes on the way', async () => {
    const server = await startScriptedServer((message, peer) => {
      if (message.id === 'doctor-rtt-2') peer.close(1001, 'going away');
      else answerLikeKatya(message, peer);
    });
    const r = await probeServer({ url: server.url, channels: [] });
    expect(r.steps.at(-1)).toStrictEqual(fail('rtt', 'the connection closed (1001)', NO_PONG));
    expect(r.ok).toBe(false);
  });
});
