// How the token is sent: a header, a query parameter or the first message.
import { useApp } from '../context';
import { AUTH_METHODS } from '../../../main/core/common/protocol';
import { LockNote, useLock } from './Field';
import { errorText } from './error-text';

export function AuthMethodField() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const chosen = app.settings.value.authMethod;
  const problem = form.errors.value.authMethod;
  const lock = useLock()('authMethod');
  return (
    <fieldset class="field" disabled={lock !== undefined}>
      <legend>{t('settings.authMethod')}</legend>
      {AUTH_METHODS.map((m) => (
        <label class="check" key={m}>
          <input
            type="radio"
            name="authMethod"
            value={m}
            checked={chosen === m}
            onChange={() => void form.update({ authMethod: m })}
          />
          {t(`auth.${m}`)}
        </label>
      ))}
      <LockNote reason={lock} />
      {problem && (
        <p class="field-error" role="alert">
          {errorText(problem, i18n)}
        </p>
      )}
    </fieldset>
  );
}
