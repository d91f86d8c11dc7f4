// The settings form's state: field errors (from the shared schema in place, and from main after
// 'settings:update'), the servers list (which server is selected; add, remove, reorder, change
// one), each server's write-only token, and "Test connection". Errors are kept as codes with
// parameters (main/core/common/settings-errors.ts) and put into words only when shown, so they
// follow a change of language. A server's fields are saved as the whole `servers` list, the
// way main takes them; its errors come back as `servers.<index>.<field>`.
import { signal } from '@preact/signals';
import type { Signal } from '@preact/signals';
import type { KatyaApi } from '../../preload/contract';
import type {
  ServerView,
  Settings,
  SettingsFieldError,
  TestResult,
  TokenStatus,
} from '../../main/core/common/views';
import {
  SERVER_LIMITS,
  serverNameSchema,
  serverSchema,
  settingsPatchSchema,
  TOKEN_MAX_LENGTH,
} from '../../main/core/common/settings-schema';
import type { ServerSettings, SettingsPatch } from '../../main/core/common/settings-schema';
import {
  checkField,
  fieldErrorFrom,
  fieldErrorsFromIssues,
} from '../../main/core/common/settings-errors';
import type { AuthMethod } from '../../main/core/common/protocol';
import { newServer } from '../../main/core/common/servers';

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

/** What the servers card announces: a server added or removed (by name). */
export type ServersNote = { kind: 'added' | 'removed'; name: string } | null;

/** Where the "Add server" form's errors are kept (not a settings field: nothing is saved yet). */
export const NEW_SERVER = { url: 'newServer.url', name: 'newServer.name' } as const;

/** Check a server about to be added: its address, and its name if one was typed. */
export function newServerProblems(
  url: string,
  name: string,
  list: readonly ServerSettings[],
): SettingsFieldError[] {
  const problems: SettingsFieldError[] = [];
  if (list.length >= SERVER_LIMITS.max) {
    problems.push({
      field: 'servers',
      code: 'servers.tooMany',
      params: { max: SERVER_LIMITS.max },
      message: `at most ${SERVER_LIMITS.max} servers`,
    });
  }
  const badUrl = checkField(serverSchema.shape.url, url, NEW_SERVER.url);
  if (badUrl) problems.push(badUrl);
  if (name !== '') {
    const badName = checkField(serverNameSchema, name, NEW_SERVER.name);
    if (badName) problems.push(badName);
    else if (list.some((s) => s.name.toLocaleLowerCase() === name.toLocaleLowerCase())) {
      problems.push({
        field: NEW_SERVER.name,
        code: 'serverName.taken',
        params: {},
        message: 'another server has this name',
      });
    }
  }
  return problems;
}

/** The servers main follows for a list: its ids, or the demo's when it is empty. */
export function followedServers(list: readonly { id: string }[] | undefined): string[] {
  return list?.length ? list.map((s) => s.id) : ['demo'];
}

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
  shared: {
    settings: Signal<Settings>;
    token: Signal<TokenStatus>;
    servers: Signal<ServerView[]>;
    /** servers main no longer follows after a change of the list (their ids) */
    onServersGone?: (ids: string[]) => void;
  },
) {
  /** field path -> its error */
  const errors = signal<Record<string, SettingsFieldError>>({});
  const save = signal<SaveState>({ state: 'idle' });
  const tokenNote = signal<TokenNote>(null);
  const test = signal<TestState>({ state: 'idle' });
  /** the server whose fields are shown (its id); null or unknown: the first */
  const selected = signal<string | null>(null);
  const serversNote = signal<ServersNote>(null);

  const list = (): ServerSettings[] => shared.settings.value.servers ?? [];

  /** The server shown: the selected one, or the first; null when none is configured. */
  function current(): ServerSettings | null {
    const all = list();
    return all.find((s) => s.id === selected.value) ?? all[0] ?? null;
  }

  function select(id: string): void {
    if (selected.peek() === id) return;
    selected.value = id;
    // the last server's token note and test result are not this one's
    tokenNote.value = null;
    test.value = { state: 'idle' };
  }

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

  // ---- the servers list ------------------------------------------------------------------

  /** Save the whole list (the way main takes a server's change). */
  async function saveServers(next: ServerSettings[]): Promise<boolean> {
    const before = followedServers(list());
    const ok = await update({ servers: next });
    const after = new Set(followedServers(list()));
    const gone = before.filter((id) => !after.has(id));
    if (ok && gone.length) shared.onServersGone?.(gone);
    return ok;
  }

  /** Change one server's fields. */
  function updateServer(id: string, patch: Partial<Omit<ServerSettings, 'id'>>): Promise<boolean> {
    return saveServers(list().map((s) => (s.id === id ? { ...s, ...patch } : s)));
  }

  /**
   * Add a server from the "Add server" form; its name, when left empty, is the address's host.
   * Returns the new server's id, or null (the form's errors say why).
   */
  async function addServer(url: string, name: string): Promise<string | null> {
    const all = list();
    const problems = newServerProblems(url, name, all);
    const next = clearErrorsUnder(['newServer', 'servers']);
    for (const p of problems) next[p.field] = p;
    errors.value = next;
    if (problems.length) return null;
    const server = newServer(url, all);
    if (name !== '') server.name = name;
    if (!(await saveServers([...all, server]))) return null;
    select(server.id);
    serversNote.value = { kind: 'added', name: server.name };
    return server.id;
  }

  /**
   * Remove a server. Returns the server that took its place in the list (the next, or the last
   * one), null when the list is empty now, or false when main refused. A selected server's
   * selection moves to that neighbour.
   */
  async function removeServer(id: string): Promise<string | null | false> {
    const all = list();
    const at = all.findIndex((s) => s.id === id);
    const gone = all[at];
    if (!gone) return false;
    const wasSelected = current()?.id === id;
    const rest = all.filter((s) => s.id !== id);
    if (!(await saveServers(rest))) return false;
    const neighbour = rest[Math.min(at, rest.length - 1)] ?? null;
    if (wasSelected) {
      if (neighbour) select(neighbour.id);
      else selected.value = null;
    }
    serversNote.value = { kind: 'removed', name: gone.name };
    return neighbour ? neighbour.id : null;
  }

  /** Move a server up (-1) or down (+1) in the user's order. */
  function moveServer(id: string, by: -1 | 1): Promise<boolean> {
    const all = [...list()];
    const at = all.findIndex((s) => s.id === id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= all.length) return Promise.resolve(false);
    [all[at], all[to]] = [all[to]!, all[at]!];
    return saveServers(all);
  }

  /** A token's new status: in the server's view, and as the first server's token. */
  function applyToken(server: string | undefined, status: TokenStatus): void {
    const id = server ?? list()[0]?.id;
    shared.servers.value = shared.servers.value.map((v) =>
      v.id === id ? { ...v, token: status } : v,
    );
    if (id === undefined || id === list()[0]?.id) shared.token.value = status;
  }

  async function setToken(
    token: string,
    acceptWeakStorage: boolean,
    server?: string,
  ): Promise<boolean> {
    const problem = tokenProblem(token);
    if (problem) {
      tokenNote.value = { kind: 'invalid', problem };
      return false;
    }
    try {
      const status = await api.invoke['token:set']({
        token,
        ...(acceptWeakStorage ? { acceptWeakStorage: true } : {}),
        ...(server !== undefined ? { server } : {}),
      });
      if (status && typeof status === 'object') applyToken(server, status);
      tokenNote.value = { kind: 'saved' };
      return true;
    } catch (err) {
      tokenNote.value = { kind: 'failed', error: message(err) };
      return false;
    }
  }

  async function clearToken(server?: string): Promise<void> {
    try {
      const status = await (server === undefined
        ? api.invoke['token:clear']()
        : api.invoke['token:clear']({ server }));
      if (status && typeof status === 'object') applyToken(server, status);
      tokenNote.value = { kind: 'cleared' };
    } catch (err) {
      tokenNote.value = { kind: 'failed', error: message(err) };
    }
  }

  async function runTest(
    url: string,
    authMethod: AuthMethod,
    token: string,
    server?: string,
  ): Promise<void> {
    test.value = { state: 'running' };
    try {
      const result = await api.invoke['connection:test']({
        url,
        authMethod,
        ...(token ? { token } : {}),
        ...(server !== undefined ? { server } : {}),
      });
      test.value =
        result && Array.isArray(result.steps)
          ? { state: 'done', result }
          : { state: 'error', error: 'no result' };
    } catch (err) {
      test.value = { state: 'error', error: message(err) };
    }
  }

  return {
    errors,
    save,
    tokenNote,
    test,
    selected,
    serversNote,
    current,
    select,
    setFieldError,
    update,
    updateServer,
    addServer,
    removeServer,
    moveServer,
    setToken,
    clearToken,
    runTest,
  };
}

export type SettingsState = ReturnType<typeof createSettingsState>;
