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
    const { engine: e } = engine({ url, clock, random: () => 0.999 });
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
      clock.advance(st.delayMs);
    }
    expect(e.getStats().reconnects).toBe(ceilings.length);
  });
});
