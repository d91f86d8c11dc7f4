// Turning untrusted server values into short display text. Nothing here produces markup:
// the result is always put into the page as a text node.

import { scalarText } from '../../main/core/common/untrusted-text';

// The cleaning itself (control, bidi and zero-width characters, length) is the one shared
// module's; the window adds only its ways of picking and joining values.
export { scalarText };

/** The first non-empty value as text, else the fallback. */
export function firstText(values: unknown[], fallback = '—', max = 120): string {
  for (const v of values) {
    const s = scalarText(v, max);
    if (s) return s;
  }
  return fallback;
}

/** A list of scalars as "a, b, c" (at most a few). */
export function listText(value: unknown, fallback = '—', maxItems = 5): string {
  if (!Array.isArray(value)) return firstText([value], fallback);
  const items = value
    .slice(0, maxItems)
    .map((v) => scalarText(v, 40))
    .filter(Boolean);
  if (!items.length) return fallback;
  return value.length > maxItems ? `${items.join(', ')}, …` : items.join(', ');
}

/** A finite number from a value that may be a number or a numeric string. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

/** The payload as indented JSON for the detail pane (shown as text, never parsed as HTML). */
export function payloadText(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Every string and number inside a value, lower-cased, for text search. */
export function searchableText(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 6 || out.length > 200) return out;
  if (typeof value === 'string') out.push(value.toLowerCase());
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) searchableText(v, depth + 1, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) searchableText(v, depth + 1, out);
  return out;
}

/** An ISO string for <time dateTime>, or undefined for a time that is not a real date. */
export function isoTime(epochMs: unknown): string | undefined {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15)
    return undefined;
  return new Date(epochMs).toISOString();
}
