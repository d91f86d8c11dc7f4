import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  EVENT_TYPES,
  channelOf,
  isLoopbackHost,
  parseServerMessage,
  validateServerUrl,
} from '../../../main/core/protocol';

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
  it.each(['localhost', '127.0.0.1', '127.5.6.7', '[::1]', '::1'])('treats %s as loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.evil.com'])(
    'treats %s as remote',
    (h) => {
      expect(isLoopbackHost(h)).toBe(false);
    },
  );
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
