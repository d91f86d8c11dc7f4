// The one message catalogue (main/core/common/messages*.ts) that the window, the tray and
// notifications read: both languages complete, plural forms from Intl, placeholders that agree.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, createTranslator, resolveLanguage } from '../../../main/core/common/messages';
import type { Entry } from '../../../main/core/common/messages';

const { en, ru } = CATALOGUES;

function placeholders(entry: Entry): string[] {
  const texts = typeof entry === 'string' ? [entry] : Object.values(entry);
  const names = texts.flatMap((text) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  return [...new Set(names)].sort();
}

describe('message catalogue', () => {
  it('every key is present in both languages', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it('every entry has text in both languages', () => {
    for (const [key, entry] of Object.entries(ru)) {
      const texts = typeof entry === 'string' ? [entry] : Object.values(entry);
      expect(
        texts.every((t) => typeof t === 'string' && t.length > 0),
        key,
      ).toBe(true);
    }
  });

  it('plural entries are plural in both languages, with the forms each language needs', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const english = en[key];
      const russian = ru[key];
      expect(typeof russian, key).toBe(typeof english);
      if (typeof english === 'string' || typeof russian === 'string') continue;
      expect(Object.keys(english).sort(), key).toEqual(['one', 'other']);
      expect(Object.keys(russian).sort(), key).toEqual(['few', 'many', 'one', 'other']);
    }
  });

  it('both languages use the same placeholders', () => {
    // The alert's severity is capitalised in English ("High security alert") and written in
    // lower case inside the Russian sentence; both forms are passed.
    const differ = new Set(['notify.alertOfSeverity']);
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      if (differ.has(key)) continue;
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe('plural forms come from Intl.PluralRules', () => {
  const t = createTranslator('ru');
  const rules = new Intl.PluralRules('ru');

  it('Russian 1, 2, 5 and 21', () => {
    expect([1, 2, 5, 21].map((count) => t('feed.total', { count }))).toEqual([
      '1 событие',
      '2 события',
      '5 событий',
      '21 событие',
    ]);
    expect([1, 2, 5, 21].map((count) => t('notify.findings', { count }))).toEqual([
      '1 находка',
      '2 находки',
      '5 находок',
      '21 находка',
    ]);
    expect([1, 2, 5, 21].map((count) => t('tray.alerts', { count }))).toEqual([
      '1 оповещение',
      '2 оповещения',
      '5 оповещений',
      '21 оповещение',
    ]);
  });

  it('the form chosen is the one Intl names, for every plural entry', () => {
    for (const [key, entry] of Object.entries(ru)) {
      if (typeof entry === 'string') continue;
      const others = Object.fromEntries(placeholders(entry).map((name) => [name, `<${name}>`]));
      for (const count of [1, 2, 5, 21, 11, 22, 111, 1.5]) {
        const form = rules.select(count) as keyof typeof entry;
        const expected = entry[form]!.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === 'count' ? String(count) : `<${name}>`,
        );
        expect(t(key as keyof typeof ru, { ...others, count }), `${key} ${count}`).toBe(expected);
      }
    }
  });

  it('English one and other', () => {
    const e = createTranslator('en');
    expect([0, 1, 2].map((count) => e('feed.total', { count }))).toEqual([
      '0 events',
      '1 event',
      '2 events',
    ]);
  });

  it('numbers are plain digits unless a formatter is given (the window passes Intl)', () => {
    expect(createTranslator('en')('feed.total', { count: 1250 })).toBe('1250 events');
    const fmt = new Intl.NumberFormat('en');
    expect(createTranslator('en', (n) => fmt.format(n))('feed.total', { count: 1250 })).toBe(
      '1,250 events',
    );
  });

  it('a parameter is never read as a placeholder', () => {
    expect(createTranslator('en')('app.startFailed', { error: '{error} {count}' })).toBe(
      'The window could not load its state: {error} {count}',
    );
  });
});

describe('resolveLanguage', () => {
  it('the setting, else the first system language we have, else English', () => {
    expect(resolveLanguage('ru', ['en-US'])).toBe('ru');
    expect(resolveLanguage('system', ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(resolveLanguage('system', ['ru_RU'])).toBe('ru');
    expect(resolveLanguage('system', ['de-DE'])).toBe('en');
    expect(resolveLanguage('system', [undefined, 7])).toBe('en');
    expect(resolveLanguage('fr', [])).toBe('en');
  });
});
