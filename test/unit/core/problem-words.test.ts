// The status bar's and the tray's words for a refused certificate or a failing proxy, in
// English and Russian: one sentence per problem, and the certificate's details for the window.
import { describe, expect, it } from 'vitest';
import { certificateDetails, problemWhy } from '../../../main/core/common/problem-words';
import { createTranslator } from '../../../main/core/common/messages';
import type {
  CertificateInfo,
  CertificateReason,
  ConnectionProblem,
  ProxyReason,
} from '../../../main/core/common/network';

const en = createTranslator('en');
const ru = createTranslator('ru');

const leaf: CertificateInfo = {
  subject: 'CN=katya.example',
  issuer: 'CN=ACME Issuing',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  fingerprint256: 'AB:CD:EF',
  names: ['katya.example', 'www.katya.example'],
};

const certificate = (
  reason: CertificateReason,
  cert: CertificateInfo | null = leaf,
  host = 'katya.example',
): Extract<ConnectionProblem, { kind: 'certificate' }> => ({
  kind: 'certificate',
  reason,
  host,
  code: 'CERT_REVOKED',
  certificate: cert,
});

const proxy = (reason: ProxyReason, extra: { status?: number; credentialsSent?: boolean } = {}) =>
  ({
    kind: 'proxy',
    reason,
    proxy: 'HTTP proxy proxy.corp:3128',
    target: 'katya.example:443',
    ...extra,
  }) satisfies ConnectionProblem;

describe('problemWhy: a refused certificate', () => {
  it.each([
    [
      'expired',
      'the certificate CN=katya.example expired on 2027-01-01',
      'срок действия сертификата CN=katya.example истёк 2027-01-01',
    ],
    [
      'not_yet_valid',
      'the certificate CN=katya.example is not valid until 2026-01-01',
      'сертификат CN=katya.example начнёт действовать только 2026-01-01',
    ],
    [
      'self_signed',
      'the certificate CN=katya.example is self-signed',
      'сертификат CN=katya.example самоподписанный',
    ],
    [
      'untrusted_issuer',
      'the issuer CN=ACME Issuing is not a trusted authority',
      'издатель CN=ACME Issuing не входит в число доверенных',
    ],
    [
      'other',
      'the certificate of katya.example failed verification (CERT_REVOKED)',
      'сертификат katya.example не прошёл проверку (CERT_REVOKED)',
    ],
  ] as const)('%s: names the certificate and the date that matters', (reason, english, russian) => {
    expect(problemWhy(certificate(reason), en)).toBe(english);
    expect(problemWhy(certificate(reason), ru)).toBe(russian);
  });

  it('name_mismatch: every name the certificate is for, and the host it was asked for', () => {
    const p = certificate('name_mismatch', leaf, 'k.other');
    expect(problemWhy(p, en)).toBe(
      'the certificate is for katya.example, www.katya.example, not k.other',
    );
    expect(problemWhy(p, ru)).toBe(
      'сертификат выдан для katya.example, www.katya.example, а не для k.other',
    );
  });

  it('name_mismatch: a certificate that lists no names is known by its subject', () => {
    const p = certificate('name_mismatch', { ...leaf, names: [] }, 'k.other');
    expect(problemWhy(p, en)).toBe('the certificate is for CN=katya.example, not k.other');
  });

  it('name_mismatch: without a certificate to name, a dash, never the host twice', () => {
    expect(problemWhy(certificate('name_mismatch', null, 'k.other'), en)).toBe(
      'the certificate is for —, not k.other',
    );
    const blank = { ...leaf, subject: '', names: [] };
    expect(problemWhy(certificate('name_mismatch', blank, 'k.other'), en)).toBe(
      'the certificate is for —, not k.other',
    );
  });

  it('without a certificate (none was received), the host stands for it and dates are a dash', () => {
    const none = (reason: CertificateReason) => problemWhy(certificate(reason, null), en);
    expect(none('expired')).toBe('the certificate katya.example expired on —');
    expect(none('not_yet_valid')).toBe('the certificate katya.example is not valid until —');
    expect(none('self_signed')).toBe('the certificate katya.example is self-signed');
    expect(none('untrusted_issuer')).toBe('the issuer — is not a trusted authority');
    expect(none('other')).toBe(
      'the certificate of katya.example failed verification (CERT_REVOKED)',
    );
  });

  it('a certificate without a subject or issuer is named by the host, and its issuer by a dash', () => {
    const blank = { ...leaf, subject: '', issuer: '' };
    expect(problemWhy(certificate('self_signed', blank), en)).toBe(
      'the certificate katya.example is self-signed',
    );
    expect(problemWhy(certificate('untrusted_issuer', blank), en)).toBe(
      'the issuer — is not a trusted authority',
    );
  });

  it('shows a date that is not an ISO time as it is, on one line', () => {
    const odd = {
      ...leaf,
      validTo: 'Jan  1 00:00:00 2027 GMT',
      validFrom: 'not before 2026-01-01T00:00:00Z',
    };
    expect(problemWhy(certificate('expired', odd), en)).toBe(
      'the certificate CN=katya.example expired on Jan 1 00:00:00 2027 GMT',
    );
    expect(problemWhy(certificate('not_yet_valid', odd), en)).toBe(
      'the certificate CN=katya.example is not valid until not before 2026-01-01T00:00:00Z',
    );
  });
});

describe('problemWhy: a failing proxy', () => {
  it.each([
    [
      'auth_required, no credentials',
      proxy('auth_required', { status: 407 }),
      'HTTP proxy proxy.corp:3128 needs a user name and password',
      'HTTP proxy proxy.corp:3128 требует имя пользователя и пароль',
    ],
    [
      'auth_required, credentialsSent false',
      proxy('auth_required', { status: 407, credentialsSent: false }),
      'HTTP proxy proxy.corp:3128 needs a user name and password',
      'HTTP proxy proxy.corp:3128 требует имя пользователя и пароль',
    ],
    [
      'auth_required after credentials were sent',
      proxy('auth_required', { status: 407, credentialsSent: true }),
      'HTTP proxy proxy.corp:3128 refused the user name and password',
      'HTTP proxy proxy.corp:3128 отклонил имя пользователя и пароль',
    ],
    [
      'refused',
      proxy('refused'),
      'HTTP proxy proxy.corp:3128 refused the connection',
      'HTTP proxy proxy.corp:3128 отклонил соединение',
    ],
    [
      'denied',
      proxy('denied', { status: 403 }),
      'HTTP proxy proxy.corp:3128 does not allow connections to katya.example:443 (HTTP 403)',
      'HTTP proxy proxy.corp:3128 не разрешает соединения с katya.example:443 (HTTP 403)',
    ],
    [
      'upstream',
      proxy('upstream', { status: 502 }),
      'HTTP proxy proxy.corp:3128 could not reach katya.example:443 (HTTP 502)',
      'HTTP proxy proxy.corp:3128 не смог связаться с katya.example:443 (HTTP 502)',
    ],
    [
      'unreachable',
      proxy('unreachable'),
      'HTTP proxy proxy.corp:3128 cannot be reached',
      'HTTP proxy proxy.corp:3128 недоступен',
    ],
    ['not_set', proxy('not_set'), 'no manual proxy URL is set', 'адрес прокси не задан'],
    // A SOCKS proxy refuses without an HTTP status: none is made up.
    [
      'denied by a SOCKS proxy',
      { ...proxy('denied'), proxy: 'SOCKS5 proxy s.corp:1080' },
      'SOCKS5 proxy s.corp:1080 does not allow connections to katya.example:443',
      'SOCKS5 proxy s.corp:1080 не разрешает соединения с katya.example:443',
    ],
    [
      'upstream, a SOCKS proxy',
      { ...proxy('upstream'), proxy: 'SOCKS5 proxy s.corp:1080' },
      'SOCKS5 proxy s.corp:1080 could not reach katya.example:443',
      'SOCKS5 proxy s.corp:1080 не смог связаться с katya.example:443',
    ],
    [
      'ipv4_only',
      { ...proxy('ipv4_only'), proxy: 'SOCKS4 proxy s.corp:1080', target: '[2001:db8::1]:443' },
      'SOCKS4 proxy s.corp:1080 reaches IPv4 addresses only, and [2001:db8::1]:443 is IPv6: use a SOCKS5 proxy',
      'SOCKS4 proxy s.corp:1080 работает только с адресами IPv4, а [2001:db8::1]:443 — адрес IPv6: используйте прокси SOCKS5',
    ],
  ])('%s', (_, problem, english, russian) => {
    expect(problemWhy(problem, en)).toBe(english);
    expect(problemWhy(problem, ru)).toBe(russian);
  });
});

describe('problemWhy: what the server put in its certificate', () => {
  it('reads as one line: hidden characters and line breaks become spaces', () => {
    const forged = { ...leaf, subject: 'CN=katya\u202e.example\nO=ACME', issuer: 'CN=A\u200bB' };
    expect(problemWhy(certificate('self_signed', forged), en)).toBe(
      'the certificate CN=katya .example O=ACME is self-signed',
    );
    expect(problemWhy(certificate('untrusted_issuer', forged), en)).toBe(
      'the issuer CN=A B is not a trusted authority',
    );
  });

  it('is cut at 120 characters, the verification code at 64, the last one "…"', () => {
    const long = { ...leaf, subject: `CN=${'s'.repeat(200)}`, issuer: `CN=${'i'.repeat(200)}` };
    expect(problemWhy(certificate('self_signed', long), en)).toBe(
      `the certificate CN=${'s'.repeat(116)}… is self-signed`,
    );
    expect(problemWhy(certificate('untrusted_issuer', long), en)).toBe(
      `the issuer CN=${'i'.repeat(116)}… is not a trusted authority`,
    );
    const odd = { ...certificate('other', null), code: 'E'.repeat(100) };
    expect(problemWhy(odd, en)).toBe(
      `the certificate of katya.example failed verification (${'E'.repeat(63)}…)`,
    );
  });
});

describe('certificateDetails', () => {
  it('names the certificate, its issuer, its validity by day and its fingerprint', () => {
    expect(certificateDetails(certificate('expired'), en)).toBe(
      'Certificate CN=katya.example, issued by CN=ACME Issuing, valid 2026-01-01 to 2027-01-01, SHA-256 AB:CD:EF',
    );
    expect(certificateDetails(certificate('expired'), ru)).toBe(
      'Сертификат CN=katya.example, выдан CN=ACME Issuing, действует с 2026-01-01 по 2027-01-01, SHA-256 AB:CD:EF',
    );
  });

  it('puts a dash for a missing subject or issuer, and dates that are not ISO times as they are', () => {
    const blank = { ...leaf, subject: '', issuer: '', validFrom: 'soon', validTo: '' };
    expect(certificateDetails(certificate('untrusted_issuer', blank), en)).toBe(
      'Certificate —, issued by —, valid soon to , SHA-256 AB:CD:EF',
    );
  });

  it('cuts a date that is not an ISO time at 40 characters', () => {
    const odd = { ...leaf, validFrom: `from ${'x'.repeat(60)}` };
    expect(certificateDetails(certificate('expired', odd), en)).toBe(
      `Certificate CN=katya.example, issued by CN=ACME Issuing, valid from ${'x'.repeat(34)}… to 2027-01-01, SHA-256 AB:CD:EF`,
    );
  });

  it('keeps a whole SHA-256 fingerprint, and cuts anything longer at 100 characters', () => {
    const sha256 = Array.from({ length: 32 }, () => 'AB').join(':');
    expect(sha256).toHaveLength(95);
    expect(
      certificateDetails(certificate('expired', { ...leaf, fingerprint256: sha256 }), en),
    ).toBe(
      `Certificate CN=katya.example, issued by CN=ACME Issuing, valid 2026-01-01 to 2027-01-01, SHA-256 ${sha256}`,
    );
    const long = certificate('expired', { ...leaf, fingerprint256: 'F'.repeat(150) });
    expect(certificateDetails(long, en)).toBe(
      `Certificate CN=katya.example, issued by CN=ACME Issuing, valid 2026-01-01 to 2027-01-01, SHA-256 ${'F'.repeat(99)}…`,
    );
  });

  it('has nothing to say without a certificate, or about a proxy', () => {
    expect(certificateDetails(certificate('expired', null), en)).toBeNull();
    expect(certificateDetails(proxy('denied', { status: 403 }), en)).toBeNull();
  });
});
