import { describe, expect, it } from 'vitest';
import { severityOf } from '../../../main/core/severity';

describe('severityOf (docs/events.md, "Severity")', () => {
  it('an alert carries its own severity, a scan its highest finding', () => {
    expect(severityOf('security.alert.created', { severity: 'high' })).toBe('high');
    expect(severityOf('security.alert.updated', { severity: 'critical' })).toBe('critical');
    expect(severityOf('security.alert.created', { severity: 'urgent' })).toBeNull();
    expect(severityOf('security.scan.completed', { highestSeverity: 'medium' })).toBe('medium');
    expect(severityOf('security.scan.completed', { severity: 'high' })).toBeNull();
  });

  it('a system status maps to a severity; an unknown status, even "constructor", to none', () => {
    const status = (s: unknown) => severityOf('system.status.changed', { status: s });
    expect(['operational', 'degraded', 'partial_outage', 'major_outage'].map(status)).toEqual([
      'low',
      'medium',
      'high',
      'critical',
    ]);
    expect(status('constructor')).toBeNull();
    expect(status(42)).toBeNull();
  });

  it('other events have no severity, whatever their payload says', () => {
    expect(severityOf('room.created', { status: 'major_outage', severity: 'critical' })).toBeNull();
    expect(severityOf('system.maintenance.start', { status: 'degraded' })).toBeNull();
  });
});
