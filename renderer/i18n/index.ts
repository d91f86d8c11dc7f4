// Strings, plurals, numbers and dates for one language, all through Intl so Russian plural
// forms ("1 событие, 2 события, 5 событий") and date formats come out right.
import { en } from './en';
import type { Entry, StringKey } from './en';
import { ru } from './ru';

export type { StringKey };
export type Lang = 'en' | 'ru';
export type LanguageSetting = 'system' | 'en' | 'ru';
export type Params = Record<string, string | number>;

const tables: Record<Lang, Record<StringKey, Entry>> = { en, ru };

/** The language to show: the setting, or for 'system' the first system language we have. */
export function resolveLang(setting: LanguageSetting, systemLanguages: readonly string[]): Lang {
  if (setting === 'en' || setting === 'ru') return setting;
  for (const tag of systemLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export interface I18n {
  lang: Lang;
  t(key: StringKey, params?: Params): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** HH:MM in the locale's form */
  time(epochMs: number): string;
  /** date and time, medium length */
  dateTime(epochMs: number): string;
  /** "5 minutes ago", "только что" */
  relative(epochMs: number, now: number): string;
  /** "1 h 5 min" */
  duration(ms: number): string;
  bytes(n: number): string;
}

export function createI18n(lang: Lang): I18n {
  const table = tables[lang];
  const plural = new Intl.PluralRules(lang);
  const numberFmt = new Intl.NumberFormat(lang);
  const timeFmt = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
  const dateTimeFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
  const relativeFmt = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'long' });
  const unitFmt = (unit: string) =>
    new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' });
  const hours = unitFmt('hour');
  const minutes = unitFmt('minute');
  const seconds = unitFmt('second');
  const millis = unitFmt('millisecond');

  const validDate = (ms: number) => Number.isFinite(ms) && Math.abs(ms) < 8.64e15;

  function t(key: StringKey, params: Params = {}): string {
    const entry = table[key] ?? en[key] ?? key;
    let template: string;
    if (typeof entry === 'string') {
      template = entry;
    } else {
      const count = Number(params.count);
      const form = Number.isFinite(count) ? plural.select(count) : 'other';
      template = entry[form] ?? entry.other;
    }
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numberFmt.format(value) : value;
    });
  }

  return {
    lang,
    t,
    number: (value, options) =>
      options ? new Intl.NumberFormat(lang, options).format(value) : numberFmt.format(value),
    time: (ms) => (validDate(ms) ? timeFmt.format(ms) : '—'),
    dateTime: (ms) => (validDate(ms) ? dateTimeFmt.format(ms) : '—'),
    relative(ms, now) {
      if (!validDate(ms)) return '—';
      const diff = Math.round((ms - now) / 1000);
      const abs = Math.abs(diff);
      if (abs < 45) return t('time.justNow');
      if (abs < 3600) return relativeFmt.format(Math.round(diff / 60), 'minute');
      if (abs < 86_400) return relativeFmt.format(Math.round(diff / 3600), 'hour');
      if (abs < 30 * 86_400) return relativeFmt.format(Math.round(diff / 86_400), 'day');
      return dateTimeFmt.format(ms);
    },
    duration(ms) {
      if (!Number.isFinite(ms) || ms < 0) return '—';
      if (ms < 1000) return millis.format(Math.round(ms));
      const total = Math.floor(ms / 1000);
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      if (h > 0) return `${hours.format(h)} ${minutes.format(m)}`;
      if (m > 0) return `${minutes.format(m)} ${seconds.format(s)}`;
      return seconds.format(s);
    },
    bytes(n) {
      if (!Number.isFinite(n) || n < 0) return '—';
      if (n < 1024) return unitFmt('byte').format(n);
      if (n < 1024 * 1024) return unitFmt('kilobyte').format(Math.round(n / 102.4) / 10);
      return unitFmt('megabyte').format(Math.round(n / (1024 * 102.4)) / 10);
    },
  };
}
