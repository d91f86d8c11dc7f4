// Settings: every field of the settings document, one card per section, each validated in place
// with the shared schema and saved on its own with 'settings:update'. The servers come first:
// the list, then the selected server's own card and its channels. Main's field errors are shown
// next to the field they name; errors about servers in the servers card; errors for fields no
// section shows are listed at the top. Fields an admin policy locks are shown disabled, with
// the reason.
import { useApp } from '../context';
import type { SaveState } from '../../state/settings';
import type { I18n } from '../../i18n';
import { ServersSection } from './ServersSection';
import { ServerDetails } from './ServerDetails';
import { NetworkSection } from './NetworkSection';
import { ChannelsSection } from './ChannelsSection';
import { NotificationsSection } from './NotificationsSection';
import { GeneralSection } from './GeneralSection';
import { errorText } from './error-text';

/** Fields whose errors a section shows beside them (servers.* in the servers' cards). */
const SHOWN_BESIDE_FIELD = new Set([
  'notifications.quietHours.start',
  'notifications.quietHours.end',
  'history.maxEvents',
  'history.maxAgeDays',
  'proxyMode',
  'proxyUrl',
  'extraCaFile',
]);
const shownBesideField = (field: string) =>
  SHOWN_BESIDE_FIELD.has(field) ||
  field === 'servers' ||
  field.startsWith('servers.') ||
  field.startsWith('newServer.');

function saveText(save: SaveState, i18n: I18n): string {
  const { t } = i18n;
  switch (save.state) {
    case 'saving':
      return t('settings.saving');
    case 'saved':
      return t('settings.saved');
    case 'refused':
      return t('settings.saveFailed', {
        error: save.errors.map((e) => errorText(e, i18n)).join('; '),
      });
    case 'failed':
      return t('settings.saveFailed', { error: save.error });
    default:
      return '';
  }
}

export function SettingsView() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const other = Object.values(app.settingsForm.errors.value).filter(
    (e) => !shownBesideField(e.field),
  );
  const server = app.settingsForm.current();
  const index = server ? app.settings.value.servers.findIndex((s) => s.id === server.id) : -1;
  return (
    <section class="page settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t('settings.title')}
      </h1>
      <p class="save-state" role="status">
        {saveText(app.settingsForm.save.value, i18n)}
      </p>
      {other.length > 0 && (
        <ul class="field-error" role="alert">
          {other.map((e) => (
            <li key={e.field}>
              <span class="mono">{e.field}</span>: {errorText(e, i18n)}
            </li>
          ))}
        </ul>
      )}
      <ServersSection />
      {server && <ServerDetails key={server.id} server={server} index={index} />}
      {server && <ChannelsSection key={server.id} server={server} index={index} />}
      <NotificationsSection />
      <NetworkSection />
      <GeneralSection />
    </section>
  );
}
