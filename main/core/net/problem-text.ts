// A connection problem (a proxy, a certificate) in English sentences: for the log, the
// engine's `lastError`, `katya tail` and `katya doctor`. The window and the tray put the same
// problem into the user's language with the message catalogue instead.
import type { ConnectionProblem } from '../common/network';
import { certificateLine, certificateReasonText } from './certificate';

export function describeProblem(p: ConnectionProblem): string {
  if (p.kind === 'certificate') {
    const which = p.certificate ? `; the certificate: ${certificateLine(p.certificate)}` : '';
    return `certificate not trusted: the certificate of ${p.host} was refused because ${certificateReasonText(p)}${which}`;
  }
  const status = p.status !== undefined ? ` (HTTP ${p.status})` : '';
  switch (p.reason) {
    case 'auth_required':
      return p.credentialsSent
        ? `proxy: ${p.proxy} refused the user name and password${status}`
        : `proxy: ${p.proxy} needs a user name and password${status}`;
    case 'refused':
      return `proxy: ${p.proxy} refused the connection; is the proxy running, and is its address right?`;
    case 'denied':
      return `proxy: ${p.proxy} denied the tunnel to ${p.target}${status}`;
    case 'upstream':
      return `proxy: ${p.proxy} could not reach ${p.target}${status}`;
    case 'unreachable':
      return `proxy: ${p.proxy} cannot be reached${p.detail ? `: ${p.detail}` : ''}`;
    case 'ipv4_only':
      return `proxy: ${p.proxy} reaches IPv4 addresses only, and ${p.target} is IPv6`;
    case 'not_set':
      return 'proxy: a manual proxy is chosen but no proxy URL is set';
  }
}

/** What to do about it, for the doctor's arrow and `katya tail`. */
export function problemAdvice(p: ConnectionProblem): string {
  if (p.kind === 'certificate') {
    switch (p.reason) {
      case 'expired':
      case 'not_yet_valid':
        return "check this computer's clock; otherwise the server admin must renew the certificate";
      case 'name_mismatch':
        return `use the host name the certificate names, or ask the server admin for a certificate for ${p.host}`;
      case 'self_signed':
      case 'untrusted_issuer':
        return 'if your organisation signs its own certificates, trust its CA: the "Extra CA certificates" setting in the app, --ca FILE or NODE_EXTRA_CA_CERTS=ca.pem for katya, or the system store';
      case 'other':
        return 'ask the server admin to check the certificate';
    }
  }
  switch (p.reason) {
    case 'auth_required':
      return p.credentialsSent
        ? 'check the proxy user name and password'
        : 'give the proxy a user name and password (the proxy credentials in settings, or http://USER:PASS@HOST:PORT for katya)';
    case 'refused':
    case 'unreachable':
      return 'check the proxy setting (system, none or manual) and that the proxy is running';
    case 'denied':
      return "the proxy's rules do not allow this server or port; ask whoever runs the proxy";
    case 'upstream':
      return 'the proxy cannot reach the server: check the server address, or ask whoever runs the proxy';
    case 'ipv4_only':
      return 'use a SOCKS5 proxy (socks5:// or socks5h://) for this server: SOCKS4 carries IPv4 addresses only';
    case 'not_set':
      return 'enter the proxy URL, or choose the system proxy or none';
  }
}
