// Which authorities wss:// trusts: Node's list, the OS store where this Node can read it
// (tls.getCACertificates, Node 22.15+), else the Linux distribution bundle, plus
// NODE_EXTRA_CA_CERTS and the extra CA file; files that cannot be used are named, not fatal.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrust, readPemCertificates } from '../../../main/core/net/trust';
import { createPrivateCa } from '../../integration/net/support/private-ca';
import type { PrivateCa } from '../../integration/net/support/private-ca';

let ca: PrivateCa;
let dir: string;
beforeAll(() => {
  ca = createPrivateCa();
  dir = mkdtempSync(path.join(tmpdir(), 'katya-trust-'));
});
afterAll(() => {
  ca.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadTrust', () => {
  it('uses the OS store when this Node can read it', () => {
    const osCa = readFileSync(ca.caCert, 'utf8');
    const t = loadTrust({
      env: {},
      getCACertificates: (kind) => (kind === 'system' ? [osCa] : ['bundled-1', 'bundled-2']),
    });
    expect(t.system).toBe('os');
    expect(t.ca).toEqual(['bundled-1', 'bundled-2', osCa]);
    expect(t.summary).toEqual([
      "Node's list: 2 certificates",
      'the system store (tls.getCACertificates): 1 certificates',
    ]);
  });

  it('falls back to the distribution bundle on Linux, and says so', () => {
    const bundle = path.join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(ca.caCert));
    const t = loadTrust({
      env: {},
      platform: 'linux',
      getCACertificates: null,
      distributionBundles: [path.join(dir, 'missing.pem'), bundle],
    });
    expect(t.system).toBe('distribution');
    expect(t.ca).toHaveLength(tls.rootCertificates.length + 1);
    expect(t.summary[1]).toMatch(
      new RegExp(
        `not readable from Node .* \\(no tls.getCACertificates\\); used the distribution bundle ${bundle}`,
      ),
    );
  });

  it("trusts only Node's list where neither is there, and says that too", () => {
    const t = loadTrust({ env: {}, platform: 'darwin', getCACertificates: null });
    expect(t.system).toBe('none');
    expect(t.ca).toHaveLength(tls.rootCertificates.length);
    expect(t.summary[1]).toMatch(/only Node's list is trusted$/);
  });

  it('adds NODE_EXTRA_CA_CERTS and the extra CA file, and names the files it could not use', () => {
    const t = loadTrust({
      env: { NODE_EXTRA_CA_CERTS: ca.caCert },
      extraCaFiles: [path.join(dir, 'nope.pem')],
      platform: 'darwin',
      getCACertificates: null,
    });
    expect(t.ca).toContain(readFileSync(ca.caCert, 'utf8').trim());
    expect(t.summary).toContain(`NODE_EXTRA_CA_CERTS ${ca.caCert}: 1 certificate`);
    expect(t.problems).toEqual([
      `extra CA file ${path.join(dir, 'nope.pem')} was not used: ${path.join(dir, 'nope.pem')} does not exist`,
    ]);
  });

  it('returns the same store while nothing changed, a new one after the file changed', () => {
    const file = path.join(dir, 'extra.pem');
    writeFileSync(file, readFileSync(ca.caCert));
    const a = loadTrust({ env: {}, extraCaFiles: [file] });
    expect(loadTrust({ env: {}, extraCaFiles: [file] })).toBe(a);
    writeFileSync(file, readFileSync(ca.caCert, 'utf8') + readFileSync(ca.issue('x').cert, 'utf8'));
    const b = loadTrust({ env: {}, extraCaFiles: [file] });
    expect(b).not.toBe(a);
    expect(b.ca.length).toBe(a.ca.length + 1);
  });
});

describe('readPemCertificates', () => {
  it('refuses a file without certificates', () => {
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
    expect(() => readPemCertificates(junk)).toThrow(/holds no PEM certificate/);
  });
});

describe('a runtime whose system store comes back empty', () => {
  it('falls back to the distribution bundle, and says why', () => {
    const bundle = path.join(dir, 'bundle-2.pem');
    writeFileSync(bundle, readFileSync(ca.caCert));
    const t = loadTrust({
      env: {},
      platform: 'linux',
      getCACertificates: (kind) => (kind === 'system' ? [] : ['bundled']),
      distributionBundles: [bundle],
    });
    expect(t.system).toBe('distribution');
    expect(t.summary[1]).toBe(
      `the system store (tls.getCACertificates) gave no certificates; used the distribution bundle ${bundle} instead: 1 certificates`,
    );
  });
});

describe('loadTrust, the rest of its cases', () => {
  it('a system store that cannot be read is named, and the distribution bundle stands in', () => {
    const bundle = path.join(dir, 'bundle-3.pem');
    writeFileSync(bundle, readFileSync(ca.caCert));
    const t = loadTrust({
      env: {},
      platform: 'linux',
      getCACertificates: (kind) => {
        if (kind === 'bundled') return ['bundled'];
        throw Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/etc/keychain' });
      },
      distributionBundles: [bundle],
    });
    expect(t.problems).toEqual([
      'the system store cannot be read: /etc/keychain cannot be read (permission denied)',
    ]);
    expect(t.system).toBe('distribution');
    expect(t.summary[1]).toBe(
      `the system store cannot be read; used the distribution bundle ${bundle} instead: 1 certificates`,
    );
  });

  it('SSL_CERT_FILE is the bundle to use instead of the system store, on any platform', () => {
    const bundle = path.join(dir, 'ssl-cert-file.pem');
    writeFileSync(bundle, readFileSync(ca.caCert));
    const t = loadTrust({
      env: { SSL_CERT_FILE: bundle },
      platform: 'darwin',
      getCACertificates: () => [],
    });
    expect(t.system).toBe('distribution');
    expect(t.summary[1]).toBe(
      `the system store (tls.getCACertificates) gave no certificates; used the distribution bundle ${bundle} instead: 1 certificates`,
    );
  });

  it('says exactly why only Node’s list is trusted, on Linux and elsewhere', () => {
    const why = `the system store is not readable from Node ${process.versions.node} (no tls.getCACertificates)`;
    const mac = loadTrust({ env: {}, platform: 'darwin', getCACertificates: null });
    expect(mac.summary).toEqual([
      `Node's list: ${tls.rootCertificates.length} certificates`,
      `${why}: only Node's list is trusted`,
    ]);
    const linux = loadTrust({
      env: {},
      platform: 'linux',
      getCACertificates: null,
      distributionBundles: [path.join(dir, 'none-here.pem')],
    });
    expect(linux.summary[1]).toBe(
      `${why} and no distribution bundle was found: only Node's list is trusted`,
    );
  });

  it('counts the certificates of an extra file, and skips an empty entry', () => {
    const two = path.join(dir, 'two.pem');
    writeFileSync(two, readFileSync(ca.caCert, 'utf8') + readFileSync(ca.issue('y').cert, 'utf8'));
    const t = loadTrust({
      env: {},
      extraCaFiles: ['', two],
      platform: 'darwin',
      getCACertificates: null,
    });
    expect(t.summary.slice(2)).toEqual([`extra CA file ${two}: 2 certificates`]);
    expect(t.problems).toEqual([]);
  });

  it('asks a given reader again every time', () => {
    let asked = 0;
    const reader = (kind: 'system' | 'bundled') => {
      asked++;
      return kind === 'system' ? [] : ['bundled'];
    };
    const a = loadTrust({ env: {}, platform: 'darwin', getCACertificates: reader });
    const b = loadTrust({ env: {}, platform: 'darwin', getCACertificates: reader });
    expect(b).not.toBe(a);
    expect(asked).toBe(4);
  });

  it('makes a new store when the same file moves from NODE_EXTRA_CA_CERTS to SSL_CERT_FILE', () => {
    const file = path.join(dir, 'moving.pem');
    writeFileSync(file, readFileSync(ca.caCert));
    const a = loadTrust({ env: { NODE_EXTRA_CA_CERTS: file }, platform: 'darwin' });
    const b = loadTrust({ env: { SSL_CERT_FILE: file }, platform: 'darwin' });
    expect(b).not.toBe(a);
    expect(a.summary).toContain(`NODE_EXTRA_CA_CERTS ${file}: 1 certificate`);
    expect(b.summary.join('\n')).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  it('makes a new store when a distribution bundle changes on Linux', () => {
    const bundle = path.join(dir, 'changing-bundle.pem');
    writeFileSync(bundle, readFileSync(ca.caCert));
    const opts = { env: {}, platform: 'linux' as const, distributionBundles: [bundle] };
    const a = loadTrust(opts);
    expect(loadTrust(opts)).toBe(a);
    writeFileSync(
      bundle,
      readFileSync(ca.caCert, 'utf8') + readFileSync(ca.issue('z').cert, 'utf8'),
    );
    expect(loadTrust(opts)).not.toBe(a);
  });
});

describe('readPemCertificates, sizes and changes', () => {
  it('reads a file again when its time changed, even at the same size', () => {
    const file = path.join(dir, 'same-size.pem');
    writeFileSync(file, readFileSync(ca.caCert));
    expect(readPemCertificates(file)).toHaveLength(1);
    const size = statSync(file).size;
    writeFileSync(file, 'x'.repeat(size));
    utimesSync(file, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    expect(() => readPemCertificates(file)).toThrow(/holds no PEM certificate/);
  });

  it('refuses a file over 16 MiB without reading it; 16 MiB itself is read', () => {
    const big = path.join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(16 * 1024 * 1024 + 1, 'x'));
    expect(() => readPemCertificates(big)).toThrow(`${big} is larger than 16 MiB`);
    writeFileSync(big, Buffer.alloc(16 * 1024 * 1024, 'x'));
    expect(() => readPemCertificates(big)).toThrow(/holds no PEM certificate/);
  });
});
