import { describe, expect, it } from 'vitest';
import {
  checkTimeZone,
  hhmm,
  minuteOfDay,
  nextWallTime,
  zoneOffset,
} from '../../../main/core/notify/local-time';

const HOUR = 3_600_000;

describe('local time on the clock of a given zone', () => {
  it('knows the offset of a zone at an instant, summer time included', () => {
    expect(zoneOffset(Date.UTC(2026, 10, 26, 12), 'UTC')).toBe(0);
    expect(zoneOffset(Date.UTC(2026, 10, 26, 12), 'Asia/Tokyo')).toBe(9 * HOUR);
    expect(zoneOffset(Date.UTC(2026, 10, 26, 12), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(zoneOffset(Date.UTC(2026, 6, 1, 12), 'America/New_York')).toBe(-4 * HOUR);
    expect(zoneOffset(Date.UTC(2026, 10, 26, 12), 'America/New_York')).toBe(-5 * HOUR);
    // milliseconds of the instant do not leak into the offset
    expect(zoneOffset(Date.UTC(2026, 10, 26, 12, 0, 59, 999), 'Asia/Tokyo')).toBe(9 * HOUR);
  });

  it('reads minutes since midnight and HH:MM on that clock', () => {
    const t = Date.UTC(2026, 10, 26, 14, 30, 59, 999);
    expect(minuteOfDay(t, 'UTC')).toBe(14 * 60 + 30);
    expect(minuteOfDay(t, 'Asia/Tokyo')).toBe(23 * 60 + 30);
    expect(minuteOfDay(t, 'America/New_York')).toBe(9 * 60 + 30);
    expect(minuteOfDay(Date.UTC(2026, 10, 26, 15), 'Asia/Tokyo')).toBe(0);
    expect(minuteOfDay(Date.UTC(2026, 10, 26, 14, 59), 'Asia/Tokyo')).toBe(1439);
    expect(hhmm(t, 'Asia/Tokyo')).toBe('23:30');
    expect(hhmm(Date.UTC(2026, 10, 26, 0, 5), 'UTC')).toBe('00:05');
    expect(hhmm(Date.UTC(1969, 11, 31, 23, 59), 'UTC')).toBe('23:59'); // before 1970 too
  });

  it('without a zone, reads the clock Date reads', () => {
    const t = new Date(2026, 10, 26, 18, 45).getTime();
    expect(minuteOfDay(t)).toBe(18 * 60 + 45);
    expect(hhmm(t)).toBe('18:45');
  });

  it('finds the next time the clock reads a given minute, from an instant on', () => {
    const from = Date.UTC(2026, 10, 26, 6, 59); // 06:59 UTC
    expect(nextWallTime(from, 7 * 60, 'UTC')).toBe(Date.UTC(2026, 10, 26, 7));
    expect(nextWallTime(Date.UTC(2026, 10, 26, 7), 7 * 60, 'UTC')).toBe(Date.UTC(2026, 10, 26, 7));
    expect(nextWallTime(Date.UTC(2026, 10, 26, 7, 0, 0, 1), 7 * 60, 'UTC')).toBe(
      Date.UTC(2026, 10, 27, 7),
    );
    expect(nextWallTime(Date.UTC(2026, 10, 26, 23, 59), 0, 'UTC')).toBe(Date.UTC(2026, 10, 27));
    // 07:00 in Tokyo is 22:00 UTC the day before
    expect(nextWallTime(from, 7 * 60, 'Asia/Tokyo')).toBe(Date.UTC(2026, 10, 26, 22));
  });

  it('keeps the wall time across both changes of summer time', () => {
    // New York: 2026-11-01 02:00 EDT becomes 01:00 EST; 2026-03-08 02:00 EST becomes 03:00 EDT.
    const ny = 'America/New_York';
    expect(nextWallTime(Date.UTC(2026, 10, 1, 3), 7 * 60, ny)).toBe(Date.UTC(2026, 10, 1, 12));
    expect(nextWallTime(Date.UTC(2026, 2, 8, 4), 7 * 60, ny)).toBe(Date.UTC(2026, 2, 8, 11));
    expect(nextWallTime(Date.UTC(2026, 2, 7, 16), 23 * 60, ny)).toBe(Date.UTC(2026, 2, 8, 4));
  });

  it('refuses a zone it does not know', () => {
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => checkTimeZone('Europe/Moscow')).not.toThrow();
    expect(() => checkTimeZone(undefined)).not.toThrow();
  });
});
