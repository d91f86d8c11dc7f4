// A set of notification rules: the alert threshold, muted channels, quiet hours and whether
// critical alerts break through them. The app's rules (NotificationsSection) and a server's own
// (ServerDetails) are edited with the same fields.
import { useApp } from '../context';
import { CHANNELS, SEVERITIES } from '../../../main/core/common/protocol';
import type { NotificationRules } from '../../../main/core/common/settings-schema';
import { Field } from './Field';
import { QuietHoursFields } from './QuietHoursFields';

export interface RulesProps {
  rules: NotificationRules;
  save: (next: NotificationRules) => Promise<boolean>;
  locked: boolean;
  /** put before every input's id: the app's and a server's rules may be in the page at once */
  idPrefix: string;
  /** the settings path the rules' errors come under: notifications, servers.<i>.notifications */
  path: string;
}

export function RulesFields(props: RulesProps) {
  const app = useApp();
  const { t } = app.i18n.value;
  const { rules, save, locked, idPrefix } = props;
  return (
    <>
      <Field id={`${idPrefix}threshold`} label={t('settings.threshold')}>
        <select
          id={`${idPrefix}threshold`}
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
      <QuietHoursFields {...props} />
      <label class="check">
        <input
          type="checkbox"
          checked={rules.criticalBreaksThrough}
          disabled={locked}
          onChange={(e) => void save({ ...rules, criticalBreaksThrough: e.currentTarget.checked })}
        />
        {t('settings.criticalBreaks')}
      </label>
    </>
  );
}
