// The "Network" card: how the app reaches the servers (the system's proxy, none, or one typed
// in, with its user name and password) and which extra certificate authorities it trusts; a
// server may have its own (ServerNetworkFields). An admin policy may lock the proxy mode, the
// manual proxy and the CA file.
import { useState } from 'preact/hooks';
import { useApp } from '../context';
import { PROXY_MODES } from '../../../main/core/common/network';
import { caFileSchema, proxyUrlSchema } from '../../../main/core/common/settings-schema';
import { checkField } from '../../../main/core/common/settings-errors';
import type { ProxyAuthStatus } from '../../../main/core/common/views';
import type { I18n } from '../../i18n';
import { Field, describedBy, useLock } from './Field';
import { ChoiceField } from './ChoiceField';
import { errorText } from './error-text';
import { useDraft } from './use-draft';

/** A text setting checked with its schema as it is typed, and saved when it is left. */
export function CheckedTextField(props: {
  /** the input's id, unique in the page */
  id: string;
  /** the settings field path its errors come under */
  path: string;
  label: string;
  hint: string;
  schema: typeof proxyUrlSchema;
  value: string;
  save: (value: string) => Promise<boolean>;
  lock: string | undefined;
}) {
  const app = useApp();
  const i18n = app.i18n.value;
  const form = app.settingsForm;
  const current = props.value;
  const [draft, setDraft, saved] = useDraft(current);
  const problem = form.errors.value[props.path];
  const error = problem ? errorText(problem, i18n) : undefined;
  const lock = props.lock;
  const check = (value: string) => {
    const found = checkField(props.schema, value, props.path);
    form.setFieldError(props.path, found);
    return found === null;
  };
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={error} lock={lock}>
      <input
        id={props.id}
        type="text"
        spellcheck={false}
        autocomplete="off"
        value={draft}
        disabled={lock !== undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.id, { hint: 1, error, lock })}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          check(e.currentTarget.value.trim());
        }}
        onChange={(e) => {
          const value = e.currentTarget.value.trim();
          if (!check(value) || value === current) return;
          void props.save(value).then((ok) => ok && saved());
        }}
      />
    </Field>
  );
}

function storageText(status: ProxyAuthStatus, { t }: I18n): { text: string; warn: boolean } {
  if (!status.stored) return { text: t('proxyAuth.none'), warn: false };
  if (status.storage === 'keychain') return { text: t('proxyAuth.keychain'), warn: false };
  return {
    text: status.storage === 'weak' ? t('proxyAuth.weak') : t('proxyAuth.memory'),
    warn: true,
  };
}

/** The proxy's user name and password: write-only, never shown again once saved. */
function ProxyAuthFields() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const auth = app.proxyAuth;
  const status = auth.status.value;
  const note = auth.note.value;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const stored = storageText(status, i18n);
  const save = () =>
    void auth.save(username, password, app.settings.value.acceptWeakTokenStorage).then((ok) => {
      if (!ok) return;
      setUsername('');
      setPassword('');
    });
  const error =
    note?.kind === 'missing'
      ? t('proxyAuth.missing')
      : note?.kind === 'failed'
        ? t('proxyAuth.failed', { error: note.error })
        : undefined;
  return (
    <fieldset class="field" aria-describedby="proxyAuth-hint proxyAuth-status">
      <legend>{t('settings.proxyAuth')}</legend>
      <p class="hint" id="proxyAuth-hint">
        {t('settings.proxyAuthHint')}
      </p>
      <div class="row-controls">
        <label>
          {t('proxyAuth.username')}
          <input
            id="proxyUser"
            type="text"
            autocomplete="off"
            spellcheck={false}
            maxLength={256}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('proxyAuth.password')}
          <input
            id="proxyPassword"
            type="password"
            autocomplete="off"
            maxLength={1024}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                save();
              }
            }}
          />
        </label>
        <button type="button" class="primary" onClick={save}>
          {t('proxyAuth.save')}
        </button>
        {status.stored && (
          <button type="button" onClick={() => void auth.clear()}>
            {t('proxyAuth.clear')}
          </button>
        )}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <p
        id="proxyAuth-status"
        class={stored.warn ? 'warning' : 'hint'}
        role={stored.warn ? 'note' : undefined}
      >
        {stored.text}
        {note?.kind === 'saved' && ` ${t('proxyAuth.saved')}`}
        {note?.kind === 'cleared' && ` ${t('proxyAuth.cleared')}`}
      </p>
    </fieldset>
  );
}

export function NetworkSection() {
  const app = useApp();
  const { t } = app.i18n.value;
  const s = app.settings.value;
  const form = app.settingsForm;
  const lock = useLock();
  return (
    <section class="card" aria-labelledby="set-network">
      <h2 id="set-network">{t('settings.network')}</h2>
      {s.servers.length > 0 && <p class="hint">{t('settings.networkHint')}</p>}
      <ChoiceField
        field="proxyMode"
        choices={PROXY_MODES}
        legend="settings.proxyMode"
        label={(m) => `proxyMode.${m}`}
      />
      {s.proxyMode === 'manual' && (
        <CheckedTextField
          id="proxyUrl"
          path="proxyUrl"
          label={t('settings.proxyUrl')}
          hint={t('settings.proxyUrlHint')}
          schema={proxyUrlSchema}
          value={s.proxyUrl}
          save={(proxyUrl) => form.update({ proxyUrl })}
          lock={lock('proxyUrl')}
        />
      )}
      {s.proxyMode !== 'none' && <ProxyAuthFields />}
      <CheckedTextField
        id="extraCaFile"
        path="extraCaFile"
        label={t('settings.extraCaFile')}
        hint={t('settings.extraCaFileHint')}
        schema={caFileSchema}
        value={s.extraCaFile}
        save={(extraCaFile) => form.update({ extraCaFile })}
        lock={lock('extraCaFile')}
      />
    </section>
  );
}
