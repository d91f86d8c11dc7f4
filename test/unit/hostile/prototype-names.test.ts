// Names an outsider chooses that are also members of Object.prototype. Each must read as an
// unknown name, never as the member: a status "constructor" once became a function, broke
// `katya tail`'s text for the whole batch and, in Russian, crashed the burst-summary timer.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { UsageError, channelList, eventList } from '../../../main/cli/args';
import { eventLine } from '../../../main/cli/format';
import { SubscriptionLedger } from '../../../main/core/connection/subscriptions';
import { Notifier } from '../../../main/core/notify/notifier';
import type { NotificationRequest } from '../../../main/core/notify/policy';
import { canonicalChannel } from '../../../main/core/common/protocol';
import type { Channel, EventMessage } from '../../../main/core/common/protocol';
import { severityOf } from '../../../main/core/severity';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import { formatMetric } from '../../../renderer/format/metric';
import { createI18n } from '../../../renderer/i18n';
import { logTo } from '../../../main/core/log/scoped';

export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
] as const;

const plain = (s: string) => s;

function statusEvent(id: string, status: string): EventMessage {
  return {
    type: 'event',
    id,
    event: 'system.status.changed',
    channel: 'system',
    data: { component: 'api', status, previousStatus: status, message: 'x' },
  };
}

describe.each(PROTOTYPE_NAMES)('the name "%s"', (name) => {
  it('is no channel and no alias', () => {
    expect(canonicalChannel(name)).toBeNull();
  });

  it('is a usage error in --channels and --events (exit 2)', () => {
    expect(() => channelList(name)).toThrow(UsageError);
    expect(() => channelList(`security,${name}`)).toThrow(/unknown channel/);
    expect(() => eventList(name)).toThrow(UsageError);
  });

  it('has no severity as a status, a severity or a scan result', () => {
    expect(severityOf('system.status.changed', { status: name })).toBeNull();
    expect(severityOf('security.alert.created', { severity: name })).toBeNull();
    expect(severityOf('security.scan.completed', { highestSeverity: name })).toBeNull();
  });

  it('prints as an ordinary line in `katya tail`', () => {
    const line = eventLine(statusEvent('s1', name), plain, Date.UTC(2026, 0, 1));
    // status words read with spaces for underscores, as "major outage" does
    expect(line).toContain(name.replace(/_+/g, ' ').trim());
    expect(line).not.toMatch(/function|native code|undefined/);
  });

  it('is sent to the server as asked, and never matches a catalogue channel', () => {
    const ledger = new SubscriptionLedger({ channels: [name as Channel], events: [] });
    const [req] = ledger.diff();
    expect(req).toMatchObject({ type: 'subscribe', channels: [name] });
  });

  it('is a unit shown as text in the window', () => {
    expect(formatMetric(42, name, createI18n('en'))).toBe(`42 ${name}`);
  });
});

describe('a burst of statuses named like prototype members', () => {
  it('folds into a Russian summary without crashing the timer', () => {
    const clock = new ManualClock();
    const shown: NotificationRequest[] = [];
    const logs: string[] = [];
    const n = new Notifier({
      clock,
      rules: structuredClone(DEFAULT_SETTINGS.notifications),
      show: (x) => shown.push(x),
      withdraw: () => {},
      language: () => 'ru',
      log: logTo((m) => logs.push(m)),
    });
    n.offer([
      ...PROTOTYPE_NAMES.map((name, i) => statusEvent(`p${i}`, name)),
      ...Array.from({ length: 6 }, (_, i) => statusEvent(`m${i}`, 'major_outage')),
    ]);
    expect(() => clock.advance(10_000)).not.toThrow();
    const summary = shown.find((s) => s.kind === 'summary');
    expect(summary?.body).toContain('критическая');
    expect(summary?.body).not.toMatch(/undefined|function/);
    expect(logs.filter((l) => /threw|failed/.test(l))).toEqual([]);
    n.dispose();
  });
});
