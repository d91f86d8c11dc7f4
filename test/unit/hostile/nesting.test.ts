// Payloads nested far deeper than any real event: refused at the protocol check with a reason,
// and, should one reach the history by another road, never able to stop it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { EventHistory, HISTORY_FILE } from '../../../main/core/history/history';
import {
  MESSAGE_LIMITS,
  checkServerMessage,
  parseServerMessage,
  shapeProblem,
} from '../../../main/core/common/protocol';
import type { EventMessage } from '../../../main/core/common/protocol';
import { logTo } from '../../../main/core/log/scoped';

/** `{"a":{"a":…}}` with `levels` objects, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 1; i < levels; i++) {
    const child: Record<string, unknown> = {};
    node.a = child;
    node = child;
  }
  return root;
}

const frame = (data: unknown) =>
  JSON.stringify({ type: 'event', id: 'e1', event: 'message.created', channel: 'messages', data });

/** An event frame whose data nests `levels` objects, as text (JSON.stringify cannot). */
const deepFrame = (id: string, levels: number) =>
  `{"type":"event","id":"${id}","event":"message.created","channel":"messages","data":${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels)}`;

describe('nesting and size limits at the protocol check', () => {
  it('refuses an event nested 10,000 levels deep, with the reason', () => {
    const parsed = parseServerMessage(deepFrame('e1', 10_000));
    expect(parsed).toEqual({ ok: false, reason: 'nested deeper than 64 levels' });
  });

  it('takes 64 levels counting the envelope, refuses 65', () => {
    // envelope (1) + data (2) + 61 more objects = 63; an array inside makes 64
    expect(checkServerMessage(JSON.parse(frame(nested(62)))).ok).toBe(true);
    expect(checkServerMessage(JSON.parse(frame(nested(63)))).ok).toBe(true);
    expect(checkServerMessage(JSON.parse(frame(nested(64))))).toEqual({
      ok: false,
      reason: 'nested deeper than 64 levels',
    });
  });

  it('counts arrays as levels too, and applies to every message type', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    const error = { type: 'error', id: 'x', data: { code: '4003', extra: deep } };
    expect(checkServerMessage(error)).toMatchObject({ ok: false });
    expect(checkServerMessage({ type: 'pong', id: 'x', data: { deep } })).toMatchObject({
      ok: false,
    });
  });

  it('refuses a payload of more values than the limit, wide rather than deep', () => {
    const wide = Array.from({ length: MESSAGE_LIMITS.maxValues }, (_, i) => i);
    expect(parseServerMessage(frame({ wide }))).toEqual({
      ok: false,
      reason: `more than ${MESSAGE_LIMITS.maxValues} values`,
    });
    expect(parseServerMessage(frame({ wide: wide.slice(0, 1000) })).ok).toBe(true);
  });

  it('refuses a frame longer than the limit before parsing it', () => {
    const text = frame({ s: 'x'.repeat(MESSAGE_LIMITS.maxChars) });
    expect(parseServerMessage(text)).toEqual({
      ok: false,
      reason: `larger than ${MESSAGE_LIMITS.maxChars} characters`,
    });
  });

  it('walks without recursion: a million levels is an answer, not a stack overflow', () => {
    let deep: unknown = null;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(shapeProblem(deep)).toBe('nested deeper than 64 levels');
  });

  it('sees values under keys named like Object.prototype members', () => {
    const raw = JSON.parse(
      `{"type":"event","id":"p","event":"message.created","channel":"messages","data":{"__proto__":${JSON.stringify(nested(100))}}}`,
    );
    expect(checkServerMessage(raw)).toEqual({ ok: false, reason: 'nested deeper than 64 levels' });
  });
});

describe('the history and an event it cannot encode', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('drops that one event and keeps writing every later one to disk', async () => {
    dir = mkdtempSync(join(tmpdir(), 'katya-hostile-'));
    const clock = new ManualClock();
    const logs: string[] = [];
    const h = await EventHistory.open({
      dir,
      clock,
      maxEvents: 3,
      compactionSlack: 0,
      log: logTo((m) => logs.push(m)),
    });
    const ev = (id: string, data: Record<string, unknown>): EventMessage => ({
      type: 'event',
      id,
      event: 'message.created',
      channel: 'messages',
      data,
    });
    for (let i = 0; i < 10; i++) h.append([ev(`old-${i}`, { content: String(i) })]);
    // Not through the engine (which refuses it): a caller that hands the history such an
    // event, with the frame it came in, must cost that event only. Retention has left more
    // records on disk than events in memory, so this flush compacts, which re-encodes.
    const levels = 100_000;
    h.append([ev('deep', nested(levels))], clock.now(), [deepFrame('deep', levels)]);
    await h.flush();
    expect(logs.join('\n')).toContain('deep could not be encoded; dropped');
    h.append([ev('after', { content: 'later' })]);
    await h.flush();
    expect(h.info().lastError).toBeNull();
    await h.close();

    const again = await EventHistory.open({ dir, clock, maxEvents: 3 });
    const ids = again.query({}).entries.map((e) => e.id);
    expect(ids).toContain('after');
    expect(ids).not.toContain('deep');
    expect(again.info().damagedRecordsSkipped).toBe(0);
    await again.close();
    expect(readFileSync(join(dir, HISTORY_FILE), 'utf8')).toContain('"after"');
  });
});
