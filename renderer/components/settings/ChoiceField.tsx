// A setting that is one of a few choices, shown as radio buttons with its lock and its error:
// how the token is sent, which proxy is used.
import { useApp } from '../context';
import type { Settings } from '../../../main/core/common/settings-schema';
import type { StringKey } from '../../i18n';
import { LockNote, useLock } from './Field';
import { errorText } from './error-text';

type ChoiceSetting = 'authMethod' | 'proxyMode';

export function ChoiceField<F extends ChoiceSetting>(props: {
  field: F;
  choices: readonly Settings[F][];
  legend: StringKey;
  /** the text of one choice */
  label: (choice: Settings[F]) => StringKey;
}) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const chosen = app.settings.value[props.field];
  const problem = form.errors.value[props.field];
  const lock = useLock()(props.field);
  return (
    <fieldset class="field" disabled={lock !== undefined}>
      <legend>{t(props.legend)}</legend>
      {props.choices.map((c) => (
        <label class="check" key={c}>
          <input
            type="radio"
            name={props.field}
            value={c}
            checked={chosen === c}
            onChange={() => void form.update({ [props.field]: c })}
          />
          {t(props.label(c))}
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
