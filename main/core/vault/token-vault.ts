// The token vault: the only place the server token lives. It is encrypted with the platform's
// encryptor (Electron safeStorage in the app) before it touches the disk, kept in memory only
// when the encryptor is weak (Linux basic_text) unless the user accepted that, and handed out
// only to consumers bound through bind() (the connection engine). status() says whether and
// how a token is stored, never what it is.
//
// A token belongs to the server it was entered for: set() takes that server's URL and refuses a
// token without one, the origin is stored in the same file as the token, and bind() hands the
// token only to a consumer for that origin. Where the origin is unknown (a file from before the
// binding was kept here, with its side file gone or unreadable) no consumer gets the token:
// fail closed, the user enters it again.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { TokenStatus } from '../common/views';
import { SILENT_LOG } from '../log/scoped';
import type { ScopedLog } from '../log/scoped';
import { writeSecretFile } from './secret-file';

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
  /** told about storage problems (warn); never given the token */
  log?: ScopedLog;
  /**
   * Where builds before 0.2 kept the token's server ({"origin": "wss://host"}): read once to
   * carry a version-1 token file over, then removed.
   */
  legacyOriginFile?: string;
}

interface StoredRecord {
  /** 1: no origin (read with legacyOriginFile); 2: the origin is in the record */
  v: 1 | 2;
  storage: 'keychain' | 'weak';
  data: string; // base64 of the encrypted bytes
  origin?: string;
}

/**
 * The origin a token is bound to: scheme, host and port of the server URL ("wss://k.example"),
 * so a path or query change keeps it and another host, port or scheme does not. Null for a URL
 * that does not parse.
 */
export function serverOrigin(serverUrl: string): string | null {
  // new URL() would read an array of one URL as that URL
  if (typeof serverUrl !== 'string') return null;
  try {
    // The URL parser drops surrounding spaces itself, and throws for "" and for what is no URL.
    const u = new URL(serverUrl);
    return u.host === '' ? null : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

const MAX_TOKEN_CHARS = 4096;

export class TokenVault {
  readonly #file: string;
  readonly #encryptor: Encryptor;
  readonly #acceptWeak: () => boolean;
  readonly #log: ScopedLog;
  readonly #legacyOriginFile: string | undefined;
  #token: string | undefined;
  /** the origin the token was entered for; null while none is held or it is not known */
  #origin: string | null = null;
  #where: 'keychain' | 'weak' | 'memory' | null = null;
  #decryptFailed = false;
  /** every token held this session, so lines logged just before a change are still redacted */
  readonly #formerTokens = new Set<string>();
  /** each bound consumer with the origin it connects to */
  readonly #consumers = new Map<TokenConsumer, string | null>();

  constructor(opts: TokenVaultOptions) {
    this.#file = opts.file;
    this.#encryptor = opts.encryptor;
    this.#acceptWeak = opts.acceptWeak;
    this.#log = opts.log ?? SILENT_LOG;
    this.#legacyOriginFile = opts.legacyOriginFile;
    this.#load();
  }

  status(): TokenStatus {
    if (this.#token === undefined) {
      return this.#decryptFailed
        ? { stored: false, reason: 'decrypt_failed' }
        : { stored: false, reason: 'none' };
    }
    // Stryker disable next-line StringLiteral: #persist sets #where whenever a token is held; the fallback is for the types
    return { stored: true, storage: this.#where ?? 'memory' };
  }

  /**
   * The origin the held token is bound to, or null (no token, or its server is not known).
   * Not a secret: the window and diagnostics may say which server a token is for.
   */
  boundTo(): string | null {
    // Stryker disable next-line ConditionalExpression: the origin is null whenever no token is held; this keeps it so
    return this.#token === undefined ? null : this.#origin;
  }

  /** True when bind() for this server URL would hand over a token. */
  usableFor(serverUrl: string): boolean {
    const origin = serverOrigin(serverUrl);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: see boundTo(); the token check is the same guard
    return this.#token !== undefined && origin !== null && origin === this.#origin;
  }

  /**
   * Store a new token for the server at `serverUrl`; throws when that URL gives no origin
   * (a token bound to nothing would go to whichever server came next). `acceptWeakStorage` is
   * the user's explicit consent, given with this very token, to keep it on disk although the
   * encryptor is weak.
   */
  set(token: string, opts: { serverUrl: string; acceptWeakStorage?: boolean }): TokenStatus {
    const origin = serverOrigin(opts?.serverUrl);
    if (origin === null) {
      throw new Error(
        'set the server URL before the token: a token is kept for the one server it was entered for',
      );
    }
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
      this.#log.warn('ignored an empty or oversized token');
      return this.status();
    }
    this.#remember(token);
    this.#token = token;
    this.#origin = origin;
    // (a decrypt failure is only reported while no token is held: this one replaces it)
    this.#persist(opts.acceptWeakStorage === true);
    this.#tell();
    return this.status();
  }

  /** Sign out: forget the token and wipe its file. */
  clear(): TokenStatus {
    this.#token = undefined;
    this.#origin = null;
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
    this.#persist(false); // without a token, nothing to reconsider
    return this.status();
  }

  /**
   * The only way out: a consumer that connects to `serverUrl` gets the current token now and
   * every change after, as long as the token was entered for that server; otherwise undefined.
   */
  bind(consumer: TokenConsumer, serverUrl: string): () => void {
    this.#consumers.set(consumer, serverOrigin(serverUrl));
    this.#safeSet(consumer, this.#tokenFor(this.#consumers.get(consumer)!));
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

  #tokenFor(origin: string | null): string | undefined {
    return origin !== null && origin === this.#origin ? this.#token : undefined;
  }

  #tell() {
    for (const [c, origin] of this.#consumers) this.#safeSet(c, this.#tokenFor(origin));
  }

  #safeSet(consumer: TokenConsumer, token: string | undefined) {
    try {
      consumer.setToken(token);
    } catch (err) {
      this.#log.warn(`a consumer failed to take the token: ${(err as Error)?.message ?? err}`);
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
    let mode: number;
    try {
      if (!existsSync(this.#file)) return;
      const st = statSync(this.#file);
      if (st.size > 64 * 1024) throw new Error('token file is too large');
      mode = st.mode;
      // Stryker disable next-line StringLiteral: JSON.parse reads a Buffer as the same text
      raw = readFileSync(this.#file, 'utf8');
    } catch (err) {
      this.#decryptFailed = true;
      this.#log.warn(`cannot read the token file: ${(err as Error).message}`);
      return;
    }
    try {
      const rec = JSON.parse(raw) as Partial<StoredRecord>;
      if (
        (rec?.v !== 1 && rec?.v !== 2) ||
        (rec.storage !== 'keychain' && rec.storage !== 'weak') ||
        typeof rec.data !== 'string'
      ) {
        throw new Error('unknown token file format');
      }
      const origin = rec.v === 2 ? serverOrigin(String(rec.origin)) : this.#legacyOrigin();
      if (this.#backend() === 'unavailable') throw new Error('encryption is not available');
      const token = this.#encryptor.decryptString(Buffer.from(rec.data, 'base64'));
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
        throw new Error('decrypted token is empty or oversized');
      }
      this.#remember(token);
      this.#token = token;
      this.#origin = origin;
      this.#where = rec.storage;
      if (origin === null) {
        this.#log.warn(
          "the stored token's server is not known; it is sent nowhere until entered again",
        );
      }
      // The backend or the user's choice may have changed since it was written, and a version-1
      // file is carried over to version 2 here. A file that is already what would be written
      // is left alone: no encryption and no write with fsync on every start. One that others
      // may read (a restored backup, a copied profile) is written again, as 0600.
      const privateFile = process.platform === 'win32' || (mode & 0o077) === 0;
      const unchanged =
        privateFile &&
        rec.v === 2 &&
        rec.storage === this.#targetStorage(false) &&
        (origin === null ? rec.origin === undefined : rec.origin === origin);
      if (!unchanged) this.#persist(false);
      if (rec.v === 1 && this.#legacyOriginFile) {
        rmSync(this.#legacyOriginFile, { force: true });
      }
    } catch (err) {
      // Signed out. The file stays until a new token or "sign out" replaces it: a keychain that
      // is only locked today must not cost the user a token that will decrypt tomorrow.
      this.#token = undefined;
      this.#where = null;
      this.#decryptFailed = true;
      this.#log.warn(
        `the stored token cannot be decrypted (${(err as Error).message}); signed out`,
      );
    }
  }

  /** Where the token would be kept now: the keychain, weak storage if accepted, or memory. */
  #targetStorage(acceptWeakNow: boolean): 'keychain' | 'weak' | 'memory' {
    const backend = this.#backend();
    if (backend === 'keychain') return 'keychain';
    if (backend === 'weak' && (acceptWeakNow || this.#safeAcceptWeak())) return 'weak';
    return 'memory';
  }

  /** Decide where the current token lives and make the disk agree. */
  #persist(acceptWeakNow: boolean) {
    const token = this.#token;
    if (token === undefined) return;
    const target = this.#targetStorage(acceptWeakNow);

    if (target === 'memory') {
      this.#wipe();
      this.#where = 'memory';
      return;
    }
    try {
      const data = this.#encryptor.encryptString(token).toString('base64');
      const rec: StoredRecord = { v: 2, storage: target, data };
      // Stryker disable next-line ConditionalExpression: an absent and a null origin read back the same: unknown
      if (this.#origin !== null) rec.origin = this.#origin;
      writeSecretFile(this.#file, JSON.stringify(rec));
      this.#where = target;
    } catch (err) {
      // Could not store it: keep it for this session rather than lose it.
      this.#wipe();
      this.#where = 'memory';
      this.#log.warn(`cannot store the token, keeping it in memory: ${(err as Error).message}`);
    }
  }

  /** The side file of builds before 0.2; anything unreadable or odd there means "unknown". */
  #legacyOrigin(): string | null {
    // Stryker disable next-line ConditionalExpression: reading no file throws into the catch below: the same null
    if (!this.#legacyOriginFile) return null;
    try {
      // Stryker disable next-line StringLiteral: a Buffer has the same length here, and parses the same
      const text = readFileSync(this.#legacyOriginFile, 'utf8');
      if (text.length > 4096) return null;
      // Stryker disable next-line OptionalChaining: null.origin throws into the catch below: the same null
      const origin = (JSON.parse(text) as { origin?: unknown } | null)?.origin;
      return serverOrigin(origin as string); // which refuses anything but a URL string
    } catch {
      return null;
    }
  }

  #safeAcceptWeak(): boolean {
    let accepted = false;
    try {
      accepted = this.#acceptWeak() === true;
    } catch {
      // a choice that cannot be read is no consent
    }
    return accepted;
  }

  #wipe() {
    try {
      if (existsSync(this.#file)) {
        // Overwrite before unlinking so the ciphertext does not linger in the freed blocks of
        // simple file systems (best effort: copy-on-write and SSDs may keep old blocks anyway).
        const size = statSync(this.#file).size;
        writeFileSync(this.#file, Buffer.alloc(size));
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: the file was just written, so it exists
        rmSync(this.#file, { force: true });
      }
    } catch (err) {
      this.#log.warn(`cannot wipe the token file: ${(err as Error).message}`);
    }
  }
}
