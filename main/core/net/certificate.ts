// A server certificate in words: who it is for, who issued it, when it is valid, its SHA-256
// fingerprint, and, when TLS refused it, which certificate of the chain failed and why
// (expired, not yet valid, self-signed, issuer not trusted, name mismatch). The connection
// engine, `katya tail`, `katya doctor`, the window and the tray all describe it from here.
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { displayText } from '../common/untrusted-text';
import type { CertificateInfo, CertificateReason, ConnectionProblem } from '../common/network';

type CertificateProblem = Extract<ConnectionProblem, { kind: 'certificate' }>;

/** Node's verification codes, by what they mean to a person. */
const REASONS: ReadonlyMap<string, CertificateReason> = new Map([
  ['CERT_HAS_EXPIRED', 'expired'],
  ['CERT_NOT_YET_VALID', 'not_yet_valid'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self_signed'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted_issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'untrusted_issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'untrusted_issuer'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted_issuer'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'name_mismatch'],
]);

/** "CN=katya.example, O=ACME" from Node's subject object; the text is the server's, so cleaned. */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name || typeof name !== 'object') return '';
  const order = ['CN', 'OU', 'O', 'L', 'ST', 'C'];
  const keys = Object.keys(name).sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  const parts = keys.flatMap((k) => {
    const v = (name as unknown as Record<string, string | string[]>)[k];
    return (Array.isArray(v) ? v : [v]).map((x) => `${k}=${String(x)}`);
  });
  return displayText(parts.join(', '), 300);
}

function isoDate(text: string | undefined): string {
  const ms = Date.parse(text ?? '');
  return Number.isFinite(ms) ? new Date(ms).toISOString() : displayText(String(text ?? ''), 40);
}

/** The names a certificate is for: "DNS:a, IP Address:1.2.3.4" -> ["a", "1.2.3.4"]. */
function altNames(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/i, ''))
    .map((entry) => displayText(entry, 120))
    .filter(Boolean)
    .slice(0, 20);
}

export function certificateInfo(cert: PeerCertificate): CertificateInfo {
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: displayText(String(cert.fingerprint256 ?? ''), 100),
    names: altNames(cert.subjectaltname),
  };
}

/**
 * The chain as the server sent it (and as far as it could be followed), leaf first, from
 * getPeerCertificate(true). A self-signed certificate names itself as its issuer: stop there.
 */
export function certificateChain(
  leaf: DetailedPeerCertificate | PeerCertificate | null,
): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  const seen = new Set<string>();
  let cert = leaf as DetailedPeerCertificate | null;
  while (cert && typeof cert === 'object' && cert.raw && out.length < 10) {
    const fp = String(cert.fingerprint256 ?? '');
    if (seen.has(fp)) break;
    seen.add(fp);
    out.push(certificateInfo(cert));
    cert = cert.issuerCertificate ?? null;
  }
  return out;
}

/**
 * Which certificate of the chain failed, and why. Node names the failure (its code); the chain
 * says which certificate: the one whose dates are out for expired and not-yet-valid, the last
 * one received for an unknown issuer, the server's own for a self-signed one or a wrong name.
 */
export function certificateProblem(
  code: string,
  chain: CertificateInfo[],
  host: string,
  now: number = Date.now(),
): CertificateProblem {
  const reason = REASONS.get(code) ?? 'other';
  const leaf = chain[0] ?? null;
  let failed: CertificateInfo | null = leaf;
  if (reason === 'expired') {
    failed = chain.find((c) => Date.parse(c.validTo) < now) ?? leaf;
  } else if (reason === 'not_yet_valid') {
    failed = chain.find((c) => Date.parse(c.validFrom) > now) ?? leaf;
  } else if (reason === 'untrusted_issuer') {
    failed = chain[chain.length - 1] ?? null;
  }
  return {
    kind: 'certificate',
    reason,
    host: displayText(host, 255),
    code: displayText(code, 64),
    certificate: failed,
  };
}

/** "expired on 2024-01-02" and the rest, in English: for the log, `katya tail` and the doctor. */
export function certificateReasonText(p: CertificateProblem): string {
  const c = p.certificate;
  switch (p.reason) {
    case 'expired':
      return `it expired on ${c ? day(c.validTo) : 'an earlier date'}`;
    case 'not_yet_valid':
      return `it is not valid until ${c ? day(c.validFrom) : 'a later date'}`;
    case 'self_signed':
      return 'it is self-signed, and not in the trusted list';
    case 'untrusted_issuer':
      return `its issuer${c?.issuer ? ` "${c.issuer}"` : ''} is not a trusted authority`;
    case 'name_mismatch':
      return `it is for ${c && c.names.length ? c.names.join(', ') : (c?.subject ?? 'another name')}, not ${p.host}`;
    case 'other':
      return `verification failed (${p.code})`;
  }
}

/** "2024-01-02" from an ISO time, or the text as it is. */
export function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : iso;
}

/** One certificate on one line: subject, issuer, validity, fingerprint. */
export function certificateLine(c: CertificateInfo): string {
  return `"${c.subject || '(no subject)'}" issued by "${c.issuer || '(no issuer)'}", valid ${day(c.validFrom)} to ${day(c.validTo)}, SHA-256 ${c.fingerprint256}`;
}
