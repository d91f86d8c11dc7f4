// Settings: every field of the settings document, validated in place with the shared schema;
// each change is saved on its own with 'settings:update', and main's field errors are shown
// next to the field they name. Fields an admin policy locks are shown disabled, with the reason.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { useApp } from './context';
import { CATALOG, CHANNELS, SEVERITIES } from '../../main/core/common/protocol';
import type { AuthMethod, Channel, EventType } from '../../main/core/common/protocol';
import { serverUrlSchema } from '../../main/core/common/settings-schema';
import type {
  LockableField,
  NotificationRules,
  Settings,
} from '../../main/core/common/settings-schema';
import type { I18n } from '../i18n';
import type { SubscriptionStatus } from '../../main/core/common/views';
import { scalarText } from '../format/text';

/** Main's and zod's messages are English; known ones get the user's language. */
export function localizeError(field: string, message: string, i18n: I18n): string {
  const { t } = i18n;
  if (/quietHours\.(start|end)$/.test(field)) return t('error.hhmm');
  if (field === 'history.maxEvents') return t('error.range', { min: 100, max: 100_000 });
  if (field === 'history.maxAgeDays') return t('error.range', { min: 1, max: 365 });
  if (field === 'serverUrl') {
    if (/is not a URL/.test(message)) return t('error.url.notUrl');
    if (/must start with wss/.test(message)) return t('error.url.scheme');
    if (/unencrypted/.test(message)) return t('error.url.ws');
    if (/user name or password/.test(message)) return t('error.url.credentials');
    if (/contain a token/.test(message)) return t('error.url.token');
  }
  return i18n.lang === 'en' ? message : t('error.invalid', { detail: message });
}

/** A text draft that follows the saved value until the user edits it. */
function useDraft(saved: string): [string, (v: string) => void, () => void] {
  const [draft, setDraft] = useState(saved);
  const dirty = useRef(false);
  useEffect(() => {
    if (!dirty.current) setDraft(saved);
  }, [saved]);
  return [
    draft,
    (v) => {
      dirty.current = true;
      setDraft(v);
    },
    () => {
      dirty.current = false;
    },
  ];
}

function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  lock?: string;
  children: ComponentChildren;
}) {
  const app = useApp();
  const { t } = app.i18n.value;
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

function describedBy(id: string, parts: { hint?: unknown; error?: unknown; lock?: unknown }) {
  const ids = [
    parts.hint ? `${id}-hint` : '',
    parts.lock !== undefined ? `${id}-lock` : '',
    parts.error ? `${id}-error` : '',
  ].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function LockNote({ reason }: { reason: string | undefined }) {
  const { t } = useApp().i18n.value;
  if (reason === undefined) return null;
  return <p class="lock">{t('settings.locked', { reason })}</p>;
}

function ConnectionSection({ lock }: { lock: (f: LockableField) => string | undefined }) {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const form = app.settingsForm;
  const settings = app.settings.value;
  const errors = form.errors.value;
  const [url, setUrl, savedUrl] = useDraft(settings.serverUrl);
  const [token, setToken] = useState('');
  const tokenRef = useRef<HTMLInputElement>(null);
  const status = app.token.value;
  const note = form.tokenNote.value;
  const test = form.test.value;

  useEffect(() => {
    if (app.focusToken.value > 0) tokenRef.current?.focus();
  }, [app.focusToken.value]);

  const urlError = errors.serverUrl ? localizeError('serverUrl', errors.serverUrl, i) : undefined;
  const urlLock = lock('serverUrl');
  const authLock = lock('authMethod');

  const checkUrl = (value: string) => {
    const r = serverUrlSchema.safeParse(value);
    form.setFieldError('serverUrl', r.success ? null : (r.error.issues[0]?.message ?? 'invalid'));
    return r.success;
  };

  let tokenText: string;
  let tokenWarn = false;
  if (!status.stored)
    tokenText = status.reason === 'decrypt_failed' ? t('token.decryptFailed') : t('token.none');
  else if (status.storage === 'keychain') tokenText = t('token.keychain');
  else {
    tokenWarn = true;
    tokenText = status.storage === 'weak' ? t('token.weak') : t('token.memory');
  }
  const weakChoice = status.stored && status.storage !== 'keychain';
  const tokenError =
    note?.kind === 'invalid'
      ? note.problem === 'spaces'
        ? t('error.token.spaces')
        : t('error.token.empty')
      : note?.kind === 'failed'
        ? t('token.failed', { error: note.error })
        : undefined;

  return (
    <section class="card" aria-labelledby="set-connection">
      <h2 id="set-connection">{t('settings.connection')}</h2>
      <Field
        id="serverUrl"
        label={t('settings.serverUrl')}
        hint={t('settings.serverUrlHint')}
        error={urlError}
        lock={urlLock}
      >
        <input
          id="serverUrl"
          type="url"
          spellcheck={false}
          autocomplete="off"
          value={url}
          disabled={urlLock !== undefined}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={describedBy('serverUrl', { hint: 1, error: urlError, lock: urlLock })}
          onInput={(e) => {
            setUrl(e.currentTarget.value);
            checkUrl(e.currentTarget.value.trim());
          }}
          onChange={(e) => {
            const value = e.currentTarget.value.trim();
            if (!checkUrl(value) || value === settings.serverUrl) return;
            void form.update({ serverUrl: value }).then((ok) => ok && savedUrl());
          }}
        />
      </Field>

      <fieldset class="field" disabled={authLock !== undefined}>
        <legend>{t('settings.authMethod')}</legend>
        {(['header', 'query', 'message'] as AuthMethod[]).map((m) => (
          <label class="check" key={m}>
            <input
              type="radio"
              name="authMethod"
              value={m}
              checked={settings.authMethod === m}
              onChange={() => void form.update({ authMethod: m })}
            />
            {t(`auth.${m}`)}
          </label>
        ))}
        <LockNote reason={authLock} />
        {errors.authMethod && (
          <p class="field-error" role="alert">
            {localizeError('authMethod', errors.authMethod, i)}
          </p>
        )}
      </fieldset>

      <Field
        id="token"
        label={t('settings.token')}
        hint={t('settings.tokenHint')}
        error={tokenError}
      >
        <div class="row-controls">
          <input
            id="token"
            ref={tokenRef}
            type="password"
            autocomplete="off"
            spellcheck={false}
            placeholder={t('token.placeholder')}
            value={token}
            maxLength={4096}
            aria-invalid={tokenError ? true : undefined}
            aria-describedby={
              describedBy('token', { hint: 1, error: tokenError }) + ' token-status'
            }
            onInput={(e) => setToken(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void form
                  .setToken(token, settings.acceptWeakTokenStorage)
                  .then((ok) => ok && setToken(''));
              }
            }}
          />
          <button
            type="button"
            class="primary"
            onClick={() =>
              void form
                .setToken(token, settings.acceptWeakTokenStorage)
                .then((ok) => ok && setToken(''))
            }
          >
            {t('token.save')}
          </button>
          {status.stored && (
            <button type="button" onClick={() => void form.clearToken()}>
              {t('token.clear')}
            </button>
          )}
        </div>
      </Field>
      <p
        id="token-status"
        class={tokenWarn ? 'warning' : 'hint'}
        role={tokenWarn ? 'note' : undefined}
      >
        {tokenText}
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

      <div class="test">
        <button
          type="button"
          disabled={test.state === 'running'}
          onClick={() => void form.runTest(url.trim(), settings.authMethod, token)}
        >
          {t('settings.test')}
        </button>
        <div role="status" class="test-result">
          {test.state === 'running' && <p>{t('test.running')}</p>}
          {test.state === 'error' && (
            <p class="field-error">{t('test.error', { error: test.error })}</p>
          )}
          {test.state === 'done' && (
            <>
              <p class={test.result.ok ? 'ok' : 'field-error'}>
                {test.result.ok ? t('test.ok') : t('test.failed')}
              </p>
              <ol class="steps" aria-label={t('test.steps')}>
                {test.result.steps.map((s, k) => {
                  const outcome = s.outcome ?? (s.ok ? 'ok' : 'fail');
                  return (
                    <li
                      key={k}
                      class={outcome === 'ok' ? 'ok' : outcome === 'skip' ? 'skip' : 'bad'}
                    >
                      <span aria-hidden="true">
                        {outcome === 'ok' ? '✓' : outcome === 'skip' ? '–' : '✗'}
                      </span>{' '}
                      <strong>{t(`test.step.${s.step}`)}</strong>:{' '}
                      {outcome === 'ok'
                        ? t('test.passed')
                        : outcome === 'skip'
                          ? t('test.skipped')
                          : t('test.stepFailed')}
                      {s.detail ? ` — ${scalarText(s.detail, 300)}` : ''}
                      {s.advice && <p class="advice">{scalarText(s.advice, 400)}</p>}
                    </li>
                  );
                })}
              </ol>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function subStatus(
  list: SubscriptionStatus[],
  kind: 'channel' | 'event',
  name: string,
  i18n: I18n,
) {
  const s = list.find((x) => x.kind === kind && x.name === name);
  if (!s) return null;
  const text =
    s.status === 'rejected'
      ? i18n.t('sub.rejected', {
          code: scalarText(s.code, 16),
          message: scalarText(s.message, 200),
        })
      : i18n.t(`sub.${s.status}`);
  return <span class={`sub-status sub-${s.status}`}>{text}</span>;
}

function SubscriptionsSection({ lock }: { lock: (f: LockableField) => string | undefined }) {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const form = app.settingsForm;
  const settings = app.settings.value;
  const subs = settings.subscriptions;
  const rules = settings.notifications;
  const subLock = lock('subscriptions');
  const ruleLock = lock('notifications');
  const statuses = app.subscriptions.value;
  const error = Object.entries(form.errors.value).find(([f]) => f.startsWith('subscriptions'))?.[1];

  const toggleChannel = (c: Channel, on: boolean) =>
    void form.update({
      subscriptions: {
        ...subs,
        channels: on
          ? [...subs.channels.filter((x) => x !== c), c]
          : subs.channels.filter((x) => x !== c),
      },
    });
  const toggleEvent = (e: EventType, on: boolean) =>
    void form.update({
      subscriptions: {
        ...subs,
        events: on
          ? [...subs.events.filter((x) => x !== e), e]
          : subs.events.filter((x) => x !== e),
      },
    });
  const setRule = (e: EventType, rule: string) => {
    const perEvent = { ...rules.perEvent };
    if (rule === 'notify' || rule === 'feed') perEvent[e] = rule;
    else delete perEvent[e];
    void form.update({ notifications: { ...rules, perEvent } });
  };

  return (
    <section class="card" aria-labelledby="set-subs">
      <h2 id="set-subs">{t('settings.subscriptions')}</h2>
      <p class="hint">{t('settings.subscriptionsHint')}</p>
      <LockNote reason={subLock} />
      {ruleLock !== undefined && subLock === undefined && <LockNote reason={ruleLock} />}
      {error && (
        <p class="field-error" role="alert">
          {localizeError('subscriptions', error, i)}
        </p>
      )}
      {CHANNELS.map((c) => {
        const channelOn = subs.channels.includes(c);
        return (
          <fieldset class="channel-group" key={c}>
            <legend>
              {t(`channel.${c}`)} {subStatus(statuses, 'channel', c, i)}
            </legend>
            <label class="check">
              <input
                type="checkbox"
                checked={channelOn}
                disabled={subLock !== undefined}
                onChange={(e) => toggleChannel(c, e.currentTarget.checked)}
              />
              {t('settings.subscribeChannel', { channel: t(`channel.${c}`) })}
            </label>
            <ul class="events">
              {CATALOG[c].map((e: EventType) => (
                <li key={e}>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={channelOn || subs.events.includes(e)}
                      disabled={subLock !== undefined || channelOn}
                      aria-label={t('settings.subscribeEvent', { event: e })}
                      onChange={(ev) => toggleEvent(e, ev.currentTarget.checked)}
                    />
                    <span class="mono">{e}</span>
                  </label>
                  {subStatus(statuses, 'event', e, i)}
                  <select
                    aria-label={t('settings.ruleFor', { event: e })}
                    value={rules.perEvent[e] ?? 'default'}
                    disabled={ruleLock !== undefined}
                    onChange={(ev) => setRule(e, ev.currentTarget.value)}
                  >
                    <option value="default">{t('rule.default')}</option>
                    <option value="notify">{t('rule.notify')}</option>
                    <option value="feed">{t('rule.feed')}</option>
                  </select>
                </li>
              ))}
            </ul>
          </fieldset>
        );
      })}
    </section>
  );
}

function NotificationsSection({ lock }: { lock: (f: LockableField) => string | undefined }) {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const form = app.settingsForm;
  const rules = app.settings.value.notifications;
  const errors = form.errors.value;
  const locked = lock('notifications');
  const [start, setStart, savedStart] = useDraft(rules.quietHours.start);
  const [end, setEnd, savedEnd] = useDraft(rules.quietHours.end);
  const save = (next: NotificationRules) => form.update({ notifications: next });
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

  const timeField = (
    which: 'start' | 'end',
    value: string,
    set: (v: string) => void,
    saved: () => void,
  ) => {
    const path = `notifications.quietHours.${which}`;
    const err = errors[path] ? localizeError(path, errors[path], i) : undefined;
    const id = `quiet-${which}`;
    return (
      <Field
        id={id}
        label={t(which === 'start' ? 'settings.quietStart' : 'settings.quietEnd')}
        error={err}
      >
        <input
          id={id}
          type="text"
          inputMode="numeric"
          class="short"
          value={value}
          disabled={locked !== undefined}
          aria-invalid={err ? true : undefined}
          aria-describedby={describedBy(id, { error: err })}
          onInput={(e) => {
            set(e.currentTarget.value);
            form.setFieldError(path, hhmm.test(e.currentTarget.value) ? null : 'HH:MM');
          }}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (!hhmm.test(v)) return;
            void save({ ...rules, quietHours: { ...rules.quietHours, [which]: v } }).then(
              (ok) => ok && saved(),
            );
          }}
        />
      </Field>
    );
  };

  return (
    <section class="card" aria-labelledby="set-notify">
      <h2 id="set-notify">{t('settings.notifications')}</h2>
      <LockNote reason={locked} />
      <Field id="threshold" label={t('settings.threshold')}>
        <select
          id="threshold"
          value={rules.threshold}
          disabled={locked !== undefined}
          onChange={(e) =>
            void save({
              ...rules,
              threshold: e.currentTarget.value as NotificationRules['threshold'],
            })
          }
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {t(`severity.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset class="field" disabled={locked !== undefined}>
        <legend>{t('settings.muted')}</legend>
        <div class="check-grid">
          {CHANNELS.map((c) => (
            <label class="check" key={c}>
              <input
                type="checkbox"
                checked={rules.mutedChannels.includes(c)}
                aria-label={t('settings.mute', { channel: t(`channel.${c}`) })}
                onChange={(e) =>
                  void save({
                    ...rules,
                    mutedChannels: e.currentTarget.checked
                      ? [...rules.mutedChannels.filter((x) => x !== c), c]
                      : rules.mutedChannels.filter((x) => x !== c),
                  })
                }
              />
              {t(`channel.${c}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="field" disabled={locked !== undefined}>
        <legend>{t('settings.quietHours')}</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={rules.quietHours.enabled}
            onChange={(e) =>
              void save({
                ...rules,
                quietHours: { ...rules.quietHours, enabled: e.currentTarget.checked },
              })
            }
          />
          {t('settings.quietEnabled')}
        </label>
        <div class="row-controls">
          {timeField('start', start, setStart, savedStart)}
          {timeField('end', end, setEnd, savedEnd)}
        </div>
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          checked={rules.criticalBreaksThrough}
          disabled={locked !== undefined}
          onChange={(e) => void save({ ...rules, criticalBreaksThrough: e.currentTarget.checked })}
        />
        {t('settings.criticalBreaks')}
      </label>
    </section>
  );
}

function NumberField({
  field,
  label,
  min,
  max,
}: {
  field: 'maxEvents' | 'maxAgeDays';
  label: string;
  min: number;
  max: number;
}) {
  const app = useApp();
  const i = app.i18n.value;
  const form = app.settingsForm;
  const history = app.settings.value.history;
  const [draft, setDraft, saved] = useDraft(String(history[field]));
  const path = `history.${field}`;
  const err = form.errors.value[path] ? localizeError(path, form.errors.value[path], i) : undefined;
  const valid = (v: string) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
  const id = `history-${field}`;
  return (
    <Field id={id} label={label} error={err}>
      <input
        id={id}
        type="number"
        class="short"
        min={min}
        max={max}
        step={1}
        value={draft}
        aria-invalid={err ? true : undefined}
        aria-describedby={describedBy(id, { error: err })}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          form.setFieldError(path, valid(e.currentTarget.value) ? null : 'range');
        }}
        onChange={(e) => {
          const v = e.currentTarget.value;
          if (!valid(v)) return;
          void form
            .update({ history: { ...history, [field]: Number(v) } })
            .then((ok) => ok && saved());
        }}
      />
    </Field>
  );
}

function GeneralSection() {
  const app = useApp();
  const { t } = app.i18n.value;
  const form = app.settingsForm;
  const s = app.settings.value;
  return (
    <section class="card" aria-labelledby="set-general">
      <h2 id="set-general">{t('settings.general')}</h2>
      <label class="check">
        <input
          type="checkbox"
          checked={s.startAtLogin}
          onChange={(e) => void form.update({ startAtLogin: e.currentTarget.checked })}
        />
        {t('settings.startAtLogin')}
      </label>
      <Field id="language" label={t('settings.language')}>
        <select
          id="language"
          value={s.language}
          onChange={(e) =>
            void form.update({ language: e.currentTarget.value as Settings['language'] })
          }
        >
          <option value="system">{t('lang.system')}</option>
          <option value="en" lang="en">
            {t('lang.en')}
          </option>
          <option value="ru" lang="ru">
            {t('lang.ru')}
          </option>
        </select>
      </Field>
      <Field id="theme" label={t('settings.theme')}>
        <select
          id="theme"
          value={s.theme}
          onChange={(e) => void form.update({ theme: e.currentTarget.value as Settings['theme'] })}
        >
          <option value="system">{t('theme.system')}</option>
          <option value="light">{t('theme.light')}</option>
          <option value="dark">{t('theme.dark')}</option>
        </select>
      </Field>
      <h3>{t('settings.history')}</h3>
      <NumberField field="maxEvents" label={t('settings.maxEvents')} min={100} max={100_000} />
      <NumberField field="maxAgeDays" label={t('settings.maxAgeDays')} min={1} max={365} />
    </section>
  );
}

const KNOWN_FIELDS =
  /^(serverUrl|authMethod|subscriptions|notifications\.quietHours\.(start|end)|history\.(maxEvents|maxAgeDays))/;

export function SettingsView() {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const locks = app.locks.value.locked ?? {};
  const lock = (f: LockableField) => (f in locks ? scalarText(locks[f], 300) : undefined);
  const save = app.settingsForm.save.value;
  const other = Object.entries(app.settingsForm.errors.value).filter(
    ([f]) => !KNOWN_FIELDS.test(f),
  );
  return (
    <section class="page settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t('settings.title')}
      </h1>
      <p class="save-state" role="status">
        {save.state === 'saving'
          ? t('settings.saving')
          : save.state === 'saved'
            ? t('settings.saved')
            : save.state === 'failed'
              ? t('settings.saveFailed', { error: save.error })
              : ''}
      </p>
      {other.length > 0 && (
        <ul class="field-error" role="alert">
          {other.map(([f, m]) => (
            <li key={f}>
              <span class="mono">{f}</span>: {localizeError(f, m, i)}
            </li>
          ))}
        </ul>
      )}
      <ConnectionSection lock={lock} />
      <SubscriptionsSection lock={lock} />
      <NotificationsSection lock={lock} />
      <GeneralSection />
    </section>
  );
}
