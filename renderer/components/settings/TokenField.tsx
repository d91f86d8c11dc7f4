// A server's access token: write-only (a saved token is never shown), where it is kept, and the
// choice to keep it on disk without a keychain. Saved and removed for that server (its id).
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../context';
import { TOKEN_MAX_LENGTH } from '../../../main/core/common/settings-schema';
import type { TokenStatus } from '../../../main/core/common/views';
import type { I18n } from '../../i18n';
import { Field, describedBy } from './Field';
import { errorText } from './error-text';

function storageText(status: TokenStatus, { t }: I18n): { text: string; warn: boolean } {
  if (!status.stored)
    return {
      text: status.reason === 'decrypt_failed' ? t('token.decryptFailed') : t('token.none'),
      warn: false,
    };
  if (status.storage === 'keychain') return { text: t('token.keychain'), warn: false };
  return { text: status.storage === 'weak' ? t('token.weak') : t('token.memory'), warn: true };
}

export function TokenField(props: {
  /** the server's id */
  server: string;
  /** the token as typed (the connection test uses it before it is saved) */
  draft: string;
  setDraft: (value: string) => void;
}) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const settings = app.settings.value;
  const view = app.servers.value.find((v) => v.id === props.server);
  const status: TokenStatus =
    view?.token ?? (settings.servers[0]?.id === props.server ? app.token.value : { stored: false });
  const note = form.tokenNote.value;
  const inputRef = useRef<HTMLInputElement>(null);

  // "Sign in" elsewhere in the window asks for this field, once.
  useEffect(() => {
    if (app.takeTokenFocus()) inputRef.current?.focus();
  }, [app.focusToken.value]);

  const stored = storageText(status, i18n);
  const weakChoice = status.stored && status.storage !== 'keychain';
  const error =
    note?.kind === 'invalid'
      ? errorText(note.problem, i18n)
      : note?.kind === 'failed'
        ? t('token.failed', { error: note.error })
        : undefined;
  const save = () =>
    void form
      .setToken(props.draft, settings.acceptWeakTokenStorage, props.server)
      .then((ok) => ok && props.setDraft(''));

  return (
    <>
      <Field id="token" label={t('settings.token')} hint={t('settings.tokenHint')} error={error}>
        <div class="row-controls">
          <input
            id="token"
            ref={inputRef}
            type="password"
            autocomplete="off"
            spellcheck={false}
            placeholder={t('token.placeholder')}
            value={props.draft}
            maxLength={TOKEN_MAX_LENGTH}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy('token', { hint: 1, error }) + ' token-status'}
            onInput={(e) => props.setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                save();
              }
            }}
          />
          <button type="button" class="primary" onClick={save}>
            {t('token.save')}
          </button>
          {status.stored && (
            <button type="button" onClick={() => void form.clearToken(props.server)}>
              {t('token.clear')}
            </button>
          )}
        </div>
      </Field>
      <p
        id="token-status"
        class={stored.warn ? 'warning' : 'hint'}
        role={stored.warn ? 'note' : undefined}
      >
        {stored.text}
        {note?.kind === 'saved' && ` ${t('token.saved')}`}
        {note?.kind === 'cleared' && ` ${t('token.cleared')}`}
      </p>
      {weakChoice && (
        <label class="check">
          <input
            type="checkbox"
            checked={settings.acceptWeakTokenStorage}
            onChange={(e) => void form.update({ acceptWeakTokenStorage: e.currentTarget.checked })}
          />
          {t('token.acceptWeak')}
        </label>
      )}
    </>
  );
}
