// The proxy's user name and password, kept like the token (token-vault.ts): encrypted with the
// same Encryptor (Electron safeStorage in the app) before they touch the disk, in memory only
// when the encryptor is weak unless the user accepted weak storage, never written to the
// settings file, never handed to the window, and given to the logger to redact. Only the
// connection's proxy route asks for them (credentials()).
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { ProxyCredentials } from '../common/network';
import type { ProxyAuthStatus } from '../common/views';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';
import type { Encryptor } from './token-vault';
import { writeSecretFile } from './secret-file';

export interface ProxyCredentialVaultOptions {
  /** for example <userData>/proxy-auth.bin */
  file: string;
  encryptor: Encryptor;
  /** the user's standing choice about weak storage (the token's: settings.acceptWeakTokenStorage) */
  acceptWeak: () => boolean;
  log?: ScopedLog;
}

interface StoredRecord {
  v: 1;
  storage: 'keychain' | 'weak';
  /** base64 of the encrypted JSON {"username","password"} */
  data: string;
}

/** Limits of what a settings form may send (the contract checks them too). */
export const PROXY_CREDENTIAL_LIMITS = { username: 256, password: 1024 } as const;

export class ProxyCredentialVault {
  readonly #file: string;
  readonly #encryptor: Encryptor;
  readonly #acceptWeak: () => boolean;
  readonly #log: ScopedLog;
  #credentials: ProxyCredentials | null = null;
  #where: 'keychain' | 'weak' | 'memory' | null = null;
  /** every password held this session, so lines logged before a change stay redacted */
  readonly #former = new Set<string>();

  constructor(opts: ProxyCredentialVaultOptions) {
    this.#file = opts.file;
    this.#encryptor = opts.encryptor;
    this.#acceptWeak = opts.acceptWeak;
    this.#log = opts.log ?? SILENT_LOG;
    this.#load();
  }

  status(): ProxyAuthStatus {
    return this.#credentials === null
      ? { stored: false }
      : { stored: true, storage: this.#where ?? 'memory' };
  }

  /** For the proxy route only: what to send to a proxy that asks. */
  credentials(): ProxyCredentials | null {
    return this.#credentials === null ? null : { ...this.#credentials };
  }

  set(credentials: ProxyCredentials, opts: { acceptWeakStorage?: boolean } = {}): ProxyAuthStatus {
    const { username, password } = credentials;
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      username === '' ||
      username.length > PROXY_CREDENTIAL_LIMITS.username ||
      password.length > PROXY_CREDENTIAL_LIMITS.password
    ) {
      throw new Error('a proxy user name (and its password) is needed');
    }
    this.#credentials = { username, password };
    this.#remember();
    this.#persist(opts.acceptWeakStorage === true);
    return this.status();
  }

  clear(): ProxyAuthStatus {
    this.#credentials = null;
    this.#where = null;
    this.#wipe();
    return this.status();
  }

  /** Apply a changed weak-storage choice: accepted -> to disk, withdrawn -> memory only. */
  reconsiderStorage(): ProxyAuthStatus {
    if (this.#credentials !== null) this.#persist(false);
    return this.status();
  }

  /**
   * For the logger's redactor: the password as typed and as it travels (Basic's base64 of
   * "user:password"). The user name alone is not secret and stays readable.
   */
  secretsForRedaction(): string[] {
    return [...this.#former];
  }

  // ---- inside -----------------------------------------------------------------------------

  #remember(): void {
    const c = this.#credentials;
    if (!c) return;
    const forms = [Buffer.from(`${c.username}:${c.password}`).toString('base64')];
    // A password of a character or two would redact every such letter in the log: its Basic
    // form still goes, and the password itself from 4 characters on.
    if (c.password.length >= 4) forms.push(c.password);
    for (const f of forms) {
      this.#former.delete(f);
      this.#former.add(f);
    }
    while (this.#former.size > 32) this.#former.delete(this.#former.values().next().value!);
  }

  #backend(): 'keychain' | 'weak' | 'unavailable' {
    try {
      if (!this.#encryptor.isEncryptionAvailable()) return 'unavailable';
      const b = this.#encryptor.backend();
      return b === 'keychain' || b === 'weak' ? b : 'unavailable';
    } catch {
      return 'unavailable';
    }
  }

  #load(): void {
    try {
      if (!existsSync(this.#file)) return;
      if (statSync(this.#file).size > 64 * 1024) throw new Error('the file is too large');
      const rec = JSON.parse(readFileSync(this.#file, 'utf8')) as Partial<StoredRecord>;
      if (rec?.v !== 1 || (rec.storage !== 'keychain' && rec.storage !== 'weak'))
        throw new Error('unknown file format');
      if (this.#backend() === 'unavailable') throw new Error('encryption is not available');
      const plain = this.#encryptor.decryptString(Buffer.from(String(rec.data), 'base64'));
      const parsed = JSON.parse(plain) as Partial<ProxyCredentials>;
      if (
        typeof parsed.username !== 'string' ||
        typeof parsed.password !== 'string' ||
        !parsed.username
      )
        throw new Error('the decrypted record is not a user name and password');
      this.#credentials = { username: parsed.username, password: parsed.password };
      this.#where = rec.storage;
      this.#remember();
      this.#persist(false);
    } catch (err) {
      // As with the token: the file stays until replaced, a keychain locked today may open tomorrow.
      this.#credentials = null;
      this.#log.warn(`the stored proxy credentials cannot be read (${(err as Error).message})`);
    }
  }

  #persist(acceptWeakNow: boolean): void {
    const c = this.#credentials;
    if (c === null) return;
    const backend = this.#backend();
    let target: 'keychain' | 'weak' | 'memory' = 'memory';
    if (backend === 'keychain') target = 'keychain';
    else if (backend === 'weak' && (acceptWeakNow || this.#safeAcceptWeak())) target = 'weak';
    if (target === 'memory') {
      this.#wipe();
      this.#where = 'memory';
      return;
    }
    try {
      const data = this.#encryptor.encryptString(JSON.stringify(c)).toString('base64');
      const rec: StoredRecord = { v: 1, storage: target, data };
      writeSecretFile(this.#file, JSON.stringify(rec));
      this.#where = target;
    } catch (err) {
      this.#wipe();
      this.#where = 'memory';
      this.#log.warn(
        `cannot store the proxy credentials, keeping them in memory: ${(err as Error).message}`,
      );
    }
  }

  #safeAcceptWeak(): boolean {
    try {
      return this.#acceptWeak() === true;
    } catch {
      return false;
    }
  }

  #wipe(): void {
    try {
      if (existsSync(this.#file)) {
        writeFileSync(this.#file, Buffer.alloc(statSync(this.#file).size));
        rmSync(this.#file, { force: true });
      }
    } catch (err) {
      this.#log.warn(`cannot wipe the proxy credentials file: ${(err as Error).message}`);
    }
  }
}
