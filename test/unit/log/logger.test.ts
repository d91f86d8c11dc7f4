import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../../main/core/log/logger';
import { logTo } from '../../../main/core/log/scoped';

const TOKEN = 'tok_Z9x/+=&weird?';

describe('redact', () => {
  it.each([
    ['alone', `${TOKEN}`],
    ['at the start', `${TOKEN} was used`],
    ['in the middle', `token ${TOKEN}, then`],
    ['at the end', `using ${TOKEN}`],
    ['glued to text', `abc${TOKEN}def`],
    ['twice', `${TOKEN} ${TOKEN}`],
    ['URL-encoded in a query', `wss://h/v1/ws?token=${encodeURIComponent(TOKEN)}&x=1`],
    ['raw in a URL', `wss://h/v1/ws?a=1&token=${TOKEN}`],
    ['in JSON', JSON.stringify({ type: 'auth', token: TOKEN })],
    ['in a header', `Authorization: Bearer ${TOKEN}`],
  ])('removes the token %s', (_n, text) => {
    const out = redact(text, [TOKEN]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(encodeURIComponent(TOKEN));
    expect(out).toContain('[redacted]');
  });

  it('removes token-shaped values it was not told about', () => {
    expect(redact('GET /v1/ws?token=abc123&x=1', [])).toBe('GET /v1/ws?token=[redacted]&x=1');
    expect(redact('Authorization: Bearer abc.def-ghi', [])).toBe(
      'Authorization: Bearer [redacted]',
    );
    expect(redact('{"type":"auth","token":"s\\"x"}', [])).toBe(
      '{"type":"auth","token":"[redacted]"}',
    );
  });

  it('leaves other text alone and handles overlapping secrets', () => {
    expect(redact('connected to wss://katya.example/v1/ws', ['nothere'])).toBe(
      'connected to wss://katya.example/v1/ws',
    );
    expect(redact('abcdef', ['abc', 'abcdef'])).toBe('[redacted]');
    expect(redact('a.b*c', ['.b*'])).toBe('a[redacted]c'); // regex characters are literal
    expect(redact('x', ['', null as unknown as string])).toBe('x');
  });
});

describe('logger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'katya-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each module a named log at the levels the module picks', () => {
    const log = createLogger({ dir: null, secrets: () => [TOKEN], now: () => 0, level: 'info' });
    const history = log.child('history');
    history.debug('not kept at info');
    history.warn(`skipped 2 damaged record(s) near ${TOKEN}`);
    log.child('notifier').error('show failed');
    expect(log.recent()).toEqual([
      '1970-01-01T00:00:00.000Z WARN  history: skipped 2 damaged record(s) near [redacted]',
      '1970-01-01T00:00:00.000Z ERROR notifier: show failed',
    ]);
  });

  it('writes levelled, redacted lines to the file and keeps the last ones', () => {
    let secret = TOKEN;
    const echoed: string[] = [];
    const log = createLogger({
      dir,
      secrets: () => [secret],
      echo: (l) => echoed.push(l),
      now: () => 0,
    });
    log.debug('hidden at the default level');
    log.info(`auth with ${TOKEN}`);
    log.warn('line\nforged 1970-01-01T00:00:00.000Z ERROR fake');
    log.sink('error', `url ?token=${encodeURIComponent(TOKEN)}`);
    const text = readFileSync(join(dir, 'katya.log'), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(encodeURIComponent(TOKEN));
    secret = 'changed';
    log.error(`old ${TOKEN} new changed`);
    expect(log.recent()).toEqual([
      '1970-01-01T00:00:00.000Z INFO  auth with [redacted]',
      '1970-01-01T00:00:00.000Z WARN  line\\nforged 1970-01-01T00:00:00.000Z ERROR fake',
      '1970-01-01T00:00:00.000Z ERROR url ?token=[redacted]',
      // a secret the source no longer reports is not redacted: the vault keeps old ones for this
      `1970-01-01T00:00:00.000Z ERROR old ${TOKEN} new [redacted]`,
    ]);
    expect(readFileSync(join(dir, 'katya.log'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(echoed).toHaveLength(4);
    expect(log.recent(1)).toHaveLength(1);
    log.setLevel('debug');
    log.debug('now visible');
    expect(log.recent(1)[0]).toMatch(/DEBUG now visible$/);
    expect(log.redact(`copy ${'changed'}`)).toBe('copy [redacted]');
  });

  it('rotates at maxBytes and keeps `files` files', () => {
    const log = createLogger({ dir, secrets: () => [], maxBytes: 2048, files: 3 });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(60)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['katya.1.log', 'katya.2.log', 'katya.log']);
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2048);
    expect(readFileSync(join(dir, 'katya.log'), 'utf8')).toContain('line 199 ');
    expect(log.recent(500).length).toBe(200);
  });

  it('keeps working in memory when the folder cannot be used, and with dir null', () => {
    const blocked = join(dir, 'file-not-dir');
    createLogger({ dir, secrets: () => [] }).info('make the folder');
    writeFileSync(blocked, 'x');
    const log = createLogger({ dir: join(blocked, 'logs'), secrets: () => [] });
    expect(() => log.info('still fine')).not.toThrow();
    expect(log.recent()).toHaveLength(1);
    const mem = createLogger({
      dir: null,
      secrets: () => {
        throw new Error('no vault yet');
      },
    });
    mem.info(`x ${TOKEN}`);
    expect(mem.recent()).toHaveLength(1);
    expect(mem.file).toBeNull();
    expect(existsSync(join(dir, 'katya.log'))).toBe(true);
  });
});

describe('logger: the file set', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'katya-log-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // With now() at 0 every line starts with the same 31 characters ("1970-01-01T00:00:00.000Z
  // INFO  "), so a message of n characters makes a line of 31 + n bytes, 32 with its newline.
  const PREFIX = 31;
  const lineOf = (bytes: number, tag: string) => tag + 'x'.repeat(bytes - 1 - PREFIX - tag.length);
  const sizeOf = (f: string) => statSync(join(dir, f)).size;

  it('rotates before a line would take the file past maxBytes, never after', () => {
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 1024 });
    for (let i = 0; i < 7; i++) log.info(lineOf(128, `a${i}`));
    expect(sizeOf('katya.log')).toBe(896);
    log.info(lineOf(128, 'fits')); // 896 + 128 = 1024: exactly full, still one file
    expect(readdirSync(dir)).toEqual(['katya.log']);
    expect(sizeOf('katya.log')).toBe(1024);
    log.info(lineOf(40, 'next')); // would be 1064: rotates first
    expect(readdirSync(dir).sort()).toEqual(['katya.1.log', 'katya.log']);
    expect(sizeOf('katya.1.log')).toBe(1024);
    expect(sizeOf('katya.log')).toBe(40);
  });

  it('counts bytes exactly: one byte over is one byte too many', () => {
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 1024 });
    for (let i = 0; i < 7; i++) log.info(lineOf(128, `a${i}`));
    log.info(lineOf(129, 'over')); // 896 + 129 = 1025
    expect(sizeOf('katya.1.log')).toBe(896);
    expect(sizeOf('katya.log')).toBe(129);
  });

  it('keeps 3 files of at most 1 MiB by default', () => {
    const log = createLogger({ dir, secrets: () => [], now: () => 0 });
    for (let i = 0; i < 40; i++) log.info(lineOf(1000, `l${i}`)); // 40 kB: far below 1 MiB
    expect(readdirSync(dir)).toEqual(['katya.log']);
    const small = createLogger({
      dir: join(dir, 's'),
      secrets: () => [],
      now: () => 0,
      maxBytes: 1024,
    });
    for (let i = 0; i < 40; i++) small.info(lineOf(512, `l${i}`));
    expect(readdirSync(join(dir, 's')).sort()).toEqual(['katya.1.log', 'katya.2.log', 'katya.log']);
  });

  it('never rotates below 1 KiB, whatever maxBytes says', () => {
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 10 });
    for (let i = 0; i < 8; i++) log.info(lineOf(128, `a${i}`));
    expect(readdirSync(dir)).toEqual(['katya.log']);
  });

  it('with one file, starts it afresh when it is full', () => {
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 1024, files: 0 });
    for (let i = 0; i < 9; i++) log.info(lineOf(128, `a${i}`));
    expect(readdirSync(dir)).toEqual(['katya.log']);
    expect(readFileSync(join(dir, 'katya.log'), 'utf8')).toMatch(/^\S+ INFO {2}a8x+\n$/);
  });

  it('a line longer than maxBytes goes whole into an empty file, without rotating', () => {
    writeFileSync(join(dir, 'katya.1.log'), 'older\n');
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 1024 });
    log.info(lineOf(2000, 'big'));
    expect(readFileSync(join(dir, 'katya.1.log'), 'utf8')).toBe('older\n');
    expect(sizeOf('katya.log')).toBe(2000);
  });

  it('continues an existing file, counting its bytes', () => {
    writeFileSync(join(dir, 'katya.log'), 'y'.repeat(1000) + '\n');
    const log = createLogger({ dir, secrets: () => [], now: () => 0, maxBytes: 1024 });
    log.info(lineOf(64, 'more')); // 1001 + 64 > 1024
    expect(readFileSync(join(dir, 'katya.1.log'), 'utf8')).toBe('y'.repeat(1000) + '\n');
    expect(sizeOf('katya.log')).toBe(64);
  });

  it('makes its folder, and writes the file for its owner only', () => {
    const nested = join(dir, 'profile', 'logs');
    const log = createLogger({ dir: nested, secrets: () => [], name: 'app' });
    log.info('hello');
    expect(log.file).toBe(join(nested, 'app.log'));
    expect(readFileSync(join(nested, 'app.log'), 'utf8')).toMatch(/INFO {2}hello\n$/);
    expect(statSync(join(nested, 'app.log')).mode & 0o777).toBe(0o600);
  });

  it('after a failed write leaves the file alone for the session, and keeps the lines in memory', () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    mkdirSync(join(logs, 'katya.log')); // a folder where the file should be: appending fails
    const log = createLogger({ dir: logs, secrets: () => [] });
    log.info('lost to the file');
    rmSync(join(logs, 'katya.log'), { recursive: true });
    log.info('still not written');
    expect(existsSync(join(logs, 'katya.log'))).toBe(false);
    expect(log.recent()).toHaveLength(2);
  });
});

describe('logger: lines', () => {
  const mem = (opts: Partial<Parameters<typeof createLogger>[0]> = {}) =>
    createLogger({ dir: null, secrets: () => [], now: () => 0, ...opts });

  it('cuts a message longer than 8,000 characters, and says so', () => {
    const log = mem();
    log.info('a'.repeat(8000));
    log.info('b'.repeat(8001));
    const [exact, long] = log.recent();
    expect(exact).toBe(`1970-01-01T00:00:00.000Z INFO  ${'a'.repeat(8000)}`);
    expect(long).toBe(`1970-01-01T00:00:00.000Z INFO  ${'b'.repeat(8000)} [...]`);
  });

  it('keeps the last 500 lines by default, or as many as asked', () => {
    const log = mem();
    for (let i = 0; i < 501; i++) log.info(`n${i}`);
    expect(log.recent()).toHaveLength(500);
    expect(log.recent()[0]).toMatch(/ n1$/);
    const three = mem({ keepLines: 3 });
    for (const m of ['a', 'b', 'c', 'd']) three.info(m);
    expect(three.recent().map((l) => l.slice(-1))).toEqual(['b', 'c', 'd']);
    expect(three.recent(2).map((l) => l.slice(-1))).toEqual(['c', 'd']);
    expect(three.recent(10)).toHaveLength(3);
    expect(three.recent(0)).toEqual([]);
  });

  it('hands out copies: changing what recent() returned changes nothing', () => {
    const log = mem();
    log.info('one');
    log.recent().push('forged');
    log.recent(5).push('forged');
    expect(log.recent()).toHaveLength(1);
  });

  it('a module log writes at each level, with its name', () => {
    const log = mem({ level: 'debug' });
    const m = log.child('history');
    m.debug('d');
    m.info('i');
    m.warn('w');
    m.error('e');
    expect(log.recent().map((l) => l.slice(25))).toEqual([
      'DEBUG history: d',
      'INFO  history: i',
      'WARN  history: w',
      'ERROR history: e',
    ]);
  });

  it('the connection sink takes an unknown level as info; setLevel ignores an unknown level', () => {
    const log = mem({ level: 'warn' });
    log.sink('loud' as 'info', 'from the engine');
    expect(log.recent()).toEqual([]);
    log.setLevel('loud' as 'info');
    log.info('still below warn');
    log.sink('error', 'shown');
    expect(log.recent().map((l) => l.slice(25))).toEqual(['ERROR shown']);
    log.setLevel('info');
    log.sink('loud' as 'info', 'as info');
    expect(log.recent().at(-1)!.slice(25)).toBe('INFO  as info');
  });

  it('takes anything as a message, and redacts anything given to redact()', () => {
    const log = mem({ secrets: () => ['s3cret'] });
    log.info(42 as unknown as string);
    expect(log.recent()[0]!.slice(25)).toBe('INFO  42');
    expect(log.redact({ toString: () => 'a s3cret' } as unknown as string)).toBe('a [redacted]');
  });
});

describe('logTo (tests and small tools)', () => {
  it('writes "level message" for each level', () => {
    const lines: string[] = [];
    const log = logTo((l) => lines.push(l));
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(lines).toEqual(['debug a', 'info b', 'warn c', 'error d']);
  });
});
