import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVault } from '../../../main/core/vault/token-vault';
import { fakeEncryptor } from '../../fakes/encryptor';
import type { FakeBackend } from '../../fakes/encryptor';

const TOKEN = 'katya_tok_3f9a-SECRET';

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
  v.bind({ setToken: (x) => (t = x) })();
  return t;
}

describe('token vault', () => {
  it('keychain: encrypts to disk, decrypts on the next start', () => {
    const v = vault('keychain');
    expect(v.status()).toEqual({ stored: false, reason: 'none' });
    expect(v.set(TOKEN)).toEqual({ stored: true, storage: 'keychain' });
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    const again = vault('keychain');
    expect(again.status()).toEqual({ stored: true, storage: 'keychain' });
    expect(tokenOf(again)).toBe(TOKEN);
  });

  it('weak backend: memory only unless the user accepts weak storage', () => {
    const v = vault('weak');
    expect(v.set(TOKEN)).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(tokenOf(v)).toBe(TOKEN);
    expect(vault('weak').status()).toEqual({ stored: false, reason: 'none' }); // gone after restart

    expect(v.set(TOKEN, { acceptWeakStorage: true })).toEqual({ stored: true, storage: 'weak' });
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    expect(vault('weak', true).status()).toEqual({ stored: true, storage: 'weak' });
  });

  it('weak backend with standing acceptance stores on disk', () => {
    expect(vault('weak', true).set(TOKEN)).toEqual({ stored: true, storage: 'weak' });
    expect(existsSync(file)).toBe(true);
  });

  it('withdrawing the acceptance wipes the file and keeps the token for the session', () => {
    let accept = true;
    const v = new TokenVault({ file, encryptor: fakeEncryptor('weak'), acceptWeak: () => accept });
    v.set(TOKEN);
    expect(existsSync(file)).toBe(true);
    accept = false;
    expect(v.reconsiderStorage()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(tokenOf(v)).toBe(TOKEN);
  });

  it('a weak file found at start without acceptance is moved to memory and wiped', () => {
    vault('weak', true).set(TOKEN);
    const v = vault('weak', false);
    expect(v.status()).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
  });

  it('no encryption at all: memory only, even when weak storage is accepted', () => {
    const v = vault('unavailable', true);
    expect(v.set(TOKEN, { acceptWeakStorage: true })).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
  });

  it('a decrypt failure means signed out, and a new token replaces the bad file', () => {
    vault('keychain').set(TOKEN);
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
    expect(fresh.set('new-token')).toEqual({ stored: true, storage: 'keychain' });
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
    const unbind = v.bind({ setToken: (t) => seen.push(t) });
    v.set(TOKEN);
    expect(v.clear()).toEqual({ stored: false, reason: 'none' });
    expect(existsSync(file)).toBe(false);
    expect(seen).toEqual([undefined, TOKEN, undefined]);
    expect(vault('keychain').status()).toEqual({ stored: false, reason: 'none' });
    unbind();
    v.set('other');
    expect(seen).toHaveLength(3);
  });

  it('never hands the token out through status or its JSON', () => {
    const v = vault('keychain');
    v.set(TOKEN);
    expect(JSON.stringify(v.status())).not.toContain(TOKEN);
    expect(JSON.stringify(v)).not.toContain(TOKEN);
    expect(Object.values(v).join()).not.toContain(TOKEN);
  });

  it('keeps every token of the session for the redactor', () => {
    const v = vault('keychain');
    v.set('first-token');
    v.set('second-token');
    v.clear();
    expect(v.secretsForRedaction().sort()).toEqual(['first-token', 'second-token']);
  });

  it('ignores empty tokens and survives a consumer that throws', () => {
    const v = vault('keychain');
    expect(v.set('')).toEqual({ stored: false, reason: 'none' });
    v.bind({
      setToken: () => {
        throw new Error('engine down');
      },
    });
    expect(() => v.set(TOKEN)).not.toThrow();
    expect(v.status()).toEqual({ stored: true, storage: 'keychain' });
  });

  it('an encryptor that throws on encrypt keeps the token in memory', () => {
    const enc = fakeEncryptor('keychain');
    enc.encryptString = () => {
      throw new Error('keychain locked');
    };
    expect(vault('keychain', false, enc).set(TOKEN)).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
  });
});
