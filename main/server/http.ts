// The HTTP side of the reference server, on the same port as the WebSocket:
//   GET  /healthz     liveness for scripts and orchestrators
//   POST /v1/events   publish an event (admin tokens only):
//                     Authorization: Bearer TOKEN, body {"event":"...","data":{...}}
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_TYPES, isEventType } from '../core/common/protocol';
import type { EventType } from '../core/common/protocol';
import type { ResolvedGrant } from './tokens';

/** What presenting a token from an address came to (the server's `signIn`). */
export type SignIn =
  | { outcome: 'ok'; grant: ResolvedGrant }
  | { outcome: 'refused' }
  | { outcome: 'throttled'; retryAfterS: number; message: string };

export interface HttpContext {
  /** check a token, counting failures per address (the sign-in throttle) */
  signIn(token: string, address: string): SignIn;
  publish(
    event: EventType,
    data: Record<string, unknown>,
  ): { id: string; channel: string; delivered: number };
  clientCount(): number;
  /** performance.now() when the server started: uptime is measured on a monotonic clock */
  startedAt: number;
  log(line: string): void;
}

/**
 * The request target as a URL, or null when it is not one. Node's HTTP parser passes targets
 * such as `//[` or `//:99999/v1/ws`, and `new URL` throws on them; every parse of a request goes
 * through here, so a bad one is answered with 400 instead of taking the process down.
 */
export function requestTarget(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The peer's address, the key of the sign-in throttle ('unknown' once the socket is gone). */
export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The same limit as for WebSocket frames: an event is small. */
const MAX_BODY_BYTES = 64 * 1024;

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function handleHttpRequest(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  serve(req, res, ctx).catch((err: unknown) => {
    ctx.log(`http: ${(err as Error).message}`);
    if (!res.headersSent) json(res, 500, { error: 'internal server error' });
    else res.destroy();
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  const target = requestTarget(req);
  if (!target) return json(res, 400, { error: 'bad request: the request target is not a URL' });
  const path = target.pathname;

  if (path === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(res, 405, { error: 'use GET' }, { allow: 'GET, HEAD' });
    }
    return json(res, 200, {
      status: 'ok',
      clients: ctx.clientCount(),
      uptimeSeconds: Math.round((performance.now() - ctx.startedAt) / 1000),
    });
  }

  if (path === '/v1/events') {
    if (req.method !== 'POST') return json(res, 405, { error: 'use POST' }, { allow: 'POST' });

    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!bearer) {
      return json(
        res,
        401,
        { error: 'missing token: send Authorization: Bearer ADMIN_TOKEN' },
        { 'www-authenticate': 'Bearer' },
      );
    }
    const signIn = ctx.signIn(bearer[1]!.trim(), remoteAddress(req));
    if (signIn.outcome === 'throttled') {
      return json(
        res,
        429,
        { error: signIn.message },
        { 'retry-after': String(signIn.retryAfterS) },
      );
    }
    if (signIn.outcome === 'refused') {
      return json(
        res,
        401,
        { error: 'invalid token' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
    if (!signIn.grant.admin) {
      return json(res, 403, {
        error: 'this token may not publish events (it is not an admin token)',
      });
    }

    const body = await readBody(req);
    if (body === 'too_large') {
      return json(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return json(res, 400, {
        error: 'the body is not valid JSON; expected {"event":"...","data":{...}}',
      });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return json(res, 400, { error: 'expected a JSON object {"event":"...","data":{...}}' });
    }
    const { event, data } = parsed as { event?: unknown; data?: unknown };
    if (typeof event !== 'string' || !isEventType(event)) {
      return json(res, 400, {
        error: `unknown event ${JSON.stringify(event ?? null)}`,
        events: EVENT_TYPES,
      });
    }
    if (data !== undefined && (!data || typeof data !== 'object' || Array.isArray(data))) {
      return json(res, 400, { error: '"data" must be a JSON object' });
    }
    const published = ctx.publish(event, (data ?? {}) as Record<string, unknown>);
    ctx.log(`published ${event} ${published.id} to ${published.delivered} client(s)`);
    return json(res, 200, published);
  }

  return json(res, 404, {
    error: 'not found; the API is GET /healthz, POST /v1/events and /v1/ws',
  });
}
