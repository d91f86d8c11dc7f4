// Authentication: the three ways to present the token, what counts as a bad token, and the
// rule that a rejected token stops reconnecting until the user gives a new one.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionEngine } from '../../../main/core/connection/engine';
import { GOOD_TOKEN, cleanup, engine, server, stateIs } from './support/harness';
import { TestClock, settle, waitFor } from './support/test-clock';

afterEach(cleanup);

describe('authentication methods', () => {
  it('sends the token in the Authorization header by default, never in the URL', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(s.last!.authedBy).toBe('header');
    expect(s.last!.request.headers.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
    expect(s.last!.request.url).toBe('/v1/ws');
  });

  it('sends the token as a query parameter when asked to', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url, authMethod: 'query' });
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(s.last!.authedBy).toBe('query');
    expect(s.last!.request.headers.authorization).toBeUndefined();
    expect(s.last!.request.url).toBe(`/v1/ws?token=${GOOD_TOKEN}`);
    expect(rec.logs.join('\n')).not.toContain(GOOD_TOKEN);
  });

  it('sends an auth message first and is open only once the server confirms it', async () => {
    const s = await server();
    const { engine: e } = engine({
      url: s.url,
      authMethod: 'message',
      subscriptions: { channels: ['security'], events: [] },
    });
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(s.last!.authedBy).toBe('message');
    expect(s.last!.request.headers.authorization).toBeUndefined();
    expect(s.last!.received[0]).toMatchObject({ type: 'auth', token: GOOD_TOKEN });
    // subscriptions go out after authentication, never before it
    await waitFor(() => s.last!.received.length >= 2, 'subscribe');
    expect(s.last!.received[1]).toMatchObject({ type: 'subscribe', channels: ['security'] });
  });

  it('drops and retries a connection whose auth message is never answered', async () => {
    const s = await server({
      onConnection: (c) => {
        c.silent = true;
      },
    });
    const { engine: e, clock, rec } = engine({ url: s.url, authMethod: 'message' });
    await waitFor(() => s.last?.received[0]?.type === 'auth', 'the auth message');
    expect(stateIs(e, 'connecting')).toBe(true);
    clock.advance(10_000);
    await waitFor(() => stateIs(e, 'reconnecting') || s.connections > 1, 'retry');
    expect(rec.states.some((st) => st.state === 'open')).toBe(false);
    expect(rec.states.some((st) => st.state === 'auth_failed')).toBe(false);
  });
});

describe('bad tokens', () => {
  it.each(['header', 'query', 'message'] as const)(
    'a rejected token via %s stops reconnecting until a new token is set',
    async (authMethod) => {
      const s = await server();
      const clock = new TestClock('manual');
      const { engine: e, rec } = engine({ url: s.url, authMethod, token: 'wrong', clock });
      const failed = await waitFor(
        () => (e.getState().state === 'auth_failed' ? e.getState() : null),
        'auth_failed',
      );
      expect(failed).toMatchObject({ state: 'auth_failed' });
      expect(rec.errors.map((x) => x.code)).toContain('4001');
      // No retry however long we wait.
      clock.advance(10 * 60_000);
      await settle(200);
      expect(s.connections).toBe(1);
      expect(stateIs(e, 'auth_failed')).toBe(true);
      expect(rec.logs.join('\n')).not.toContain('wrong');

      e.setToken(GOOD_TOKEN);
      await waitFor(() => stateIs(e, 'open'), 'open with the new token');
      expect(s.connections).toBe(2);
    },
  );

  it('treats close code 4001 alone (no error message) as an authentication failure', async () => {
    const s = await server({ onConnection: (c) => c.ws.close(4001, 'token expired') });
    const { engine: e } = engine({ url: s.url });
    const st = await waitFor(
      () => (e.getState().state === 'auth_failed' ? e.getState() : null),
      'auth_failed',
    );
    expect(st).toMatchObject({ reason: 'token expired' });
  });

  it.each([401, 403])(
    'treats HTTP %i on the upgrade as an authentication failure',
    async (status) => {
      const s = await server({ rejectUpgradeWith: status });
      const clock = new TestClock('manual');
      const { engine: e } = engine({ url: s.url, clock });
      const st = await waitFor(
        () => (e.getState().state === 'auth_failed' ? e.getState() : null),
        'auth_failed',
      );
      expect(st).toMatchObject({ reason: expect.stringContaining(String(status)) });
      clock.advance(60_000);
      await settle(100);
      expect(s.upgrades).toBe(1);
    },
  );

  it('treats other HTTP answers (502) as a network fault and backs off', async () => {
    const s = await server({ rejectUpgradeWith: 502 });
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(st).toMatchObject({ attempt: 1, lastError: expect.stringContaining('502') });
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => s.upgrades === 2, 'second attempt');
  });

  it('a token with control characters is refused before connecting, not retried forever', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, token: 'abc\r\nX-Evil: 1' });
    expect(e.getState()).toMatchObject({ state: 'auth_failed' });
    await settle(100);
    expect(s.upgrades).toBe(0);
  });

  it('a token no header can carry is refused before connecting when it goes in the header', async () => {
    const s = await server();
    const pasted = 'abc\u200bdef';
    const { engine: e } = engine({ url: s.url, token: pasted, authMethod: 'header' });
    expect(e.getState()).toMatchObject({
      state: 'auth_failed',
      reason: 'the token contains characters a header cannot carry; paste it again',
    });
    await settle(100);
    expect(s.upgrades).toBe(0);
    // in the URL it can go, percent-encoded: the server gets it (and judges it)
    engine({ url: s.url, token: pasted, authMethod: 'query' });
    await waitFor(() => s.upgrades === 1, 'an upgrade with the token in the query');
  });

  it('without a token it does not connect and reports auth_failed', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, token: undefined });
    expect(e.getState()).toMatchObject({ state: 'auth_failed', reason: 'no access token is set' });
    await settle(100);
    expect(s.upgrades).toBe(0);
  });
});

describe('server URL', () => {
  it('requires wss:// except for loopback hosts, with a clear error', () => {
    expect(() => new ConnectionEngine({ url: 'ws://katya.example.com/v1/ws' })).toThrow(
      /ws:\/\/ is unencrypted.*wss:\/\/katya\.example\.com\/v1\/ws/,
    );
    expect(() => new ConnectionEngine({ url: 'http://localhost/v1/ws' })).toThrow(/wss:\/\//);
    expect(() => new ConnectionEngine({ url: 'not a url' })).toThrow(/not a URL/);
    expect(() => new ConnectionEngine({ url: 42 as never })).toThrow(
      'Invalid Katya server URL: "42" is not a URL',
    );
    for (const url of [
      'wss://katya.example.com/v1/ws',
      'ws://localhost:8080/v1/ws',
      'ws://127.0.0.1:1/v1/ws',
      'ws://[::1]:8080/v1/ws',
    ]) {
      expect(() => new ConnectionEngine({ url })).not.toThrow();
    }
    const e = new ConnectionEngine({ url: 'ws://localhost:1/v1/ws' });
    expect(() => e.setUrl('ws://10.0.0.5/v1/ws')).toThrow(/unencrypted/);
    expect(() => e.setUrl('wss://x.example/v1/ws', 'carrier-pigeon' as never)).toThrow(
      /authentication method/,
    );
  });

  it('setUrl moves to another server', async () => {
    const a = await server();
    const b = await server();
    const { engine: e } = engine({ url: a.url });
    await waitFor(() => stateIs(e, 'open'), 'open on a');
    e.setUrl(b.url, 'query');
    await waitFor(() => stateIs(e, 'open') && b.connections === 1, 'open on b');
    expect(b.last!.authedBy).toBe('query');
    await waitFor(() => a.last!.closed, 'a closed');
    expect(a.last!.closeCode).toBe(1000);
  });

  it('setUrl without a method keeps the method in use', async () => {
    const a = await server();
    const b = await server();
    const { engine: e } = engine({ url: a.url, authMethod: 'query' });
    await waitFor(() => stateIs(e, 'open'), 'open on a');
    e.setUrl(b.url);
    await waitFor(() => stateIs(e, 'open') && b.connections === 1, 'open on b');
    expect(b.last!.authedBy).toBe('query');
  });
});

describe('changing the token or the server', () => {
  it('the same token again keeps the connection; another token reconnects at once', async () => {
    const s = await server({ tokens: [GOOD_TOKEN, 'second-token'] });
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    e.setToken(GOOD_TOKEN);
    await settle(50);
    expect(s.connections).toBe(1);
    e.setToken('second-token');
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'open with the new token');
    expect(s.last!.request.headers.authorization).toBe('Bearer second-token');
    expect(s.clients[0]!.closeCode).toBe(1000);
    expect(rec.logs).toContain('info reconnecting: new token');
  });

  it('a token set while stopped is only kept for the next start', async () => {
    const s = await server({ tokens: ['later-token'] });
    const { engine: e } = engine({ url: s.url, token: undefined }, { start: false });
    e.setToken('later-token');
    await settle(50);
    expect(s.upgrades).toBe(0);
    expect(stateIs(e, 'closed')).toBe(true);
    e.start();
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(s.last!.request.headers.authorization).toBe('Bearer later-token');
  });

  it('a server set while stopped is only kept for the next start', async () => {
    const a = await server();
    const b = await server();
    const { engine: e } = engine({ url: a.url }, { start: false });
    e.setUrl(b.url);
    await settle(50);
    expect(a.upgrades + b.upgrades).toBe(0);
    e.start();
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(b.last!.authedBy).toBe('header');
    expect(a.upgrades).toBe(0);
  });

  it('says why it gave up on an auth message that is never answered', async () => {
    const s = await server({
      onConnection: (c) => {
        c.silent = true;
      },
    });
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, authMethod: 'message', clock });
    await waitFor(() => s.last?.received[0]?.type === 'auth', 'the auth message');
    clock.advance(9_999);
    expect(stateIs(e, 'connecting')).toBe(true);
    clock.advance(1);
    expect(e.getState()).toMatchObject({
      state: 'reconnecting',
      lastError: 'the server did not confirm authentication within 10 s',
    });
  });
});

describe('construction', () => {
  it('needs options', () => {
    expect(() => new ConnectionEngine(undefined as never)).toThrow(
      'ConnectionEngine needs options',
    );
    expect(() => new ConnectionEngine('wss://x.example/v1/ws' as never)).toThrow(
      'ConnectionEngine needs options',
    );
  });

  it('is closed until started, since the moment it was made', () => {
    const clock = new TestClock('manual');
    const e = new ConnectionEngine({ url: 'ws://127.0.0.1:1/v1/ws', clock });
    expect(e.getState()).toEqual({ state: 'closed', since: clock.now() });
  });
});

describe('confirming an auth message', () => {
  /** A server that answers nothing by itself: the test plays its part. */
  async function authenticating() {
    const s = await server({
      onConnection: (c) => {
        c.silent = true;
      },
    });
    const { engine: e, rec } = engine({ url: s.url, authMethod: 'message' });
    await waitFor(() => s.last?.received[0]?.type === 'auth', 'the auth message');
    return { s, e, rec, authId: s.last!.received[0]!.id as string };
  }

  it('a response that names the auth request’s id confirms it, with or without an action', async () => {
    const { s, e, authId } = await authenticating();
    s.last!.send({ type: 'response', data: { success: true, requestId: authId } });
    await waitFor(() => stateIs(e, 'open'), 'open');
  });

  it('a response to another request does not confirm authentication', async () => {
    const { s, e } = await authenticating();
    s.last!.send({ type: 'response', data: { action: 'subscribe', requestId: 'sub-1' } });
    s.last!.send({ type: 'response', data: { success: true } });
    s.last!.sendRaw(JSON.stringify({ type: 'ping', id: 'marker' }));
    await waitFor(() => e.getStats().messagesReceived === 3, 'all read');
    expect(stateIs(e, 'connecting')).toBe(true);
  });

  it('sends no subscription and answers no ping() before the confirmation', async () => {
    const { s, e } = await authenticating();
    e.setSubscriptions({ channels: ['security'], events: [] });
    await expect(e.ping()).rejects.toThrow('not connected');
    await settle(50);
    expect(s.last!.received.map((m) => m.type)).toEqual(['auth']);
  });

  it('a second confirmation once open changes nothing', async () => {
    const { s, e, rec, authId } = await authenticating();
    s.last!.send({ type: 'response', data: { action: 'auth', requestId: authId } });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'response', data: { action: 'auth', requestId: authId } });
    s.last!.send({ type: 'ping', id: 'marker' });
    await waitFor(() => e.getStats().messagesReceived === 3, 'all read');
    expect(rec.states.filter((st) => st.state === 'open')).toHaveLength(1);
  });
});
