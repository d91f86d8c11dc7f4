// The "General" card: start at login, language and theme, and how much history to keep.
import { useApp } from '../context';
import { StartupField } from './StartupField';
import { AppearanceFields } from './AppearanceFields';
import { HistoryFields } from './HistoryFields';

export function GeneralSection() {
  const { t } = useApp().i18n.value;
  return (
    <section class="card" aria-labelledby="set-general">
      <h2 id="set-general">{t('settings.general')}</h2>
      <StartupField />
      <AppearanceFields />
      <HistoryFields />
    </section>
  );
}
