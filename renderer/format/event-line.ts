// One readable line per event type: who did what, where. Pure functions over untrusted
// payloads: every field may be missing, of the wrong type, very long or hostile, so each is
// read through scalarText/firstText and the result is plain text.
import type { FeedEvent } from '../../main/core/common/views';
import type { I18n, StringKey } from '../i18n';
import { firstText, listText, numberOf, scalarText } from './text';
import { formatMetric } from './metric';

type Data = Record<string, unknown>;

function obj(value: unknown): Data {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}

function room(d: Data): string {
  return firstText([d.roomName, d.roomId]);
}

export function eventLine(ev: Pick<FeedEvent, 'event' | 'data'>, i18n: I18n): string {
  const d = obj(ev.data);
  const t = i18n.t;
  const someone = t('line.someone');
  const who = (...v: unknown[]) => firstText(v, someone, 60);
  const f = (...v: unknown[]) => firstText(v);
  const line = (key: StringKey, params: Record<string, string | number>) => t(key, params);

  switch (ev.event) {
    case 'message.created':
    case 'message.updated':
      return line(`line.${ev.event}`, {
        // an edit is told from the editor's side; a new message from the sender's
        who:
          ev.event === 'message.updated'
            ? who(d.editedBy, d.senderName)
            : who(d.senderName, d.senderId),
        room: room(d),
        text: `“${firstText([d.content], '…', 80)}”`,
      });
    case 'message.deleted':
      return line('line.message.deleted', { who: who(d.deletedBy), room: room(d) });
    case 'room.created':
      return line('line.room.created', {
        who: who(d.createdBy),
        room: f(d.name, d.id),
        visibility: f(d.visibility),
      });
    case 'room.updated':
      return line('line.room.updated', {
        who: who(d.updatedBy),
        room: f(d.name, d.id),
        changes: listText(d.changes),
      });
    case 'room.member.joined':
      return line('line.room.member.joined', {
        who: who(d.userName, d.userId),
        room: room(d),
        role: f(d.role),
      });
    case 'room.member.left':
      return line('line.room.member.left', {
        who: who(d.userName, d.userId),
        room: room(d),
        reason: f(d.reason),
      });
    case 'trust.identity.created':
      return line('line.trust.identity.created', {
        who: who(d.userName, d.userId),
        provider: f(d.provider),
      });
    case 'trust.identity.updated':
      return line('line.trust.identity.updated', {
        who: who(d.userName, d.userId),
        provider: f(d.provider),
        status: f(d.status),
      });
    case 'trust.verification.created':
      return line('line.trust.verification.created', {
        verifier: who(d.verifierName),
        subject: who(d.subjectName),
        method: f(d.method),
      });
    case 'trust.verification.updated':
      return line('line.trust.verification.updated', {
        verifier: who(d.verifierName),
        subject: who(d.subjectName),
        status: f(d.status),
      });
    case 'trust.reputation.updated':
      return line('line.trust.reputation.updated', {
        who: who(d.userName, d.userId),
        previous: f(d.previousScore),
        score: f(d.score),
        reason: f(d.reason),
      });
    case 'analytics.metric.updated': {
      const meta = obj(d.metadata);
      const value = numberOf(d.value);
      return line('line.analytics.metric.updated', {
        name: f(d.name),
        value: value === null ? '—' : formatMetric(value, d.unit, i18n),
        server: f(meta.server, meta.region),
      });
    }
    case 'analytics.report.created':
      return line('line.analytics.report.created', {
        who: who(d.requestedBy),
        name: f(d.name, d.id),
        period: f(d.period),
      });
    case 'analytics.report.completed': {
      const rows = numberOf(d.rows);
      return line('line.analytics.report.completed', {
        name: f(d.name, d.id),
        count: rows ?? '—',
      });
    }
    case 'security.alert.created':
      return line('line.security.alert.created', {
        title: f(d.title, d.id),
        source: f(d.source),
        category: f(d.category),
      });
    case 'security.alert.updated':
      return line('line.security.alert.updated', {
        title: f(d.title, d.id),
        status: f(d.status),
        who: who(d.updatedBy),
      });
    case 'security.scan.started':
      return line('line.security.scan.started', {
        who: who(d.startedBy),
        scanType: f(d.scanType),
        target: f(d.target, d.id),
      });
    case 'security.scan.completed': {
      const findings = numberOf(d.findings);
      return line('line.security.scan.completed', {
        scanType: f(d.scanType),
        target: f(d.target, d.id),
        count: findings ?? '—',
      });
    }
    case 'system.status.changed':
      return line('line.system.status.changed', {
        component: f(d.component),
        status: f(d.status),
        previous: f(d.previousStatus),
        message: f(d.message),
      });
    case 'system.maintenance.start':
      return line('line.system.maintenance.start', {
        title: f(d.title, d.id),
        components: listText(d.components),
      });
    case 'system.maintenance.end':
      return line('line.system.maintenance.end', {
        title: f(d.title, d.id),
        outcome: f(d.outcome),
      });
    default:
      return line('line.unknown', { event: scalarText(ev.event, 64) || '?' });
  }
}
