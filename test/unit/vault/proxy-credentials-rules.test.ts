// The proxy credential vault's rules one at a time (proxy-credentials.test.ts has the tour):
// the limits of what it takes, where it keeps them, what a stored file must look like, and what
// each failure says. Real files; writes fail with a folder where the file should be.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PROXY_CREDENTIAL_LIMITS,
  ProxyCredentialVault,
} from '../../../main/core/vault/proxy-credentials';
import type { Encryptor } from '../../../main/core/vault/token-vault';
import { fakeEncryptor } from '../../fakes/encryptor';
import type { FakeBackend } from '../../fakes/encryptor';
import { logTo } from '../../../main/core/log/scoped';

let dir: string;
let file: string;
let logs: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-proxy-rules-'));
  file = join(dir, 'proxy-auth.bin');
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function vault(
  opts: { backend?: FakeBackend; acceptWeak?: () => boolean; encryptor?: Encryptor } = {},
) {
  return new ProxyCredentialVault({
    file,
    encryptor: opts.encryptor ?? fakeEncryptor(opts.backend ?? 'keychain'),
    acceptWeak: opts.acceptWeak ?? (() => false),
    log: logTo((l) => logs.push(l)),
  });
}
const alice = { username: 'alice', password: 'pa55word' };
/** a stored file holding this plain text, as a keychain would have encrypted it */
function storedFile(plain: string, rec: Record<string, unknown> = {}) {
  const data = fakeEncryptor('keychain').encryptString(plain).toString('base64');
  writeFileSync(file, JSON.stringify({ v: 1, storage: 'keychain', data, ...rec }));
}

describe('proxy credentials: what set() takes', () => {
  it('a user name of 1 to 256 characters and a password of up to 1024', () => {
    const v = vault();
    const longest = {
      username: 'u'.repeat(PROXY_CREDENTIAL_LIMITS.username),
      password: 'p'.repeat(PROXY_CREDENTIAL_LIMITS.password),
    };
    expect(v.set(longest)).toEqual({ stored: true, storage: 'keychain' });
    expect(v.set({ username: 'bob', password: '' })).toEqual({ stored: true, storage: 'keychain' });
    for (const bad of [
      { username: '', password: 'x' },
      { username: 'u'.repeat(257), password: 'x' },
      { username: 'bob', password: 'p'.repeat(1025) },
      { username: 5, password: 'x' },
      { username: 'bob', password: null },
    ]) {
      expect(() => v.set(bad as unknown as typeof alice), JSON.stringify(bad).slice(0, 40)).toThrow(
        'a proxy user name (and its password) is needed',
      );
    }
    expect(v.credentials()).toEqual({ username: 'bob', password: '' });
  });

  it('hands out a copy: changing it changes nothing held', () => {
    const v = vault();
    v.set(alice);
    v.credentials()!.password = 'changed';
    expect(v.credentials()).toEqual(alice);
  });
});

describe('proxy credentials: where they are kept', () => {
  it('weak encryption: on disk only with consent, given now or standing', () => {
    expect(vault({ backend: 'weak' }).set(alice)).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(vault({ backend: 'weak' }).set(alice, { acceptWeakStorage: true })).toEqual({
      stored: true,
      storage: 'weak',
    });
    rmSync(file);
    expect(vault({ backend: 'weak', acceptWeak: () => true }).set(alice)).toEqual({
      stored: true,
      storage: 'weak',
    });
  });

  it('a standing consent that cannot be read counts as "no"', () => {
    const v = vault({
      backend: 'weak',
      acceptWeak: () => {
        throw new Error('settings not loaded');
      },
    });
    expect(v.set(alice)).toEqual({ stored: true, storage: 'memory' });
  });

  it('no encryption, an unknown backend or one that throws: memory only, silently', () => {
    const base = fakeEncryptor('keychain');
    for (const encryptor of [
      { ...base, isEncryptionAvailable: () => false },
      { ...base, backend: () => 'kwallet6' as 'keychain' },
      {
        ...base,
        backend: () => {
          throw new Error('dbus');
        },
      },
    ]) {
      expect(vault({ encryptor, acceptWeak: () => true }).set(alice)).toEqual({
        stored: true,
        storage: 'memory',
      });
      expect(existsSync(file)).toBe(false);
    }
    expect(logs).toEqual([]);
  });

  it('withdrawn consent wipes the file and keeps them for the session; with none held, nothing happens', () => {
    let accept = true;
    const v = vault({ backend: 'weak', acceptWeak: () => accept });
    v.set(alice);
    expect(existsSync(file)).toBe(true);
    accept = false;
    expect(v.reconsiderStorage()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(v.credentials()).toEqual(alice);
    const empty = vault();
    expect(empty.reconsiderStorage()).toEqual({ stored: false });
    expect(logs).toEqual([]);
  });

  it('credentials that cannot be encrypted stay in memory, and it says why', () => {
    const v = vault({
      encryptor: {
        ...fakeEncryptor('keychain'),
        encryptString: () => {
          throw new Error('locked');
        },
      },
    });
    expect(v.set(alice)).toEqual({ stored: true, storage: 'memory' });
    expect(logs).toEqual([
      'warn cannot store the proxy credentials, keeping them in memory: locked',
    ]);
  });

  it('clearing with no file says nothing; a file that cannot be wiped is reported', () => {
    const v = vault();
    expect(v.clear()).toEqual({ stored: false });
    expect(logs).toEqual([]);
    mkdirSync(file);
    v.clear();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn cannot wipe the proxy credentials file: /);
  });
});

describe('proxy credentials: the redactor', () => {
  it('gets the Basic form always, and the password itself from 4 characters on', () => {
    const v = vault();
    v.set({ username: 'bob', password: 'abc' });
    expect(v.secretsForRedaction()).toEqual([Buffer.from('bob:abc').toString('base64')]);
    v.set({ username: 'bob', password: 'abcd' });
    expect(v.secretsForRedaction()).toContain('abcd');
  });

  it('keeps the last 32 forms of the session', () => {
    const v = vault();
    for (let i = 0; i < 20; i++) v.set({ username: 'bob', password: `password-${i}` });
    const kept = v.secretsForRedaction();
    expect(kept).toHaveLength(32);
    expect(kept).not.toContain('password-0');
    expect(kept).toContain('password-19');
  });
});

describe('proxy credentials: reading the stored file', () => {
  const cannot = (why: string) => `warn the stored proxy credentials cannot be read (${why})`;

  it('reads them back, and a file of exactly 64 KiB is still read', () => {
    storedFile(JSON.stringify(alice));
    writeFileSync(file, readFileSync(file, 'utf8').padEnd(64 * 1024, ' '));
    expect(vault().credentials()).toEqual(alice);
    writeFileSync(file, ' '.repeat(64 * 1024 + 1));
    expect(vault().credentials()).toBeNull();
    expect(logs).toEqual([cannot('the file is too large')]);
  });

  it.each([
    ['null', 'null'],
    ['another version', JSON.stringify({ v: 2, storage: 'keychain', data: '' })],
    ['storage in plain text', JSON.stringify({ v: 1, storage: 'plain', data: '' })],
  ])('a record of an unknown format (%s) is not read', (_n, text) => {
    writeFileSync(file, text);
    expect(vault().status()).toEqual({ stored: false });
    expect(logs).toEqual([cannot('unknown file format')]);
  });

  it('with no encryption now they are not read, and the file is kept for later', () => {
    storedFile(JSON.stringify(alice));
    expect(vault({ backend: 'unavailable' }).credentials()).toBeNull();
    expect(logs).toEqual([cannot('encryption is not available')]);
    expect(vault().credentials()).toEqual(alice);
  });

  it.each([
    ['a user name that is not a string', { username: 5, password: 'x' }],
    ['no password', { username: 'bob' }],
    ['an empty user name', { username: '', password: 'x' }],
  ])('a record that decrypts to %s is not read', (_n, plain) => {
    storedFile(JSON.stringify(plain));
    expect(vault().credentials()).toBeNull();
    expect(logs).toEqual([cannot('the decrypted record is not a user name and password')]);
  });

  it('a weak file found without consent is moved to memory and wiped', () => {
    storedFile(JSON.stringify(alice), { storage: 'weak' });
    const v = vault({ backend: 'weak' });
    expect(v.status()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(v.secretsForRedaction()).toContain('pa55word');
  });
});
