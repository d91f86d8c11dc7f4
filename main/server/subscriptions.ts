// What one client is subscribed to, and the rules for changing it (docs/protocol.md,
// "Subscriptions"): unknown names are refused one by one (4005), channels the token may not
// read likewise (4002), known names in the same request are applied, and a request that would
// go over the limit is refused whole (4004).
import { ERROR_CODES, canonicalChannel, channelOf, isEventType } from '../core/common/protocol';
import type { Channel, EventType } from '../core/common/protocol';
import { mayRead } from './tokens';
import type { ResolvedGrant } from './tokens';

export interface SubscriptionSet {
  channels: ReadonlySet<Channel>;
  events: ReadonlySet<EventType>;
}

export interface SubscriptionRequest {
  action: 'subscribe' | 'unsubscribe';
  channels?: readonly string[];
  events?: readonly string[];
}

export interface Rejection {
  code: string;
  message: string;
  channel?: string;
  event?: string;
}

export interface SubscriptionOutcome {
  next: SubscriptionSet;
  rejections: Rejection[];
  /** false when the whole request was refused (over the limit) */
  applied: boolean;
}

export const EMPTY_SUBSCRIPTIONS: SubscriptionSet = { channels: new Set(), events: new Set() };

export function subscriptionCount(set: SubscriptionSet): number {
  return set.channels.size + set.events.size;
}

export function applySubscriptionRequest(
  current: SubscriptionSet,
  request: SubscriptionRequest,
  grant: ResolvedGrant,
  limit: number,
): SubscriptionOutcome {
  const rejections: Rejection[] = [];
  const channels: Channel[] = [];
  const events: EventType[] = [];

  for (const name of request.channels ?? []) {
    const channel = canonicalChannel(name);
    if (!channel) {
      rejections.push({
        code: ERROR_CODES.UNKNOWN_NAME,
        message: `channel "${name}" does not exist`,
        channel: name,
      });
    } else if (request.action === 'subscribe' && !mayRead(grant, channel)) {
      rejections.push({
        code: ERROR_CODES.NO_PERMISSION,
        message: `this token may not read the channel "${channel}"`,
        channel: name,
      });
    } else {
      channels.push(channel);
    }
  }
  for (const name of request.events ?? []) {
    if (!isEventType(name)) {
      rejections.push({
        code: ERROR_CODES.UNKNOWN_NAME,
        message: `event type "${name}" does not exist`,
        event: name,
      });
    } else if (request.action === 'subscribe' && !mayRead(grant, channelOf(name))) {
      rejections.push({
        code: ERROR_CODES.NO_PERMISSION,
        message: `this token may not read the channel "${channelOf(name)}" of "${name}"`,
        event: name,
      });
    } else {
      events.push(name);
    }
  }

  const nextChannels = new Set(current.channels);
  const nextEvents = new Set(current.events);
  if (request.action === 'subscribe') {
    for (const c of channels) nextChannels.add(c);
    for (const e of events) nextEvents.add(e);
  } else {
    for (const c of channels) nextChannels.delete(c);
    for (const e of events) nextEvents.delete(e);
  }
  const next = { channels: nextChannels, events: nextEvents };

  if (request.action === 'subscribe' && subscriptionCount(next) > limit) {
    rejections.push({
      code: ERROR_CODES.SUBSCRIPTION_LIMIT,
      message: `at most ${limit} subscriptions (channels plus event types) per connection; this request would make ${subscriptionCount(next)}, so none of it was applied`,
    });
    return { next: current, rejections, applied: false };
  }
  return { next, rejections, applied: true };
}

/** Drop what a (changed) grant no longer allows; returns the dropped names as 4002 rejections. */
export function pruneToGrant(
  current: SubscriptionSet,
  grant: ResolvedGrant,
): { next: SubscriptionSet; rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  const channels = new Set<Channel>();
  const events = new Set<EventType>();
  for (const c of current.channels) {
    if (mayRead(grant, c)) channels.add(c);
    else
      rejections.push({
        code: ERROR_CODES.NO_PERMISSION,
        message: `this token may no longer read the channel "${c}"`,
        channel: c,
      });
  }
  for (const e of current.events) {
    if (mayRead(grant, channelOf(e))) events.add(e);
    else
      rejections.push({
        code: ERROR_CODES.NO_PERMISSION,
        message: `this token may no longer read the channel "${channelOf(e)}" of "${e}"`,
        event: e,
      });
  }
  return { next: { channels, events }, rejections };
}

export function wants(set: SubscriptionSet, channel: Channel, event: EventType): boolean {
  return set.channels.has(channel) || set.events.has(event);
}
