// The "Notifications" card: the alert threshold, muted channels, quiet hours and whether
// critical alerts break through them.
import { useApp } from '../context';
import { CHANNELS, SEVERITIES } from '../../../main/core/common/protocol';
import type { NotificationRules } from '../../../main/core/common/settings-schema';
import { Field, LockNote, useLock } from './Field';
import { QuietHoursFields } from './QuietHoursFields';

export function NotificationsSection() {
  const app = useApp();
  const { t } = app.i18n.value;
  const form = app.settingsForm;
  const rules = app.settings.value.notifications;
  const lock = useLock()('notifications');
  const locked = lock !== undefined;
  const save = (next: NotificationRules) => form.update({ notifications: next });

  return (
    <section class="card" aria-labelledby="set-notify">
      <h2 id="set-notify">{t('settings.notifications')}</h2>
      <LockNote reason={lock} />
      <Field id="threshold" label={t('settings.threshold')}>
        <select
          id="threshold"
          value={rules.threshold}
          disabled={locked}
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
      <fieldset class="field" disabled={locked}>
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
      <QuietHoursFields locked={locked} />
      <label class="check">
        <input
          type="checkbox"
          checked={rules.criticalBreaksThrough}
          disabled={locked}
          onChange={(e) => void save({ ...rules, criticalBreaksThrough: e.currentTarget.checked })}
        />
        {t('settings.criticalBreaks')}
      </label>
    </section>
  );
}
