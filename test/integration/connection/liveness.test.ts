// Liveness and heartbeats: pongs, client pings, the 45 s deadline against the clock, nudge().
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_TOKEN, cleanup, engine, server, stateIs } from './support/harness';
import { TestClock, settle, waitFor } from './support/test-clock';

afterEach(cleanup);

async function silentServer() {
  return server({
    onConnection: (c) => {
      c.silent = true;
    },
  });
}

describe('heartbeats', () => {
  it('answers every server ping with a pong carrying its id', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'ping', id: 'srv-1', timestamp: new Date().toISOString() });
    s.last!.send({ type: 'ping' });
    await waitFor(() => s.last!.messagesOfType('pong').length === 2, 'two pongs');
    expect(s.last!.messagesOfType('pong')).toEqual([
      { type: 'pong', id: 'srv-1' },
      { type: 'pong' },
    ]);
    expect(e.getStats().lastPing).not.toBeNull();
  });

  it('measures round-trip time with a client ping', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const rtt = await e.ping();
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(e.getStats().rttMs).toBe(rtt);
    expect(s.last!.messagesOfType('ping')).toHaveLength(1);
  });

  it('rejects ping() when not connected, and pending pings when the connection drops', async () => {
    const s = await silentServer();
    const { engine: e } = engine({ url: s.url }, { start: false });
    await expect(e.ping()).rejects.toThrow('not connected');
    e.start();
    await waitFor(() => stateIs(e, 'open'), 'open');
    const pending = e.ping();
    e.stop();
    await expect(pending).rejects.toThrow('connection closed');
  });
});

describe('liveness', () => {
  it('terminates a silent connection after 45 s without a frame and reconnects', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(44_999);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(1);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(st).toMatchObject({ lastError: 'nothing received for 45 s' });
    await waitFor(() => s.clients[0]!.closed, 'the server sees the socket end');
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected');
    expect(rec.gaps).toHaveLength(1);
  });

  it('keeps the 45 s deadline on monotonic time when the wall clock is stepped back an hour', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.stepWall(-3_600_000);
    clock.advance(44_999);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(1);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting 45 s after the last frame, not an hour and 45 s',
    );
    expect(st).toMatchObject({ lastError: 'nothing received for 45 s' });
    // What people read stays on the wall clock they set.
    expect(st.since).toBe(clock.now());
  });

  it('any inbound frame moves the deadline', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, livenessTimeoutMs: 10_000 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 0; i < 5; i++) {
      clock.advance(8_000);
      const before = e.getStats().messagesReceived;
      s.last!.send({ type: 'ping' });
      await waitFor(() => e.getStats().messagesReceived > before, 'ping received');
    }
    clock.advance(8_000);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(2_000);
    await waitFor(() => stateIs(e, 'reconnecting'), 'dead at last');
  });

  it('WebSocket control pings count as signs of life', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(40_000);
    let ponged = false;
    s.last!.ws.once('pong', () => (ponged = true));
    s.last!.ws.ping();
    await waitFor(() => ponged, 'control pong');
    clock.advance(40_000);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
  });

  it('so are WebSocket control pongs the server sends unasked', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(40_000);
    s.last!.ws.pong();
    await settle(100);
    clock.advance(40_000);
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(5_000);
    expect(stateIs(e, 'reconnecting')).toBe(true);
  });

  it('trips on a late timer after sleep: one firing, checked against the clock', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(2 * 60 * 60_000); // two hours asleep; the watchdog fires once, late
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
  });

  it('nudge() after a sleep in which no timer fired drops the dead socket at once', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.jump(60_000);
    expect(stateIs(e, 'open')).toBe(true);
    e.nudge();
    expect(e.getState()).toMatchObject({ state: 'reconnecting' });
  });

  it('nudge() on a quiet but recent connection probes it with a ping', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const received = e.getStats().messagesReceived;
    e.nudge();
    e.nudge(); // a probe already out is not sent again
    await waitFor(() => s.last!.messagesOfType('ping').length === 1, 'probe ping');
    await waitFor(() => e.getStats().messagesReceived > received, 'pong');
    clock.advance(10_000);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    expect(s.last!.messagesOfType('ping')).toHaveLength(1);
  });

  it('nudge() on a connection that cannot answer drops it after the probe timeout', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(1_000);
    e.nudge();
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(9_999);
    expect(stateIs(e, 'open')).toBe(true);
    clock.advance(1);
    expect(e.getState()).toMatchObject({
      state: 'reconnecting',
      lastError: 'no answer to a ping within 10 s',
    });
  });

  it('nudge() while waiting in backoff retries immediately', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, random: () => 0.999 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    e.nudge();
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected without waiting');
  });

  it('reconnectNow() drops the backoff and connects now', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, random: () => 0.999 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 0; i < 3; i++) {
      const n = s.connections;
      s.last!.ws.close(1013);
      const st = await waitFor(
        () => (e.getState().state === 'reconnecting' ? e.getState() : null),
        'reconnecting',
      );
      clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
      await waitFor(() => stateIs(e, 'open') && s.connections === n + 1, 'open again');
    }
    s.last!.ws.close(1013);
    const before = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(before).toMatchObject({ attempt: 4 });
    e.reconnectNow();
    await waitFor(() => stateIs(e, 'open') && s.connections === 5, 'open now');
    s.last!.ws.close(1013);
    const after = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(after).toMatchObject({ attempt: 1 });
  });

  it('resets the backoff after 5 s of stable uptime', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, random: () => 0.999 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 1; i <= 3; i++) {
      s.last!.ws.close(1013);
      const st = await waitFor(() => {
        const x = e.getState();
        return x.state === 'reconnecting' && x.attempt === i ? x : null;
      }, `attempt ${i}`);
      clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
      await waitFor(() => stateIs(e, 'open') && s.connections === i + 1, 'open');
    }
    clock.advance(5_000);
    s.last!.ws.close(1013);
    await waitFor(() => {
      const x = e.getState();
      return x.state === 'reconnecting' && x.attempt === 1 && x.delayMs === 499;
    }, 'attempt counter reset');
  });
});

describe('deadlines and options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'a liveness timeout of %s is not a timeout: the 45 s default applies',
    async (livenessTimeoutMs) => {
      const s = await silentServer();
      const clock = new TestClock('manual');
      const { engine: e } = engine({ url: s.url, clock, livenessTimeoutMs });
      await waitFor(() => stateIs(e, 'open'), 'open');
      clock.advance(44_999);
      expect(stateIs(e, 'open')).toBe(true);
      clock.advance(1);
      expect(e.getState()).toMatchObject({ lastError: 'nothing received for 45 s' });
    },
  );

  it('a positive liveness timeout replaces the default', async () => {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, livenessTimeoutMs: 2_000 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    clock.advance(2_000);
    expect(e.getState()).toMatchObject({ lastError: 'nothing received for 2 s' });
  });

  it('drops a handshake that gets no answer within 30 s and backs off', async () => {
    // A port that accepts the TCP connection and then says nothing, not even HTTP.
    const held: Socket[] = [];
    const tcp = createServer((sock) => held.push(sock));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as AddressInfo).port;
    const clock = new TestClock('manual');
    try {
      const { engine: e } = engine({ url: `ws://127.0.0.1:${port}/v1/ws`, clock });
      await waitFor(() => held.length === 1, 'the TCP connection');
      clock.advance(29_999);
      expect(stateIs(e, 'connecting')).toBe(true);
      clock.advance(1);
      expect(e.getState()).toMatchObject({
        state: 'reconnecting',
        attempt: 1,
        lastError: 'no answer from the server within 30 s',
      });
    } finally {
      for (const sock of held) sock.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('a retry state says when the retry is due on the wall clock', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1013);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    if (st.state !== 'reconnecting') throw new Error('unreachable');
    expect(st.delayMs).toBeGreaterThan(0);
    expect(st.retryAt).toBe(st.since + st.delayMs);
  });
});

describe('client pings', () => {
  /** A server that answers nothing by itself: the test plays its part. */
  async function quietServer() {
    const s = await silentServer();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const pingIds = () => s.last!.messagesOfType('ping').map((m) => m.id as string);
    return { s, clock, e, pingIds };
  }

  it('two pings at once are told apart by their ids', async () => {
    const { s, clock, e, pingIds } = await quietServer();
    const first = e.ping();
    const second = e.ping();
    await waitFor(() => pingIds().length === 2, 'two pings');
    const [a, b] = pingIds();
    expect(a).not.toBe(b);
    clock.advance(30);
    s.last!.send({ type: 'pong', data: { requestId: b } });
    expect(await second).toBe(30);
    clock.advance(20);
    s.last!.send({ type: 'pong', data: { requestId: a } });
    expect(await first).toBe(50);
  });

  it('takes the id of a pong from its top level when data carries none', async () => {
    const { s, clock, e, pingIds } = await quietServer();
    const first = e.ping();
    const second = e.ping();
    await waitFor(() => pingIds().length === 2, 'two pings');
    clock.advance(40);
    s.last!.send({ type: 'pong', id: pingIds()[1] });
    expect(await second).toBe(40);
    expect(e.getStats().rttMs).toBe(40);
    s.last!.send({ type: 'pong', id: pingIds()[0] });
    expect(await first).toBe(40);
  });

  it('a pong without any id answers the oldest outstanding ping', async () => {
    const { s, clock, e, pingIds } = await quietServer();
    let secondDone = false;
    const first = e.ping();
    const second = e.ping().then((rtt) => {
      secondDone = true;
      return rtt;
    });
    await waitFor(() => pingIds().length === 2, 'two pings');
    clock.advance(25);
    s.last!.send({ type: 'pong' });
    expect(await first).toBe(25);
    await settle(20);
    expect(secondDone).toBe(false);
    s.last!.send({ type: 'pong' });
    expect(await second).toBe(25);
  });

  it('a pong for no outstanding ping changes nothing', async () => {
    const { s, e } = await quietServer();
    s.last!.send({ type: 'pong', data: { requestId: 'nobody' } });
    s.last!.send({ type: 'pong' });
    await waitFor(() => e.getStats().messagesReceived === 2, 'both pongs read');
    expect(e.getStats().rttMs).toBeNull();
    expect(stateIs(e, 'open')).toBe(true);
  });
});

describe('the public calls in each state', () => {
  it('nudge() and reconnectNow() while connecting open no second connection', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    expect(stateIs(e, 'connecting')).toBe(true);
    e.reconnectNow();
    e.nudge();
    await waitFor(() => stateIs(e, 'open'), 'open');
    await settle(50);
    expect(s.upgrades).toBe(1);
  });

  it('after stop(), nudge() does nothing and reconnectNow() starts again', async () => {
    const s = await server({ tokens: [GOOD_TOKEN, 'another-token'] });
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    e.stop();
    e.stop();
    expect(rec.states.filter((st) => st.state === 'closed')).toHaveLength(1);
    e.nudge();
    e.setToken('another-token');
    clock.advance(60_000);
    await settle(50);
    expect(s.connections).toBe(1);
    expect(stateIs(e, 'closed')).toBe(true);
    e.reconnectNow();
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'open again');
  });

  it('start() while waiting to retry keeps the backoff', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, random: () => 0.999 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    e.start();
    await settle(100);
    expect(s.connections).toBe(1);
    expect(e.getState()).toMatchObject({ state: 'reconnecting', attempt: 1 });
  });

  it('stop() while waiting to retry leaves no timer behind', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    e.stop();
    // A timer left behind would keep `katya tail` alive after it stops.
    expect(clock.pending).toBe(0);
  });

  it('an attempt that never opened leaves no gap to report', async () => {
    const down = await server();
    await down.close(); // the port refuses connections now
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: down.url, clock });
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    await server({ port: down.port });
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(rec.gaps).toEqual([]);
  });
});
