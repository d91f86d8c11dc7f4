// Start at login (the tray menu has the same switch).
import { useApp } from '../context';

export function StartupField() {
  const app = useApp();
  const { t } = app.i18n.value;
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={app.settings.value.startAtLogin}
        onChange={(e) => void app.settingsForm.update({ startAtLogin: e.currentTarget.checked })}
      />
      {t('settings.startAtLogin')}
    </label>
  );
}
