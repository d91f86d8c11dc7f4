// How much history to keep. The bounds come from the settings schema (HISTORY_LIMITS), for the
// inputs, the check while typing and the message alike.
import { useApp } from '../context';
import { HISTORY_LIMITS, historySchema } from '../../../main/core/common/settings-schema';
import { checkField, rangeError } from '../../../main/core/common/settings-errors';
import type { SettingsFieldError } from '../../../main/core/common/settings-errors';
import { Field, describedBy } from './Field';
import { errorText } from './error-text';
import { useDraft } from './use-draft';

type HistoryField = keyof typeof HISTORY_LIMITS;

function NumberField({ field, label }: { field: HistoryField; label: string }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const form = app.settingsForm;
  const history = app.settings.value.history;
  const limits = HISTORY_LIMITS[field];
  const [draft, setDraft, saved] = useDraft(String(history[field]));
  const path = `history.${field}`;
  const problem = form.errors.value[path];
  const error = problem ? errorText(problem, i18n) : undefined;
  const id = `history-${field}`;
  // Text that is not digits ("", "1e3", "-5") never reaches the schema as a number.
  const check = (value: string): SettingsFieldError | null =>
    /^\d+$/.test(value)
      ? checkField(historySchema.shape[field], Number(value), path)
      : rangeError(path, limits);
  return (
    <Field id={id} label={label} error={error}>
      <input
        id={id}
        type="number"
        class="short"
        min={limits.min}
        max={limits.max}
        step={1}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { error })}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          form.setFieldError(path, check(e.currentTarget.value));
        }}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (check(value)) return;
          void form
            .update({ history: { ...history, [field]: Number(value) } })
            .then((ok) => ok && saved());
        }}
      />
    </Field>
  );
}

export function HistoryFields() {
  const { t } = useApp().i18n.value;
  return (
    <>
      <h3>{t('settings.history')}</h3>
      <NumberField field="maxEvents" label={t('settings.maxEvents')} />
      <NumberField field="maxAgeDays" label={t('settings.maxAgeDays')} />
    </>
  );
}
