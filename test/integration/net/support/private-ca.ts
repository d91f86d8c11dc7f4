// A private certificate authority made for one test run with the openssl command (Debian's
// `openssl` package): a root, and server certificates it signs, valid now, expired, not yet
// valid or for another name, plus self-signed ones. `openssl ca` is used because it takes
// explicit start and end dates, which OpenSSL 3.0's `x509 -req` does not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface IssuedCertificate {
  key: string;
  cert: string;
  /** "AB:CD:..." as openssl prints it */
  fingerprint256: string;
}

export interface IssueOptions {
  /** DNS names and IP addresses the certificate is for; default localhost and 127.0.0.1 */
  names?: string[];
  /** the validity window; default from yesterday for 30 days */
  notBefore?: Date;
  notAfter?: Date;
  /** not signed by the CA: its own issuer */
  selfSigned?: boolean;
}

export interface PrivateCa {
  dir: string;
  /** the CA certificate, PEM, to trust */
  caCert: string;
  caSubject: string;
  issue(commonName: string, opts?: IssueOptions): IssuedCertificate;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate` takes. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function altNames(names: string[]): string {
  return names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

export function fingerprintOf(cert: string, cwd: string): string {
  // "sha256 Fingerprint=AB:CD:..." (the prefix's case differs between versions)
  return openssl(['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], cwd)
    .trim()
    .split('=')[1]!;
}

export function createPrivateCa(): PrivateCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'katya-ca-'));
  mkdirSync(path.join(dir, 'issued'));
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'serial'), '1000\n');
  writeFileSync(
    path.join(dir, 'ca.cnf'),
    `[ca]
default_ca = test_ca
[test_ca]
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
`,
  );
  const caSubject = '/CN=Katya Test Root CA/O=Katya Tests';
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      caSubject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let n = 0;
  return {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    caSubject,
    issue(commonName, opts = {}) {
      const base = `leaf-${++n}`;
      const key = path.join(dir, `${base}.key`);
      const cert = path.join(dir, `${base}.pem`);
      const names = opts.names ?? ['localhost', '127.0.0.1'];
      if (opts.selfSigned) {
        openssl(
          [
            'req',
            '-x509',
            ...ec,
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '30',
            '-subj',
            `/CN=${commonName}`,
            '-addext',
            `subjectAltName=${altNames(names)}`,
          ],
          dir,
        );
      } else {
        const csr = path.join(dir, `${base}.csr`);
        const ext = path.join(dir, `${base}.ext`);
        writeFileSync(
          ext,
          `[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = ${altNames(names)}\n`,
        );
        openssl(
          ['req', '-new', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${commonName}`],
          dir,
        );
        const from = opts.notBefore ?? new Date(Date.now() - 86_400_000);
        const to = opts.notAfter ?? new Date(Date.now() + 30 * 86_400_000);
        openssl(
          [
            'ca',
            '-batch',
            '-config',
            'ca.cnf',
            '-cert',
            'ca.pem',
            '-keyfile',
            'ca.key',
            '-in',
            csr,
            '-out',
            cert,
            '-notext',
            '-startdate',
            stamp(from),
            '-enddate',
            stamp(to),
            '-extfile',
            ext,
            '-extensions',
            'leaf',
          ],
          dir,
        );
      }
      return { key, cert, fingerprint256: fingerprintOf(cert, dir) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}
