// Sample payloads for all 22 event types, in the shapes docs/events.md fixes. Used by the
// scripted window API (in the page) and by the specs (in Node), so both agree on content.
import { CATALOG, CHANNELS, EVENT_TYPES, channelOf } from '../../../main/core/common/protocol';
import type { EventType } from '../../../main/core/common/protocol';
import { severityOf } from '../../../main/core/severity';
import type { FeedEvent } from '../../../main/core/common/views';
import type { ServerSettings } from '../../../main/core/common/settings-schema';

export { CATALOG, EVENT_TYPES };

const USERS = ['alice', 'bob', 'carol', 'dmitri', 'elena', 'farid'];
const ROOMS = ['ops', 'general', 'incident-42', 'security', 'random'];
const SEV = ['low', 'medium', 'high', 'critical'] as const;
const STATUS = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

export function sampleData(event: EventType, i: number): Record<string, unknown> {
  const user = pick(USERS, i);
  const other = pick(USERS, i + 2);
  const room = pick(ROOMS, i);
  const at = new Date(Date.UTC(2025, 0, 1, 12, 0, 0) + i * 1000).toISOString();
  switch (event) {
    case 'message.created':
      return {
        id: `msg_${i}`,
        roomId: `room_${i % 5}`,
        roomName: room,
        senderId: `usr_${i % 6}`,
        senderName: user,
        content: `Deploy number ${i} is rolling out`,
        messageType: 'text',
        createdAt: at,
        metadata: { priority: 'normal', encrypted: true },
      };
    case 'message.updated':
      return {
        id: `msg_${i}`,
        roomId: `room_${i % 5}`,
        roomName: room,
        senderId: `usr_${i % 6}`,
        senderName: user,
        content: `Edited text ${i}`,
        updatedAt: at,
        editedBy: user,
      };
    case 'message.deleted':
      return {
        id: `msg_${i}`,
        roomId: `room_${i % 5}`,
        roomName: room,
        deletedBy: other,
        deletedAt: at,
      };
    case 'room.created':
      return {
        id: `room_${i}`,
        name: room,
        createdBy: user,
        visibility: i % 2 ? 'private' : 'public',
        createdAt: at,
      };
    case 'room.updated':
      return {
        id: `room_${i}`,
        name: room,
        changes: ['name', 'topic'],
        updatedBy: user,
        updatedAt: at,
      };
    case 'room.member.joined':
      return {
        roomId: `room_${i}`,
        roomName: room,
        userId: `usr_${i}`,
        userName: user,
        role: 'member',
        joinedAt: at,
      };
    case 'room.member.left':
      return {
        roomId: `room_${i}`,
        roomName: room,
        userId: `usr_${i}`,
        userName: user,
        reason: 'left',
        leftAt: at,
      };
    case 'trust.identity.created':
      return {
        id: `idn_${i}`,
        userId: `usr_${i}`,
        userName: user,
        provider: 'webauthn',
        createdAt: at,
      };
    case 'trust.identity.updated':
      return {
        id: `idn_${i}`,
        userId: `usr_${i}`,
        userName: user,
        provider: 'pgp',
        status: 'revoked',
        updatedAt: at,
      };
    case 'trust.verification.created':
      return {
        id: `ver_${i}`,
        verifierName: user,
        subjectName: other,
        method: 'in_person',
        createdAt: at,
      };
    case 'trust.verification.updated':
      return {
        id: `ver_${i}`,
        verifierName: user,
        subjectName: other,
        status: 'confirmed',
        updatedAt: at,
      };
    case 'trust.reputation.updated':
      return {
        userId: `usr_${i}`,
        userName: user,
        score: 70 + (i % 30),
        previousScore: 65,
        reason: 'verified identity',
      };
    case 'analytics.metric.updated':
      return {
        name: pick(['cpu_usage', 'latency_p95', 'requests'], i),
        value: 40 + (i % 50),
        unit: pick(['percent', 'ms', 'req/s'], i),
        timestamp: at,
        metadata: { server: pick(['srv-1', 'srv-2'], i), region: 'eu-west' },
      };
    case 'analytics.report.created':
      return {
        id: `rep_${i}`,
        name: `Weekly digest ${i}`,
        period: 'weekly',
        requestedBy: user,
        createdAt: at,
      };
    case 'analytics.report.completed':
      return {
        id: `rep_${i}`,
        name: `Weekly digest ${i}`,
        period: 'weekly',
        url: `https://reports.example/rep_${i}`,
        rows: 1 + (i % 1000),
        durationMs: 1200,
        completedAt: at,
      };
    case 'security.alert.created':
      return {
        id: `alert_${i}`,
        title: `Brute force attempt ${i}`,
        description: 'Many failed logins',
        severity: pick(SEV, i),
        category: 'authentication',
        source: `10.0.${i % 255}.7`,
        createdAt: at,
        metadata: { attempts: 40 },
      };
    case 'security.alert.updated':
      return {
        id: `alert_${i}`,
        title: `Brute force attempt ${i}`,
        severity: pick(SEV, i + 1),
        status: 'acknowledged',
        updatedBy: user,
        updatedAt: at,
        category: 'authentication',
        source: `10.0.${i % 255}.7`,
      };
    case 'security.scan.started':
      return {
        id: `scan_${i}`,
        target: `host-${i % 9}`,
        scanType: 'vulnerability',
        startedBy: user,
        startedAt: at,
      };
    case 'security.scan.completed':
      return {
        id: `scan_${i}`,
        target: `host-${i % 9}`,
        scanType: 'vulnerability',
        findings: i % 4,
        highestSeverity: i % 4 ? pick(SEV, i) : null,
        durationMs: 5000,
        completedAt: at,
      };
    case 'system.status.changed':
      return {
        status: pick(STATUS, i),
        previousStatus: 'operational',
        component: pick(['api', 'database', 'push'], i),
        message: 'Elevated error rates',
        changedAt: at,
      };
    case 'system.maintenance.start':
      return {
        id: `mnt_${i}`,
        title: `Database upgrade ${i}`,
        description: 'Planned',
        components: ['database', 'api'],
        startsAt: at,
        expectedEndAt: at,
      };
    case 'system.maintenance.end':
      return { id: `mnt_${i}`, title: `Database upgrade ${i}`, endedAt: at, outcome: 'completed' };
  }
}

/** The demo server's id (main's DEMO_SLOT): the only server when none is configured. */
export const DEMO_SERVER = 'demo';

/**
 * A feed entry as main would hand it to the window: from `server` (the demo by default), with
 * the server's own id `evt_<i>` (or `id`) and the feed id `<server>/<that id>`.
 */
export function makeEvent(
  i: number,
  opts: {
    event?: EventType;
    receivedAt?: number;
    read?: boolean;
    data?: Record<string, unknown>;
    /** the server's own id for the event */
    id?: string;
    server?: string;
  } = {},
): FeedEvent {
  const event = opts.event ?? pick(EVENT_TYPES, i);
  const data = opts.data ?? sampleData(event, i);
  const server = opts.server ?? DEMO_SERVER;
  const eventId = opts.id ?? `evt_${i}`;
  return {
    kind: 'event',
    id: `${server}/${eventId}`,
    eventId,
    server,
    event,
    channel: channelOf(event),
    timestamp: new Date(Date.UTC(2025, 0, 1, 12, 0, 0) + i * 1000).toISOString(),
    receivedAt: opts.receivedAt ?? Date.now() - 1000,
    severity: severityOf(event, data),
    read: opts.read ?? false,
    data,
  };
}

/** A configured server as the settings keep it: enabled, every channel, the app's rules. */
export function makeServer(
  id: string,
  name: string,
  url: string,
  patch: Partial<Omit<ServerSettings, 'id' | 'name' | 'url'>> = {},
): ServerSettings {
  return {
    id,
    name,
    url,
    enabled: true,
    authMethod: 'header',
    subscriptions: { channels: [...CHANNELS], events: [] },
    notifications: null,
    network: null,
    ...patch,
  };
}
