// The token vault's encryptor over Electron's safeStorage. On Linux without a keyring the
// backend is `basic_text` (a hard-coded key): that counts as weak storage.
import type { SafeStorage } from 'electron';
import type { Encryptor } from '../core/vault/token-vault';

export function safeStorageEncryptor(
  safeStorage: SafeStorage,
  platform: NodeJS.Platform,
): Encryptor {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    backend: () => {
      if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
      if (platform !== 'linux') return 'keychain';
      const backend = safeStorage.getSelectedStorageBackend();
      return backend === 'basic_text' || backend === 'unknown' ? 'weak' : 'keychain';
    },
    encryptString: (s) => safeStorage.encryptString(s),
    decryptString: (b) => safeStorage.decryptString(b),
  };
}
