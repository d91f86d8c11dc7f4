// The settings form's state: field errors (from the shared schema in place, and from main after
// 'settings:update'), the write-only token, and "Test connection". Errors are kept as codes
// with parameters (main/core/common/settings-errors.ts) and put into words only when shown, so
// they follow a change of language.
import { signal } from '@preact/signals';
import type { Signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type {
  Settings,
  SettingsFieldError,
  TestResult,
  TokenStatus,
} from '../../main/core/common/views';
import { settingsPatchSchema, TOKEN_MAX_LENGTH } from '../../main/core/common/settings-schema';
import type { SettingsPatch } from '../../main/core/common/settings-schema';
import { fieldErrorFrom, fieldErrorsFromIssues } from '../../main/core/common/settings-errors';
import type { AuthMethod } from '../../main/core/common/protocol';

/** Check a patch with the same schema main uses. */
export function validatePatch(patch: SettingsPatch): SettingsFieldError[] {
  const parsed = settingsPatchSchema.safeParse(patch);
  return parsed.success ? [] : fieldErrorsFromIssues(parsed.error.issues);
}

/** The token rules of the contract's tokenInputSchema, checked before anything is sent. */
export function tokenProblem(token: string): SettingsFieldError | null {
  const problem = (code: SettingsFieldError['code'], message: string, params = {}) => ({
    field: 'token',
    code,
    params,
    message,
  });
  if (token === '') return problem('token.empty', 'enter a token');
  if (/\s/.test(token)) return problem('token.spaces', 'a token has no spaces');
  if (token.length > TOKEN_MAX_LENGTH)
    return problem('token.long', `a token has at most ${TOKEN_MAX_LENGTH} characters`, {
      max: TOKEN_MAX_LENGTH,
    });
  return null;
}

export type TestState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: TestResult }
  | { state: 'error'; error: string };

export type TokenNote =
  | { kind: 'saved' | 'cleared' }
  | { kind: 'failed'; error: string }
  | { kind: 'invalid'; problem: SettingsFieldError }
  | null;

export type SaveState =
  | { state: 'idle' | 'saving' | 'saved' }
  /** main refused the change: why, per field */
  | { state: 'refused'; errors: SettingsFieldError[] }
  /** the call itself failed */
  | { state: 'failed'; error: string };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createSettingsState(
  api: KatyaApi,
  shared: { settings: Signal<Settings>; token: Signal<TokenStatus> },
) {
  /** field path -> its error */
  const errors = signal<Record<string, SettingsFieldError>>({});
  const save = signal<SaveState>({ state: 'idle' });
  const tokenNote = signal<TokenNote>(null);
  const test = signal<TestState>({ state: 'idle' });

  function clearErrorsUnder(prefixes: string[]): Record<string, SettingsFieldError> {
    const next: Record<string, SettingsFieldError> = {};
    for (const [field, error] of Object.entries(errors.value))
      if (!prefixes.some((p) => field === p || field.startsWith(`${p}.`))) next[field] = error;
    return next;
  }

  /** Show (or clear) an error while the user is still typing, before anything is saved. */
  function setFieldError(field: string, error: SettingsFieldError | null): void {
    const next = clearErrorsUnder([field]);
    if (error) next[field] = error;
    errors.value = next;
  }

  /** Validate and save a change; field errors land next to their fields. */
  async function update(patch: SettingsPatch): Promise<boolean> {
    const touched = Object.keys(patch);
    const next = clearErrorsUnder(touched);
    const problems = validatePatch(patch);
    if (problems.length) {
      for (const p of problems) next[p.field] = p;
      errors.value = next;
      return false;
    }
    errors.value = next;
    save.value = { state: 'saving' };
    // Show the change at once (a checkbox must not flick back while main saves it); main's
    // answer then replaces it, or the old value comes back if it was refused.
    const before = shared.settings.value;
    shared.settings.value = { ...before, ...patch };
    const revert = () => {
      if (shared.settings.value !== before) shared.settings.value = before;
    };
    try {
      const result = await api.invoke['settings:update'](patch);
      if (result && result.ok) {
        shared.settings.value = result.settings;
        save.value = { state: 'saved' };
        return true;
      }
      revert();
      const raw: unknown[] =
        result && !result.ok && Array.isArray(result.errors) ? result.errors : [];
      const refused = raw.map(fieldErrorFrom);
      const withErrors = { ...errors.value };
      for (const e of refused) withErrors[e.field] = e;
      errors.value = withErrors;
      save.value = { state: 'refused', errors: refused };
      return false;
    } catch (err) {
      revert();
      save.value = { state: 'failed', error: message(err) };
      return false;
    }
  }

  async function setToken(token: string, acceptWeakStorage: boolean): Promise<boolean> {
    const problem = tokenProblem(token);
    if (problem) {
      tokenNote.value = { kind: 'invalid', problem };
      return false;
    }
    try {
      const status = await api.invoke['token:set'](
        acceptWeakStorage ? { token, acceptWeakStorage: true } : { token },
      );
      if (status && typeof status === 'object') shared.token.value = status;
      tokenNote.value = { kind: 'saved' };
      return true;
    } catch (err) {
      tokenNote.value = { kind: 'failed', error: message(err) };
      return false;
    }
  }

  async function clearToken(): Promise<void> {
    try {
      const status = await api.invoke['token:clear']();
      if (status && typeof status === 'object') shared.token.value = status;
      tokenNote.value = { kind: 'cleared' };
    } catch (err) {
      tokenNote.value = { kind: 'failed', error: message(err) };
    }
  }

  async function runTest(url: string, authMethod: AuthMethod, token: string): Promise<void> {
    test.value = { state: 'running' };
    try {
      const result = await api.invoke['connection:test'](
        token ? { url, authMethod, token } : { url, authMethod },
      );
      test.value =
        result && Array.isArray(result.steps)
          ? { state: 'done', result }
          : { state: 'error', error: 'no result' };
    } catch (err) {
      test.value = { state: 'error', error: message(err) };
    }
  }

  return { errors, save, tokenNote, test, setFieldError, update, setToken, clearToken, runTest };
}

export type SettingsState = ReturnType<typeof createSettingsState>;
