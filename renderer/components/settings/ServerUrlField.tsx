// The server URL: checked with the shared schema as the user types, saved when it is left.
import { useApp } from '../context';
import { serverUrlSchema } from '../../../main/core/common/settings-schema';
import { checkField } from '../../../main/core/common/settings-errors';
import { Field, describedBy, useLock } from './Field';
import { errorText } from './error-text';

export function ServerUrlField(props: {
  /** the URL as typed (the connection test uses it before it is saved) */
  draft: string;
  setDraft: (value: string) => void;
  /** the draft has been saved: follow the saved value again */
  saved: () => void;
}) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const current = app.settings.value.serverUrl;
  const problem = form.errors.value.serverUrl;
  const error = problem ? errorText(problem, i18n) : undefined;
  const lock = useLock()('serverUrl');

  const check = (value: string) => {
    const found = checkField(serverUrlSchema, value, 'serverUrl');
    form.setFieldError('serverUrl', found);
    return found === null;
  };

  return (
    <Field
      id="serverUrl"
      label={t('settings.serverUrl')}
      hint={t('settings.serverUrlHint')}
      error={error}
      lock={lock}
    >
      <input
        id="serverUrl"
        type="url"
        spellcheck={false}
        autocomplete="off"
        value={props.draft}
        disabled={lock !== undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy('serverUrl', { hint: 1, error, lock })}
        onInput={(e) => {
          props.setDraft(e.currentTarget.value);
          check(e.currentTarget.value.trim());
        }}
        onChange={(e) => {
          const value = e.currentTarget.value.trim();
          if (!check(value) || value === current) return;
          void form.update({ serverUrl: value }).then((ok) => ok && props.saved());
        }}
      />
    </Field>
  );
}
