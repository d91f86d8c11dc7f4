// Each error code and close code of docs/protocol.md, and what the engine does about it.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, engine, server, stateIs } from './support/harness';
import { TestClock, settle, waitFor } from './support/test-clock';

afterEach(cleanup);

describe('error codes', () => {
  it('4003 (our malformed message) is reported and the connection stays', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'error', data: { code: '4003', message: 'Malformed message' } });
    await waitFor(() => rec.errors.length === 1, 'error reported');
    expect(rec.errors[0]).toEqual({ code: '4003', message: 'Malformed message' });
    await settle(50);
    expect(stateIs(e, 'open')).toBe(true);
    expect(s.connections).toBe(1);
    expect(e.getStats().errors).toBe(1);
  });

  it('accepts a numeric code as the same string code', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'error', data: { code: 4001, message: 'Invalid token' } });
    await waitFor(() => stateIs(e, 'auth_failed'), 'auth_failed');
    expect(rec.errors[0]!.code).toBe('4001');
  });

  it.each([
    ['5001', 1011],
    ['5002', 1013],
  ])('%s followed by close %i leads to backoff, then a new connection', async (code, close) => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'error', data: { code, message: 'server trouble' } });
    s.last!.ws.close(close, 'server trouble');
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(st).toMatchObject({ attempt: 1, lastError: expect.stringContaining(String(close)) });
    expect(rec.errors.map((x) => x.code)).toEqual([code]);
    await settle(50);
    expect(s.connections).toBe(1); // nothing happens until the backoff delay has passed
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'reconnected');
  });

  it.each([1000, 1001, 1008, 1009])('close %i leads to backoff', async (close) => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, clock: new TestClock('manual') });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(close);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
  });

  it('never gives up on network faults: a refused port is retried with growing delays', async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    const clock = new TestClock('manual');
    const { engine: e, rec } = engine({ url, clock, random: () => 0.999 });
    const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000];
    for (const [i, ceiling] of ceilings.entries()) {
      const st = await waitFor(
        () => {
          const x = e.getState();
          return x.state === 'reconnecting' && x.attempt === i + 1 ? x : null;
        },
        `attempt ${i + 1}`,
      );
      expect(st.delayMs).toBe(Math.floor(0.999 * ceiling));
      expect(st).toMatchObject({ lastError: expect.stringContaining('ECONNREFUSED') });
      clock.advance(st.delayMs);
    }
    expect(e.getStats().reconnects).toBe(ceilings.length);
    // Each attempt says why it failed, in the log as well.
    expect(
      rec.logs.filter((l) => l.startsWith('warn socket error: ') && l.includes('ECONNREFUSED')),
    ).toHaveLength(ceilings.length);
  });
});

describe('what the server said, passed on', () => {
  it('an error carries its request id, channel and event only when the server gave them', async () => {
    const s = await server();
    const { engine: e, rec } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({
      type: 'error',
      data: { code: '4002', message: 'no', channel: 'security', requestId: 'r-9' },
    });
    s.last!.send({ type: 'error', data: { code: '4005', event: 'no.such' } });
    await waitFor(() => rec.errors.length === 2, 'both errors');
    expect(rec.errors).toEqual([
      { code: '4002', message: 'no', channel: 'security', requestId: 'r-9' },
      { code: '4005', message: '', event: 'no.such' },
    ]);
    expect(rec.logs).toContain('warn server error 4002: no');
  });

  it('a 4001 error without words still says why the engine stopped', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'error', data: { code: '4001' } });
    await waitFor(() => stateIs(e, 'auth_failed'), 'auth_failed');
    expect(e.getState()).toMatchObject({ reason: 'the server rejected the token (4001)' });
  });

  it('a 4001 error keeps the server’s words as the reason', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.send({ type: 'error', data: { code: '4001', message: 'Token revoked' } });
    await waitFor(() => stateIs(e, 'auth_failed'), 'auth_failed');
    expect(e.getState()).toMatchObject({ reason: 'Token revoked' });
  });
});

describe('close codes in words', () => {
  it('names the code and the reason of a close', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, clock: new TestClock('manual') });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(4000, 'maintenance');
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    expect(e.getState()).toMatchObject({ lastError: 'closed by the server (4000: maintenance)' });
  });

  it('names the code alone when the close gives no reason', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, clock: new TestClock('manual') });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1013);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    expect(e.getState()).toMatchObject({ lastError: 'closed by the server (1013)' });
  });

  it('a connection cut without a close frame is "connection lost"', async () => {
    const s = await server();
    const { engine: e } = engine({ url: s.url, clock: new TestClock('manual') });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.terminate();
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting');
    expect(e.getState()).toMatchObject({ lastError: 'connection lost' });
    expect(e.getStats().errors).toBe(1);
  });

  it('a normal close (1000) is no error; any other close counts as one', async () => {
    const s = await server();
    const clock = new TestClock('manual');
    const { engine: e } = engine({ url: s.url, clock });
    await waitFor(() => stateIs(e, 'open'), 'open');
    s.last!.ws.close(1000);
    const st = await waitFor(
      () => (e.getState().state === 'reconnecting' ? e.getState() : null),
      'reconnecting',
    );
    expect(e.getStats().errors).toBe(0);
    clock.advance(st.state === 'reconnecting' ? st.delayMs : 0);
    await waitFor(() => stateIs(e, 'open') && s.connections === 2, 'open again');
    s.last!.ws.close(1011);
    await waitFor(() => stateIs(e, 'reconnecting'), 'reconnecting again');
    expect(e.getStats().errors).toBe(1);
  });
});
