// The settings form's state: field errors (from the shared zod schema in place, and from main
// after 'settings:update'), the write-only token, and "Test connection".
import { signal } from '@preact/signals';
import type { Signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type { Settings, TestResult, TokenStatus } from '../../main/core/common/views';
import { settingsPatchSchema } from '../../main/core/common/settings-schema';
import type { SettingsPatch } from '../../main/core/common/settings-schema';
import type { AuthMethod } from '../../main/core/common/protocol';

export interface FieldError {
  field: string;
  message: string;
}

/** Check a patch with the same schema main uses; errors keyed by dotted field path. */
export function validatePatch(patch: SettingsPatch): FieldError[] {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || 'settings',
    message: issue.message,
  }));
}

/** The token rules of the contract's tokenInputSchema, checked before anything is sent. */
export function tokenProblem(token: string): 'empty' | 'spaces' | 'long' | null {
  if (token === '') return 'empty';
  if (/\s/.test(token)) return 'spaces';
  if (token.length > 4096) return 'long';
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
  | { kind: 'invalid'; problem: 'empty' | 'spaces' | 'long' }
  | null;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createSettingsState(
  api: KatyaApi,
  shared: { settings: Signal<Settings>; token: Signal<TokenStatus> },
) {
  const errors = signal<Record<string, string>>({});
  const save = signal<{ state: 'idle' | 'saving' | 'saved' } | { state: 'failed'; error: string }>({
    state: 'idle',
  });
  const tokenNote = signal<TokenNote>(null);
  const test = signal<TestState>({ state: 'idle' });

  function clearErrorsUnder(prefixes: string[]): Record<string, string> {
    const next: Record<string, string> = {};
    for (const [field, msg] of Object.entries(errors.value))
      if (!prefixes.some((p) => field === p || field.startsWith(`${p}.`))) next[field] = msg;
    return next;
  }

  /** Show (or clear) an error while the user is still typing, before anything is saved. */
  function setFieldError(field: string, msg: string | null): void {
    const next = clearErrorsUnder([field]);
    if (msg) next[field] = msg;
    errors.value = next;
  }

  /** Validate and save a change; field errors land next to their fields. */
  async function update(patch: SettingsPatch): Promise<boolean> {
    const touched = Object.keys(patch);
    const next = clearErrorsUnder(touched);
    const problems = validatePatch(patch);
    if (problems.length) {
      for (const p of problems) next[p.field] = p.message;
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
      const list = result && !result.ok && Array.isArray(result.errors) ? result.errors : [];
      const withErrors = { ...errors.value };
      for (const e of list) withErrors[String(e.field || 'settings')] = String(e.message);
      errors.value = withErrors;
      save.value = { state: 'failed', error: list.map((e) => e.message).join('; ') };
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
