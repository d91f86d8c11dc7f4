import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVault } from '../../../main/core/vault/token-vault';
import { fakeEncryptor } from '../../fakes/encryptor';
import type { FakeBackend } from '../../fakes/encryptor';

const TOKEN = 'katya_tok_3f9a-SECRET';
const SERVER = 'wss://katya.example/v1/ws';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-vault-'));
  file = join(dir, 'token.bin');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function vault(
  backend: FakeBackend = 'keychain',
  acceptWeak = false,
  enc = fakeEncryptor(backend),
) {
  return new TokenVault({ file, encryptor: enc, acceptWeak: () => acceptWeak });
}

/** the token as the bound consumer (the connection engine) sees it */
function tokenOf(v: TokenVault): string | undefined {
  let t: string | undefined;
  v.bind({ setToken: (x) => (t = x) }, SERVER)();
  return t;
}

describe('token vault', () => {
  it('keychain: encrypts to disk, decrypts on the next start', () => {
    const v = vault('keychain');
    expect(v.status()).toEqual({ stored: false, reason: 'none' });
    expect(v.set(TOKEN, { serverUrl: SERVER })).toEqual({ stored: true, storage: 'keychain' });
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    const again = vault('keychain');
    expect(again.status()).toEqual({ stored: true, storage: 'keychain' });
    expect(tokenOf(again)).toBe(TOKEN);
  });

  it('leaves a file that is already as it would be written alone at start: no encryption, no write', () => {
    vault('keychain').set(TOKEN, { serverUrl: SERVER });
    const before = statSync(file);
    const enc = fakeEncryptor('keychain');
    let encrypted = 0;
    const counting = { ...enc, encryptString: (s: string) => (encrypted++, enc.encryptString(s)) };
    const again = vault('keychain', false, counting as typeof enc);
    expect(tokenOf(again)).toBe(TOKEN);
    expect(encrypted).toBe(0);
    expect(statSync(file).ino).toBe(before.ino); // not replaced by a rename
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    // a file whose server is written differently is written again, once
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { origin: string };
    writeFileSync(file, JSON.stringify({ ...rec, origin: rec.origin.toUpperCase() }));
    vault('keychain', false, counting as typeof enc);
    expect(encrypted).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(rec);
    vault('keychain', false, counting as typeof enc);
    expect(encrypted).toBe(1);
    // a file others may read is written again, private
    if (process.platform !== 'win32') {
      chmodSync(file, 0o644);
      vault('keychain', false, counting as typeof enc);
      expect(encrypted).toBe(2);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('weak backend: memory only unless the user accepts weak storage', () => {
    const v = vault('weak');
    expect(v.set(TOKEN, { serverUrl: SERVER })).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(tokenOf(v)).toBe(TOKEN);
    expect(vault('weak').status()).toEqual({ stored: false, reason: 'none' }); // gone after restart

    expect(v.set(TOKEN, { serverUrl: SERVER, acceptWeakStorage: true })).toEqual({
      stored: true,
      storage: 'weak',
    });
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    expect(vault('weak', true).status()).toEqual({ stored: true, storage: 'weak' });
  });

  it('weak backend with standing acceptance stores on disk', () => {
    expect(vault('weak', true).set(TOKEN, { serverUrl: SERVER })).toEqual({
      stored: true,
      storage: 'weak',
    });
    expect(existsSync(file)).toBe(true);
  });

  it('withdrawing the acceptance wipes the file and keeps the token for the session', () => {
    let accept = true;
    const v = new TokenVault({ file, encryptor: fakeEncryptor('weak'), acceptWeak: () => accept });
    v.set(TOKEN, { serverUrl: SERVER });
    expect(existsSync(file)).toBe(true);
    accept = false;
    expect(v.reconsiderStorage()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(tokenOf(v)).toBe(TOKEN);
  });

  it('a weak file found at start without acceptance is moved to memory and wiped', () => {
    vault('weak', true).set(TOKEN, { serverUrl: SERVER });
    const v = vault('weak', false);
    expect(v.status()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
  });

  it('no encryption at all: memory only, even when weak storage is accepted', () => {
    const v = vault('unavailable', true);
    expect(v.set(TOKEN, { serverUrl: SERVER, acceptWeakStorage: true })).toEqual({
      stored: true,
      storage: 'memory',
    });
    expect(existsSync(file)).toBe(false);
  });

  it('a decrypt failure means signed out, and a new token replaces the bad file', () => {
    vault('keychain').set(TOKEN, { serverUrl: SERVER });
    const broken = fakeEncryptor('keychain');
    broken.breakDecryption();
    const v = vault('keychain', false, broken);
    expect(v.status()).toEqual({ stored: false, reason: 'decrypt_failed' });
    expect(tokenOf(v)).toBeUndefined();
    // a keychain from another machine (other key) fails the same way
    expect(vault('keychain', false, fakeEncryptor('keychain', 'other')).status()).toEqual({
      stored: false,
      reason: 'decrypt_failed',
    });
    const fresh = vault('keychain');
    expect(fresh.set('new-token', { serverUrl: SERVER })).toEqual({
      stored: true,
      storage: 'keychain',
    });
    expect(tokenOf(vault('keychain'))).toBe('new-token');
  });

  it.each([
    ['garbage', 'not json at all'],
    ['an unknown format', '{"v":9}'],
    ['an empty file', ''],
  ])('a token file with %s means signed out, never a crash', (_n, text) => {
    writeFileSync(file, text);
    expect(vault('keychain').status()).toEqual({ stored: false, reason: 'decrypt_failed' });
  });

  it('clear wipes the file and tells consumers', () => {
    const v = vault('keychain');
    const seen: (string | undefined)[] = [];
    const unbind = v.bind({ setToken: (t) => seen.push(t) }, SERVER);
    v.set(TOKEN, { serverUrl: SERVER });
    expect(v.clear()).toEqual({ stored: false, reason: 'none' });
    expect(existsSync(file)).toBe(false);
    expect(seen).toEqual([undefined, TOKEN, undefined]);
    expect(vault('keychain').status()).toEqual({ stored: false, reason: 'none' });
    unbind();
    v.set('other', { serverUrl: SERVER });
    expect(seen).toHaveLength(3);
  });

  it('never hands the token out through status or its JSON', () => {
    const v = vault('keychain');
    v.set(TOKEN, { serverUrl: SERVER });
    expect(JSON.stringify(v.status())).not.toContain(TOKEN);
    expect(JSON.stringify(v)).not.toContain(TOKEN);
    expect(Object.values(v).join()).not.toContain(TOKEN);
  });

  it('keeps every token of the session for the redactor', () => {
    const v = vault('keychain');
    v.set('first-token', { serverUrl: SERVER });
    v.set('second-token', { serverUrl: SERVER });
    v.clear();
    expect(v.secretsForRedaction().sort()).toEqual(['first-token', 'second-token']);
  });

  it('ignores empty tokens and survives a consumer that throws', () => {
    const v = vault('keychain');
    expect(v.set('', { serverUrl: SERVER })).toEqual({ stored: false, reason: 'none' });
    v.bind(
      {
        setToken: () => {
          throw new Error('engine down');
        },
      },
      SERVER,
    );
    expect(() => v.set(TOKEN, { serverUrl: SERVER })).not.toThrow();
    expect(v.status()).toEqual({ stored: true, storage: 'keychain' });
  });

  it('an encryptor that throws on encrypt keeps the token in memory', () => {
    const enc = fakeEncryptor('keychain');
    enc.encryptString = () => {
      throw new Error('keychain locked');
    };
    expect(vault('keychain', false, enc).set(TOKEN, { serverUrl: SERVER })).toEqual({
      stored: true,
      storage: 'memory',
    });
    expect(existsSync(file)).toBe(false);
  });
});

describe('token vault: a token goes only to the server it was entered for', () => {
  const OTHER = 'wss://attacker.example/v1/ws';
  const tokenFor = (v: TokenVault, url: string) => {
    let t: string | undefined;
    v.bind({ setToken: (x) => (t = x) }, url)();
    return t;
  };

  it('refuses a token without a server URL, and stores nothing', () => {
    const v = vault('keychain');
    for (const serverUrl of ['', '   ', 'not a url']) {
      expect(() => v.set(TOKEN, { serverUrl })).toThrow(/server URL before the token/);
    }
    expect(v.status()).toEqual({ stored: false, reason: 'none' });
    expect(existsSync(file)).toBe(false);
  });

  it('hands the token to its origin only, across paths and restarts', () => {
    vault('keychain').set(TOKEN, { serverUrl: SERVER });
    const v = vault('keychain');
    expect(v.boundTo()).toBe('wss://katya.example');
    expect(tokenFor(v, 'wss://katya.example/other/path?x=1')).toBe(TOKEN);
    for (const url of [OTHER, 'ws://katya.example/v1/ws', 'wss://katya.example:8443/v1/ws', '']) {
      expect(tokenFor(v, url)).toBeUndefined();
      expect(v.usableFor(url)).toBe(false);
    }
    expect(v.usableFor(SERVER)).toBe(true);
  });

  it('tells each bound consumer according to its own server when the token changes', () => {
    const v = vault('keychain');
    const mine: (string | undefined)[] = [];
    const theirs: (string | undefined)[] = [];
    v.bind({ setToken: (t) => mine.push(t) }, SERVER);
    v.bind({ setToken: (t) => theirs.push(t) }, OTHER);
    v.set(TOKEN, { serverUrl: SERVER });
    v.set('for-other', { serverUrl: OTHER });
    expect(mine).toEqual([undefined, TOKEN, undefined]);
    expect(theirs).toEqual([undefined, undefined, 'for-other']);
  });

  it('fails closed on a version-1 file whose server is not known', () => {
    const enc = fakeEncryptor('keychain');
    const data = enc.encryptString(TOKEN).toString('base64');
    writeFileSync(file, JSON.stringify({ v: 1, storage: 'keychain', data }));
    const v = vault('keychain', false, enc);
    expect(v.status()).toEqual({ stored: true, storage: 'keychain' });
    expect(v.boundTo()).toBeNull();
    expect(tokenFor(v, SERVER)).toBeUndefined();
    expect(tokenFor(v, OTHER)).toBeUndefined();
  });

  it('carries a version-1 file over with its side file, then removes the side file', () => {
    const enc = fakeEncryptor('keychain');
    const legacyOriginFile = join(dir, 'token-server.json');
    writeFileSync(
      file,
      JSON.stringify({
        v: 1,
        storage: 'keychain',
        data: enc.encryptString(TOKEN).toString('base64'),
      }),
    );
    writeFileSync(legacyOriginFile, JSON.stringify({ origin: 'wss://katya.example' }));
    const v = new TokenVault({ file, encryptor: enc, acceptWeak: () => false, legacyOriginFile });
    expect(tokenFor(v, SERVER)).toBe(TOKEN);
    expect(existsSync(legacyOriginFile)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      v: 2,
      origin: 'wss://katya.example',
    });
    // and the next start needs no side file
    expect(
      tokenFor(new TokenVault({ file, encryptor: enc, acceptWeak: () => false }), SERVER),
    ).toBe(TOKEN);
  });

  it.each([
    ['missing', null],
    ['garbage', 'not json'],
    ['without an origin', '{"origin":null}'],
  ])('a version-1 file with its side file %s is bound to nothing', (_n, text) => {
    const enc = fakeEncryptor('keychain');
    const legacyOriginFile = join(dir, 'token-server.json');
    writeFileSync(
      file,
      JSON.stringify({
        v: 1,
        storage: 'keychain',
        data: enc.encryptString(TOKEN).toString('base64'),
      }),
    );
    if (text !== null) writeFileSync(legacyOriginFile, text);
    const v = new TokenVault({ file, encryptor: enc, acceptWeak: () => false, legacyOriginFile });
    expect(tokenFor(v, SERVER)).toBeUndefined();
    expect(v.boundTo()).toBeNull();
  });
});
