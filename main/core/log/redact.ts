// Token redaction for everything that leaves the process as text: log lines, the diagnostics
// view and "Copy diagnostics". Known secrets are removed wherever they appear (raw, URL-encoded,
// inside JSON), and token-shaped values are removed by pattern even when we were not told the
// secret, so a token pasted into a URL or a header by hand does not leak either.

export const REDACTED = '[redacted]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Forms a secret can take in text: as is, URL-encoded (query strings), JSON-escaped. */
function variants(secret: string): string[] {
  const forms = new Set<string>([secret]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // a lone surrogate cannot be URL-encoded; the raw form is still redacted
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(secret.replace(/ /g, '+')); // application/x-www-form-urlencoded spaces
  return [...forms]; // none is empty: redact() passes no empty secret
}

// Values that are secret by position, whoever's they are.
const PATTERNS: { re: RegExp; replace: (match: string, head: string, tail?: string) => string }[] =
  [
    // ?token=...  &access_token=...  (URLs, query strings, form bodies)
    { re: /([?&;](?:access_)?token=)[^&#\s"'<>]*/gi, replace: (_m, head) => head + REDACTED },
    // Authorization: Bearer xxx
    { re: /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi, replace: (_m, head) => head + REDACTED },
    // Proxy-Authorization: Basic xxx (proxy credentials)
    {
      re: /(\bAuthorization["']?\s*[:=]\s*["']?Basic\s+)[A-Za-z0-9+/=]+/gi,
      replace: (_m, head) => head + REDACTED,
    },
    // scheme://user:password@host (a proxy URL with its credentials)
    {
      re: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(@)/gi,
      replace: (_m, head, tail) => head + REDACTED + (tail ?? ''),
    },
    // "token":"..."  (JSON, for example a logged auth message)
    {
      re: /("(?:access_)?token"\s*:\s*")(?:[^"\\]|\\.)*"/gi,
      replace: (_m, head) => head + REDACTED + '"',
    },
    // token: "xxx"  /  token='xxx'  /  access_token: 'xxx' in free text: a quoted value, as
    // util.inspect prints an object ({ token: 's3cret' }) or YAML writes one
    {
      re: /(\b(?:\w+_)?token\s*[:=]\s*)(["'])(?!\[redacted\]\2)(?:(?!\2)[^\\]|\\.)*\2/gi,
      replace: (_m, head, quote) => head + quote + REDACTED + quote,
    },
    // token: xxx  /  token=xxx  /  refresh_token=xxx in free text, up to a separator
    {
      re: /(\b(?:\w+_)?token\s*[:=]\s*)(?!\[redacted\])[^\s,;&"'}]+/gi,
      replace: (_m, head) => head + REDACTED,
    },
  ];

/**
 * Replace every known secret and every token-shaped value in `text` with "[redacted]".
 * Longer secrets go first so a secret that contains another is removed whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = String(text);
  const forms = secrets
    .filter((s) => typeof s === 'string' && s.length > 0)
    .flatMap(variants)
    .sort((a, b) => b.length - a.length);
  for (const form of new Set(forms)) {
    out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
  }
  // A pattern with one group gets the match's offset as `tail`, and ignores it.
  for (const { re, replace } of PATTERNS) out = out.replace(re, replace);
  return out;
}
