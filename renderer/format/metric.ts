// A metric value with its unit, formatted for the language where Intl knows the unit
// ("42.5%", "42,5 %", "180 ms", "180 мс"); other units are shown as sent, as text.
import type { I18n } from '../i18n';
import { scalarText } from './text';

// Keyed by the server's unit string, so a Map: "constructor" is a unit shown as text.
const UNIT_STYLE: ReadonlyMap<string, Intl.NumberFormatOptions> = new Map([
  ['percent', { style: 'unit', unit: 'percent', maximumFractionDigits: 1 }],
  ['ms', { style: 'unit', unit: 'millisecond', maximumFractionDigits: 1 }],
  ['MB', { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }],
  ['count', { maximumFractionDigits: 0 }],
]);

export function formatMetric(value: number, unit: unknown, i18n: I18n): string {
  if (!Number.isFinite(value)) return '—';
  const style = typeof unit === 'string' ? UNIT_STYLE.get(unit) : undefined;
  if (style) return i18n.number(value, style);
  const u = scalarText(unit, 16);
  return `${i18n.number(value, { maximumFractionDigits: 2 })}${u ? ` ${u}` : ''}`;
}
