// Settings validation results as codes with parameters rather than sentences: the window
// translates the code with the message catalogue (error.<code>), and the English `message`
// stays for logs, the preview's command line and the tests. Main's SettingsService, the
// window's own checks and the scripted test API all build their errors here, so a code means
// the same thing wherever it comes from.
import type { z } from 'zod';

export const SETTINGS_ERROR_CODES = [
  /** a quiet-hours time not in the 24-hour form HH:MM */
  'hhmm',
  /** a number outside its range, or not a whole number; params: min, max */
  'range',
  // server URL problems, as validateServerUrl() names them
  'url.notUrl',
  'url.scheme',
  'url.ws',
  'url.port',
  'url.credentials',
  'url.token',
  /** a server without an address */
  'url.empty',
  /** a server name that is empty, too long, padded or holds control characters; params: max */
  'serverName',
  /** another server already has this name (names compare without case) */
  'serverName.taken',
  /** more servers than the app follows; params: max */
  'servers.tooMany',
  // proxy URL problems, as parseProxyUrl() names them (network.ts)
  'proxy.notUrl',
  'proxy.scheme',
  'proxy.port',
  'proxy.credentials',
  'proxy.path',
  /** the extra CA file is not an absolute path */
  'caFile.absolute',
  // the access token typed into the form (checked before it is sent)
  'token.empty',
  'token.spaces',
  /** params: max */
  'token.long',
  /** an admin policy locks the field; params: reason */
  'locked',
  /** no setting has this name */
  'unknown',
  /** the settings file could not be written; params: error */
  'saveFailed',
  /** anything else; params: detail (the English description) */
  'invalid',
] as const;

export type SettingsErrorCode = (typeof SETTINGS_ERROR_CODES)[number];
export type SettingsErrorParams = Record<string, string | number>;

export interface SettingsFieldError {
  /** dotted path of the field, e.g. "history.maxEvents"; "settings" for the document */
  field: string;
  code: SettingsErrorCode;
  params: SettingsErrorParams;
  /** the same in English, for logs and the command line */
  message: string;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(SETTINGS_ERROR_CODES);

/** The parameters each code's text needs; an error from elsewhere without them is 'invalid'. */
const NEEDED_PARAMS: Partial<Record<SettingsErrorCode, readonly string[]>> = {
  range: ['min', 'max'],
  'token.long': ['max'],
  serverName: ['max'],
  'servers.tooMany': ['max'],
  locked: ['reason'],
  saveFailed: ['error'],
  invalid: ['detail'],
};

export function isSettingsErrorCode(value: unknown): value is SettingsErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/**
 * What a schema check attaches to its issue (zod's `params`) so the issue turns into this
 * code. Checks without it fall back to 'invalid'.
 */
export function errorParams(
  code: SettingsErrorCode,
  params: SettingsErrorParams = {},
): { code: SettingsErrorCode } & SettingsErrorParams {
  return { ...params, code };
}

/** Keep only plain strings and numbers: params may have crossed IPC from another process. */
function plainParams(raw: unknown): SettingsErrorParams {
  const out: SettingsErrorParams = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'code') continue;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
      out[key] = value;
  }
  return out;
}

/** Field errors for the issues of a failed settings-schema parse. */
export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[]): SettingsFieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map(String).join(', ');
      return { field: path || names, code: 'unknown', params: { names }, message: issue.message };
    }
    const field = path || 'settings';
    // Our own checks (refine / addIssue) carry their code in params; zod's built-in ones do not.
    const params: unknown = 'params' in issue ? issue.params : undefined;
    const code = (params as { code?: unknown } | undefined)?.code;
    if (isSettingsErrorCode(code))
      return { field, code, params: plainParams(params), message: issue.message };
    return { field, code: 'invalid', params: { detail: issue.message }, message: issue.message };
  });
}

/** Check one value with a schema: its first problem as an error for `field`, or null. */
export function checkField(
  schema: z.ZodType,
  value: unknown,
  field: string,
): SettingsFieldError | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return null;
  const [first] = fieldErrorsFromIssues(parsed.error.issues);
  return first ? { ...first, field } : null;
}

/** The range error for a field, for input that is not a number at all. */
export function rangeError(
  field: string,
  limits: { readonly min: number; readonly max: number },
): SettingsFieldError {
  return {
    field,
    code: 'range',
    params: { min: limits.min, max: limits.max },
    message: rangeMessage(limits),
  };
}

export function rangeMessage(limits: { readonly min: number; readonly max: number }): string {
  return `must be a whole number from ${limits.min} to ${limits.max}`;
}

/**
 * An error as received from another process: anything malformed becomes 'invalid' with
 * whatever text it carried, so the window can always show something.
 */
export function fieldErrorFrom(raw: unknown): SettingsFieldError {
  const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const field = typeof e.field === 'string' && e.field ? e.field : 'settings';
  const message = typeof e.message === 'string' ? e.message : 'invalid';
  const params = plainParams(e.params);
  const code = isSettingsErrorCode(e.code) ? e.code : null;
  if (code && (NEEDED_PARAMS[code] ?? []).every((name) => name in params))
    return { field, code, params, message };
  return { field, code: 'invalid', params: { detail: message }, message };
}
