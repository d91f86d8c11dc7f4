// A stand-in for Electron's safeStorage, one per backend case the vault must handle:
// a real keychain, Linux's weak basic_text store, no encryption at all, and a keychain that
// cannot decrypt what it wrote earlier (changed login keyring, another machine).
import type { Encryptor } from '../../main/core/vault/token-vault';

export type FakeBackend = 'keychain' | 'weak' | 'unavailable';

export interface FakeEncryptor extends Encryptor {
  /** switch the backend, as a different desktop session would */
  use(backend: FakeBackend): void;
  /** make every later decrypt fail, as a reset keychain would */
  breakDecryption(): void;
}

export function fakeEncryptor(initial: FakeBackend = 'keychain', key = 'k3y'): FakeEncryptor {
  let backend = initial;
  let broken = false;
  // A reversible, visibly non-plaintext transform: XOR with a key, tagged with the key so a
  // different key (another machine) fails to decrypt instead of returning garbage.
  const xor = (buf: Buffer) => Buffer.from(buf.map((b, i) => b ^ key.charCodeAt(i % key.length)));
  return {
    isEncryptionAvailable: () => backend !== 'unavailable',
    backend: () => backend,
    encryptString(s: string) {
      if (backend === 'unavailable') throw new Error('Encryption is not available.');
      return Buffer.concat([Buffer.from(`fake:${key}:`), xor(Buffer.from(s, 'utf8'))]);
    },
    decryptString(b: Buffer) {
      const tag = Buffer.from(`fake:${key}:`);
      if (broken || backend === 'unavailable' || !b.subarray(0, tag.length).equals(tag)) {
        throw new Error(
          'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
        );
      }
      return xor(b.subarray(tag.length)).toString('utf8');
    },
    use(next) {
      backend = next;
    },
    breakDecryption() {
      broken = true;
    },
  };
}
