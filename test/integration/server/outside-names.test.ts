// Names from outside (channels, event types, message types, grants) are data, never keys into
// an object with a prototype: `constructor`, `__proto__`, `toString` and `hasOwnProperty` are
// unknown names like any other.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { loadTokensFile } from '../../../main/server/tokens';
import { RawClient, bearer } from './raw-client';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const TOKENS = [{ token: 'admin-secret', channels: ['*'], admin: true }];

let s: KatyaServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});
const dir = mkdtempSync(path.join(tmpdir(), 'katya-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function admin() {
  s = await startKatyaServer({ tokens: TOKENS });
  const c = await RawClient.open(s.url, bearer('admin-secret'));
  clients.push(c);
  return c;
}

describe('names that are members of Object.prototype', () => {
  it('refuses each as a channel with 4005 and applies the known ones', async () => {
    const c = await admin();
    const frames = await c.request({ type: 'subscribe', channels: [...NAMES, 'rooms'] }, 'c');
    const unknown = frames.filter((f) => f.type === 'error' && f.data?.code === '4005');
    expect(unknown.map((f) => f.data?.channel)).toEqual(NAMES);
    expect(frames.find((f) => f.type === 'response')?.data?.channels).toEqual(['rooms']);
  });

  it('refuses each as an event type with 4005, on subscribe and unsubscribe', async () => {
    const c = await admin();
    for (const type of ['subscribe', 'unsubscribe']) {
      const frames = await c.request({ type, events: NAMES }, type);
      const unknown = frames.filter((f) => f.type === 'error' && f.data?.code === '4005');
      expect(unknown.map((f) => f.data?.event)).toEqual(NAMES);
      expect(frames.find((f) => f.type === 'response')?.data?.events).toEqual([]);
    }
  });

  it('answers each as a message type with 4003', async () => {
    const c = await admin();
    for (const type of NAMES) {
      const [err] = await c.request({ type }, `t-${type}`);
      expect(err).toMatchObject({ type: 'error', data: { code: '4003' } });
    }
  });

  it('answers each as a published event with 400', async () => {
    await admin();
    for (const event of NAMES) {
      const r = await fetch(`${s!.httpUrl}/v1/events`, {
        method: 'POST',
        headers: bearer('admin-secret'),
        body: JSON.stringify({ event, data: {} }),
      });
      expect(r.status, event).toBe(400);
      await r.body?.cancel();
    }
  });

  it.each(NAMES)('refuses a tokens file granting the channel %s', async (name) => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ tokens: [{ token: 't', channels: [name] }] }));
    await expect(loadTokensFile(file)).rejects.toThrow(/unknown channel/);
    await expect(startKatyaServer({ tokens: [{ token: 't', channels: [name] }] })).rejects.toThrow(
      /unknown channel/,
    );
  });
});
