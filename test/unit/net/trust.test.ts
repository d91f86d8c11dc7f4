// Which authorities wss:// trusts: Node's list, the OS store where this Node can read it
// (tls.getCACertificates, Node 22.15+), else the Linux distribution bundle, plus
// NODE_EXTRA_CA_CERTS and the extra CA file; files that cannot be used are named, not fatal.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrust, nodeCaReader, readPemCertificates } from '../../../main/core/net/trust';
import { createPrivateCa } from '../../integration/net/support/private-ca';
import type { PrivateCa } from '../../integration/net/support/private-ca';

let ca: PrivateCa;
let dir: string;
/** the private CA's certificate and two leaves it signed, PEM, as a store holds them */
let caPem: string;
let leafA: string;
let leafB: string;
beforeAll(() => {
  ca = createPrivateCa();
  dir = mkdtempSync(path.join(tmpdir(), 'katya-trust-'));
  caPem = readFileSync(ca.caCert, 'utf8').trim();
  leafA = readFileSync(ca.issue('a.example').cert, 'utf8').trim();
  leafB = readFileSync(ca.issue('b.example').cert, 'utf8').trim();
});

/** The words when there is no tls.getCACertificates to ask (Node 20, or none given). */
const NO_READER = `the system store is not readable from Node ${process.versions.node} (no tls.getCACertificates)`;

/** A PEM file in the test's folder. */
function pemFile(name: string, ...pems: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, pems.map((p) => `${p}\n`).join(''));
  return file;
}
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
    expect(t).toEqual({
      ca: [...tls.rootCertificates, caPem],
      summary: [
        `Node's list: ${tls.rootCertificates.length} certificates`,
        `${NO_READER}; used the distribution bundle ${bundle} instead: 1 certificates`,
      ],
      problems: [],
      system: 'distribution',
      key: expect.any(String),
    });
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

describe('loadTrust: which certificates, from where', () => {
  it("trusts Node's list, the system store, NODE_EXTRA_CA_CERTS and the extra files, in that order, each certificate once", () => {
    const fromEnv = pemFile('from-env.pem', leafA);
    const extra = pemFile('extra-two.pem', caPem, leafB);
    const t = loadTrust({
      env: { NODE_EXTRA_CA_CERTS: fromEnv },
      extraCaFiles: [extra],
      platform: 'linux',
      getCACertificates: (kind) => (kind === 'system' ? [caPem] : ['bundled']),
    });
    expect(t).toEqual({
      ca: ['bundled', caPem, leafA, leafB],
      summary: [
        "Node's list: 1 certificates",
        'the system store (tls.getCACertificates): 1 certificates',
        `NODE_EXTRA_CA_CERTS ${fromEnv}: 1 certificate`,
        `extra CA file ${extra}: 2 certificates`,
      ],
      problems: [],
      system: 'os',
      key: expect.any(String),
    });
  });

  it('names a file that holds no certificate or cannot be read, with why, and trusts the rest', () => {
    const junk = path.join(dir, 'no-pem.pem');
    writeFileSync(junk, 'just text\n');
    const folder = path.join(dir, 'a-folder.pem');
    mkdirSync(folder);
    const good = pemFile('good.pem', leafA);
    const t = loadTrust({
      env: { NODE_EXTRA_CA_CERTS: folder },
      extraCaFiles: [junk, good],
      platform: 'darwin',
      getCACertificates: null,
    });
    expect(t.problems).toEqual([
      `NODE_EXTRA_CA_CERTS ${folder} was not used: EISDIR: illegal operation on a directory, read`,
      `extra CA file ${junk} was not used: ${junk} holds no PEM certificate`,
    ]);
    expect(t.ca).toEqual([...tls.rootCertificates, leafA]);
    expect(t.summary.slice(2)).toEqual([`extra CA file ${good}: 1 certificate`]);
  });

  it.each([
    [
      'an error naming a file',
      { code: 'EACCES', path: '/k' },
      '/k cannot be read (permission denied)',
    ],
    ['a missing file without its path', { code: 'ENOENT' }, 'the file does not exist'],
    [
      'no permission, without a path',
      { code: 'EACCES' },
      'the file cannot be read (permission denied)',
    ],
    ['any other error', { code: 'EIO' }, 'keychain locked'],
  ])('says why the system store cannot be read: %s', (_what, fields, words) => {
    const t = loadTrust({
      env: {},
      platform: 'darwin',
      getCACertificates: (kind) => {
        if (kind === 'bundled') return [];
        throw Object.assign(new Error('keychain locked'), fields);
      },
    });
    expect(t.problems).toEqual([`the system store cannot be read: ${words}`]);
    expect(t.summary).toEqual([
      "Node's list: 0 certificates",
      "the system store cannot be read: only Node's list is trusted",
    ]);
  });

  it('says what a reader threw that is not an Error', () => {
    const t = loadTrust({
      env: {},
      platform: 'darwin',
      getCACertificates: (kind) => {
        if (kind === 'bundled') return [];
        throw 'keychain locked';
      },
    });
    expect(t.problems).toEqual(['the system store cannot be read: keychain locked']);
  });

  it('takes an empty NODE_EXTRA_CA_CERTS or SSL_CERT_FILE as not set', () => {
    const empty = { NODE_EXTRA_CA_CERTS: '', SSL_CERT_FILE: '' };
    expect(loadTrust({ env: empty, platform: 'darwin', getCACertificates: null })).toEqual({
      ca: [...tls.rootCertificates],
      summary: [
        `Node's list: ${tls.rootCertificates.length} certificates`,
        `${NO_READER}: only Node's list is trusted`,
      ],
      problems: [],
      system: 'none',
      key: expect.any(String),
    });
    const a = loadTrust({ env: empty, platform: 'darwin' });
    expect(loadTrust({ env: {}, platform: 'darwin' })).toBe(a);
  });

  it('reads no distribution bundle on macOS or Windows, and keeps its store when one changes', () => {
    const bundle = pemFile('mac-bundle.pem', caPem);
    for (const platform of ['darwin', 'win32'] as const) {
      const t = loadTrust({
        env: {},
        platform,
        getCACertificates: null,
        distributionBundles: [bundle],
      });
      expect(t.system).toBe('none');
      expect(t.summary).toEqual([
        `Node's list: ${tls.rootCertificates.length} certificates`,
        `${NO_READER}: only Node's list is trusted`,
      ]);
    }
    const opts = { env: {}, platform: 'darwin' as const, distributionBundles: [bundle] };
    const a = loadTrust(opts);
    pemFile('mac-bundle.pem', caPem, leafA);
    expect(loadTrust(opts)).toBe(a);
  });

  it("keeps the running Node's store while a store is made with a reader given in between", () => {
    const a = loadTrust({ env: {}, platform: 'darwin' });
    const given = loadTrust({
      env: {},
      platform: 'darwin',
      getCACertificates: (kind) => (kind === 'bundled' ? ['given'] : []),
    });
    expect(given.ca).toEqual(['given']);
    expect(loadTrust({ env: {}, platform: 'darwin' })).toBe(a);
  });

  it('trusts NODE_EXTRA_CA_CERTS no longer once it is unset; nor SSL_CERT_FILE', () => {
    const file = pemFile('unset-later.pem', leafA);
    const set = loadTrust({ env: { NODE_EXTRA_CA_CERTS: file }, platform: 'darwin' });
    expect(set.ca).toContain(leafA);
    const unset = loadTrust({ env: {}, platform: 'darwin' });
    expect(unset).not.toBe(set);
    expect(unset.ca).not.toContain(leafA);
    // (whether SSL_CERT_FILE's bundle is used depends on this Node's own system store)
    const bundle = loadTrust({ env: { SSL_CERT_FILE: file }, platform: 'darwin' });
    expect(loadTrust({ env: {}, platform: 'darwin' })).not.toBe(bundle);
  });

  it('says why an extra file cannot be used as it is now, and trusts it once it can be', () => {
    const folder = path.join(dir, 'comes-later');
    const file = path.join(folder, 'ca.pem');
    const opts = { env: {}, platform: 'darwin' as const, extraCaFiles: [file] };
    expect(loadTrust(opts).problems).toEqual([
      `extra CA file ${file} was not used: ${file} does not exist`,
    ]);
    writeFileSync(folder, 'a file where the folder should be');
    expect(loadTrust(opts).problems).toEqual([
      `extra CA file ${file} was not used: ENOTDIR: not a directory, stat '${file}'`,
    ]);
    rmSync(folder);
    mkdirSync(folder);
    writeFileSync(file, `${caPem}\n`);
    const t = loadTrust(opts);
    expect(t.problems).toEqual([]);
    expect(t.summary.at(-1)).toBe(`extra CA file ${file}: 1 certificate`);
    expect(t.ca.at(-1)).toBe(caPem);
  });
});

describe('nodeCaReader: tls.getCACertificates is looked for, not assumed', () => {
  it('is the function where the runtime has one, else null', () => {
    const getCACertificates = (kind: string) => [kind];
    expect(nodeCaReader({ getCACertificates })).toBe(getCACertificates);
    expect(nodeCaReader({})).toBeNull();
    expect(nodeCaReader({ getCACertificates: ['not', 'a', 'function'] })).toBeNull();
  });

  it("is this Node's own by default", () => {
    const own = (tls as { getCACertificates?: unknown }).getCACertificates;
    expect(nodeCaReader()).toBe(typeof own === 'function' ? own : null);
  });
});

describe('readPemCertificates: what it takes, and when it reads again', () => {
  it('takes the certificates in order and skips text and blocks that are not certificates', () => {
    const file = path.join(dir, 'mixed.pem');
    const junk = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';
    writeFileSync(file, `Subject: a\n${leafA}\n${junk}\nSubject: b\n${leafB}\n`);
    expect(readPemCertificates(file)).toEqual([leafA, leafB]);
  });

  it('refuses a file without any PEM block, in those words', () => {
    const file = path.join(dir, 'plain.txt');
    writeFileSync(file, 'no certificates here\n');
    expect(() => readPemCertificates(file)).toThrow(`${file} holds no PEM certificate`);
  });

  it('parses an unchanged file once: the same list comes back', () => {
    const file = pemFile('once.pem', caPem);
    const first = readPemCertificates(file);
    expect(readPemCertificates(file)).toBe(first);
  });

  it('reads a file again when its size changed, even at the same time', () => {
    const file = pemFile('grows.pem', caPem);
    const when = new Date('2029-06-01T00:00:00Z');
    utimesSync(file, when, when);
    expect(readPemCertificates(file)).toEqual([caPem]);
    pemFile('grows.pem', caPem, leafA);
    utimesSync(file, when, when);
    expect(readPemCertificates(file)).toEqual([caPem, leafA]);
  });
});
