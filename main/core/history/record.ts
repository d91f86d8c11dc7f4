// The on-disk record format of the history log: one record per line,
//   <crc32 of the JSON, 8 hex digits> <space> <JSON>\n
// The checksum tells a torn or damaged line from a good one, so a crash in the middle of a
// write, or a flipped byte, costs that record only, never the file.
// An event that came off the socket is stored as the frame it arrived in (`f`), its bytes
// spliced into the record as received: no second JSON encoding of every event in a flood. On
// load the frame goes through the same check as when it arrived (checkServerMessage).
import * as zlib from 'node:zlib';
import { z } from 'zod';

/**
 * CRC-32 (IEEE, as zlib and PNG) of bytes, or of a string's UTF-8 bytes: Node's zlib.crc32
 * (Node 20.15 and later; package.json asks for 20.19), which takes the string itself without a
 * Buffer per record.
 */
export function crc32(data: Uint8Array | string): number {
  return zlib.crc32(data) >>> 0;
}

const num = z.number().finite();
const seq = z.number().int().nonnegative();

export const eventRecordSchema = z.object({
  k: z.literal('e'),
  seq,
  id: z.string().min(1).max(256),
  event: z.string().min(1).max(128),
  timestamp: z.string().max(64).nullable(),
  receivedAt: num,
  data: z.record(z.string(), z.unknown()),
  read: z.literal(true).optional(),
});

/** an event as the frame it arrived in, `m` being that frame's JSON */
export const frameRecordSchema = z.object({
  k: z.literal('f'),
  seq,
  at: num,
  m: z.unknown(),
});

export const gapRecordSchema = z.object({
  k: z.literal('g'),
  seq,
  id: z.string().min(1).max(128),
  start: num,
  end: num,
});

/** these events were read */
export const readRecordSchema = z.object({ k: z.literal('r'), ids: z.array(z.string().max(256)) });
/** every event up to and including `seq` was read ("mark all read") */
export const allReadRecordSchema = z.object({ k: z.literal('a'), seq });

export const recordSchema = z.discriminatedUnion('k', [
  eventRecordSchema,
  frameRecordSchema,
  gapRecordSchema,
  readRecordSchema,
  allReadRecordSchema,
]);

export type HistoryRecord = z.infer<typeof recordSchema>;
export type EventRecord = z.infer<typeof eventRecordSchema>;
export type GapRecord = z.infer<typeof gapRecordSchema>;

/**
 * One record as its line: the format's definition. The history writes the same bytes through
 * RecordBuffer, without the intermediate strings; its tests hold the two together.
 */
export function encodeRecord(rec: HistoryRecord): string {
  const json = JSON.stringify(rec);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The `f` record of an event received at `receivedAt`, up to the frame: `m` is the frame. */
export function frameRecordHead(seq: number, receivedAt: number): string {
  return `{"k":"f","seq":${seq},"at":${receivedAt},"m":`;
}

/** The record on one line (without its newline), or null when the line is damaged. */
export function decodeRecord(line: string): HistoryRecord | null {
  // (a shorter line fails the checksum below anyway: this only answers early)
  // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
  if (line.length < 10) return null;
  if (line.charCodeAt(8) !== 32) return null;
  const sum = line.slice(0, 8);
  const json = line.slice(9);
  // Any sum that is not 8 lowercase hex digits differs from the one computed here.
  if (crc32(json).toString(16).padStart(8, '0') !== sum) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // `raw` stays undefined, which the schema below refuses: damage, as it should be
  }
  // Nearly every record is an event (`f` as it arrived, `e` once compacted): check those by
  // hand, by the same rules as their schemas, at a fraction of zod's cost (a cold start reads
  // 5,000 of them: ~15 ms by zod for `f`, ~25 ms for `e`). Anything else, and any record the
  // quick check is unsure of, goes through zod, so what is accepted stays zod's word.
  const quick = quickEventRecord(raw);
  if (quick) return quick;
  const parsed = recordSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

const hasOwn = Object.prototype.hasOwnProperty;
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isFiniteNumber = (v: unknown): v is number => Number.isFinite(v);
/**
 * At most `max` UTF-16 units; zod counts code points, so a longer string may still pass it:
 * such a string is left to zod rather than refused here.
 */
const isShortString = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;

/**
 * An `f` or `e` record as its schema would give it, or null when the schema has to decide
 * (exported for its test, which holds it to taking the common records itself). Strictly no
 * more lenient than the schemas: like zod it keeps only their keys; a payload with
 * a `__proto__` key of its own (which zod's record drops) is left to zod.
 */
export function quickEventRecord(raw: unknown): HistoryRecord | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (r.k === 'f') {
    if (!isSeq(r.seq) || !isFiniteNumber(r.at) || !hasOwn.call(r, 'm')) return null;
    return { k: 'f', seq: r.seq, at: r.at, m: r.m };
  }
  if (r.k !== 'e') return null;
  const { seq, id, event, timestamp, receivedAt, data, read } = r;
  if (!isSeq(seq) || !isShortString(id, 1, 256) || !isShortString(event, 1, 128)) return null;
  if (timestamp !== null && !isShortString(timestamp, 0, 64)) return null;
  if (!isFiniteNumber(receivedAt)) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  if (hasOwn.call(data, '__proto__')) return null;
  if (read !== undefined && read !== true) return null;
  const rec: EventRecord = {
    k: 'e',
    seq,
    id,
    event,
    timestamp,
    receivedAt,
    data: data as Record<string, unknown>,
  };
  if (read === true) rec.read = true;
  return rec;
}
