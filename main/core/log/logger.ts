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
  let fileOk = opts.dir !== null;
  let size = 0;

  const fileAt = (i: number) => join(opts.dir!, i === 0 ? `${name}.log` : `${name}.${i}.log`);
  const current = opts.dir === null ? null : fileAt(0);

  if (opts.dir !== null) {
    try {
      mkdirSync(opts.dir, { recursive: true });
      try {
        size = statSync(current!).size;
      } catch {
        size = 0;
      }
    } catch {
      fileOk = false; // an unwritable folder must not stop the app; the ring buffer still works
    }
  }

  function rotate() {
    // katya.(n-2).log -> katya.(n-1).log ... katya.log -> katya.1.log; the oldest falls off.
    rmSync(fileAt(files - 1), { force: true });
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
    if (!fileOk || current === null) return;
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (size > 0 && size + bytes > maxBytes) {
        if (files > 1) rotate();
        else {
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
      return Array.isArray(s) ? s : [];
    } catch {
      return [];
    }
  }

  function write(level: LogLevel, msg: unknown) {
    if (LEVELS.indexOf(level) < minLevel) return;
    let text = typeof msg === 'string' ? msg : String(msg);
    if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS) + ' [...]';
    const secrets = currentSecrets();
    // One line per entry, every hidden character visible: a payload must not forge log lines
    // or reorder what a reader sees (escapeHidden keeps what it was, unlike displayText).
    const oneLine = escapeHidden(text);
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${redact(oneLine, secrets)}`;
    ring.push(line);
    if (ring.length > keepLines) ring.splice(0, ring.length - keepLines);
    writeToFile(line);
    try {
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
    recent: (n) => (n === undefined ? ring.slice() : ring.slice(Math.max(0, ring.length - n))),
    sink,
    setLevel: (level) => {
      if (LEVELS.includes(level)) minLevel = LEVELS.indexOf(level);
    },
    redact: (text) => redact(typeof text === 'string' ? text : String(text), currentSecrets()),
    file: current,
  };
}
