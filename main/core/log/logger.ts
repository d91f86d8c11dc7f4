// The app's log: levelled lines, token redacted before they are kept anywhere, written to a
// small rotating file set (katya.log, katya.1.log, ...) and kept in memory for the diagnostics
// view. Writing is synchronous on purpose: log volume is low, and the lines that matter most
// are the ones written just before a crash.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from '../connection/types';
import { redact } from './redact';
import { escapeHidden } from '../common/untrusted-text';
import type { LogLevel, ScopedLog } from './scoped';

export { redact } from './redact';

export type { LogLevel, ScopedLog } from './scoped';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface Logger extends ScopedLog {
  /** the log of one module: its lines start with `scope:`, at the levels it picks */
  child(scope: string): ScopedLog;
  /** the last `n` lines (default all kept, at most `keepLines`), oldest first, already redacted */
  recent(n?: number): string[];
  /** fits ConnectionOptions.log */
  sink: LogSink;
  setLevel(level: LogLevel): void;
  /** redact any text with the logger's current secrets (for example "Copy diagnostics") */
  redact(text: string): string;
  /** path of the current log file, or null when logging to memory only */
  readonly file: string | null;
}

export interface LoggerOptions {
  /** folder for the log files; null keeps lines in memory only */
  dir: string | null;
  /** rotate when the current file would grow past this (default 1 MiB) */
  maxBytes?: number;
  /** files kept in all, the current one included (default 3) */
  files?: number;
  /** the secrets to remove from every line, asked for on each line (the token can change) */
  secrets: () => string[];
  /** also hand each finished line to this (for example console.error in the CLI) */
  echo?: (line: string) => void;
  /** lowest level kept (default 'info') */
  level?: LogLevel;
  /** lines kept in memory for recent() (default 500) */
  keepLines?: number;
  now?: () => number;
  /** base name of the files (default 'katya') */
  name?: string;
}

const MAX_LINE_CHARS = 8_000;

export function createLogger(opts: LoggerOptions): Logger {
  const maxBytes = Math.max(1024, opts.maxBytes ?? 1024 * 1024);
  const files = Math.max(1, Math.floor(opts.files ?? 3));
  const keepLines = Math.max(1, opts.keepLines ?? 500);
  const now = opts.now ?? Date.now;
  const name = opts.name ?? 'katya';
  let minLevel = LEVELS.indexOf(opts.level ?? 'info');
  const ring: string[] = [];
  /** false once a write has failed: the file is left alone for the rest of the session */
  let fileOk = true;
  let size = 0;

  const fileAt = (i: number) => join(opts.dir!, i === 0 ? `${name}.log` : `${name}.${i}.log`);
  const current = opts.dir === null ? null : fileAt(0);

  // Stryker disable next-line ConditionalExpression: mkdir(null) throws into the empty catch below: the same
  if (opts.dir !== null) {
    try {
      mkdirSync(opts.dir, { recursive: true });
      // A log that exists already is continued: rotation counts its bytes too.
      size = statSync(current!).size;
    } catch {
      // No file yet (size stays 0), or a folder that cannot be made: then the first write
      // fails and turns the file off. Either way the app goes on, and the ring buffer works.
    }
  }

  function rotate() {
    // katya.(n-2).log -> katya.(n-1).log ... katya.log -> katya.1.log; each rename replaces
    // the file it lands on, so the oldest falls off.
    for (let i = files - 2; i >= 0; i--) {
      try {
        renameSync(fileAt(i), fileAt(i + 1));
      } catch {
        // a missing file in the chain is fine
      }
    }
    size = 0;
  }

  function writeToFile(line: string) {
    // Stryker disable next-line ConditionalExpression: with no folder, appending would throw into the catch below and turn the file off: the same
    if (current === null) return;
    if (!fileOk) return;
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (size > 0 && size + bytes > maxBytes) {
        if (files > 1) rotate();
        else {
          // Stryker disable next-line ObjectLiteral,BooleanLiteral: the file has bytes, so it exists
          rmSync(current, { force: true });
          size = 0;
        }
      }
      appendFileSync(current, line + '\n', { mode: 0o600 });
      size += bytes;
    } catch {
      fileOk = false;
    }
  }

  function currentSecrets(): string[] {
    try {
      const s = opts.secrets();
      // Stryker disable next-line ArrayDeclaration: a secret that no line contains redacts nothing
      return Array.isArray(s) ? s : [];
    } catch {
      // Stryker disable next-line ArrayDeclaration: as above
      return [];
    }
  }

  function write(level: LogLevel, msg: unknown) {
    if (LEVELS.indexOf(level) < minLevel) return;
    let text = String(msg);
    if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS) + ' [...]';
    const secrets = currentSecrets();
    // One line per entry, every hidden character visible: a payload must not forge log lines
    // or reorder what a reader sees (escapeHidden keeps what it was, unlike displayText).
    const oneLine = escapeHidden(text);
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${redact(oneLine, secrets)}`;
    ring.push(line);
    if (ring.length > keepLines) ring.shift(); // one line in, at most one out
    writeToFile(line);
    try {
      // Stryker disable next-line OptionalChaining: without an echo, the call would throw into the catch below: the same
      opts.echo?.(line);
    } catch {
      // an echo target that throws (closed stderr) must not break logging
    }
  }

  const sink: LogSink = (level, message) => write(LEVELS.includes(level) ? level : 'info', message);

  return {
    child: (scope) => ({
      debug: (m) => write('debug', `${scope}: ${m}`),
      info: (m) => write('info', `${scope}: ${m}`),
      warn: (m) => write('warn', `${scope}: ${m}`),
      error: (m) => write('error', `${scope}: ${m}`),
    }),
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    recent: (n = ring.length) => ring.slice(Math.max(0, ring.length - n)),
    sink,
    setLevel: (level) => {
      if (LEVELS.includes(level)) minLevel = LEVELS.indexOf(level);
    },
    redact: (text) => redact(String(text), currentSecrets()),
    file: current,
  };
}
