// What a module logs to: its own name, and the level it chooses for each line. The app hands
// each module `logger.child('history')` and the like; the module, not its caller, knows whether
// a line is news (info) or a problem (warn).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ScopedLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** For modules built without a log (tests, tools): every line is dropped. */
export const SILENT_LOG: ScopedLog = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Every line as "level message" to one function: for tests and small tools. */
export function logTo(write: (line: string) => void): ScopedLog {
  const at = (level: LogLevel) => (message: string) => write(`${level} ${message}`);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
