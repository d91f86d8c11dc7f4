// De-duplication of events by id over a bounded window: the server (or a proxy, or a
// reconnect racing a resend) may deliver an event twice, and a user must see it once.
// The window is a ring buffer so memory stays flat however long the app runs.

export const DEFAULT_DEDUPE_WINDOW = 10_000;

export class IdWindow {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number = DEFAULT_DEDUPE_WINDOW) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`the de-duplication window must be a positive integer (got ${capacity})`);
    }
    // Stryker disable next-line ArrayDeclaration: the length only sizes the array up front; an empty one grows to the same contents
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True when `id` is among the last `capacity` ids seen; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    const evicted = this.ring[this.next];
    // Stryker disable next-line ConditionalExpression: for the types only; deleting undefined from a Set of strings does nothing
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.ids.add(id);
    // Stryker disable next-line ArithmeticOperator: "- 1" walks the same ring backwards (0, -1, -2, ... as keys): a true equivalent
    this.next = (this.next + 1) % this.capacity;
    return false;
  }

  get size(): number {
    return this.ids.size;
  }

  clear(): void {
    this.ids.clear();
    this.ring.fill(undefined);
    this.next = 0;
  }
}
