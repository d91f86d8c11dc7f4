// The demo generator, seeded: every event type in the shapes of docs/events.md, and a world
// that hangs together (updates follow creations, ends follow starts).
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, SEVERITIES } from '../../../main/core/common/protocol';
import { createDemoGenerator, seededRandom } from '../../../main/server/demo';
import type { DemoEvent } from '../../../main/server/demo';

const FIELDS: Record<string, string[]> = {
  'message.created': [
    'id',
    'roomId',
    'roomName',
    'senderId',
    'senderName',
    'content',
    'messageType',
    'createdAt',
    'metadata',
  ],
  'message.updated': [
    'id',
    'roomId',
    'roomName',
    'senderId',
    'senderName',
    'content',
    'updatedAt',
    'editedBy',
  ],
  'message.deleted': ['id', 'roomId', 'roomName', 'deletedBy', 'deletedAt'],
  'room.created': ['id', 'name', 'createdBy', 'visibility', 'createdAt'],
  'room.updated': ['id', 'name', 'changes', 'updatedBy', 'updatedAt'],
  'room.member.joined': ['roomId', 'roomName', 'userId', 'userName', 'role', 'joinedAt'],
  'room.member.left': ['roomId', 'roomName', 'userId', 'userName', 'reason', 'leftAt'],
  'trust.identity.created': ['id', 'userId', 'userName', 'provider', 'createdAt'],
  'trust.identity.updated': ['id', 'userId', 'userName', 'provider', 'status', 'updatedAt'],
  'trust.verification.created': ['id', 'verifierName', 'subjectName', 'method', 'createdAt'],
  'trust.verification.updated': ['id', 'verifierName', 'subjectName', 'status', 'updatedAt'],
  'trust.reputation.updated': ['userId', 'userName', 'score', 'previousScore', 'reason'],
  'analytics.metric.updated': ['name', 'value', 'unit', 'timestamp', 'metadata'],
  'analytics.report.created': ['id', 'name', 'period', 'requestedBy', 'createdAt'],
  'analytics.report.completed': [
    'id',
    'name',
    'period',
    'url',
    'rows',
    'durationMs',
    'completedAt',
  ],
  'security.alert.created': [
    'id',
    'title',
    'description',
    'severity',
    'category',
    'source',
    'createdAt',
    'metadata',
  ],
  'security.alert.updated': [
    'id',
    'title',
    'severity',
    'status',
    'updatedBy',
    'updatedAt',
    'category',
    'source',
  ],
  'security.scan.started': ['id', 'target', 'scanType', 'startedBy', 'startedAt'],
  'security.scan.completed': [
    'id',
    'target',
    'scanType',
    'findings',
    'highestSeverity',
    'durationMs',
    'completedAt',
  ],
  'system.status.changed': ['status', 'previousStatus', 'component', 'message', 'changedAt'],
  'system.maintenance.start': [
    'id',
    'title',
    'description',
    'components',
    'startsAt',
    'expectedEndAt',
  ],
  'system.maintenance.end': ['id', 'title', 'endedAt', 'outcome'],
};

function run(seed: number, n: number): DemoEvent[] {
  let t = Date.parse('2025-03-01T10:00:00Z');
  const gen = createDemoGenerator({ random: seededRandom(seed), now: () => (t += 500) });
  return Array.from({ length: n }, () => gen.next());
}

describe('demo generator', () => {
  it('is reproducible with a seed', () => {
    expect(run(7, 200)).toEqual(run(7, 200));
    expect(run(7, 200)).not.toEqual(run(8, 200));
  });

  it('produces all 22 event types with the documented fields', () => {
    const events = run(42, 5000);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(EVENT_TYPES));
    for (const e of events) {
      for (const field of FIELDS[e.event]!)
        expect(e.data, `${e.event}.${field}`).toHaveProperty(field);
    }
  });

  it('uses ISO 8601 times, documented severities, units, prefixes and names', () => {
    const events = run(3, 3000);
    const timeField = /At$|^timestamp$/;
    for (const e of events) {
      for (const [k, v] of Object.entries(e.data)) {
        if (timeField.test(k))
          expect(new Date(v as string).toISOString(), `${e.event}.${k}`).toBe(v);
      }
      if (e.event.startsWith('security.alert.')) expect(SEVERITIES).toContain(e.data.severity);
      if (e.event === 'security.alert.created') {
        expect(e.data.id).toMatch(/^alert_/);
        expect([
          'authentication',
          'network',
          'malware',
          'data_exfiltration',
          'configuration',
        ]).toContain(e.data.category);
      }
      if (e.event === 'analytics.metric.updated') {
        expect(['percent', 'ms', 'req/s', 'MB', 'count']).toContain(e.data.unit);
        expect(typeof e.data.value).toBe('number');
        const meta = e.data.metadata as Record<string, unknown>;
        expect(typeof meta.server).toBe('string');
        expect(typeof meta.region).toBe('string');
      }
      if (e.event === 'message.created') {
        expect(e.data.id).toMatch(/^msg_/);
        expect(typeof e.data.senderName).toBe('string');
        expect(typeof e.data.roomName).toBe('string');
      }
      if (e.event === 'security.scan.completed' && e.data.findings === 0)
        expect(e.data.highestSeverity).toBeNull();
    }
    const severities = new Set(
      events.filter((e) => e.event === 'security.alert.created').map((e) => e.data.severity),
    );
    expect(severities).toEqual(new Set(SEVERITIES));
  });

  it('walks each metric per server within bounds instead of jumping at random', () => {
    const cpu = run(11, 4000).filter(
      (e) =>
        e.event === 'analytics.metric.updated' &&
        e.data.name === 'cpu_usage' &&
        (e.data.metadata as { server: string }).server === 'web-01',
    );
    expect(cpu.length).toBeGreaterThan(10);
    for (let i = 1; i < cpu.length; i++) {
      const step = Math.abs((cpu[i]!.data.value as number) - (cpu[i - 1]!.data.value as number));
      expect(step).toBeLessThanOrEqual(6.2); // a walk step of at most 6, shown rounded to 0.1
      expect(cpu[i]!.data.value as number).toBeGreaterThanOrEqual(0);
      expect(cpu[i]!.data.value as number).toBeLessThanOrEqual(100);
    }
  });

  it('ends only maintenance windows that started, and updates only what was created', () => {
    const events = run(5, 6000);
    let open: unknown = null;
    const created = new Set<unknown>();
    const scans = new Set<unknown>();
    for (const e of events) {
      if (e.event === 'system.maintenance.start') {
        expect(open).toBeNull();
        open = e.data.id;
      }
      if (e.event === 'system.maintenance.end') {
        expect(e.data.id).toBe(open);
        open = null;
      }
      if (e.event === 'security.alert.created') created.add(e.data.id);
      if (e.event === 'security.alert.updated') expect(created).toContain(e.data.id);
      if (e.event === 'security.scan.started') scans.add(e.data.id);
      if (e.event === 'security.scan.completed') expect(scans).toContain(e.data.id);
    }
    expect(events.filter((e) => e.event === 'system.maintenance.end').length).toBeGreaterThan(0);
  });
});
