import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  EVENT_TYPES,
  channelOf,
  isLoopbackHost,
  parseServerMessage,
  serverMessageSchema,
  validateServerUrl,
} from '../../../main/core/common/protocol';

describe('catalogue', () => {
  it('has the 22 event types of six channels, each in its own channel', () => {
    expect(Object.keys(CATALOG)).toEqual([
      'messages',
      'rooms',
      'trust',
      'analytics',
      'security',
      'system',
    ]);
    expect(EVENT_TYPES).toHaveLength(22);
    expect(new Set(EVENT_TYPES).size).toBe(22);
    expect(channelOf('security.alert.created')).toBe('security');
    expect(channelOf('room.member.left')).toBe('rooms');
  });
});

describe('server URL', () => {
  it.each(['localhost', '127.0.0.1', '127.5.6.7', '127.10.200.255', '[::1]', '::1'])(
    'treats %s as loopback',
    (h) => {
      expect(isLoopbackHost(h)).toBe(true);
    },
  );
  // A name that only starts or ends like a loopback address is somebody's server: plain ws://
  // to it would send the token in clear.
  it.each([
    '10.0.0.1',
    'example.com',
    '128.0.0.1',
    'localhost.evil.com',
    '127.0.0.1.evil.example',
    'evil127.0.0.1',
    '127.0.0.1000',
  ])('treats %s as remote', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
  it('accepts wss anywhere and ws only on loopback', () => {
    expect(validateServerUrl('wss://katya.example/v1/ws').ok).toBe(true);
    expect(validateServerUrl('ws://127.0.0.1:8080/v1/ws').ok).toBe(true);
    const remote = validateServerUrl('ws://katya.example/v1/ws');
    expect(remote.ok).toBe(false);
    if (!remote.ok) expect(remote.error).toMatch(/wss:\/\/katya\.example\/v1\/ws/);
  });
  it('refuses other schemes, junk, credentials and tokens in the URL', () => {
    expect(validateServerUrl('https://katya.example/v1/ws').ok).toBe(false);
    expect(validateServerUrl('not a url').ok).toBe(false);
    expect(validateServerUrl('wss://u:p@katya.example/v1/ws').ok).toBe(false);
    expect(validateServerUrl('wss://katya.example/v1/ws?token=abc').ok).toBe(false);
  });
  it('refuses port 0, by its own code, and takes every other port', () => {
    for (const url of ['wss://katya.example:0/v1/ws', 'ws://127.0.0.1:00/v1/ws']) {
      const checked = validateServerUrl(url);
      expect(checked.ok ? null : checked.problem).toBe('port');
    }
    expect(validateServerUrl('wss://katya.example:1/v1/ws').ok).toBe(true);
    expect(validateServerUrl('wss://katya.example:65535/v1/ws').ok).toBe(true);
  });
});

describe('server messages', () => {
  it('accepts the document example and numeric error codes as strings', () => {
    const ok = parseServerMessage(
      JSON.stringify({
        type: 'event',
        id: 'evt_1',
        event: 'message.created',
        channel: 'messages',
        data: { content: 'hi' },
      }),
    );
    expect(ok.ok).toBe(true);
    const err = parseServerMessage(
      JSON.stringify({ type: 'error', data: { code: 4001, message: 'bad' } }),
    );
    expect(err.ok && err.message.type === 'error' && err.message.data.code).toBe('4001');
  });
  it('rejects junk with a reason', () => {
    expect(parseServerMessage('{nope').ok).toBe(false);
    expect(parseServerMessage('[]').ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ type: 'event', id: 'x' })).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ type: 'gossip' })).ok).toBe(false);
  });
});

describe('server messages: the fast path for events is exactly as strict as the schema', () => {
  const good = {
    type: 'event',
    id: 'evt_1',
    timestamp: '2026-11-26T12:00:00Z',
    event: 'security.alert.created',
    channel: 'security',
    data: { severity: 'high', nested: { list: [1, 2, 3] } },
  };
  const frame = (patch: Record<string, unknown>, drop: string[] = []) => {
    const m: Record<string, unknown> = { ...good, ...patch };
    for (const k of drop) delete m[k];
    return JSON.stringify(m);
  };
  // [name, frame text, accepted]
  const table: [string, string, boolean][] = [
    ['a full event', frame({}), true],
    ['without timestamp', frame({}, ['timestamp']), true],
    ['an empty timestamp', frame({ timestamp: '' }), true],
    ['a timestamp of 64', frame({ timestamp: 't'.repeat(64) }), true],
    ['a timestamp of 65', frame({ timestamp: 't'.repeat(65) }), false],
    ['a null timestamp', frame({ timestamp: null }), false],
    ['a numeric timestamp', frame({ timestamp: 1764158400000 }), false],
    ['missing id', frame({}, ['id']), false],
    ['empty id', frame({ id: '' }), false],
    ['an id of 256', frame({ id: 'i'.repeat(256) }), true],
    ['too long id', frame({ id: 'i'.repeat(257) }), false],
    // zod counts code points, not UTF-16 units: an emoji is two units and one code point.
    ['an id of 129 emoji (258 UTF-16 units)', frame({ id: '\u{1F600}'.repeat(129) }), true],
    ['an id of 256 emoji', frame({ id: '\u{1F600}'.repeat(256) }), true],
    ['an id of 257 emoji', frame({ id: '\u{1F600}'.repeat(257) }), false],
    ['an event name of 100 emoji', frame({ event: '\u{1F600}'.repeat(100) }), true],
    ['a timestamp of 65 emoji', frame({ timestamp: '\u{1F600}'.repeat(65) }), false],
    ['a numeric id', frame({ id: 42 }), false],
    ['a null id', frame({ id: null }), false],
    ['number event', frame({ event: 7 }), false],
    ['empty event', frame({ event: '' }), false],
    ['missing event', frame({}, ['event']), false],
    ['an event name of 128', frame({ event: 'e'.repeat(128) }), true],
    ['an event name of 129', frame({ event: 'e'.repeat(129) }), false],
    ['an unknown event type (the engine, not the schema, drops it)', frame({ event: 'x.y' }), true],
    ['missing channel', frame({}, ['channel']), false],
    ['empty channel', frame({ channel: '' }), false],
    ['a channel of 64', frame({ channel: 'c'.repeat(64) }), true],
    ['a channel of 65', frame({ channel: 'c'.repeat(65) }), false],
    ['a numeric channel', frame({ channel: 1 }), false],
    ['array data', frame({ data: [1, 2] }), false],
    ['empty array data', frame({ data: [] }), false],
    ['null data', frame({ data: null }), false],
    ['string data', frame({ data: 'x' }), false],
    ['numeric data', frame({ data: 1 }), false],
    ['missing data', frame({}, ['data']), false],
    ['empty data', frame({ data: {} }), true],
    ['extra fields allowed (and dropped)', frame({ extra: 1, requestId: 'r' }), true],
    [
      'a __proto__ key in data (zod drops it)',
      frame({}).replace('"data":{', '"data":{"__proto__":{"polluted":true},'),
      true,
    ],
    ['a __proto__ key at the top', frame({}).replace('{', '{"__proto__":{"id":"x"},'), true],
    ['type in another case', frame({ type: 'Event' }), false],
    ['no type', frame({}, ['type']), false],
    ['an array frame', JSON.stringify([good]), false],
    ['a null frame', 'null', false],
    ['a string frame', '"event"', false],
  ];

  it.each(table)('%s', (_name, text, accepted) => {
    const ours = parseServerMessage(text);
    let zod: ReturnType<typeof serverMessageSchema.safeParse> | null;
    try {
      zod = serverMessageSchema.safeParse(JSON.parse(text));
    } catch {
      zod = null;
    }
    expect(ours.ok).toBe(accepted);
    expect(zod?.success ?? false).toBe(accepted);
    if (ours.ok && zod?.success) {
      // The same message, down to the order of its keys (JSON.stringify shows it).
      expect(ours.message).toEqual(zod.data);
      expect(JSON.stringify(ours.message)).toBe(JSON.stringify(zod.data));
      expect(Object.getPrototypeOf(ours.message.type === 'event' && ours.message.data)).toBe(
        Object.prototype,
      );
    }
    if (!ours.ok && zod && !zod.success) {
      const issue = zod.error.issues[0]!;
      expect(ours.reason).toBe(`${issue.path.join('.') || 'message'}: ${issue.message}`);
    }
  });

  it('gives every frame its own message object', () => {
    const text = frame({});
    const a = parseServerMessage(text);
    const b = parseServerMessage(text);
    expect(a.ok && b.ok && a.message !== b.message).toBe(true);
  });
});
