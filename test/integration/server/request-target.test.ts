// Requests whose target is not a URL (`GET //[ HTTP/1.1`): Node's HTTP parser lets them through,
// and the server must answer 400 and keep serving, on the HTTP side and on the upgrade alike.
import { afterEach, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { RawClient, bearer, rawHttp } from './raw-client';

const TOKENS = [{ token: 'viewer', channels: ['messages'] }];
let s: KatyaServer | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

const BAD_TARGETS = ['//[', '//[::1/v1/ws', '//:99999/v1/ws', '//a@/healthz'];

const upgradeRequest = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
  `Authorization: Bearer viewer\r\n\r\n`;

async function stillServing(server: KatyaServer) {
  const health = await fetch(`${server.httpUrl}/healthz`);
  expect(health.status).toBe(200);
  const c = await RawClient.open(server.url, bearer('viewer'));
  clients.push(c);
  const [pong] = await c.request({ type: 'ping' }, 'alive');
  expect(pong?.type).toBe('pong');
}

describe('a request target that is not a URL', () => {
  it.each(BAD_TARGETS)('answers an HTTP GET of %s with 400 and keeps serving', async (target) => {
    s = await startKatyaServer({ tokens: TOKENS });
    const answer = await rawHttp(
      s.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/"error":/);
    await stillServing(s);
  });

  it.each(BAD_TARGETS)('answers an upgrade to %s with 400 and keeps serving', async (target) => {
    s = await startKatyaServer({ tokens: TOKENS });
    const answer = await rawHttp(s.port, upgradeRequest(target));
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await stillServing(s);
  });

  it('answers a POST /v1/events with a bad target with 400, not 500', async () => {
    s = await startKatyaServer({ tokens: TOKENS });
    const body = '{"event":"message.created","data":{}}';
    const answer = await rawHttp(
      s.port,
      `POST //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing(s);
  });
});
