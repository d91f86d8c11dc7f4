// The window's language: strings from the shared message catalogue (main/core/common/messages.ts,
// the same words the tray and notifications use), and numbers, dates and durations through Intl,
// so Russian plural forms ("1 событие, 2 события, 5 событий") and date formats come out right.
import { createTranslator, resolveLanguage } from '../../main/core/common/messages';
import type {
  Language,
  LanguageSetting,
  MessageKey,
  MessageParams,
} from '../../main/core/common/messages';

export type StringKey = MessageKey;
export type Lang = Language;
export type { LanguageSetting };
export type Params = MessageParams;

/** The language to show: the setting, or for 'system' the first system language we have. */
export function resolveLang(setting: LanguageSetting, systemLanguages: readonly string[]): Lang {
  return resolveLanguage(setting, systemLanguages);
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
  const numberFmt = new Intl.NumberFormat(lang);
  const t = createTranslator(lang, (n) => numberFmt.format(n));
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
  // Building a formatter costs far more than using one, and feed rows (metric values) ask for
  // the same few options on every render: keep one per set of options. The options come from
  // our own code, so the set is small; the bound only guards against a caller that varies them.
  const numberFmts = new Map<string, Intl.NumberFormat>();
  const numberFmtFor = (options: Intl.NumberFormatOptions) => {
    const key = JSON.stringify(options);
    let fmt = numberFmts.get(key);
    if (!fmt) {
      if (numberFmts.size >= 32) numberFmts.clear();
      fmt = new Intl.NumberFormat(lang, options);
      numberFmts.set(key, fmt);
    }
    return fmt;
  };

  return {
    lang,
    t,
    number: (value, options) =>
      options ? numberFmtFor(options).format(value) : numberFmt.format(value),
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
