// Native notifications in Russian: our own words follow the language, the server's data does not.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../fakes/clock';
import { Notifier, OFFLINE_NOTIFICATION_ID } from '../../../main/core/notify/notifier';
import {
  describeForNotification,
  eventNotification,
  summaryNoun,
} from '../../../main/core/notify/policy';
import type { NotificationRequest, NotifyLanguage } from '../../../main/core/notify/policy';
import { EN, RU } from '../../../main/core/notify/texts';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import type { EventMessage } from '../../../main/core/common/protocol';
import { ALL_TYPES, sample } from './samples';

const NOON = new Date(2026, 10, 26, 12, 0).getTime();
const ENGLISH_SEVERITY = /\b(low|medium|high|critical)\b/i;
const CYRILLIC = /[а-яё]/i;

/** The server's strings in a payload, as the notification shows them (underscores as spaces). */
function serverStrings(e: EventMessage): string[] {
  return Object.values(e.data ?? {})
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => [v, v.replace(/_/g, ' ')]);
}

describe('describeForNotification in Russian', () => {
  it.each(ALL_TYPES)('%s: Russian words, the same server data, no English severity', (type) => {
    for (const sev of ['low', 'high', 'critical'] as const) {
      const e = sample(type, sev);
      const en = describeForNotification(e, 'en');
      const ru = describeForNotification(e, 'ru');
      expect(ru.title.length).toBeGreaterThan(0);
      expect(ru.title + ' ' + ru.body).toMatch(CYRILLIC);
      expect(ru.title + ' ' + ru.body).not.toMatch(ENGLISH_SEVERITY);
      for (const s of serverStrings(e)) {
        if (en.title.includes(s)) expect(ru.title).toContain(s);
      }
    }
  });
  it('English stays the default and unchanged', () => {
    const e = sample('security.alert.created', 'high');
    expect(describeForNotification(e)).toEqual(describeForNotification(e, 'en'));
    expect(describeForNotification(e).title).toBe('High security alert: Suspicious login attempt');
  });
  it('alerts use the window’s severity words', () => {
    expect(describeForNotification(sample('security.alert.created', 'high'), 'ru')).toEqual({
      title: 'Оповещение безопасности (высокая важность): Suspicious login attempt',
      body: 'источник: 192.168.1.100 (authentication)',
    });
    expect(describeForNotification(sample('security.alert.updated', 'critical'), 'ru').title).toBe(
      'Оповещение безопасности (критическая важность), статус acknowledged: Suspicious login attempt',
    );
    expect(describeForNotification(sample('security.scan.completed', 'medium'), 'ru').body).toBe(
      '2 находки, наивысшая важность: средняя, проверка malware',
    );
    expect(eventNotification(sample('security.alert.created', 'low'), 'ru').title).toMatch(
      /^Оповещение безопасности \(низкая важность\)/,
    );
  });
  it('hostile payloads stay bounded and single-line in Russian too', () => {
    for (const type of ALL_TYPES) {
      const e: EventMessage = {
        ...sample(type),
        data: { title: { toString: 'x' }, content: 'x\n'.repeat(5000), name: 7, severity: 'high' },
      };
      const d = describeForNotification(e, 'ru');
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.title.length).toBeLessThanOrEqual(120);
      expect(d.body.length).toBeLessThanOrEqual(300);
      expect(d.title + d.body).not.toMatch(/[\n\r]/);
      expect(describeForNotification({ ...e, data: {} }, 'ru').title).toMatch(CYRILLIC);
    }
    expect(describeForNotification({ id: 'x', event: 'nope', data: {} } as never, 'ru').title).toBe(
      'Событие Katya: nope',
    );
  });
  it('Russian has every phrase English has', () => {
    expect(Object.keys(RU).sort()).toEqual(Object.keys(EN).sort());
  });
});

describe('Russian plurals', () => {
  it('1 / 2-4 / 5+ forms, with 11-14 and 21 right (Intl.PluralRules over the catalogue)', () => {
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map((n) => RU.findings(n))).toEqual([
      '1 находка',
      '2 находки',
      '4 находки',
      '5 находок',
      '11 находок',
      '12 находок',
      '14 находок',
      '21 находка',
      '22 находки',
      '25 находок',
      '101 находка',
      '111 находок',
    ]);
    expect([1, 2, 5].map((n) => EN.rows(n))).toEqual(['1 row', '2 rows', '5 rows']);
  });
  it('summary nouns for 1, 2, 5, 21 and 12', () => {
    const noun = (n: number) => `${n} ${summaryNoun('security', n, true, 'ru')}`;
    expect([1, 2, 5, 21, 12].map(noun)).toEqual([
      '1 оповещение безопасности',
      '2 оповещения безопасности',
      '5 оповещений безопасности',
      '21 оповещение безопасности',
      '12 оповещений безопасности',
    ]);
    expect(summaryNoun('system', 2, false, 'ru')).toBe('системных события');
    expect(summaryNoun('messages', 5, false, 'ru')).toBe('сообщений');
    expect(summaryNoun('security', 2, true)).toBe('security alerts');
    // Alerts only when every event of the summary is an alert; other channels have no alerts.
    expect(summaryNoun('security', 2, false)).toBe('security events');
    expect(summaryNoun('system', 1, true)).toBe('system event');
  });
});

function setup(language: () => NotifyLanguage) {
  const clock = new ManualClock(NOON);
  const shown: NotificationRequest[] = [];
  const n = new Notifier({
    clock,
    rules: structuredClone(DEFAULT_SETTINGS.notifications),
    show: (x) => shown.push(x),
    withdraw: () => {},
    language,
  });
  return { clock, shown, n };
}

describe('Notifier in Russian', () => {
  it('burst summary: "Ещё 12 оповещений безопасности", counted by severity', () => {
    const { n, shown, clock } = setup(() => 'ru');
    n.offer([
      ...Array.from({ length: 10 }, () => sample('security.alert.created', 'high')),
      ...Array.from({ length: 5 }, () => sample('security.alert.created', 'critical')),
    ]);
    clock.advance(10_000);
    expect(shown.find((s) => s.kind === 'summary')).toMatchObject({
      title: 'Ещё 12 оповещений безопасности',
      body: 'в том числе: критическая — 5, высокая — 7; откройте Katya, чтобы посмотреть',
      severity: 'critical',
    });
    expect(shown[0]!.title).toMatch(/^Оповещение безопасности \(высокая важность\)/);
  });
  it('reads the language when each notification is built', () => {
    let lang: NotifyLanguage = 'en';
    const { n, shown } = setup(() => lang);
    n.offer([sample('system.maintenance.start')]);
    lang = 'ru';
    n.offer([sample('system.maintenance.end')]);
    expect(shown.map((s) => s.title)).toEqual([
      'Maintenance started: Database upgrade',
      'Обслуживание завершено: Database upgrade',
    ]);
  });
  it('a language callback that throws falls back to English', () => {
    const { n, shown } = setup(() => {
      throw new Error('no settings');
    });
    n.offer([sample('system.maintenance.end')]);
    expect(shown[0]!.title).toBe('Maintenance ended: Database upgrade');
  });
  it('the offline notice in Russian', () => {
    const { n, shown, clock } = setup(() => 'ru');
    n.connection({ state: 'connecting', since: NOON });
    clock.advance(120_000);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({
      id: OFFLINE_NOTIFICATION_ID,
      kind: 'offline',
      title: 'Katya не в сети',
      silent: true,
    });
    expect(shown[0]!.body).toBe('Нет соединения с сервером с 12:00. Переподключение идёт в фоне.');
  });
});
