// Which authorities wss:// trusts: Node's list, the OS store where this Node can read it
// (tls.getCACertificates, Node 22.15+), else the Linux distribution bundle, plus
// NODE_EXTRA_CA_CERTS and the extra CA file; files that cannot be used are named, not fatal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
