// The "Servers" card: every server the app follows, in the user's order, each with its state
// and its actions (select to edit, enable, reconnect, move up or down, remove after a
// confirmation), and "Add server". With none configured, it says the demo server is in use.
// An admin policy that locks the list ('servers') leaves only the switches and reconnecting;
// the servers it presets come first and are never removed or moved (server-locks.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../context';
import { SERVER_LIMITS } from '../../../main/core/common/settings-schema';
import type { ServerSettings } from '../../../main/core/common/settings-schema';
import type { ConnectionPhase, ServerView } from '../../../main/core/common/views';
import { NEW_SERVER } from '../../state/settings';
import { scalarText } from '../../format/text';
import { Field, LockNote, describedBy } from './Field';
import { useServerLocks } from './server-locks';
import type { ServerLocks } from './server-locks';
import { errorText } from './error-text';
import { shownBesideServerField } from './ServerDetails';
import { SnoozeMenu, runningSnooze } from '../SnoozeMenu';

const RECONNECTABLE: ReadonlySet<ConnectionPhase> = new Set([
  'offline',
  'reconnecting',
  'certificate',
  'proxy',
]);

/** Focus an element once the render that makes it has run. */
function focusSoon(find: () => HTMLElement | null | undefined): void {
  setTimeout(() => {
    const el = find();
    if (el && !(el as HTMLButtonElement).disabled) el.focus();
  }, 0);
}

const itemOf = (id: string) =>
  document.querySelector<HTMLElement>(`.server-list [data-server="${CSS.escape(id)}"]`);

function AddServerForm(props: { onDone: (added: string | null) => void }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const urlRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const errors = form.errors.value;
  const urlError = errors[NEW_SERVER.url];
  const nameError = errors[NEW_SERVER.name];
  const urlText = urlError ? errorText(urlError, i18n) : undefined;
  const nameText = nameError ? errorText(nameError, i18n) : undefined;

  useEffect(() => urlRef.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const id = await form.addServer(url.trim(), name.trim());
    setBusy(false);
    if (id) {
      props.onDone(id);
      return;
    }
    // the first field that is wrong gets the keyboard
    const wrong = form.errors.peek();
    if (wrong[NEW_SERVER.url]) urlRef.current?.focus();
    else if (wrong[NEW_SERVER.name]) nameRef.current?.focus();
  };
  const cancel = () => {
    form.setFieldError('newServer', null);
    props.onDone(null);
  };

  return (
    <form
      class="add-server"
      aria-labelledby="add-server-title"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          cancel();
        }
      }}
    >
      <h3 id="add-server-title">{t('servers.addTitle')}</h3>
      <Field
        id="newServer-url"
        label={t('settings.serverUrl')}
        hint={t('settings.serverUrlHint')}
        error={urlText}
      >
        <input
          id="newServer-url"
          ref={urlRef}
          type="url"
          spellcheck={false}
          autocomplete="off"
          value={url}
          aria-invalid={urlText ? true : undefined}
          aria-describedby={describedBy('newServer-url', { hint: 1, error: urlText })}
          onInput={(e) => {
            setUrl(e.currentTarget.value);
            if (urlError) form.setFieldError(NEW_SERVER.url, null);
          }}
        />
      </Field>
      <Field
        id="newServer-name"
        label={t('servers.name')}
        hint={t('servers.newNameHint')}
        error={nameText}
      >
        <input
          id="newServer-name"
          ref={nameRef}
          type="text"
          autocomplete="off"
          maxLength={SERVER_LIMITS.nameLength}
          value={name}
          aria-invalid={nameText ? true : undefined}
          aria-describedby={describedBy('newServer-name', { hint: 1, error: nameText })}
          onInput={(e) => {
            setName(e.currentTarget.value);
            if (nameError) form.setFieldError(NEW_SERVER.name, null);
          }}
        />
      </Field>
      <div class="row-controls">
        <button type="submit" class="primary" disabled={busy}>
          {t('servers.addConfirm')}
        </button>
        <button type="button" onClick={cancel}>
          {t('servers.cancel')}
        </button>
      </div>
    </form>
  );
}

/** "Remove this server?": a modal dialog, Cancel first, since a removal deletes its history. */
function RemoveDialog(props: {
  server: ServerSettings;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useApp().i18n.value;
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      role="alertdialog"
      aria-labelledby="remove-server-title"
      aria-describedby="remove-server-body"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="remove-server-title">{t('servers.removeTitle', { name: props.server.name })}</h2>
      <p id="remove-server-body">
        {t('servers.removeBody', { url: scalarText(props.server.url, 300) })}
      </p>
      <div class="row-controls">
        <button type="button" class="danger" onClick={props.onConfirm}>
          {t('servers.removeConfirm')}
        </button>
        <button type="button" ref={cancelRef} onClick={props.onCancel}>
          {t('servers.cancel')}
        </button>
      </div>
    </dialog>
  );
}

function ServerItem(props: {
  server: ServerSettings;
  index: number;
  count: number;
  view: ServerView | undefined;
  selected: boolean;
  locks: ServerLocks;
  onMove: (by: -1 | 1, button: 'up' | 'down') => void;
  onRemove: () => void;
}) {
  const app = useApp();
  const { t, time } = app.i18n.value;
  const form = app.settingsForm;
  const { server, view } = props;
  const name = server.name;
  const phase = view?.connection.phase;
  // with several servers, each one's snooze: how long, and its own Snooze menu
  const multi = app.multiServer.value;
  const snoozedUntil = multi ? runningSnooze(view?.snoozedUntil, app.coarseClock.value) : null;
  const state = !server.enabled ? t('servers.disabled') : phase ? t(`phase.${phase}`) : '';
  const { locks, index, count } = props;
  const removeLock = locks.remove(server.id);
  const base = `server-${server.id}`;
  return (
    <li class={`server-item${props.selected ? ' selected' : ''}`} data-server={server.id}>
      <div class="server-text">
        <button
          type="button"
          class="server-pick"
          aria-current={props.selected ? 'true' : undefined}
          aria-describedby={`${base}-url ${base}-state${snoozedUntil === null ? '' : ` ${base}-snooze`}`}
          onClick={() => {
            form.select(server.id);
            focusSoon(() => document.getElementById('server-details-title'));
          }}
        >
          {name}
        </button>
        <span id={`${base}-url`} class="server-url mono">
          {server.url}
        </span>
        <span
          id={`${base}-state`}
          class={`server-state phase-${server.enabled ? (phase ?? 'none') : 'disabled'}`}
        >
          {state}
        </span>
        {snoozedUntil !== null && (
          <span id={`${base}-snooze`} class="server-snooze">
            {t('servers.snoozedUntil', { time: time(snoozedUntil) })}
          </span>
        )}
      </div>
      <div class="server-actions">
        <label class="check">
          <input
            type="checkbox"
            role="switch"
            checked={server.enabled}
            aria-label={t('servers.enabledFor', { name })}
            onChange={(e) =>
              void form.updateServer(server.id, { enabled: e.currentTarget.checked })
            }
          />
          <span aria-hidden="true">{t('servers.enabled')}</span>
        </label>
        {server.enabled && phase && RECONNECTABLE.has(phase) && (
          <button
            type="button"
            aria-label={t('servers.reconnectFor', { name })}
            onClick={() => void app.reconnectNow(server.id)}
          >
            {t('servers.reconnect')}
          </button>
        )}
        {multi && <SnoozeMenu server={server.id} menuId={`${base}-snooze-menu`} below />}
        <button
          type="button"
          class="move-up"
          aria-label={t('servers.moveUp', { name })}
          disabled={!locks.canMove(server.id, index, -1, count)}
          onClick={() => props.onMove(-1, 'up')}
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          class="move-down"
          aria-label={t('servers.moveDown', { name })}
          disabled={!locks.canMove(server.id, index, 1, count)}
          onClick={() => props.onMove(1, 'down')}
        >
          <span aria-hidden="true">↓</span>
        </button>
        <button
          type="button"
          class="remove"
          aria-label={t('servers.removeFor', { name })}
          title={removeLock ? t('settings.locked', { reason: removeLock }) : undefined}
          disabled={removeLock !== undefined}
          onClick={props.onRemove}
        >
          {t('servers.remove')}
        </button>
      </div>
    </li>
  );
}

export function ServersSection() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const list = app.settings.value.servers;
  const views = app.servers.value;
  const locks = useServerLocks();
  const listLock = locks.add;
  const current = form.current();
  const selectedIndex = current ? list.findIndex((s) => s.id === current.id) : null;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ServerSettings | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const full = list.length >= SERVER_LIMITS.max;
  const note = form.serversNote.value;

  // Errors about the list, or about a server's field that its card does not show.
  const problems = Object.values(form.errors.value).filter(
    (e) =>
      (e.field === 'servers' || e.field.startsWith('servers.')) &&
      !shownBesideServerField(e.field, selectedIndex),
  );
  const problemText = (field: string) => {
    const index = /^servers\.(\d+)\./.exec(field)?.[1];
    const server = index === undefined ? undefined : list[Number(index)];
    return server ? `${server.name}: ` : '';
  };

  const move = (server: ServerSettings, by: -1 | 1, button: 'up' | 'down') => {
    void form.moveServer(server.id, by);
    // Keep the keyboard on the server that moved: on the same button, or on the other one
    // when it reached the end of the list.
    focusSoon(() => {
      const item = itemOf(server.id);
      const same = item?.querySelector<HTMLButtonElement>(`.move-${button}`);
      if (same && !same.disabled) return same;
      return item?.querySelector<HTMLButtonElement>(`.move-${button === 'up' ? 'down' : 'up'}`);
    });
  };

  const confirmRemove = async () => {
    const server = removing;
    if (!server) return;
    setRemoving(null);
    const next = await form.removeServer(server.id);
    if (next === false) {
      focusSoon(() => itemOf(server.id)?.querySelector<HTMLElement>('.remove'));
      return;
    }
    // the keyboard goes to the server that took its place, or to "Add server"
    focusSoon(() =>
      next ? itemOf(next)?.querySelector<HTMLElement>('.server-pick') : addRef.current,
    );
  };

  return (
    <section class="card servers" aria-labelledby="set-servers">
      <h2 id="set-servers">{t('settings.servers')}</h2>
      <p class="hint">{t('settings.serversHint')}</p>
      <LockNote reason={listLock} />
      {list.length === 0 ? (
        <p class="demo-note">{t('servers.demoInUse')}</p>
      ) : (
        <ul class="server-list" aria-label={t('servers.list')}>
          {list.map((server, index) => (
            <ServerItem
              key={server.id}
              server={server}
              index={index}
              count={list.length}
              view={views.find((v) => v.id === server.id)}
              selected={index === selectedIndex}
              locks={locks}
              onMove={(by, button) => move(server, by, button)}
              onRemove={() => setRemoving(server)}
            />
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <ul class="field-error" role="alert">
          {problems.map((e) => (
            <li key={e.field}>
              {problemText(e.field)}
              {errorText(e, i18n)}
            </li>
          ))}
        </ul>
      )}
      <p class="servers-note" role="status">
        {note
          ? t(note.kind === 'added' ? 'servers.added' : 'servers.removed', { name: note.name })
          : ''}
      </p>
      {adding ? (
        <AddServerForm
          onDone={(added) => {
            setAdding(false);
            focusSoon(() =>
              added ? document.getElementById('server-details-title') : addRef.current,
            );
          }}
        />
      ) : (
        <button
          type="button"
          class="primary"
          ref={addRef}
          disabled={listLock !== undefined || full}
          aria-describedby={full ? 'servers-full' : undefined}
          onClick={() => setAdding(true)}
        >
          {t('servers.add')}
        </button>
      )}
      {full && (
        <p class="hint" id="servers-full">
          {t('servers.limit', { max: SERVER_LIMITS.max })}
        </p>
      )}
      {removing && (
        <RemoveDialog
          server={removing}
          onCancel={() => {
            const id = removing.id;
            setRemoving(null);
            focusSoon(() => itemOf(id)?.querySelector<HTMLElement>('.remove'));
          }}
          onConfirm={() => void confirmRemove()}
        />
      )}
    </section>
  );
}
