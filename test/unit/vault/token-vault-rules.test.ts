// The token vault's rules one at a time: which URL gives an origin, what a stored file must
// look like to be believed, which failures sign out and what each says, and that a token of
// unknown origin goes to no consumer whatever URL it asks with.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVault, serverOrigin } from '../../../main/core/vault/token-vault';
import type { Encryptor } from '../../../main/core/vault/token-vault';
import { fakeEncryptor } from '../../fakes/encryptor';
import { logTo } from '../../../main/core/log/scoped';

const TOKEN = 'katya_tok_3f9a-SECRET';
const SERVER = 'wss://katya.example/v1/ws';

let dir: string;
let file: string;
let side: string;
let logs: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'katya-vault-rules-'));
  file = join(dir, 'token.bin');
  side = join(dir, 'token-origin.json');
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function vault(opts: Partial<ConstructorParameters<typeof TokenVault>[0]> = {}) {
  return new TokenVault({
    file,
    encryptor: fakeEncryptor('keychain'),
    acceptWeak: () => false,
    log: logTo((l) => logs.push(l)),
    ...opts,
  });
}
/** a stored file as the vault writes it, with this record */
function storedFile(rec: Record<string, unknown>) {
  const enc = fakeEncryptor('keychain');
  const data = enc.encryptString(TOKEN).toString('base64');
  writeFileSync(file, JSON.stringify({ v: 2, storage: 'keychain', data, ...rec }));
}
function tokenFor(v: TokenVault, url: string): string | undefined {
  let t: string | undefined = 'untold';
  v.bind({ setToken: (x) => (t = x) }, url)();
  return t;
}

describe('serverOrigin', () => {
  it('is scheme, host and port, whatever the path, query or surrounding spaces', () => {
    expect(serverOrigin('  wss://k.example:8443/v1/ws?x=1  ')).toBe('wss://k.example:8443');
    expect(serverOrigin('ws://127.0.0.1:8080/v1/ws')).toBe('ws://127.0.0.1:8080');
  });

  it('is null for anything that names no host', () => {
    for (const url of [
      '',
      '   ',
      'not a url',
      'file:///etc/passwd',
      'mailto:a@b',
      5,
      null,
      ['wss://k.example'],
    ]) {
      expect(serverOrigin(url as string), String(url)).toBeNull();
    }
  });
});

describe('token vault: setting', () => {
  it('refuses a call without options as a token without a server', () => {
    const v = vault();
    expect(() => v.set(TOKEN, undefined as unknown as { serverUrl: string })).toThrow(
      /set the server URL before the token/,
    );
  });

  it('takes a token of up to 4096 characters; a longer or non-string one is ignored, with a warning', () => {
    const v = vault();
    expect(v.set('t'.repeat(4096), { serverUrl: SERVER })).toEqual({
      stored: true,
      storage: 'keychain',
    });
    for (const bad of ['t'.repeat(4097), 42 as unknown as string]) {
      v.set(bad, { serverUrl: SERVER });
      expect(tokenFor(v, SERVER)).toBe('t'.repeat(4096));
    }
    expect(logs).toEqual([
      'warn ignored an empty or oversized token',
      'warn ignored an empty or oversized token',
    ]);
  });

  it('keeps the last 16 tokens of the session for the redactor', () => {
    const v = vault();
    for (let i = 1; i <= 17; i++) v.set(`token-${i}`, { serverUrl: SERVER });
    v.set('token-5', { serverUrl: SERVER }); // again: the newest now, not a second copy
    const kept = v.secretsForRedaction();
    expect(kept).toHaveLength(16);
    expect(kept).not.toContain('token-1');
    expect(kept.at(-1)).toBe('token-5');
  });

  it('says which consumer call failed, whatever it threw', () => {
    const v = vault();
    v.bind(
      {
        setToken: () => {
          throw new Error('engine gone');
        },
      },
      SERVER,
    );
    v.bind(
      {
        setToken: () => {
          throw 'plain';
        },
      },
      SERVER,
    );
    v.bind(
      {
        setToken: () => {
          throw null;
        },
      },
      SERVER,
    );
    expect(logs).toEqual([
      'warn a consumer failed to take the token: engine gone',
      'warn a consumer failed to take the token: plain',
      'warn a consumer failed to take the token: null',
    ]);
  });
});

describe('token vault: where it keeps the token', () => {
  const encryptor = (patch: Partial<Encryptor>): Encryptor => ({
    ...fakeEncryptor('keychain'),
    ...patch,
  });

  it('an encryptor that says it cannot encrypt, names no known backend, or throws: memory only', () => {
    for (const enc of [
      encryptor({ isEncryptionAvailable: () => false }),
      encryptor({ backend: () => 'gnome-libsecret' as 'keychain' }),
      encryptor({
        backend: () => {
          throw new Error('dbus');
        },
      }),
    ]) {
      const v = vault({ encryptor: enc });
      expect(v.set(TOKEN, { serverUrl: SERVER })).toEqual({ stored: true, storage: 'memory' });
      expect(existsSync(file)).toBe(false);
    }
    expect(logs).toEqual([]); // memory is a decision, not a failure
  });

  it('with no encryption, even an accepted weak storage keeps the token in memory', () => {
    const v = vault({
      encryptor: encryptor({ isEncryptionAvailable: () => false }),
      acceptWeak: () => true,
    });
    expect(v.set(TOKEN, { serverUrl: SERVER, acceptWeakStorage: true })).toEqual({
      stored: true,
      storage: 'memory',
    });
    expect(existsSync(file)).toBe(false);
  });

  it('a standing choice that cannot be read counts as "no"', () => {
    const v = vault({
      encryptor: fakeEncryptor('weak'),
      acceptWeak: () => {
        throw new Error('settings not loaded');
      },
    });
    expect(v.set(TOKEN, { serverUrl: SERVER })).toEqual({ stored: true, storage: 'memory' });
  });

  it('a token that cannot be encrypted stays in memory, the old file goes, and it says why', () => {
    const v = vault();
    v.set('old-token', { serverUrl: SERVER });
    expect(existsSync(file)).toBe(true);
    const broken = vault({
      encryptor: encryptor({
        encryptString: () => {
          throw new Error('locked');
        },
      }),
    });
    expect(broken.set(TOKEN, { serverUrl: SERVER })).toEqual({ stored: true, storage: 'memory' });
    expect(existsSync(file)).toBe(false);
    expect(logs.at(-1)).toBe('warn cannot store the token, keeping it in memory: locked');
  });

  it('signing out with no file says nothing; a file that cannot be wiped is reported', () => {
    const v = vault();
    v.clear();
    expect(logs).toEqual([]);
    mkdirSync(file); // a folder where the file is: it cannot be overwritten
    v.clear();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^warn cannot wipe the token file: /);
  });
});

describe('token vault: reading the stored file', () => {
  const signedOut = { stored: false, reason: 'decrypt_failed' };

  it('a file over 64 KiB is not read; one of exactly 64 KiB is', () => {
    storedFile({ origin: 'wss://katya.example' });
    writeFileSync(file, readFileSync(file, 'utf8').padEnd(64 * 1024, ' '));
    expect(vault().status()).toEqual({ stored: true, storage: 'keychain' });
    expect(logs).toEqual([]); // a known server: nothing to say
    writeFileSync(file, ' '.repeat(64 * 1024 + 1));
    expect(vault().status()).toEqual(signedOut);
    expect(logs).toEqual(['warn cannot read the token file: token file is too large']);
  });

  it('an encryptor that names no known backend, or throws, when the file is read: signed out, file kept', () => {
    for (const backend of [
      () => 'gnome-libsecret' as 'keychain',
      () => {
        throw new Error('dbus');
      },
    ]) {
      storedFile({ origin: 'wss://katya.example' });
      logs = [];
      expect(vault({ encryptor: { ...fakeEncryptor('keychain'), backend } }).status()).toEqual(
        signedOut,
      );
      expect(logs).toEqual([
        'warn the stored token cannot be decrypted (encryption is not available); signed out',
      ]);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('a decrypted token of 4096 characters is taken; one that is not a string is not', () => {
    storedFile({ origin: 'wss://katya.example' });
    const long = vault({
      encryptor: { ...fakeEncryptor('keychain'), decryptString: () => 'x'.repeat(4096) },
    });
    expect(tokenFor(long, SERVER)).toBe('x'.repeat(4096));
    const odd = vault({
      encryptor: { ...fakeEncryptor('keychain'), decryptString: () => 42 as unknown as string },
    });
    expect(odd.status()).toEqual(signedOut);
  });

  it('reconsidering with no token held changes nothing and says nothing', () => {
    storedFile({ origin: 'wss://katya.example' });
    const v = vault({ encryptor: { ...fakeEncryptor('keychain'), decryptString: () => '' } });
    logs = [];
    expect(v.reconsiderStorage()).toEqual(signedOut);
    expect(existsSync(file)).toBe(true);
    expect(logs).toEqual([]);
  });

  it('a file that cannot be read signs out and says why', () => {
    mkdirSync(file);
    expect(vault().status()).toEqual(signedOut);
    expect(logs[0]).toMatch(/^warn cannot read the token file: EISDIR/);
  });

  it.each([
    ['null', 'null'],
    ['version 3', JSON.stringify({ v: 3, storage: 'keychain', data: 'AA==' })],
    ['storage in plain text', JSON.stringify({ v: 2, storage: 'plain', data: 'AA==' })],
    ['data not a string', JSON.stringify({ v: 2, storage: 'keychain', data: 5 })],
  ])('a record of an unknown format (%s) signs out', (_name, text) => {
    writeFileSync(file, text);
    expect(vault().status()).toEqual(signedOut);
    expect(logs).toEqual([
      'warn the stored token cannot be decrypted (unknown token file format); signed out',
    ]);
  });

  it('with no encryption now, a stored token signs out, and the file is kept for later', () => {
    storedFile({ origin: 'wss://katya.example' });
    expect(vault({ encryptor: fakeEncryptor('unavailable') }).status()).toEqual(signedOut);
    expect(logs).toEqual([
      'warn the stored token cannot be decrypted (encryption is not available); signed out',
    ]);
    expect(existsSync(file)).toBe(true);
    expect(tokenFor(vault(), SERVER)).toBe(TOKEN); // tomorrow, with the keychain back
  });

  it('a token that decrypts empty or oversized signs out', () => {
    for (const out of ['', 'x'.repeat(4097)]) {
      storedFile({ origin: 'wss://katya.example' });
      logs = [];
      const v = vault({
        encryptor: { ...fakeEncryptor('keychain'), decryptString: () => out },
      });
      expect(v.status()).toEqual(signedOut);
      expect(logs).toEqual([
        'warn the stored token cannot be decrypted (decrypted token is empty or oversized); signed out',
      ]);
    }
  });
});

describe('token vault: a token whose server is not known goes nowhere', () => {
  /** a version-1 file: no origin in it */
  function v1File() {
    const data = fakeEncryptor('keychain').encryptString(TOKEN).toString('base64');
    writeFileSync(file, JSON.stringify({ v: 1, storage: 'keychain', data }));
  }

  it('is held, said to be unknown, and given to no consumer, not even one with no URL', () => {
    v1File();
    const v = vault();
    expect(v.status()).toEqual({ stored: true, storage: 'keychain' });
    expect(logs).toEqual([
      "warn the stored token's server is not known; it is sent nowhere until entered again",
    ]);
    expect(v.boundTo()).toBeNull();
    for (const url of [SERVER, 'not a url', '']) {
      expect(tokenFor(v, url), url).toBeUndefined();
      expect(v.usableFor(url), url).toBe(false);
    }
  });

  it('a version-1 file with a side file that is gone loads, unknown, and signs nobody out', () => {
    v1File();
    const v = vault({ legacyOriginFile: side });
    expect(v.status()).toEqual({ stored: true, storage: 'keychain' });
    expect(v.boundTo()).toBeNull();
  });

  it('a side file of up to 4096 characters is read; a longer one is not believed', () => {
    const origin = JSON.stringify({ origin: SERVER });
    v1File();
    writeFileSync(side, origin.padEnd(4096, ' '));
    expect(vault({ legacyOriginFile: side }).boundTo()).toBe('wss://katya.example');
    v1File();
    writeFileSync(side, origin.padEnd(4097, ' '));
    expect(vault({ legacyOriginFile: side }).boundTo()).toBeNull();
  });

  it('a side file naming no URL string means unknown', () => {
    for (const text of ['null', '{"origin":5}', '{"origin":"not a url"}', '{']) {
      v1File();
      writeFileSync(side, text);
      expect(vault({ legacyOriginFile: side }).boundTo(), text).toBeNull();
    }
  });

  it('a version-2 file leaves a side file alone (it is only read for version 1)', () => {
    storedFile({ origin: 'wss://katya.example' });
    writeFileSync(side, JSON.stringify({ origin: 'wss://elsewhere.example' }));
    expect(vault({ legacyOriginFile: side }).boundTo()).toBe('wss://katya.example');
    expect(readFileSync(side, 'utf8')).toContain('elsewhere');
  });
});
