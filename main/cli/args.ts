// Argument checking shared by the commands. Bad usage is an exception of its own, so the entry
// point can print the command's usage and exit with 2 whatever command found the problem.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { canonicalChannel, isEventType, CHANNELS, EVENT_TYPES } from '../core/common/protocol';
import type { Channel, EventType } from '../core/common/protocol';

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  AUTH_FAILED: 3,
  /** `tail`: the server's certificate is not trusted (expired, wrong name, unknown issuer...) */
  CERTIFICATE: 4,
  /** `tail`: the proxy wants credentials or refused them (407), or will not tunnel (403...) */
  PROXY_REFUSED: 5,
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * What parsing gives a command: each option's value, when given (no positionals); an option
 * declared `multiple: true` gives every value, in the order given.
 */
export type OptionValues<T extends Options> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' }
    ? boolean
    : T[K] extends { multiple: true }
      ? string[]
      : string;
};

/** parseArgs in strict mode, with its errors turned into sentences a user can act on. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
): { values: OptionValues<T> } {
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return { values: parsed.values as OptionValues<T> };
  } catch (err) {
    const e = err as Error & { code?: string };
    const message = e.message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(message, { cause: err });
  }
}

function boundedNumber(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  whole: boolean,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const wellFormed = whole
    ? /^\d+$/.test(value.trim()) && Number.isSafeInteger(n)
    : value.trim() !== '' && Number.isFinite(n);
  if (!wellFormed || n < min || n > max) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

/** An integer option within bounds, or the default when absent. */
export function intOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return boundedNumber(value, name, fallback, min, max, true);
}

/** A number option (fractions allowed) within bounds, or the default when absent. */
export function numberOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return boundedNumber(value, name, fallback, min, max, false);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--channels a,b`: canonical names, aliases (alerts, metrics) resolved, unknown ones refused. */
export function channelList(value: string | undefined): Channel[] | undefined {
  if (value === undefined) return undefined;
  const out: Channel[] = [];
  for (const name of splitList(value)) {
    const c = canonicalChannel(name);
    if (!c) {
      throw new UsageError(`unknown channel "${name}"; the channels are ${CHANNELS.join(', ')}`);
    }
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** `--events x,y`: known event types only. */
export function eventList(value: string | undefined): EventType[] | undefined {
  if (value === undefined) return undefined;
  const out: EventType[] = [];
  for (const name of splitList(value)) {
    if (!isEventType(name)) {
      throw new UsageError(
        `unknown event type "${name}"; see \`katya tail --help\` for the ${EVENT_TYPES.length} types`,
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
