// Text from outside (servers, files, users) made safe to show: the one place that decides which
// characters a line may not carry. The window, native notifications, the tray, `katya tail`,
// the doctor and the log all go through here, so a right-to-left override in an alert title
// cannot reorder what a person reads anywhere, and a line break cannot forge a log line.

/**
 * Characters that change how text reads without being seen: C0 and C1 controls, the line and
 * paragraph separators, soft hyphen and other invisible format characters, zero-width
 * characters, the byte order mark, interlinear annotation marks, and every bidirectional
 * embedding, override and isolate (U+202A-U+202E, U+2066-U+2069) with the marks beside them.
 */
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
const HIDDEN_RUN = new RegExp(`${HIDDEN.source}+`, 'g');

/** Default lengths: a feed cell, a notification title, a notification body, a log line. */
export const TEXT_LIMITS = { cell: 120, title: 120, body: 300, line: 200 } as const;

/**
 * A string as one line of display text: hidden characters become spaces, runs of white space
 * one space, ends trimmed, and at most `max` characters (the last one "…" when cut).
 */
export function displayText(value: string, max: number = TEXT_LIMITS.line): string {
  const s = value.replace(HIDDEN_RUN, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s;
}

/**
 * A scalar (string, finite number, boolean) from untrusted data as display text; '' for
 * anything else (objects, arrays, null, NaN), which is never shown as "[object Object]".
 */
export function scalarText(value: unknown, max: number = TEXT_LIMITS.cell): string {
  if (typeof value === 'string') return displayText(value, max);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  return '';
}

/**
 * For the log, where nothing may be lost: every hidden character is written as a visible
 * escape (`\n`, `\u202e`) instead of being removed, so one record stays one line and reads as
 * what it was.
 */
export function escapeHidden(value: string): string {
  return value.replace(HIDDEN, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
