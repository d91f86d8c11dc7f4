// Quiet hours: on or off, and from when to when (local HH:MM), each time checked with the
// shared schema as it is typed and saved when it is left. The app's rules or a server's own.
import { useApp } from '../context';
import { clockTimeSchema } from '../../../main/core/common/settings-schema';
import type { NotificationRules } from '../../../main/core/common/settings-schema';
import { checkField } from '../../../main/core/common/settings-errors';
import { Field, describedBy } from './Field';
import { errorText } from './error-text';
import { useDraft } from './use-draft';
import type { RulesProps } from './RulesFields';

function TimeField(props: RulesProps & { which: 'start' | 'end' }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const form = app.settingsForm;
  const rules = props.rules;
  const [draft, setDraft, saved] = useDraft(rules.quietHours[props.which]);
  const path = `${props.path}.quietHours.${props.which}`;
  const problem = form.errors.value[path];
  const error = problem ? errorText(problem, i18n) : undefined;
  const id = `${props.idPrefix}quiet-${props.which}`;
  const check = (value: string) => {
    const found = checkField(clockTimeSchema, value, path);
    form.setFieldError(path, found);
    return found === null;
  };
  return (
    <Field
      id={id}
      label={i18n.t(props.which === 'start' ? 'settings.quietStart' : 'settings.quietEnd')}
      error={error}
    >
      <input
        id={id}
        type="text"
        inputMode="numeric"
        class="short"
        value={draft}
        disabled={props.locked}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { error })}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          check(e.currentTarget.value);
        }}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (!check(value)) return;
          const next: NotificationRules = {
            ...rules,
            quietHours: { ...rules.quietHours, [props.which]: value },
          };
          void props.save(next).then((ok) => ok && saved());
        }}
      />
    </Field>
  );
}

export function QuietHoursFields(props: RulesProps) {
  const app = useApp();
  const { t } = app.i18n.value;
  const rules = props.rules;
  return (
    <fieldset class="field" disabled={props.locked}>
      <legend>{t('settings.quietHours')}</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={rules.quietHours.enabled}
          onChange={(e) =>
            void props.save({
              ...rules,
              quietHours: { ...rules.quietHours, enabled: e.currentTarget.checked },
            })
          }
        />
        {t('settings.quietEnabled')}
      </label>
      <div class="row-controls">
        <TimeField {...props} which="start" />
        <TimeField {...props} which="end" />
      </div>
    </fieldset>
  );
}
