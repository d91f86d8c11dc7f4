// A proxy or certificate problem (network.ts) in the user's language, for the status bar and
// the tray: one sentence saying what failed and why. The certificate's full details (issuer,
// dates, fingerprint) are a second sentence, for the window, where there is room for them.
import type { ConnectionProblem } from './network';
import type { Translate } from './messages';
import { displayText } from './untrusted-text';

/** The server's words (a certificate's names) made safe and short enough for one line. */
const shown = (text: string, max = 120) => displayText(text, max);

/** "2024-01-02" from an ISO time; anything else as it is. */
function day(iso: string): string {
  const text = shown(iso, 40);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) ? text.slice(0, 10) : text;
}

type CertificateProblem = Extract<ConnectionProblem, { kind: 'certificate' }>;
type ProxyProblem = Extract<ConnectionProblem, { kind: 'proxy' }>;

/** Why the connection failed: "the certificate CN=x expired on 2024-01-02". */
export function problemWhy(p: ConnectionProblem, t: Translate): string {
  return p.kind === 'certificate' ? certificateWhy(p, t) : proxyWhy(p, t);
}

function certificateWhy(p: CertificateProblem, t: Translate): string {
  const c = p.certificate;
  const subject = shown(c?.subject || p.host);
  switch (p.reason) {
    case 'expired':
      return t('cert.expired', { subject, date: c ? day(c.validTo) : '—' });
    case 'not_yet_valid':
      return t('cert.notYetValid', { subject, date: c ? day(c.validFrom) : '—' });
    case 'self_signed':
      return t('cert.selfSigned', { subject });
    case 'untrusted_issuer':
      return t('cert.untrustedIssuer', { issuer: shown(c?.issuer || '—') });
    case 'name_mismatch':
      return t('cert.nameMismatch', {
        // without a certificate, or one naming nothing, the host would say "for k, not k"
        names: shown(c?.names.length ? c.names.join(', ') : c?.subject || '—'),
        host: shown(p.host),
      });
    case 'other':
      return t('cert.other', { host: shown(p.host), code: shown(p.code, 64) });
  }
}

function proxyWhy(p: ProxyProblem, t: Translate): string {
  const proxy = shown(p.proxy);
  const target = shown(p.target);
  const status = p.status;
  switch (p.reason) {
    case 'auth_required':
      return t(p.credentialsSent ? 'proxy.authRejected' : 'proxy.authRequired', { proxy });
    case 'refused':
      return t('proxy.refused', { proxy });
    case 'denied':
      return status === undefined
        ? t('proxy.deniedSocks', { proxy, target })
        : t('proxy.denied', { proxy, target, status });
    case 'upstream':
      return status === undefined
        ? t('proxy.upstreamSocks', { proxy, target })
        : t('proxy.upstream', { proxy, target, status });
    case 'ipv4_only':
      return t('proxy.ipv4Only', { proxy, target });
    case 'unreachable':
      return t('proxy.unreachable', { proxy });
    case 'not_set':
      return t('proxy.notSet');
  }
}

/** "Certificate CN=x, issued by CN=y, valid 2024-01-01 to 2025-01-01, SHA-256 AB:…", or null. */
export function certificateDetails(p: ConnectionProblem, t: Translate): string | null {
  // Stryker disable next-line ConditionalExpression: for the types only; a proxy problem has no certificate, so the next check returns null for it too
  if (p.kind !== 'certificate') return null;
  const c = p.certificate;
  if (!c) return null;
  return t('status.certificateDetails', {
    subject: shown(c.subject || '—'),
    issuer: shown(c.issuer || '—'),
    from: day(c.validFrom),
    to: day(c.validTo),
    fingerprint: shown(c.fingerprint256, 100),
  });
}
