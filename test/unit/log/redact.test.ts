// The redactor, one rule at a time: each form a known secret can take, and each token-shaped
// value it must catch without being told. Every case names its exact output, so a rule that
// stops working, or starts eating text it should leave alone, fails here by itself.
import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../../main/core/log/redact';

describe('redact: a secret it was told about, in each form on its own', () => {
  it('as is', () => {
    expect(redact('auth with s3cr3t! now', ['s3cr3t!'])).toBe(`auth with ${REDACTED} now`);
    // a secret whose every other form differs from it (a quote, a space): the raw form itself
    expect(redact('pw a"b c here', ['a"b c'])).toBe(`pw ${REDACTED} here`);
  });

  it('URL-encoded, where the raw form does not appear', () => {
    const secret = 'p@ss/word?&=';
    const text = `GET /callback?state=${encodeURIComponent(secret)}&x=1`;
    expect(text).not.toContain(secret);
    expect(redact(text, [secret])).toBe(`GET /callback?state=${REDACTED}&x=1`);
  });

  it('JSON-escaped, where the raw form does not appear', () => {
    const secret = 'say "hi"\\now';
    const text = JSON.stringify({ password: secret });
    expect(text).not.toContain(secret);
    expect(redact(text, [secret])).toBe(`{"password":"${REDACTED}"}`);
  });

  it('with its spaces as "+", as a form body writes them', () => {
    expect(redact('body: pass=two+words+here&x=1', ['two words here'])).toBe(
      `body: pass=${REDACTED}&x=1`,
    );
  });

  it('a secret that contains another is removed whole; others are left alone', () => {
    expect(redact('key abcdef and abc', ['abc', 'abcdef'])).toBe(`key ${REDACTED} and ${REDACTED}`);
    expect(redact('plain text', ['absent'])).toBe('plain text');
    expect(redact('a.b*c', ['.b*'])).toBe(`a${REDACTED}c`);
  });
});

describe('redact: token-shaped values it was not told about', () => {
  it.each([
    ['token: abc123', `token: ${REDACTED}`],
    ['token=abc123 next', `token=${REDACTED} next`],
    ['Token = abc, then', `Token = ${REDACTED}, then`],
    ['token:abc;x', `token:${REDACTED};x`],
    ['token=abc&y=2', `token=${REDACTED}&y=2`],
    ['{token=abc}', `{token=${REDACTED}}`],
    ['access_token: abc', `access_token: ${REDACTED}`],
    ['refresh_token=abc', `refresh_token=${REDACTED}`],
  ])('free text %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it.each([
    [`{ token: 's3cret' }`, `{ token: '${REDACTED}' }`],
    ['token: "two words"', `token: "${REDACTED}"`],
    [`token='it\\'s'`, `token='${REDACTED}'`],
    [`{ access_token: 'x', user: 'ann' }`, `{ access_token: '${REDACTED}', user: 'ann' }`],
    [`token: ''`, `token: '${REDACTED}'`],
  ])('a quoted value in free text %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it.each([
    ['GET /v1/ws?token=abc123&x=1', `GET /v1/ws?token=${REDACTED}&x=1`],
    ['/v1/ws?a=1&access_token=abc#frag', `/v1/ws?a=1&access_token=${REDACTED}#frag`],
    ['x;TOKEN=abc def', `x;TOKEN=${REDACTED} def`],
    ['?token=', `?token=${REDACTED}`],
  ])('in a URL or query string %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it.each([
    ['Authorization: Bearer abc.def-ghi', `Authorization: Bearer ${REDACTED}`],
    ['authorization: bearer  a+b/c=', `authorization: bearer  ${REDACTED}`],
  ])('a bearer header %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it.each([
    ['Proxy-Authorization: Basic dXNlcjpwYXNz', `Proxy-Authorization: Basic ${REDACTED}`],
    ['{"authorization":"Basic dXNlcjpwYXNz"}', `{"authorization":"Basic ${REDACTED}"}`],
    [
      'via http://alice:s3cret@proxy.example:8080/',
      `via http://alice:${REDACTED}@proxy.example:8080/`,
    ],
  ])('proxy credentials %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it.each([
    ['{"type":"auth","token":"s\\"x"}', `{"type":"auth","token":"${REDACTED}"}`],
    ['{"access_token" : "abc"}', `{"access_token" : "${REDACTED}"}`],
    ['{"Token":""}', `{"Token":"${REDACTED}"}`],
  ])('JSON %j', (text, out) => {
    expect(redact(text, [])).toBe(out);
  });

  it('leaves alone words that only contain "token", and what is already redacted', () => {
    for (const text of [
      'tokens: 5',
      'tokenizer=on',
      'mytoken: x',
      'the token was refused',
      `token: ${REDACTED}`,
      `token: "${REDACTED}"`,
      `{"token":"${REDACTED}"}`,
    ]) {
      expect(redact(text, [])).toBe(text);
    }
  });

  it('takes anything as text', () => {
    expect(redact(42 as unknown as string, [])).toBe('42');
    expect(redact('x', ['', null as unknown as string])).toBe('x');
  });
});
