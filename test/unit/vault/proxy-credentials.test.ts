// The proxy credentials are kept like the token: encrypted on disk with a keychain, in memory
// only with a weak one unless accepted, never in clear on disk, and handed to the redactor.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxyCredentialVault } from '../../../main/core/vault/proxy-credentials';
import { fakeEncryptor } from '../../fakes/encryptor';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'katya-proxy-vault-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const file = () => path.join(dir, 'proxy-auth.bin');
const open = (enc = fakeEncryptor('keychain'), acceptWeak = false) =>
  new ProxyCredentialVault({ file: file(), encryptor: enc, acceptWeak: () => acceptWeak });

describe('ProxyCredentialVault', () => {
  it('stores them encrypted, reads them back, and never writes them in clear', () => {
    const enc = fakeEncryptor('keychain');
    const v = open(enc);
    expect(v.status()).toEqual({ stored: false });
    expect(v.set({ username: 'alice', password: 'hunter22' })).toEqual({
      stored: true,
      storage: 'keychain',
    });
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('alice');
    expect(open(enc).credentials()).toEqual({ username: 'alice', password: 'hunter22' });
  });

  it('keeps them in memory only with a weak encryptor, unless accepted', () => {
    const weak = fakeEncryptor('weak');
    expect(open(weak).set({ username: 'a', password: 'pw-1234' })).toEqual({
      stored: true,
      storage: 'memory',
    });
    expect(existsSync(file())).toBe(false);
    expect(open(weak, true).set({ username: 'a', password: 'pw-1234' })).toEqual({
      stored: true,
      storage: 'weak',
    });
    expect(existsSync(file())).toBe(true);
  });

  it('clears and wipes the file', () => {
    const v = open();
    v.set({ username: 'a', password: 'pw-1234' });
    expect(v.clear()).toEqual({ stored: false });
    expect(existsSync(file())).toBe(false);
    expect(v.credentials()).toBeNull();
  });

  it('gives the redactor the password and its Basic form, before and after a change', () => {
    const v = open();
    v.set({ username: 'alice', password: 'first-pw' });
    v.set({ username: 'alice', password: 'second-pw' });
    expect(v.secretsForRedaction()).toEqual(
      expect.arrayContaining([
        'first-pw',
        'second-pw',
        Buffer.from('alice:first-pw').toString('base64'),
        Buffer.from('alice:second-pw').toString('base64'),
      ]),
    );
  });

  it('refuses an empty user name; a broken file signs nobody in and is left for later', () => {
    expect(() => open().set({ username: '', password: 'x' })).toThrow(/user name/);
    writeFileSync(file(), 'not json');
    expect(open().status()).toEqual({ stored: false });
    expect(existsSync(file())).toBe(true);
  });
});
