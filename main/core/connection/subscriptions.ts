// The subscription ledger: the desired set of channels and event types, what the server has
// in force on the current connection, and a status per desired name. The engine asks it for
// the requests to send (a diff while connected, the whole set after a reconnect) and feeds
// it the server's responses and errors. No sockets here, so every rule is unit-tested.
import { CHANNEL_ALIASES, ERROR_CODES } from '../common/protocol';
import type { Channel, EventType } from '../common/protocol';
import type { DesiredSubscriptions, SubscriptionStatus } from './types';

type Kind = 'channel' | 'event';
type Key = string; // `${kind}:${name}`

const keyOf = (kind: Kind, name: string): Key => `${kind}:${name}`;
const kindOf = (key: Key): Kind => (key.startsWith('channel:') ? 'channel' : 'event');
const nameOf = (key: Key): string => key.slice(key.indexOf(':') + 1);

export interface SubscriptionRequest {
  type: 'subscribe' | 'unsubscribe';
  id: string;
  channels?: string[];
  events?: string[];
}

interface Rejection {
  code: string;
  message: string;
}

/** Our client always sends canonical names (docs/protocol.md, "Aliases"). */
function canonicalChannel(name: string): string {
  return CHANNEL_ALIASES.get(name) ?? name;
}

function uniqueStrings(values: readonly unknown[] | undefined): string[] {
  if (!Array.isArray(values)) return [];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

export class SubscriptionLedger {
  private desiredKeys: Key[] = [];
  private readonly rejected = new Map<Key, Rejection>();
  /** what the server has, or will have once our sent requests land, on this connection */
  private readonly inForce = new Set<Key>();
  /** the subset of inForce a server response has confirmed */
  private readonly confirmed = new Set<Key>();
  private readonly requests = new Map<string, { type: SubscriptionRequest['type']; keys: Key[] }>();
  private nextRequest = 1;

  constructor(initial?: DesiredSubscriptions) {
    if (initial) this.setDesired(initial);
  }

  /**
   * Replace the desired set. Returns false when it is the same set. A changed set clears the
   * rejections, so a name rejected earlier is asked for once more (permissions change).
   */
  setDesired(desired: DesiredSubscriptions): boolean {
    const keys = [
      ...uniqueStrings(desired.channels).map((c) => keyOf('channel', canonicalChannel(c))),
      ...uniqueStrings(desired.events).map((e) => keyOf('event', e)),
    ];
    const next = [...new Set(keys)];
    const same =
      next.length === this.desiredKeys.length && next.every((k, i) => k === this.desiredKeys[i]);
    if (same) return false;
    this.desiredKeys = next;
    this.rejected.clear();
    return true;
  }

  getDesired(): DesiredSubscriptions {
    return {
      channels: this.desiredKeys.filter((k) => kindOf(k) === 'channel').map(nameOf) as Channel[],
      events: this.desiredKeys.filter((k) => kindOf(k) === 'event').map(nameOf) as EventType[],
    };
  }

  /** A new connection (or none): the server holds nothing for us any more. */
  resetConnection(): void {
    this.inForce.clear();
    this.confirmed.clear();
    this.requests.clear();
  }

  clearRejections(): void {
    this.rejected.clear();
  }

  /**
   * The requests that take the server from what is in force to what is desired, skipping
   * rejected names. Unsubscribe goes first so it frees room under the server's limit.
   * Marks the result as in force (optimistically) and remembers each request by id.
   */
  diff(): SubscriptionRequest[] {
    const desired = new Set(this.desiredKeys);
    const drop = [...this.inForce].filter((k) => !desired.has(k));
    const add = this.desiredKeys.filter((k) => !this.inForce.has(k) && !this.rejected.has(k));
    const out: SubscriptionRequest[] = [];
    if (drop.length) {
      out.push(this.request('unsubscribe', drop));
      for (const k of drop) {
        this.inForce.delete(k);
        this.confirmed.delete(k);
      }
    }
    if (add.length) {
      out.push(this.request('subscribe', add));
      for (const k of add) this.inForce.add(k);
    }
    return out;
  }

  private request(type: SubscriptionRequest['type'], keys: Key[]): SubscriptionRequest {
    const id = `${type === 'subscribe' ? 'sub' : 'unsub'}-${this.nextRequest++}`;
    this.requests.set(id, { type, keys });
    const req: SubscriptionRequest = { type, id };
    const channels = keys.filter((k) => kindOf(k) === 'channel').map(nameOf);
    const events = keys.filter((k) => kindOf(k) === 'event').map(nameOf);
    if (channels.length) req.channels = channels;
    if (events.length) req.events = events;
    return req;
  }

  /** A `response` to subscribe/unsubscribe. Returns true when a status changed. */
  onResponse(data: {
    action?: string;
    requestId?: string;
    channels?: string[];
    events?: string[];
  }): boolean {
    // An answered request is forgotten: a late error for it can no longer undo the answer.
    const req = this.requestFor(data.requestId, true);
    const action = data.action ?? req?.type;
    if (action !== 'subscribe') return false;

    const before = this.signature();
    const listed = new Set<Key>([
      ...uniqueStrings(data.channels).map((c) => keyOf('channel', canonicalChannel(c))),
      ...uniqueStrings(data.events).map((e) => keyOf('event', e)),
    ]);
    // Whether the lists name the whole set in force or only this request's part, a listed
    // name that we asked for is in force.
    for (const k of listed) if (this.inForce.has(k)) this.confirmed.add(k);
    // A response that names nothing at all accepted the request as sent.
    if (req && data.channels === undefined && data.events === undefined) {
      for (const k of req.keys) if (this.inForce.has(k)) this.confirmed.add(k);
    }
    return this.signature() !== before;
  }

  /**
   * An `error` that concerns subscriptions (4002, 4004, 4005). Returns true when a status
   * changed. A 4004 rejects every name of its request (nothing of it was applied).
   */
  onError(data: {
    code: string;
    message?: string;
    channel?: string;
    event?: string;
    requestId?: string;
  }): boolean {
    const rejection: Rejection = { code: data.code, message: data.message ?? '' };
    const req = this.requestFor(data.requestId);
    let keys: Key[] = [];
    if (req?.type === 'unsubscribe') {
      // Failing to drop a name changes nothing: `keys` stays empty.
    } else if (data.code === ERROR_CODES.SUBSCRIPTION_LIMIT) {
      // Nothing of the request was applied; with no request to go by, nothing unconfirmed was.
      keys = req ? req.keys : [...this.inForce].filter((k) => !this.confirmed.has(k));
    } else if (data.code === ERROR_CODES.NO_PERMISSION || data.code === ERROR_CODES.UNKNOWN_NAME) {
      if (data.channel) keys.push(keyOf('channel', canonicalChannel(data.channel)));
      if (data.event) keys.push(keyOf('event', data.event));
      // An error that names nothing is about its request when that asked for one name only.
      if (!keys.length && req?.keys.length === 1) keys = req.keys;
    }
    // Any other code concerns no name: `keys` is empty, and nothing changes.
    const desired = new Set(this.desiredKeys);
    let changed = false;
    for (const k of keys) {
      this.inForce.delete(k);
      this.confirmed.delete(k);
      if (desired.has(k)) {
        this.rejected.set(k, rejection);
        changed = true;
      }
    }
    return changed;
  }

  statuses(): SubscriptionStatus[] {
    return this.desiredKeys.map((k): SubscriptionStatus => {
      const kind = kindOf(k);
      const name = nameOf(k);
      const r = this.rejected.get(k);
      if (r) return { kind, name, status: 'rejected', code: r.code, message: r.message };
      return { kind, name, status: this.confirmed.has(k) ? 'active' : 'pending' };
    });
  }

  /** The request `requestId` names, if we sent it; `forget` drops it once it is answered. */
  private requestFor(requestId: string | undefined, forget = false) {
    // Stryker disable next-line ConditionalExpression: for the types only; get and delete of undefined find nothing anyway
    if (requestId === undefined) return undefined;
    const req = this.requests.get(requestId);
    if (forget) this.requests.delete(requestId);
    return req;
  }

  private signature(): string {
    return JSON.stringify(this.statuses());
  }
}
