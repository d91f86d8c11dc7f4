// Language and theme. The language also picks the words of the tray and of notifications.
import { useApp } from '../context';
import type { Settings } from '../../../main/core/common/settings-schema';
import { Field } from './Field';

export function AppearanceFields() {
  const app = useApp();
  const { t } = app.i18n.value;
  const form = app.settingsForm;
  const s = app.settings.value;
  return (
    <>
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
    </>
  );
}
