// The token vault: the only place the server token lives. It is encrypted with the platform's
// encryptor (Electron safeStorage in the app) before it touches the disk, kept in memory only
// when the encryptor is weak (Linux basic_text) unless the user accepted that, and handed out
// only to consumers bound through bind() (the connection engine). status() says whether and
// how a token is stored, never what it is.
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  fsyncSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { TokenStatus } from '../views';

/** safeStorage-shaped. `backend()` folds safeStorage.getSelectedStorageBackend() into three cases. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  backend(): 'keychain' | 'weak' | 'unavailable';
  encryptString(s: string): Buffer;
  decryptString(b: Buffer): string;
}

export interface TokenConsumer {
  setToken(token: string | undefined): void;
}

export interface TokenVaultOptions {
  /** where the encrypted token is kept, for example <userData>/token.bin */
  file: string;
  encryptor: Encryptor;
  /** the user's standing choice (settings.acceptWeakTokenStorage) */
  acceptWeak: () => boolean;
  /** told about storage problems; never given the token */
  log?: (message: string) => void;
}

interface StoredRecord {
  v: 1;
  storage: 'keychain' | 'weak';
  data: string; // base64 of the encrypted bytes
}

const MAX_TOKEN_CHARS = 4096;

export class TokenVault {
  readonly #file: string;
  readonly #encryptor: Encryptor;
  readonly #acceptWeak: () => boolean;
  readonly #log: (message: string) => void;
  #token: string | undefined;
  #where: 'keychain' | 'weak' | 'memory' | null = null;
  #decryptFailed = false;
  /** every token held this session, so lines logged just before a change are still redacted */
  readonly #formerTokens = new Set<string>();
  readonly #consumers = new Set<TokenConsumer>();

  constructor(opts: TokenVaultOptions) {
    this.#file = opts.file;
    this.#encryptor = opts.encryptor;
    this.#acceptWeak = opts.acceptWeak;
    this.#log = opts.log ?? (() => {});
    this.#load();
  }

  status(): TokenStatus {
    if (this.#token === undefined) {
      return this.#decryptFailed
        ? { stored: false, reason: 'decrypt_failed' }
        : { stored: false, reason: 'none' };
    }
    return { stored: true, storage: this.#where ?? 'memory' };
  }

  /**
   * Store a new token. `acceptWeakStorage` is the user's explicit consent, given with this very
   * token, to keep it on disk although the encryptor is weak.
   */
  set(token: string, opts?: { acceptWeakStorage?: boolean }): TokenStatus {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
      this.#log('token vault: ignored an empty or oversized token');
      return this.status();
    }
    this.#remember(token);
    this.#token = token;
    this.#decryptFailed = false;
    this.#persist(opts?.acceptWeakStorage === true);
    this.#tell();
    return this.status();
  }

  /** Sign out: forget the token and wipe its file. */
  clear(): TokenStatus {
    this.#token = undefined;
    this.#decryptFailed = false;
    this.#where = null;
    this.#wipe();
    this.#tell();
    return this.status();
  }

  /**
   * Apply a changed `acceptWeak` choice to the token held now: accepted -> written to disk,
   * withdrawn -> wiped from disk and kept in memory.
   */
  reconsiderStorage(): TokenStatus {
    if (this.#token !== undefined) this.#persist(false);
    return this.status();
  }

  /** The only way out: the consumer gets the current token now and every change after. */
  bind(consumer: TokenConsumer): () => void {
    this.#consumers.add(consumer);
    this.#safeSet(consumer, this.#token);
    return () => {
      this.#consumers.delete(consumer);
    };
  }

  /** For the logger's redactor only. */
  secretsForRedaction(): string[] {
    return [...this.#formerTokens];
  }

  // ---- inside -----------------------------------------------------------------------------

  #remember(token: string) {
    this.#formerTokens.delete(token);
    this.#formerTokens.add(token);
    // Bounded: a session does not change its token often, but do not grow without limit.
    while (this.#formerTokens.size > 16) {
      const oldest = this.#formerTokens.values().next().value as string;
      this.#formerTokens.delete(oldest);
    }
  }

  #tell() {
    for (const c of this.#consumers) this.#safeSet(c, this.#token);
  }

  #safeSet(consumer: TokenConsumer, token: string | undefined) {
    try {
      consumer.setToken(token);
    } catch (err) {
      this.#log(
        `token vault: a consumer failed to take the token: ${(err as Error)?.message ?? err}`,
      );
    }
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

  #load() {
    let raw: string;
    try {
      if (!existsSync(this.#file)) return;
      if (statSync(this.#file).size > 64 * 1024) throw new Error('token file is too large');
      raw = readFileSync(this.#file, 'utf8');
    } catch (err) {
      this.#decryptFailed = true;
      this.#log(`token vault: cannot read the token file: ${(err as Error).message}`);
      return;
    }
    try {
      const rec = JSON.parse(raw) as Partial<StoredRecord>;
      if (
        rec?.v !== 1 ||
        (rec.storage !== 'keychain' && rec.storage !== 'weak') ||
        typeof rec.data !== 'string'
      ) {
        throw new Error('unknown token file format');
      }
      if (this.#backend() === 'unavailable') throw new Error('encryption is not available');
      const token = this.#encryptor.decryptString(Buffer.from(rec.data, 'base64'));
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
        throw new Error('decrypted token is empty or oversized');
      }
      this.#remember(token);
      this.#token = token;
      this.#where = rec.storage;
      // The backend or the user's choice may have changed since it was written.
      this.#persist(false);
    } catch (err) {
      // Signed out. The file stays until a new token or "sign out" replaces it: a keychain that
      // is only locked today must not cost the user a token that will decrypt tomorrow.
      this.#token = undefined;
      this.#where = null;
      this.#decryptFailed = true;
      this.#log(
        `token vault: the stored token cannot be decrypted (${(err as Error).message}); signed out`,
      );
    }
  }

  /** Decide where the current token lives and make the disk agree. */
  #persist(acceptWeakNow: boolean) {
    const token = this.#token;
    if (token === undefined) return;
    const backend = this.#backend();
    let target: 'keychain' | 'weak' | 'memory';
    if (backend === 'keychain') target = 'keychain';
    else if (backend === 'weak' && (acceptWeakNow || this.#safeAcceptWeak())) target = 'weak';
    else target = 'memory';

    if (target === 'memory') {
      this.#wipe();
      this.#where = 'memory';
      return;
    }
    try {
      const data = this.#encryptor.encryptString(token).toString('base64');
      const rec: StoredRecord = { v: 1, storage: target, data };
      writeAtomic(this.#file, JSON.stringify(rec));
      this.#where = target;
    } catch (err) {
      // Could not store it: keep it for this session rather than lose it.
      this.#wipe();
      this.#where = 'memory';
      this.#log(
        `token vault: cannot store the token, keeping it in memory: ${(err as Error).message}`,
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

  #wipe() {
    try {
      if (existsSync(this.#file)) {
        // Overwrite before unlinking so the ciphertext does not linger in the freed blocks of
        // simple file systems (best effort: copy-on-write and SSDs may keep old blocks anyway).
        const size = statSync(this.#file).size;
        writeFileSync(this.#file, Buffer.alloc(size));
        rmSync(this.#file, { force: true });
      }
    } catch (err) {
      this.#log(`token vault: cannot wipe the token file: ${(err as Error).message}`);
    }
  }
}

function writeAtomic(file: string, text: string) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
