// One realistic event per type (docs/events.md), with the severity where the type has one.
import { EVENT_TYPES } from '../../../main/core/common/protocol';
import type { EventMessage, EventType, Severity } from '../../../main/core/common/protocol';

const STATUS_FOR: Record<Severity, string> = {
  low: 'operational',
  medium: 'degraded',
  high: 'partial_outage',
  critical: 'major_outage',
};

let counter = 0;

export function sample(event: EventType, severity: Severity = 'high', id?: string): EventMessage {
  const data: Record<string, unknown> = (() => {
    switch (event) {
      case 'security.alert.created':
        return {
          id: 'alert_1',
          title: 'Suspicious login attempt',
          description: 'Multiple failed logins',
          severity,
          category: 'authentication',
          source: '192.168.1.100',
        };
      case 'security.alert.updated':
        return {
          id: 'alert_1',
          title: 'Suspicious login attempt',
          severity,
          status: 'acknowledged',
          updatedBy: 'alice',
          category: 'authentication',
          source: '192.168.1.100',
        };
      case 'security.scan.completed':
        return {
          id: 'scan_1',
          target: 'db-1',
          scanType: 'malware',
          findings: 2,
          highestSeverity: severity,
        };
      case 'security.scan.started':
        return { id: 'scan_1', target: 'db-1', scanType: 'malware', startedBy: 'bob' };
      case 'system.status.changed':
        return {
          status: STATUS_FOR[severity],
          previousStatus: 'operational',
          component: 'api',
          message: 'Errors rising',
        };
      case 'system.maintenance.start':
        return {
          id: 'mnt_1',
          title: 'Database upgrade',
          components: ['db', 'api'],
          expectedEndAt: '2026-11-26T14:00:00Z',
        };
      case 'system.maintenance.end':
        return { id: 'mnt_1', title: 'Database upgrade', outcome: 'completed' };
      case 'message.created':
        return {
          id: 'msg_1',
          roomName: 'ops',
          senderName: 'carol',
          content: 'hello',
          messageType: 'text',
        };
      case 'analytics.metric.updated':
        return {
          name: 'cpu',
          value: 93.5,
          unit: 'percent',
          metadata: { server: 'web-1', region: 'eu' },
        };
      default:
        return { id: 'x_1', name: 'thing', userName: 'dave', roomName: 'ops' };
    }
  })();
  const channel = event.split('.')[0]!;
  return {
    type: 'event',
    id: id ?? `evt_${++counter}`,
    event,
    channel: channel === 'message' ? 'messages' : channel === 'room' ? 'rooms' : channel,
    timestamp: '2026-11-26T12:00:00Z',
    data,
  };
}

export const ALL_TYPES = EVENT_TYPES;
