// The one place that says what an event's severity is (docs/events.md, "Severity").
import { isSeverity } from './protocol';
import type { Severity } from './protocol';

const STATUS_SEVERITY: Record<string, Severity> = {
  operational: 'low',
  degraded: 'medium',
  partial_outage: 'high',
  major_outage: 'critical',
};

export function severityOf(event: string, data: Record<string, unknown>): Severity | null {
  if (event.startsWith('security.alert.')) return isSeverity(data.severity) ? data.severity : null;
  if (event === 'security.scan.completed')
    return isSeverity(data.highestSeverity) ? data.highestSeverity : null;
  if (event === 'system.status.changed' && typeof data.status === 'string')
    return STATUS_SEVERITY[data.status] ?? null;
  return null;
}
