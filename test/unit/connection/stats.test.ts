import { describe, expect, it } from 'vitest';
import { WebSocketStats } from '../../../main/core/connection/stats';
import { ManualClock } from '../../fakes/clock';

describe('WebSocketStats', () => {
  it('counts messages each way, errors, and the last heartbeat in wall time', () => {
    const clock = new ManualClock();
    const stats = new WebSocketStats(clock);
    stats.onMessage('incoming');
    stats.onMessage('incoming');
    stats.onMessage('outgoing');
    stats.onError();
    expect(stats.getStats()).toMatchObject({
      messagesReceived: 2,
      messagesSent: 1,
      errors: 1,
      lastPing: null,
    });
    clock.advance(5000);
    stats.onPing();
    expect(stats.getStats().lastPing).toBe(clock.now());
  });

  it('measures uptime on the monotonic clock from the connect, and none when disconnected', () => {
    const clock = new ManualClock();
    const stats = new WebSocketStats(clock);
    expect(stats.getStats()).toMatchObject({ uptimeMs: 0, connectedAt: null });
    clock.advance(1000);
    stats.onConnect();
    const connectedAt = clock.now();
    clock.advance(2500);
    expect(stats.getStats()).toMatchObject({ uptimeMs: 2500, connectedAt });
    // the user sets the wall clock an hour back: the uptime does not bend
    clock.stepWall(-3_600_000);
    clock.advance(500);
    expect(stats.getStats()).toMatchObject({ uptimeMs: 3000, connectedAt });
    stats.onDisconnect();
    expect(stats.getStats()).toMatchObject({ uptimeMs: 0, connectedAt: null });
  });

  it('never reports a negative uptime, whatever the clock says', () => {
    let mono = 10_000;
    const stats = new WebSocketStats({ now: () => 0, monotonic: () => mono });
    stats.onConnect();
    mono = 9_000; // a clock that went back must not show "-1 s connected"
    expect(stats.getStats().uptimeMs).toBe(0);
  });
});
