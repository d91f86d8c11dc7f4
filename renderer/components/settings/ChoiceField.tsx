// A setting that is one of a few choices, shown as radio buttons with its lock and its error:
// how a server's token is sent, which proxy is used, whether a server has rules of its own.
import { useApp } from '../context';
import type { Settings } from '../../../main/core/common/settings-schema';
import type { StringKey } from '../../i18n';
import { LockNote, useLock } from './Field';
import { errorText } from './error-text';

/** Radio buttons for one choice; `name` groups them and must be unique in the page. */
export function Choices<T extends string>(props: {
  name: string;
  legend: string;
  choices: readonly T[];
  chosen: T;
  /** the text of one choice */
  label: (choice: T) => string;
  onChoose: (choice: T) => void;
  /** why an admin policy locks it */
  lock?: string;
  error?: string;
}) {
  return (
    <fieldset class="field" disabled={props.lock !== undefined}>
      <legend>{props.legend}</legend>
      {props.choices.map((c) => (
        <label class="check" key={c}>
          <input
            type="radio"
            name={props.name}
            value={c}
            checked={props.chosen === c}
            onChange={() => props.onChoose(c)}
          />
          {props.label(c)}
        </label>
      ))}
      <LockNote reason={props.lock} />
      {props.error && (
        <p class="field-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

type ChoiceSetting = 'proxyMode';

/** A top-level setting of the app chosen with radio buttons, saved when chosen. */
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
  const problem = form.errors.value[props.field];
  return (
    <Choices
      name={props.field}
      legend={t(props.legend)}
      choices={props.choices}
      chosen={app.settings.value[props.field]}
      label={(c) => t(props.label(c))}
      onChoose={(c) => void form.update({ [props.field]: c })}
      lock={useLock()(props.field)}
      error={problem ? errorText(problem, i18n) : undefined}
    />
  );
}
