import { beforeEach, describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import { NativeNotifications } from '../../../main/adapters/notifications';
import type { NotificationLike } from '../../../main/adapters/notifications';
import { FakeNotification } from '../../fakes/electron';

const alert = {
  id: 'n1',
  title: 'High security alert: Suspicious login attempt',
  body: 'from 192.168.1.100 (authentication)',
  eventId: 'evt_1',
  severity: 'high' as const,
  urgent: false,
  silent: false,
};

function setup(platform: NodeJS.Platform = 'linux', supported = true) {
  const clicks: (string | null)[] = [];
  const log: string[] = [];
  const n = new NativeNotifications({
    create: (o: NotificationConstructorOptions) =>
      new FakeNotification(o as Record<string, unknown>) as unknown as NotificationLike,
    isSupported: () => supported,
    platform,
    onClick: (id) => clicks.push(id),
    log: (l) => log.push(l),
  });
  return { n, clicks, log };
}

beforeEach(() => {
  FakeNotification.created = [];
});

describe('native notifications', () => {
  it('shows title and body and keeps a reference until closed', () => {
    const { n } = setup();
    n.show(alert);
    const [note] = FakeNotification.created;
    expect(note!.shown).toBe(true);
    expect(note!.options).toMatchObject({ title: alert.title, body: alert.body, silent: false });
    expect(n.size()).toBe(1);
    note!.emit('close', {});
    expect(n.size()).toBe(0);
  });

  it('keeps server text as text where the daemon reads markup (Linux)', () => {
    setup('linux').n.show({ ...alert, body: 'from <b>x</b> & <img src=y>' });
    expect(FakeNotification.created[0]!.options.body).toBe(
      'from &lt;b&gt;x&lt;/b&gt; &amp; &lt;img src=y&gt;',
    );
    setup('darwin').n.show({ ...alert, body: 'a <b> & c' });
    expect(FakeNotification.created[1]!.options.body).toBe('a <b> & c');
  });

  it('opens the event on click', () => {
    const { n, clicks } = setup();
    n.show(alert);
    FakeNotification.created[0]!.emit('click', {});
    expect(clicks).toEqual(['evt_1']);
    expect(n.size()).toBe(0);
  });

  it('uses the urgent form for critical alerts on Linux and Windows only', () => {
    setup('linux').n.show({ ...alert, urgent: true });
    expect(FakeNotification.created[0]!.options).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
    });
    setup('win32').n.show({ ...alert, urgent: true });
    expect(FakeNotification.created[1]!.options).toMatchObject({ timeoutType: 'never' });
    expect(FakeNotification.created[1]!.options.urgency).toBeUndefined();
    setup('darwin').n.show({ ...alert, urgent: true });
    expect(FakeNotification.created[2]!.options.timeoutType).toBeUndefined();
    setup('linux').n.show(alert);
    expect(FakeNotification.created[3]!.options.urgency).toBeUndefined();
  });

  it('withdraws by id (the offline notice when the connection returns)', () => {
    const { n } = setup();
    n.show({ ...alert, id: 'offline', eventId: null, silent: true });
    n.withdraw('offline');
    expect(FakeNotification.created[0]!.closed).toBe(true);
    expect(n.size()).toBe(0);
    expect(() => n.withdraw('never-shown')).not.toThrow();
  });

  it('replaces a notification shown again under the same id', () => {
    const { n } = setup();
    n.show({ ...alert, id: 'summary:security' });
    n.show({ ...alert, id: 'summary:security', title: '12 more security alerts' });
    expect(FakeNotification.created[0]!.closed).toBe(true);
    expect(n.size()).toBe(1);
  });

  it('logs instead of throwing where notifications are unsupported', () => {
    const { n, log } = setup('linux', false);
    n.show(alert);
    expect(FakeNotification.created).toHaveLength(0);
    expect(log[0]).toMatch(/unsupported/);
  });
});
