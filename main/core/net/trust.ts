// Which certificate authorities a wss:// connection trusts: Node's bundled list, the operating
// system's store, NODE_EXTRA_CA_CERTS, and the extra CA files of the settings or `--ca`.
//
// Node's TLS uses only its bundled list (plus NODE_EXTRA_CA_CERTS) unless told otherwise, so a
// company CA added to the OS store is unknown to it. Node 22.15+ (Electron 45's Node) can read
// the OS store with tls.getCACertificates('system'); it is looked for, not assumed. Without it
// (Node 20) the Linux distribution bundle stands in for the OS store when it is readable, and
// on macOS and Windows only Node's list is used; `summary` says which, for diagnostics.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import tls from 'node:tls';

/** Where the distributions keep the system bundle (the same list Go and curl search). */
export const DISTRIBUTION_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Gentoo
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7+
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // Alpine
];

export interface TrustStore {
  /** every trusted certificate, PEM; passed as `ca` to tls.connect */
  ca: string[];
  /** one line per source, for diagnostics: "Node's list: 144 certificates" */
  summary: string[];
  /** files that could not be used, in words */
  problems: string[];
  /** where the OS store came from */
  system: 'os' | 'distribution' | 'none';
  /** the same for the same inputs and unchanged files: a secure context built once is reused */
  readonly key: string;
}

export interface TrustOptions {
  /** PEM files to trust as well (the "Extra CA certificates" setting, `--ca`) */
  extraCaFiles?: readonly string[];
  /** for NODE_EXTRA_CA_CERTS and SSL_CERT_FILE */
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** tls.getCACertificates where this Node has it; tests pass a stand-in or null */
  getCACertificates?: ((kind: 'system' | 'bundled') => string[]) | null;
  /** default DISTRIBUTION_BUNDLES */
  distributionBundles?: readonly string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Files read before, by path, with the size and time they had: re-read only when they change. */
const fileCache = new Map<string, { mtimeMs: number; size: number; certs: string[] }>();

/** The certificates of a PEM file; throws with a sentence when there are none. */
export function readPemCertificates(path: string): string[] {
  const st = statSync(path);
  const cached = fileCache.get(path);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.certs;
  if (st.size > 16 * 1024 * 1024) throw new Error(`${path} is larger than 16 MiB`);
  const blocks = Array.from(readFileSync(path, 'utf8').matchAll(PEM_BLOCK), (m) => m[0]);
  const certs = blocks.filter(isCertificate);
  if (certs.length === 0) throw new Error(`${path} holds no PEM certificate`);
  fileCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, certs });
  return certs;
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
    // Stryker disable next-line BlockStatement: an empty catch returns undefined, which filter() drops like false
  } catch {
    return false;
  }
}

/**
 * tls.getCACertificates, if this Node has it (22.15+; Electron 45), else null. `from` is the
 * tls module; its test passes runtimes with and without the function.
 */
export function nodeCaReader(from: object = tls): TrustOptions['getCACertificates'] {
  const fn = (from as { getCACertificates?: unknown }).getCACertificates;
  return typeof fn === 'function' ? (fn as NonNullable<TrustOptions['getCACertificates']>) : null;
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { code, path = 'the file' } = err as NodeJS.ErrnoException;
  if (code === 'ENOENT') return `${path} does not exist`;
  if (code === 'EACCES') return `${path} cannot be read (permission denied)`;
  return err.message;
}

/** What a file is now, cheaply: a change of size or time means it must be read again. */
function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${path}@${st.mtimeMs}:${st.size}`;
  } catch (err) {
    // the reason too: a file that cannot be used for another reason is another problem to name
    return `${path}!${(err as NodeJS.ErrnoException).code}`;
  }
}

let last: TrustStore | null = null;

/**
 * The trust store for a connection made now. The same store comes back while the inputs and
 * the files stay as they were, so a connection attempt does not parse some 300 certificates
 * again (about 40 ms).
 */
export function loadTrust(opts: TrustOptions = {}): TrustStore {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  // Stryker disable next-line ArrayDeclaration: a path that does not exist is tried and skipped, like none
  const bundles = platform === 'linux' ? (opts.distributionBundles ?? DISTRIBUTION_BUNDLES) : [];
  // Each file by its role: the same file as NODE_EXTRA_CA_CERTS or as SSL_CERT_FILE is trusted
  // differently, so it makes another store.
  const stamp = (file: string | undefined) => (file ? fileStamp(file) : null);
  const key = JSON.stringify([
    platform,
    stamp(env.NODE_EXTRA_CA_CERTS),
    stamp(env.SSL_CERT_FILE),
    opts.extraCaFiles?.map(stamp),
    bundles.map(stamp),
  ]);
  // A reader passed in (tests) may answer differently each time: its store is neither reused
  // nor kept in place of the running Node's.
  if (opts.getCACertificates !== undefined)
    return buildTrust(opts, env, platform, bundles, opts.getCACertificates, key);
  if (last?.key !== key) last = buildTrust(opts, env, platform, bundles, nodeCaReader(), key);
  return last;
}

function buildTrust(
  opts: TrustOptions,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  distributionBundles: readonly string[],
  reader: TrustOptions['getCACertificates'],
  key: string,
): TrustStore {
  const ca: string[] = [];
  const summary: string[] = [];
  const problems: string[] = [];
  const add = (certs: readonly string[]) => {
    for (const c of certs) ca.push(c);
  };

  const bundled = reader ? reader('bundled') : [...tls.rootCertificates];
  add(bundled);
  summary.push(`Node's list: ${bundled.length} certificates`);

  let system: TrustStore['system'] = 'none';
  let systemCerts: string[] | null = null;
  // Why the OS store is not used as such, when it is not: said in the summary.
  let missing = `the system store is not readable from Node ${process.versions.node} (no tls.getCACertificates)`;
  if (reader) {
    try {
      const found = reader('system');
      if (found.length > 0) {
        systemCerts = found;
        system = 'os';
        summary.push(`the system store (tls.getCACertificates): ${found.length} certificates`);
      } else {
        // A runtime may have the function and still find nothing (a TLS library built
        // without the platform's store): then the distribution bundle is the better guess.
        missing = 'the system store (tls.getCACertificates) gave no certificates';
      }
    } catch (err) {
      problems.push(`the system store cannot be read: ${reason(err)}`);
      missing = 'the system store cannot be read';
    }
  }
  if (system === 'none') {
    const bundles = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : distributionBundles;
    for (const path of bundles) {
      try {
        systemCerts = readPemCertificates(path);
        system = 'distribution';
        summary.push(
          `${missing}; used the distribution bundle ${path} instead: ${systemCerts.length} certificates`,
        );
        break;
      } catch {
        // try the next place
      }
    }
    if (system === 'none') {
      summary.push(
        `${missing}${platform === 'linux' ? ' and no distribution bundle was found' : ''}: only Node's list is trusted`,
      );
    }
  }
  if (systemCerts) add(systemCerts);

  const extras: { path: string; from: string }[] = [];
  if (env.NODE_EXTRA_CA_CERTS)
    extras.push({ path: env.NODE_EXTRA_CA_CERTS, from: 'NODE_EXTRA_CA_CERTS' });
  for (const path of opts.extraCaFiles ?? []) {
    if (path) extras.push({ path, from: 'extra CA file' });
  }
  for (const { path, from } of extras) {
    try {
      const certs = readPemCertificates(path);
      add(certs);
      summary.push(`${from} ${path}: ${certs.length} certificate${certs.length === 1 ? '' : 's'}`);
    } catch (err) {
      problems.push(`${from} ${path} was not used: ${reason(err)}`);
    }
  }
  return { ca: [...new Set(ca)], summary, problems, system, key };
}
