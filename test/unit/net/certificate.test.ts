// Which certificate of a chain failed and why, from Node's code and the chain as received, and
// the same in English (log, katya) and in the user's language (window, tray).
import { describe, expect, it } from 'vitest';
import {
  certificateChain,
  certificateInfo,
  certificateLine,
  certificateProblem,
  day,
} from '../../../main/core/net/certificate';
import { describeProblem, problemAdvice } from '../../../main/core/net/problem-text';
import { certificateDetails, problemWhy } from '../../../main/core/common/problem-words';
import { createTranslator } from '../../../main/core/common/messages';
import type { CertificateInfo } from '../../../main/core/common/network';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';

const now = Date.parse('2026-06-01T00:00:00Z');
const cert = (
  subject: string,
  issuer: string,
  from: string,
  to: string,
  fp: string,
): CertificateInfo => ({
  subject,
  issuer,
  validFrom: from,
  validTo: to,
  fingerprint256: fp,
  names: subject === 'CN=katya.example' ? ['katya.example'] : [],
});
const leaf = cert(
  'CN=katya.example',
  'CN=ACME Issuing',
  '2026-01-01T00:00:00.000Z',
  '2027-01-01T00:00:00.000Z',
  'AA',
);
const oldIntermediate = cert(
  'CN=ACME Issuing',
  'CN=ACME Root',
  '2020-01-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
  'BB',
);
const root = cert(
  'CN=ACME Root',
  'CN=ACME Root',
  '2020-01-01T00:00:00.000Z',
  '2040-01-01T00:00:00.000Z',
  'CC',
);

describe('certificateProblem', () => {
  it.each([
    ['CERT_HAS_EXPIRED', [leaf, oldIntermediate, root], 'expired', 'BB'],
    [
      'CERT_NOT_YET_VALID',
      [cert('CN=k', 'CN=i', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', 'DD')],
      'not_yet_valid',
      'DD',
    ],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', [leaf], 'self_signed', 'AA'],
    ['SELF_SIGNED_CERT_IN_CHAIN', [leaf, oldIntermediate, root], 'untrusted_issuer', 'CC'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', [leaf], 'untrusted_issuer', 'AA'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', [leaf, oldIntermediate], 'untrusted_issuer', 'BB'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', [leaf, root], 'name_mismatch', 'AA'],
    ['CERT_REVOKED', [leaf], 'other', 'AA'],
  ] as const)('%s -> %s, naming the certificate at fault', (code, chain, reason, fp) => {
    const p = certificateProblem(code, [...chain], 'katya.example', now);
    expect(p.reason).toBe(reason);
    expect(p.certificate?.fingerprint256).toBe(fp);
  });

  it('works without a chain', () => {
    expect(certificateProblem('CERT_HAS_EXPIRED', [], 'k', now).certificate).toBeNull();
  });
});

describe('certificateChain', () => {
  it('follows issuerCertificate, stops at a self-signed root, cleans the server text', () => {
    const rootCert = {
      raw: Buffer.from('r'),
      subject: { CN: 'Root' },
      issuer: { CN: 'Root' },
      valid_from: 'Jan  1 00:00:00 2020 GMT',
      valid_to: 'Jan  1 00:00:00 2040 GMT',
      fingerprint256: 'R1',
    } as unknown as DetailedPeerCertificate;
    rootCert.issuerCertificate = rootCert;
    const leafCert = {
      raw: Buffer.from('l'),
      subject: { CN: 'katya\u202e.example', O: ['A', 'B'] },
      issuer: { CN: 'Root' },
      valid_from: 'Jan  1 00:00:00 2026 GMT',
      valid_to: 'Jan  1 00:00:00 2027 GMT',
      fingerprint256: 'L1',
      subjectaltname: 'DNS:katya.example, IP Address:10.0.0.5',
      issuerCertificate: rootCert,
    } as unknown as DetailedPeerCertificate;
    expect(certificateChain(leafCert)).toEqual([
      {
        subject: 'CN=katya .example, O=A, O=B',
        issuer: 'CN=Root',
        validFrom: '2026-01-01T00:00:00.000Z',
        validTo: '2027-01-01T00:00:00.000Z',
        fingerprint256: 'L1',
        names: ['katya.example', '10.0.0.5'],
      },
      expect.objectContaining({ subject: 'CN=Root', fingerprint256: 'R1' }),
    ]);
    expect(certificateChain(null)).toEqual([]);
  });
});

describe('in words', () => {
  const expired = certificateProblem(
    'CERT_HAS_EXPIRED',
    [leaf, oldIntermediate, root],
    'katya.example',
    now,
  );
  const en = createTranslator('en');
  const ru = createTranslator('ru');

  it('English for the log and katya: what, why, and the certificate', () => {
    expect(describeProblem(expired)).toBe(
      'certificate not trusted: the certificate of katya.example was refused because it expired on 2026-01-01; the certificate: "CN=ACME Issuing" issued by "CN=ACME Root", valid 2020-01-01 to 2026-01-01, SHA-256 BB',
    );
    expect(problemAdvice(expired)).toMatch(/clock/);
  });

  it('the window and tray words, in both languages', () => {
    expect(problemWhy(expired, en)).toBe('the certificate CN=ACME Issuing expired on 2026-01-01');
    expect(problemWhy(expired, ru)).toBe(
      'срок действия сертификата CN=ACME Issuing истёк 2026-01-01',
    );
    expect(certificateDetails(expired, en)).toBe(
      'Certificate CN=ACME Issuing, issued by CN=ACME Root, valid 2020-01-01 to 2026-01-01, SHA-256 BB',
    );
    const wrongName = certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID', [leaf], 'k.other', now);
    expect(problemWhy(wrongName, en)).toBe('the certificate is for katya.example, not k.other');
  });

  it('each proxy failure in its own words', () => {
    const base = { kind: 'proxy' as const, proxy: 'HTTP proxy p:3128', target: 'k:443' };
    const cases = [
      [
        { ...base, reason: 'auth_required' as const, status: 407, credentialsSent: false },
        'HTTP proxy p:3128 needs a user name and password',
      ],
      [
        { ...base, reason: 'auth_required' as const, status: 407, credentialsSent: true },
        'HTTP proxy p:3128 refused the user name and password',
      ],
      [{ ...base, reason: 'refused' as const }, 'HTTP proxy p:3128 refused the connection'],
      [
        { ...base, reason: 'denied' as const, status: 403 },
        'HTTP proxy p:3128 does not allow connections to k:443 (HTTP 403)',
      ],
      [
        { ...base, reason: 'upstream' as const, status: 502 },
        'HTTP proxy p:3128 could not reach k:443 (HTTP 502)',
      ],
      [
        { ...base, reason: 'unreachable' as const, detail: 'getaddrinfo ENOTFOUND p' },
        'HTTP proxy p:3128 cannot be reached',
      ],
      [{ ...base, reason: 'not_set' as const }, 'no manual proxy URL is set'],
      [
        { ...base, reason: 'ipv4_only' as const },
        'HTTP proxy p:3128 reaches IPv4 addresses only, and k:443 is IPv6: use a SOCKS5 proxy',
      ],
    ] as const;
    for (const [problem, words] of cases) {
      expect(problemWhy(problem, en)).toBe(words);
      expect(describeProblem(problem)).toMatch(/^proxy: /);
      expect(problemAdvice(problem)).not.toBe('');
      expect(problemWhy(problem, ru)).not.toBe(words);
    }
  });

  it('each proxy failure in English for the log and katya, with what to do', () => {
    const base = { kind: 'proxy' as const, proxy: 'HTTP proxy p:3128', target: 'k:443' };
    const cases = [
      [
        { ...base, reason: 'auth_required' as const, status: 407, credentialsSent: false },
        'proxy: HTTP proxy p:3128 needs a user name and password (HTTP 407)',
        'give the proxy a user name and password (the proxy credentials in settings, or http://USER:PASS@HOST:PORT for katya)',
      ],
      [
        { ...base, reason: 'auth_required' as const, credentialsSent: true },
        'proxy: HTTP proxy p:3128 refused the user name and password',
        'check the proxy user name and password',
      ],
      [
        { ...base, reason: 'refused' as const },
        'proxy: HTTP proxy p:3128 refused the connection; is the proxy running, and is its address right?',
        'check the proxy setting (system, none or manual) and that the proxy is running',
      ],
      [
        { ...base, reason: 'denied' as const, status: 403 },
        'proxy: HTTP proxy p:3128 denied the tunnel to k:443 (HTTP 403)',
        "the proxy's rules do not allow this server or port; ask whoever runs the proxy",
      ],
      [
        { ...base, reason: 'upstream' as const },
        'proxy: HTTP proxy p:3128 could not reach k:443',
        'the proxy cannot reach the server: check the server address, or ask whoever runs the proxy',
      ],
      [
        { ...base, reason: 'unreachable' as const, detail: 'getaddrinfo ENOTFOUND p' },
        'proxy: HTTP proxy p:3128 cannot be reached: getaddrinfo ENOTFOUND p',
        'check the proxy setting (system, none or manual) and that the proxy is running',
      ],
      [
        { ...base, reason: 'unreachable' as const },
        'proxy: HTTP proxy p:3128 cannot be reached',
        'check the proxy setting (system, none or manual) and that the proxy is running',
      ],
      [
        { ...base, reason: 'not_set' as const },
        'proxy: a manual proxy is chosen but no proxy URL is set',
        'enter the proxy URL, or choose the system proxy or none',
      ],
    ] as const;
    for (const [problem, sentence, advice] of cases) {
      expect(describeProblem(problem)).toBe(sentence);
      expect(problemAdvice(problem)).toBe(advice);
    }
  });

  it('each certificate refusal in English, with what to do, also without a certificate', () => {
    const base = { kind: 'certificate' as const, host: 'k.example', certificate: null };
    const ownCa =
      'if your organisation signs its own certificates, trust its CA: the "Extra CA certificates" setting in the app, --ca FILE or NODE_EXTRA_CA_CERTS=ca.pem for katya, or the system store';
    const clock =
      "check this computer's clock; otherwise the server admin must renew the certificate";
    const cases = [
      [
        { ...base, reason: 'expired' as const, code: 'CERT_HAS_EXPIRED' },
        'it expired on an earlier date',
        clock,
      ],
      [
        { ...base, reason: 'not_yet_valid' as const, code: 'CERT_NOT_YET_VALID' },
        'it is not valid until a later date',
        clock,
      ],
      [
        { ...base, reason: 'name_mismatch' as const, code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
        'it is for another name, not k.example',
        'use the host name the certificate names, or ask the server admin for a certificate for k.example',
      ],
      [
        { ...base, reason: 'self_signed' as const, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
        'it is self-signed, and not in the trusted list',
        ownCa,
      ],
      [
        { ...base, reason: 'untrusted_issuer' as const, code: 'UNABLE_TO_GET_ISSUER_CERT' },
        'its issuer is not a trusted authority',
        ownCa,
      ],
      [
        { ...base, reason: 'other' as const, code: 'CERT_REVOKED' },
        'verification failed (CERT_REVOKED)',
        'ask the server admin to check the certificate',
      ],
    ] as const;
    for (const [problem, because, advice] of cases) {
      expect(describeProblem(problem)).toBe(
        `certificate not trusted: the certificate of k.example was refused because ${because}`,
      );
      expect(problemAdvice(problem)).toBe(advice);
    }
  });
});

describe('a certificate in words, field by field', () => {
  const peer = (fields: Record<string, unknown>) =>
    ({ raw: Buffer.from('x'), ...fields }) as unknown as DetailedPeerCertificate;

  it('names the parts of a name in the usual order, unknown parts last', () => {
    const info = certificateInfo(
      peer({
        subject: {
          C: 'DE',
          emailAddress: 'ops@k',
          O: 'ACME',
          CN: 'k',
          L: 'Berlin',
          ST: 'BE',
          OU: 'Ops',
        },
      }) as PeerCertificate,
    );
    expect(info.subject).toBe('CN=k, OU=Ops, O=ACME, L=Berlin, ST=BE, C=DE, emailAddress=ops@k');
  });

  it('a certificate without a subject, issuer, dates or names still reads', () => {
    const info = certificateInfo(peer({}) as PeerCertificate);
    expect(info).toEqual({
      subject: '',
      issuer: '',
      validFrom: '',
      validTo: '',
      fingerprint256: '',
      names: [],
    });
    expect(certificateLine(info)).toBe(
      '"(no subject)" issued by "(no issuer)", valid  to , SHA-256 ',
    );
    expect(certificateInfo(peer({ valid_to: 'someday' }) as PeerCertificate).validTo).toBe(
      'someday',
    );
  });

  it('reads alternative names with or without spaces, any case of the prefix', () => {
    const info = certificateInfo(
      peer({
        subjectaltname: 'DNS:a.example,dns:b.example, IP Address:10.0.0.5, email:x@y',
      }) as PeerCertificate,
    );
    expect(info.names).toEqual(['a.example', 'b.example', '10.0.0.5', 'email:x@y']);
  });

  it('follows a chain no further than ten certificates, nor past one without its bytes', () => {
    const chain: DetailedPeerCertificate[] = [];
    for (let i = 0; i < 12; i++) chain.push(peer({ fingerprint256: `F${i}` }));
    for (let i = 0; i < 11; i++) chain[i]!.issuerCertificate = chain[i + 1]!;
    expect(certificateChain(chain[0]!).map((c) => c.fingerprint256)).toEqual(
      Array.from({ length: 10 }, (_, i) => `F${i}`),
    );
    const short = peer({ fingerprint256: 'S1' });
    short.issuerCertificate = { fingerprint256: 'S2' } as unknown as DetailedPeerCertificate;
    expect(certificateChain(short).map((c) => c.fingerprint256)).toEqual(['S1']);
  });

  it('day() shortens an ISO time only', () => {
    expect(day('2026-01-01T10:00:00.000Z')).toBe('2026-01-01');
    expect(day('on 2026-01-01T10:00')).toBe('on 2026-01-01T10:00');
  });
});

describe('which certificate failed, at the edges', () => {
  it('a certificate that ends at this very moment has not expired yet', () => {
    const endsNow = cert(
      'CN=a',
      'CN=b',
      '2020-01-01T00:00:00.000Z',
      new Date(now).toISOString(),
      'E1',
    );
    const p = certificateProblem('CERT_HAS_EXPIRED', [leaf, endsNow, oldIntermediate], 'k', now);
    expect(p.certificate?.fingerprint256).toBe('BB');
  });

  it('names the certificate that is not valid yet, not the leaf', () => {
    const later = cert(
      'CN=i',
      'CN=r',
      '2027-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
      'L2',
    );
    const startsNow = cert(
      'CN=n',
      'CN=r',
      new Date(now).toISOString(),
      '2030-01-01T00:00:00.000Z',
      'N1',
    );
    expect(
      certificateProblem('CERT_NOT_YET_VALID', [leaf, startsNow, later], 'k', now).certificate
        ?.fingerprint256,
    ).toBe('L2');
    expect(
      certificateProblem('CERT_NOT_YET_VALID', [leaf, root], 'k', now).certificate?.fingerprint256,
    ).toBe('AA');
  });

  it('says in English which issuer, which names, and from when', () => {
    const because = (code: string, chain: CertificateInfo[], host = 'k.other') =>
      describeProblem(certificateProblem(code, chain, host, now))
        .replace(/^certificate not trusted: the certificate of \S+ was refused because /, '')
        .replace(/; the certificate: .*$/, '');
    expect(because('UNABLE_TO_GET_ISSUER_CERT', [oldIntermediate])).toBe(
      'its issuer "CN=ACME Root" is not a trusted authority',
    );
    expect(because('UNABLE_TO_GET_ISSUER_CERT', [{ ...oldIntermediate, issuer: '' }])).toBe(
      'its issuer is not a trusted authority',
    );
    expect(because('ERR_TLS_CERT_ALTNAME_INVALID', [{ ...leaf, names: ['a', 'b'] }])).toBe(
      'it is for a, b, not k.other',
    );
    expect(because('ERR_TLS_CERT_ALTNAME_INVALID', [oldIntermediate])).toBe(
      'it is for CN=ACME Issuing, not k.other',
    );
    expect(
      because('CERT_NOT_YET_VALID', [
        cert('CN=k', 'CN=i', '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', 'DD'),
      ]),
    ).toBe('it is not valid until 2027-01-01');
    expect(because('DEPTH_ZERO_SELF_SIGNED_CERT', [leaf])).toBe(
      'it is self-signed, and not in the trusted list',
    );
  });
});
