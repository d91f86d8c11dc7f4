// The one place that says what an event's severity is (docs/events.md, "Severity").
import { isSeverity } from './common/protocol';
import type { Severity } from './common/protocol';

// A Map, not an object literal: the status is the server's string, and "constructor" must be
// an unknown status, not Object.prototype's member.
const STATUS_SEVERITY: ReadonlyMap<string, Severity> = new Map([
  ['operational', 'low'],
  ['degraded', 'medium'],
  ['partial_outage', 'high'],
  ['major_outage', 'critical'],
]);

export function severityOf(event: string, data: Record<string, unknown>): Severity | null {
  if (event.startsWith('security.alert.')) return isSeverity(data.severity) ? data.severity : null;
  if (event === 'security.scan.completed')
    return isSeverity(data.highestSeverity) ? data.highestSeverity : null;
  // Stryker disable next-line ConditionalExpression: the typeof is for the types; the Map has only string keys
  if (event === 'system.status.changed' && typeof data.status === 'string')
    return STATUS_SEVERITY.get(data.status) ?? null;
  return null;
}
