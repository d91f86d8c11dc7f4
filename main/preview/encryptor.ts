// The preview's stand-in for safeStorage: AES-256-GCM with a random key kept in the profile
// folder. A key stored beside the data it protects is weak storage, and it says so, so the
// vault treats it exactly as Electron's `basic_text` backend on a Linux desktop without keyring.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Encryptor } from '../core/vault/token-vault';

export function fileKeyEncryptor(dataDir: string): Encryptor {
  const keyFile = path.join(dataDir, 'preview.key');
  let key: Buffer | null = null;
  const getKey = () => {
    if (key) return key;
    if (existsSync(keyFile)) key = readFileSync(keyFile);
    if (!key || key.length !== 32) {
      mkdirSync(dataDir, { recursive: true });
      key = randomBytes(32);
      writeFileSync(keyFile, key, { mode: 0o600 });
    }
    return key;
  };
  return {
    isEncryptionAvailable: () => true,
    backend: () => 'weak',
    encryptString(s) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', getKey(), iv);
      const body = Buffer.concat([c.update(s, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(b) {
      const d = createDecipheriv('aes-256-gcm', getKey(), b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
