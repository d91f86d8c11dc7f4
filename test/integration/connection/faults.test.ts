// Bad input and bad servers: malformed, binary and oversize frames, duplicates, odd
// timestamps, and a server that accepts and closes at once. None of it may crash the engine,
// leave an unhandled rejection, or make it hammer the server.
import { afterEach, describe, expect, it } from 'vitest';
import { backoffCeiling } from '../../../main/core/connection/backoff';
import { eventFrame } from './support/katya-test-server';
import { cleanup, engine, server, stateIs } from './support/harness';
import { TestClock, settle, waitFor } from './support/test-clock';

afterEach(cleanup);

describe('malformed input', () => {
  it('drops malformed JSON, unknown types, missing fields and binary frames, and stays open', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const bad: (string | Buffer)[] = [
      'not json at all',
      '{"type":"event","id":',
      'null',
      '"a string"',
      '[1,2,3]',
      '42',
      '{}',
      '{"type":"telegram","id":"t1"}',
      '{"type":"event","event":"message.created","channel":"messages","data":{}}', // no id
      '{"type":"event","id":"e1","channel":"messages","data":{}}', // no event
      '{"type":"event","id":"e2","event":"message.created","channel":"messages","data":[1]}',
      '{"type":"event","id":"e3","event":"message.created","channel":"messages"}', // no data
      '{"type":"event","id":"e4","event":"no.such.event","channel":"messages","data":{}}',
      '{"type":"error","data":{"message":"no code"}}',
      '{"type":"response"}',
      '{"type":"event","id":"' +
        'x'.repeat(300) +
        '","event":"message.created","channel":"messages","data":{}}',
      '{"__proto__":{"polluted":true},"type":"ping"}',
    ];
    for (const frame of bad) s.last!.sendRaw(frame);
    s.last!.sendRaw(Buffer.from([0, 1, 2, 3, 255]), true);
    s.last!.send(eventFrame('message.created', { text: 'still here' }, { id: 'good-1' }));
    await waitFor(() => e.getStats().messagesReceived === bad.length + 2, 'all frames read');
    clock.advance(50);
    await waitFor(() => rec.events.length === 1, 'the good event');
    expect(rec.events[0]).toMatchObject({ id: 'good-1', data: { text: 'still here' } });
    // The polluted ping is a valid ping (extra keys are ignored) and gets its pong.
    expect(e.getStats().invalidDropped).toBe(bad.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(stateIs(e, 'open')).toBe(true);
    expect(s.connections).toBe(1);
    expect(rec.logs.filter((l) => l.startsWith('warn dropped an invalid frame')).length).toBe(10);
  });

  it('after ten invalid frames, logs only every thousandth', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 0; i < 2_000; i++) s.last!.sendRaw('not json');
    await waitFor(() => e.getStats().invalidDropped === 2_000, 'all dropped');
    const counts = rec.logs
      .filter((l) => l.startsWith('warn dropped an invalid frame'))
      .map((l) => Number(/\((\d+) on this connection\)/.exec(l)![1]));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000, 2000]);
  });

  it('closes on a frame over 1 MiB and reconnects; a frame just under passes', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const under = eventFrame('message.created', { text: 'a'.repeat(1024 * 1024 - 300) });
    expect(JSON.stringify(under).length).toBeLessThan(1024 * 1024);
    s.last!.send(under);
    await waitFor(() => e.getStats().messagesReceived === 1, 'big frame read');
    clock.advance(50);
    await waitFor(() => rec.events.length === 1, 'delivered');

    s.last!.send(eventFrame('message.created', { text: 'a'.repeat(1024 * 1024) }));
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(st).toMatchObject({ lastError: expect.stringMatching(/payload/i) });
    await waitFor(() => s.clients[0]!.closed, 'server sees the close');
    expect(s.clients[0]!.closeCode).toBe(1009);
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected');
  });
});

describe('consumers', () => {
  it('a listener that throws breaks neither the engine nor the other listeners', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    const off = e.on('events', () => {
      throw new Error('consumer bug');
    });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send(eventFrame('room.created', {}, { id: 'r1' }));
    await waitFor(() => e.getStats().messagesReceived === 1, 'read');
    clock.advance(50);
    expect(rec.events.map((x) => x.id)).toEqual(['r1']);
    expect(rec.logs).toContain("error a 'events' listener threw: consumer bug");
    expect(stateIs(e, 'open')).toBe(true);
    off();
    s.last!.send(eventFrame('room.created', {}, { id: 'r2' }));
    await waitFor(() => e.getStats().messagesReceived === 2, 'read');
    clock.advance(50);
    expect(rec.logs.filter((l) => l.includes('consumer bug'))).toHaveLength(1);
  });

  it("an 'event' listener hears each new event at once, before its batch is delivered", async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    const heard: string[] = [];
    e.on('event', (ev) =>
      heard.push(`${ev.id} ${ev.channel} (batches so far: ${rec.batches.length})`),
    );
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send(eventFrame('room.created', {}, { id: 'r1', channel: 'messages' }));
    s.last!.send(eventFrame('room.created', {}, { id: 'r1' }));
    await waitFor(() => e.getStats().messagesReceived === 2, 'read');
    // The catalogue's channel, not the server's; a duplicate is not heard again.
    expect(heard).toEqual(['r1 rooms (batches so far: 0)']);
    clock.advance(50);
    expect(rec.events.map((x) => x.id)).toEqual(['r1']);
  });
});

describe('duplicates and timestamps', () => {
  it('delivers an event id once, also across a reconnect', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 0; i < 3; i++) s.last!.send(eventFrame('room.created', {}, { id: 'dup-1' }));
    s.last!.send(eventFrame('room.created', {}, { id: 'dup-2' }));
    await waitFor(() => e.getStats().messagesReceived === 4, 'read');
    s.last!.ws.close(1011);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected');
    s.last!.send(eventFrame('room.created', {}, { id: 'dup-1' }));
    s.last!.send(eventFrame('room.created', {}, { id: 'dup-3' }));
    await waitFor(() => e.getStats().messagesReceived === 6, 'read again');
    clock.advance(50);
    await waitFor(() => rec.events.length === 3, 'three unique');
    expect(rec.events.map((x) => x.id)).toEqual(['dup-1', 'dup-2', 'dup-3']);
    expect(e.getStats().duplicatesDropped).toBe(3);
  });

  it("hands over the bytes of each delivered event's frame, in step with the batch", async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock, batch: { maxDelayMs: 50, maxSize: 2 } });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const sent = [
      JSON.stringify(eventFrame('room.created', { name: 'Комната ✓' }, { id: 'f-1' })),
      '{"type":"event","id":"f-bad"}', // invalid: dropped, no frame
      JSON.stringify(eventFrame('room.created', {}, { id: 'f-1' })), // duplicate: dropped
      ` {"type":"event","id":"f-2","event":"room.deleted.x","channel":"rooms","data":{}}`, // unknown type
      JSON.stringify(eventFrame('message.created', { content: 'a' }, { id: 'f-3' })),
      JSON.stringify(eventFrame('message.created', { content: 'b' }, { id: 'f-4' })),
    ];
    for (const text of sent) s.last!.sendRaw(text);
    await waitFor(() => e.getStats().messagesReceived === sent.length, 'read');
    clock.advance(50);
    await waitFor(() => rec.events.length === 3, 'three delivered');
    expect(rec.events.map((x) => x.id)).toEqual(['f-1', 'f-3', 'f-4']);
    expect(rec.frames).toEqual([sent[0], sent[4], sent[5]]);
    expect(rec.batches).toEqual([2, 1]);
    expect(rec.frameCounts).toEqual(rec.batches);
  });

  it('remembers ids over a bounded window only', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock, dedupeWindow: 3 });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (const id of ['a', 'b', 'c', 'a', 'd', 'a']) {
      s.last!.send(eventFrame('room.created', {}, { id }));
    }
    await waitFor(() => e.getStats().messagesReceived === 6, 'read');
    clock.advance(50);
    await waitFor(() => rec.events.length === 5, 'delivered');
    // 'a' fell out of the window when 'd' arrived, so its third copy is new again
    expect(rec.events.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('server timestamps far in the past or future change nothing', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const stamps = ['1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z', 'yesterday', '0'];
    for (const [i, timestamp] of stamps.entries()) {
      s.last!.send(
        eventFrame('system.status.changed', { status: 'degraded' }, { id: `t${i}`, timestamp }),
      );
    }
    s.last!.send({ type: 'ping', timestamp: '1970-01-01T00:00:00Z' });
    await waitFor(() => e.getStats().messagesReceived === 5, 'read');
    clock.advance(50);
    await waitFor(() => rec.events.length === 4, 'delivered');
    expect(rec.events.map((x) => x.timestamp)).toEqual(stamps);
    // the liveness deadline runs from when frames arrived, not from what they claim
    clock.advance(44_000);
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    expect(rec.states.map((x) => x.state)).toEqual(['connecting', 'open']);
    clock.advance(1_000);
    await waitFor(() => stateIs(e, 'reconnecting'), 'and then the deadline, on time');
  });
});

describe('a server that accepts and closes at once', () => {
  it('a hundred times: one connection per backoff step, never a storm', async () => {
    const s = await server({ onConnection: (c) => c.ws.close(1000, 'go away') });
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock, random: Math.random });
    let waited = 0;
    for (let attempt = 1; attempt <= 100; attempt++) {
      const st = await waitFor(() => {
        const x = e.getState();
        return x.state === 'reconnecting' && x.attempt === attempt ? x : null;
      }, `attempt ${attempt}`);
      // exactly one connection per attempt, none while the delay runs
      expect(s.connections).toBe(attempt);
      expect(st.delayMs).toBeLessThan(backoffCeiling(attempt - 1));
      waited += st.delayMs;
      clock.advance(st.delayMs);
    }
    await waitFor(() => s.connections === 101 && stateIs(e, 'reconnecting'), 'the 101st');
    await settle(200);
    expect(s.connections).toBe(101);
    // The uptime never reached 5 s, so the counter never reset and the delays grew to 30 s.
    expect(e.getState()).toMatchObject({ attempt: 101 });
    expect(waited).toBeGreaterThan(10 * 60_000);
  });
});

describe('batches and gaps', () => {
  it('delivers events in batches by count and by time, in arrival order', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    for (let i = 0; i < 1200; i++)
      s.last!.send(eventFrame('message.created', { i }, { id: `m${i}` }));
    await waitFor(() => e.getStats().messagesReceived === 1200, 'read');
    expect(rec.batches).toEqual([500, 500]);
    clock.advance(49);
    expect(rec.batches).toEqual([500, 500]);
    clock.advance(1);
    expect(rec.batches).toEqual([500, 500, 200]);
    expect(rec.events.map((x) => x.data.i)).toEqual([...Array(1200).keys()]);
  });

  it('delivers pending events before reporting the loss, then reports the gap on reconnect', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    const order: string[] = [];
    e.on('events', (b) => order.push(`events:${b.length}`));
    e.on('state', (x) => order.push(x.state));
    e.on('gap', () => order.push('gap'));
    await waitFor(() => stateIs(e, 'open'), 'open');
    expect(rec.gaps).toEqual([]); // no gap for the first connection
    for (let i = 0; i < 7; i++) s.last!.send(eventFrame('message.created', {}, { id: `g${i}` }));
    await waitFor(() => e.getStats().messagesReceived === 7, 'read');
    s.last!.ws.close(1011);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    const lostAt = st.since;
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected');
    expect(order).toEqual(['open', 'events:7', 'reconnecting', 'connecting', 'gap', 'open']);
    expect(rec.gaps).toEqual([{ start: lostAt, end: e.getState().since }]);
    expect(rec.gaps[0]!.end - rec.gaps[0]!.start).toBe(
      st.state === 'reconnecting' ? st.delayMs : -1,
    );
    const stats = e.getStats();
    expect(stats).toMatchObject({
      reconnects: 1,
      messagesReceived: 7,
      connectedAt: e.getState().since,
    });
  });

  it('stop() closes with 1000 and never reconnects', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    e.stop();
    expect(e.getState().state).toBe('closed');
    await waitFor(() => s.last!.closed, 'server sees the close');
    expect(s.last!.closeCode).toBe(1000);
    clock.advance(60 * 60_000);
    await settle(100);
    expect(s.connections).toBe(1);
    expect(e.getStats()).toMatchObject({ uptimeMs: 0, connectedAt: null });
  });
});

describe('frames the protocol does not allow', () => {
  it('drops a binary frame even when it carries a valid event', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.sendRaw(JSON.stringify(eventFrame('message.created', {}, { id: 'bin-1' })), true);
    s.last!.send(eventFrame('message.created', {}, { id: 'text-1' }));
    await waitFor(() => rec.events.length === 1, 'the text event');
    expect(rec.events.map((x) => x.id)).toEqual(['text-1']);
    expect(e.getStats().invalidDropped).toBe(1);
    expect(rec.logs).toContain(
      'warn dropped an invalid frame (1 on this connection): binary frame (the protocol is JSON text)',
    );
  });

  it('names an unknown event type in the log, cut to 64 characters', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const long = `no.such.${'x'.repeat(100)}`;
    s.last!.sendRaw(
      JSON.stringify({ type: 'event', id: 'u1', event: long, channel: 'system', data: {} }),
    );
    await waitFor(() => e.getStats().invalidDropped === 1, 'dropped');
    expect(rec.logs.at(-1)).toBe(
      `warn dropped an invalid frame (1 on this connection): unknown event type "${long.slice(0, 64)}"`,
    );
  });
});

describe('the log', () => {
  it('tells the story of a connection: route, attempt, open, retry, stop', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const where = s.url;
    expect(rec.logs).toEqual(
      expect.arrayContaining([
        `info connecting to ${where} (auth: header)`,
        `info route to ${where}: direct (no proxy) (default)`,
        `info connected to ${where}`,
      ]),
    );
    s.last!.ws.close(1013);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    const delay = st.state === 'reconnecting' ? st.delayMs : 0;
    expect(rec.logs.at(-1)).toBe(`info retry 1 in ${delay} ms: closed by the server (1013)`);
    clock.advance(delay);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'open again');
    // The same route again is not logged again.
    expect(rec.logs.filter((l) => l.startsWith('info route to'))).toHaveLength(1);
  });

  it('says, in full, why it stops trying until it has a new token', () => {
    const { rec } = engine({ url: 'ws://127.0.0.1:1/v1/ws', token: undefined });
    expect(rec.logs).toEqual([
      'warn authentication failed (no access token is set); waiting for a new token',
    ]);
  });
});

describe('stop()', () => {
  it('tells the server why it closes', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    const reason = new Promise<string>((resolve) =>
      s.last!.ws.once('close', (_code, r) => resolve(r.toString())),
    );
    e.stop();
    expect(await reason).toBe('client stopped');
  });
});
