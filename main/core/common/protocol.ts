// The Katya WebSocket protocol as docs/protocol.md settles it: the catalogue of channels and
// event types, the message envelopes, and the schemas every received frame is checked against.
// Shared by the connection engine, the reference server, the CLI and (as types) the renderer,
// so it must stay free of Node and DOM APIs.
import { z } from 'zod';
import { unbracketed } from './network';

export const CATALOG = {
  messages: ['message.created', 'message.updated', 'message.deleted'],
  rooms: ['room.created', 'room.updated', 'room.member.joined', 'room.member.left'],
  trust: [
    'trust.identity.created',
    'trust.identity.updated',
    'trust.verification.created',
    'trust.verification.updated',
    'trust.reputation.updated',
  ],
  analytics: ['analytics.metric.updated', 'analytics.report.created', 'analytics.report.completed'],
  security: [
    'security.alert.created',
    'security.alert.updated',
    'security.scan.started',
    'security.scan.completed',
  ],
  system: ['system.status.changed', 'system.maintenance.start', 'system.maintenance.end'],
} as const;

export type Channel = keyof typeof CATALOG;
export type EventType = (typeof CATALOG)[Channel][number];

export const CHANNELS = Object.keys(CATALOG) as Channel[];
export const EVENT_TYPES = CHANNELS.flatMap((c) => CATALOG[c]) as EventType[];

/** The document's examples use `alerts` and `metrics`; the server accepts them as aliases. */
export const CHANNEL_ALIASES: ReadonlyMap<string, Channel> = new Map([
  ['alerts', 'security'],
  ['metrics', 'analytics'],
]);

const channelSet = new Set<string>(CHANNELS);
const eventSet = new Set<string>(EVENT_TYPES);
const channelOfEvent = new Map<string, Channel>(
  CHANNELS.flatMap((c) => CATALOG[c].map((e) => [e, c] as const)),
);

export function isChannel(name: string): name is Channel {
  return channelSet.has(name);
}

export function isEventType(name: string): name is EventType {
  return eventSet.has(name);
}

/**
 * The catalogue channel a name stands for (a channel or an alias), or null. Names come from
 * servers, files and users, so they are looked up in Sets and Maps only: `constructor` or
 * `__proto__` is an unknown name, never a member of some object's prototype.
 */
export function canonicalChannel(name: string): Channel | null {
  return isChannel(name) ? name : (CHANNEL_ALIASES.get(name) ?? null);
}

export function channelOf(event: EventType): Channel {
  return channelOfEvent.get(event)!;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Error codes travel as strings in `data.code` (docs/protocol.md, "Envelope"). */
export const ERROR_CODES = {
  BAD_TOKEN: '4001',
  NO_PERMISSION: '4002',
  MALFORMED: '4003',
  SUBSCRIPTION_LIMIT: '4004',
  UNKNOWN_NAME: '4005',
  INTERNAL: '5001',
  UNAVAILABLE: '5002',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** WebSocket close codes used by the protocol (5001/5002 are not valid close codes). */
export const CLOSE_CODES = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  TRY_AGAIN_LATER: 1013,
  AUTH_FAILED: 4001,
} as const;

// ---- server -> client -------------------------------------------------------------------

const base = {
  id: z.string().min(1).max(256).optional(),
  timestamp: z.string().max(64).optional(),
};

/** Event payloads are server data of open shape: an object, never trusted beyond that. */
const payload = z.record(z.string(), z.unknown());

export const eventMessageSchema = z.object({
  type: z.literal('event'),
  id: z.string().min(1).max(256),
  timestamp: z.string().max(64).optional(),
  event: z.string().min(1).max(128),
  channel: z.string().min(1).max(64),
  data: payload,
});

export const responseMessageSchema = z.object({
  type: z.literal('response'),
  ...base,
  data: z
    .object({
      action: z.string().max(64).optional(),
      requestId: z.string().max(256).optional(),
      channels: z.array(z.string().max(128)).max(1000).optional(),
      events: z.array(z.string().max(128)).max(1000).optional(),
    })
    .loose(),
});

export const errorMessageSchema = z.object({
  type: z.literal('error'),
  ...base,
  data: z
    .object({
      code: z.union([z.string().max(16), z.number().transform(String)]),
      message: z.string().max(4096).optional(),
      channel: z.string().max(128).optional(),
      event: z.string().max(128).optional(),
      requestId: z.string().max(256).optional(),
    })
    .loose(),
});

export const pingMessageSchema = z.object({ type: z.literal('ping'), ...base }).loose();
export const pongMessageSchema = z
  .object({ type: z.literal('pong'), ...base, data: payload.optional() })
  .loose();

export const serverMessageSchema = z.discriminatedUnion('type', [
  eventMessageSchema,
  responseMessageSchema,
  errorMessageSchema,
  pingMessageSchema,
  pongMessageSchema,
]);

export type EventMessage = z.infer<typeof eventMessageSchema>;
export type ResponseMessage = z.infer<typeof responseMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

// ---- client -> server -------------------------------------------------------------------

const names = z.array(z.string().min(1).max(128)).max(1000);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), id: z.string().max(256).optional(), token: z.string() }),
  z.object({
    type: z.literal('subscribe'),
    id: z.string().max(256).optional(),
    channels: names.optional(),
    events: names.optional(),
  }),
  z.object({
    type: z.literal('unsubscribe'),
    id: z.string().max(256).optional(),
    channels: names.optional(),
    events: names.optional(),
  }),
  z.object({ type: z.literal('ping'), id: z.string().max(256).optional() }),
  z.object({ type: z.literal('pong'), id: z.string().max(256).optional() }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/**
 * Bounds on the shape of a received message (docs/protocol.md, "Limits"). Depth counts the
 * envelope as level 1, so an event's `data` is level 2; values count every object, array and
 * primitive. Real events are a few levels deep with a few dozen values.
 */
export const MESSAGE_LIMITS = {
  maxDepth: 64,
  maxValues: 20_000,
  /** UTF-16 units of one frame's text; the engine's socket already refuses larger frames */
  maxChars: 1024 * 1024,
} as const;

/**
 * Why a JSON value is outside MESSAGE_LIMITS, or null when it is within them. Iterative, so
 * a hostile depth cannot exhaust the stack here either.
 */
export function shapeProblem(value: unknown, limits = MESSAGE_LIMITS): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: object[] = [value];
  const depths: number[] = [1];
  let values = 1;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    values += children.length;
    if (values > limits.maxValues) return `more than ${limits.maxValues} values`;
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return null;
}

/** Parse one text frame from a server; `null` when it is not valid JSON or not a known message. */
export function parseServerMessage(text: string): ParsedServerMessage {
  if (text.length > MESSAGE_LIMITS.maxChars) {
    return { ok: false, reason: `larger than ${MESSAGE_LIMITS.maxChars} characters` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  return checkServerMessage(raw);
}

export type ParsedServerMessage =
  { ok: true; message: ServerMessage } | { ok: false; reason: string };

/**
 * Check a frame's JSON value (what JSON.parse gave) as parseServerMessage does. The history
 * uses it to read back a stored frame with exactly the rules it passed when it arrived.
 */
export function checkServerMessage(raw: unknown): ParsedServerMessage {
  // First the shape: a value nested thousands deep passes every schema and then breaks each
  // place that serialises or walks it again (history, `katya tail`, the window's IPC).
  const tooBig = shapeProblem(raw);
  if (tooBig) return { ok: false, reason: tooBig };
  // Nearly every frame is an event: check those by hand (the same rules as
  // eventMessageSchema, at a fraction of zod's cost). Anything else, and any event the quick
  // check does not accept, goes through zod, so what is rejected and why stays zod's word.
  const event = quickEventMessage(raw);
  if (event) return { ok: true, message: event };
  const parsed = serverMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message',
    };
  }
  return { ok: true, message: parsed.data };
}

const hasOwn = Object.prototype.hasOwnProperty;

const isString = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;

/**
 * The fast path of parseServerMessage: `raw` (straight from JSON.parse) as eventMessageSchema
 * would give it, or null when it is not an event frame zod would accept unchanged. Strictly no
 * more lenient than the schema: whatever it is unsure of is left to zod, namely a string longer
 * than its limit in UTF-16 units (zod counts code points, so 129 emoji pass a limit of 256) and
 * a `__proto__` key in the payload (which zod drops). Like zod it keeps only the schema's keys;
 * the payload object is passed on as it is (JSON.parse made it, nobody else holds it).
 */
function quickEventMessage(raw: unknown): EventMessage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  if (m.type !== 'event') return null;
  const { id, timestamp, event, channel, data } = m;
  if (!isString(id, 1, 256)) return null;
  if (timestamp !== undefined && !isString(timestamp, 0, 64)) return null;
  if (!isString(event, 1, 128) || !isString(channel, 1, 64)) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  if (Object.getPrototypeOf(data) !== Object.prototype || hasOwn.call(data, '__proto__')) {
    return null;
  }
  const payload = data as Record<string, unknown>;
  // Keys in the schema's order, as zod builds them (it shows in JSON.stringify).
  return timestamp === undefined
    ? { type: 'event', id, event, channel, data: payload }
    : { type: 'event', id, timestamp, event, channel, data: payload };
}

// ---- URLs ------------------------------------------------------------------------------

export type AuthMethod = 'header' | 'query' | 'message';
export const AUTH_METHODS: readonly AuthMethod[] = ['header', 'query', 'message'];

export function isLoopbackHost(hostname: string): boolean {
  const h = unbracketed(hostname).toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** What is wrong with a server URL, as a code the window translates (error.url.<problem>). */
export type ServerUrlProblem = 'notUrl' | 'scheme' | 'ws' | 'port' | 'credentials' | 'token';

/**
 * Check a server URL the way the client will use it: `wss://` anywhere, `ws://` only to a
 * loopback host. Returns the parsed URL, or a sentence a user can act on and its code.
 */
export function validateServerUrl(
  input: string,
): { ok: true; url: URL } | { ok: false; error: string; problem: ServerUrlProblem } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return {
      ok: false,
      error: `"${input}" is not a URL; expected wss://HOST/v1/ws`,
      problem: 'notUrl',
    };
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    return {
      ok: false,
      error: `the URL must start with wss:// (got ${url.protocol}//)`,
      problem: 'scheme',
    };
  }
  if (url.protocol === 'ws:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      error: `ws:// is unencrypted and allowed only for this computer (localhost, 127.0.0.1, ::1); use wss://${url.host}${url.pathname}`,
      problem: 'ws',
    };
  }
  // The URL parser takes port 0, but no server listens there: without this the user would
  // get the system's connection error instead of a word about the field.
  if (url.port === '0') {
    return {
      ok: false,
      error: "port 0 is not a server's port; leave the port out or give the server's",
      problem: 'port',
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      error: 'the URL must not contain a user name or password; use the token field',
      problem: 'credentials',
    };
  }
  if (url.searchParams.has('token')) {
    return {
      ok: false,
      error: 'the URL must not contain a token; use the token field',
      problem: 'token',
    };
  }
  return { ok: true, url };
}
