// The "Notifications" card: the app's rules, which every server without rules of its own
// follows (the alert threshold, muted channels, quiet hours, critical alerts breaking through).
import { useApp } from '../context';
import type { NotificationRules } from '../../../main/core/common/settings-schema';
import { LockNote, useLock } from './Field';
import { RulesFields } from './RulesFields';

export function NotificationsSection() {
  const app = useApp();
  const { t } = app.i18n.value;
  const form = app.settingsForm;
  const lock = useLock()('notifications');
  return (
    <section class="card" aria-labelledby="set-notify">
      <h2 id="set-notify">{t('settings.notifications')}</h2>
      {app.settings.value.servers.length > 0 && (
        <p class="hint">{t('settings.notificationsHint')}</p>
      )}
      <LockNote reason={lock} />
      <RulesFields
        rules={app.settings.value.notifications}
        save={(next: NotificationRules) => form.update({ notifications: next })}
        locked={lock !== undefined}
        idPrefix=""
        path="notifications"
      />
    </section>
  );
}
