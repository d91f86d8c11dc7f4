// The one message catalogue of our own words, in English and Russian. The window, the tray and
// native notifications all read it, so a phrase is written once per language and the three
// always agree. Server data is never translated: it arrives in parameters.
//
// An entry is a template with `{name}` placeholders, or plural forms chosen by
// Intl.PluralRules from the `count` parameter (`{ one, other }` in English,
// `{ one, few, many, other }` in Russian).
import { en } from './messages-en';
import type { MessageKey } from './messages-en';
import { ru } from './messages-ru';

export type { MessageKey };

export type PluralForms = {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
};
export type Entry = string | PluralForms;

export type Language = 'en' | 'ru';
/** The language setting: a language, or 'system' for the first system language we have. */
export type LanguageSetting = 'system' | Language;

export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export const CATALOGUES: Record<Language, Record<MessageKey, Entry>> = { en, ru };

/** The language to speak: the setting, or for 'system' the first system language we have. */
export function resolveLanguage(setting: unknown, systemLanguages: readonly unknown[]): Language {
  if (setting === 'en' || setting === 'ru') return setting;
  for (const tag of systemLanguages) {
    if (typeof tag !== 'string') continue;
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'ru') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/**
 * A translator for one language. Numbers in parameters are written with `formatNumber`: the
 * window passes Intl.NumberFormat ("1,250"); the tray and notifications keep plain digits, as
 * they always have.
 */
export function createTranslator(
  language: Language,
  formatNumber: (n: number) => string = String,
): Translate {
  const table = CATALOGUES[language];
  const plural = new Intl.PluralRules(language);
  return (key, params = {}) => {
    const entry = table[key] ?? en[key] ?? key;
    let template: string;
    if (typeof entry === 'string') {
      template = entry;
    } else {
      const count = Number(params.count);
      const form = Number.isFinite(count) ? plural.select(count) : 'other';
      template = entry[form] ?? entry.other;
    }
    // One pass: a parameter's own text is never read as a placeholder.
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? formatNumber(value) : value;
    });
  };
}
