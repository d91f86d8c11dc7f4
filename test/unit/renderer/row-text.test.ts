import { describe, expect, it } from 'vitest';
import { createI18n } from '../../../renderer/i18n';
import { rowText } from '../../../renderer/format/row-text';
import type { FeedEntry } from '../../../main/core/common/views';

const en = createI18n('en');
const at = Date.UTC(2026, 11, 3, 9, 30);

const alert: FeedEntry = {
  kind: 'event',
  id: 'prod/alert_1',
  eventId: 'alert_1',
  server: 'prod',
  event: 'security.alert.created',
  channel: 'security',
  timestamp: null,
  receivedAt: at,
  severity: 'high',
  read: false,
  data: { title: 'Port scan', category: 'network', source: '203.0.113.7\tx\ny' },
};

describe('rowText', () => {
  it('gives time, severity, line and type, separated by tabs', () => {
    const fields = rowText(alert, en, null).split('\t');
    expect(fields).toEqual([
      en.dateTime(at),
      'High',
      expect.stringContaining('Port scan'),
      'security.alert.created',
    ]);
  });

  it('puts the server first when rows name it, and keeps an empty column for no severity', () => {
    const fields = rowText({ ...alert, severity: null }, en, 'Production').split('\t');
    expect(fields[0]).toBe('Production');
    expect(fields[2]).toBe('');
    expect(fields).toHaveLength(5);
  });

  it("keeps a server's tabs and newlines out of the line, so one row stays one line", () => {
    const text = rowText(alert, en, null);
    expect(text.split('\t')).toHaveLength(4);
    expect(text).not.toContain('\n');
  });

  it('says a gap in the words the row shows', () => {
    const gap: FeedEntry = {
      kind: 'gap',
      id: 'prod/gap_1',
      server: 'prod',
      start: at,
      end: at + 60_000,
    };
    expect(rowText(gap, en, null)).toMatch(/^No connection from /);
    expect(rowText(gap, en, 'Production')).toContain('Production');
  });
});
