// A server's address: checked with the shared schema as the user types, saved (as the whole
// servers list) when it is left. A server the admin policy presets has its address fixed.
import { useApp } from '../context';
import { serverSchema } from '../../../main/core/common/settings-schema';
import type { ServerSettings } from '../../../main/core/common/settings-schema';
import { checkField } from '../../../main/core/common/settings-errors';
import { Field, describedBy } from './Field';
import { useServerLocks } from './server-locks';
import { errorText } from './error-text';

export function ServerUrlField(props: {
  server: ServerSettings;
  /** its place in the list: its errors come as servers.<index>.url */
  index: number;
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
  const path = `servers.${props.index}.url`;
  const problem = form.errors.value[path];
  const error = problem ? errorText(problem, i18n) : undefined;
  const lock = useServerLocks().field(props.server.id, 'url');

  const check = (value: string) => {
    const found = checkField(serverSchema.shape.url, value, path);
    form.setFieldError(path, found);
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
          if (!check(value) || value === props.server.url) return;
          void form.updateServer(props.server.id, { url: value }).then((ok) => ok && props.saved());
        }}
      />
    </Field>
  );
}
