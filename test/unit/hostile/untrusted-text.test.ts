// The one sanitizer for text from outside, and that every place that shows such text uses it.
import { describe, expect, it } from 'vitest';
import { eventLine } from '../../../main/cli/format';
import { displayText, escapeHidden, scalarText } from '../../../main/core/common/untrusted-text';
import { describeForNotification } from '../../../main/core/notify/policy';
import type { EventMessage } from '../../../main/core/common/protocol';
import { createLogger } from '../../../main/core/log/logger';
import { scalarText as windowText } from '../../../renderer/format/text';

const RLO = '\u202e';
const HIDDEN = [
  '\u0000',
  '\u0007',
  '\n',
  '\r',
  '\t',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u00ad',
  '\u061c',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  RLO,
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
  '\ufff9',
];

const alert = (title: string): EventMessage => ({
  type: 'event',
  id: 'a1',
  event: 'security.alert.created',
  channel: 'security',
  data: { title, severity: 'high', source: '10.0.0.1', category: 'auth' },
});

describe('displayText', () => {
  it.each(HIDDEN.map((c) => [c.codePointAt(0)!.toString(16), c]))(
    'replaces U+%s with a space',
    (_hex, c) => {
      expect(displayText(`a${c}b`)).toBe('a b');
    },
  );

  it('keeps letters of every script, emoji and ordinary punctuation', () => {
    expect(displayText('Вход: 東京 — ok ✓ 🔥 «x»')).toBe('Вход: 東京 — ok ✓ 🔥 «x»');
  });

  it('collapses runs, trims, and cuts at the limit with an ellipsis', () => {
    expect(displayText(`  a ${RLO}${RLO}\n\n b  `)).toBe('a b');
    expect(displayText('abcdef', 4)).toBe('abc…');
    expect(displayText('abcd', 4)).toBe('abcd');
  });

  it('shows only scalars', () => {
    expect(scalarText({ toString: () => 'x' })).toBe('');
    expect(scalarText([1])).toBe('');
    expect(scalarText(Number.NaN)).toBe('');
    expect(scalarText(42)).toBe('42');
    expect(scalarText(false)).toBe('false');
  });

  it('escapes instead of removing, for the log', () => {
    expect(escapeHidden(`a\nb${RLO}c\u0000`)).toBe('a\\nb\\u202ec\\u0000');
  });
});

describe('every place that shows server text cleans it the same way', () => {
  const title = `Invoice${RLO}fdp.exe\u200b\nforged`;
  const clean = 'Invoice fdp.exe forged';

  it('native notifications', () => {
    const n = describeForNotification(alert(title), 'en');
    expect(n.title).toContain(clean);
    expect(n.title + n.body).not.toMatch(HIDDEN_RE);
  });

  it('katya tail', () => {
    const line = eventLine(alert(title), (s) => s, 0);
    expect(line).toContain(clean);
    expect(line).not.toMatch(HIDDEN_RE);
  });

  it('the window', () => {
    expect(windowText(title)).toBe(clean);
  });

  it('the log escapes every control character, not only line breaks', () => {
    const log = createLogger({ dir: null, secrets: () => [] });
    log.info(`server said ${title}\u0007`);
    const [line] = log.recent(1);
    expect(line).toContain('\\u202e');
    expect(line).toContain('\\n');
    expect(line).toContain('\\u0007');
    expect(line).not.toMatch(HIDDEN_RE);
  });
});

// eslint-disable-next-line no-control-regex
const HIDDEN_RE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
