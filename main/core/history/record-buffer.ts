// Records waiting for the next write, encoded at once into large off-heap chunks. Holding
// them as strings until the flush (up to a second) would keep a flood's worth of strings alive
// through several young-generation collections, each copying them, and then promote them all:
// in a flood that garbage collection cost more than the encoding. A chunk is one allocation
// the collector never scans or copies.
import { crc32, frameRecordHead } from './record';

const CHUNK_BYTES = 256 * 1024;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export class RecordBuffer {
  #full: Buffer[] = [];
  #chunk: Buffer | null = null;
  #used = 0;
  #records = 0;

  get records(): number {
    return this.#records;
  }

  /**
   * Append `json` as one record line in the format of record.ts (checksum, space, JSON,
   * newline): the same bytes as encodeRecord gives, without the intermediate strings.
   */
  append(json: string): void {
    // A UTF-16 unit never takes more than 3 bytes of UTF-8; 10 for checksum, space, newline.
    const chunk = this.#room(json.length * 3 + 10);
    const start = this.#used;
    // Stryker disable next-line StringLiteral: UTF-8 is write's default as well
    const end = start + 9 + chunk.write(json, start + 9, 'utf8');
    this.#seal(chunk, start, end);
  }

  /**
   * Append the `f` record of an event received at `receivedAt` in `frame` (the frame's text,
   * which parsed as JSON and has no lone surrogate): it goes in as it is, never parsed and
   * encoded again.
   */
  appendFrame(seq: number, receivedAt: number, frame: string): void {
    // Numbers only: ASCII, one byte a character.
    const head = frameRecordHead(seq, receivedAt);
    const chunk = this.#room(head.length + frame.length * 3 + 11);
    const start = this.#used;
    // Stryker disable next-line StringLiteral: the head is ASCII, the same bytes in UTF-8
    let end = start + 9 + chunk.write(head, start + 9, 'latin1');
    // Stryker disable next-line StringLiteral: UTF-8 is write's default as well
    end += chunk.write(frame, end, 'utf8');
    chunk[end++] = 0x7d; // }
    this.#seal(chunk, start, end);
  }

  /** Everything appended since the last take(), in order, and empty the queue. */
  take(): { parts: Buffer[]; bytes: number; records: number } {
    const parts = this.#full;
    if (this.#used > 0) parts.push(this.#chunk!.subarray(0, this.#used));
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    const taken = { parts, bytes, records: this.#records };
    this.clear();
    return taken;
  }

  clear(): void {
    this.#full = [];
    this.#chunk = null;
    this.#used = 0;
    this.#records = 0;
  }

  /** The chunk to write the next record into, with at least `room` bytes free. */
  #room(room: number): Buffer {
    // Stryker disable next-line EqualityOperator: on an exact fit a new chunk gives the same bytes
    if (this.#chunk !== null && this.#chunk.length - this.#used >= room) return this.#chunk;
    if (this.#used > 0) this.#full.push(this.#chunk!.subarray(0, this.#used));
    this.#chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, room));
    this.#used = 0;
    return this.#chunk;
  }

  /** Checksum, space and newline around the JSON at [start + 9, end). */
  #seal(chunk: Buffer, start: number, end: number) {
    let sum = crc32(chunk.subarray(start + 9, end));
    for (let i = 7; i >= 0; i--) {
      chunk[start + i] = HEX[sum & 15]!;
      sum >>>= 4;
    }
    chunk[start + 8] = 0x20;
    chunk[end] = 0x0a;
    this.#used = end + 1;
    this.#records++;
  }
}
