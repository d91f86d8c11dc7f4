// The pieces every settings section is built from: a labelled field with its hint, lock note
// and error, and the note for a fieldset an admin policy locks.
import type { ComponentChildren } from 'preact';
import { useApp } from '../context';
import type { LockableField } from '../../../main/core/common/settings-schema';
import { scalarText } from '../../format/text';

export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  lock?: string;
  children: ComponentChildren;
}) {
  const { t } = useApp().i18n.value;
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.lock !== undefined && (
        <p class="lock" id={`${props.id}-lock`}>
          {t('settings.locked', { reason: props.lock })}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** aria-describedby for an input inside <Field>: the hint, lock and error that are shown. */
export function describedBy(
  id: string,
  parts: { hint?: unknown; error?: unknown; lock?: unknown },
) {
  const ids = [
    parts.hint ? `${id}-hint` : '',
    parts.lock !== undefined ? `${id}-lock` : '',
    parts.error ? `${id}-error` : '',
  ].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function LockNote({ reason }: { reason: string | undefined }) {
  const { t } = useApp().i18n.value;
  if (reason === undefined) return null;
  return <p class="lock">{t('settings.locked', { reason })}</p>;
}

/** Why a field is locked by the admin policy (the policy's own text, cleaned), or undefined. */
export function useLock(): (field: LockableField) => string | undefined {
  const locks = useApp().locks.value.locked ?? {};
  return (field) => (field in locks ? scalarText(locks[field], 300) : undefined);
}
