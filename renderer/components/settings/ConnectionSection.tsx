// The "Connection" card: server URL, how the token is sent, the token, and the connection test.
// It owns what is typed but not saved yet, because the test uses the URL and token as typed.
import { useState } from 'preact/hooks';
import { useApp } from '../context';
import { useDraft } from './use-draft';
import { ServerUrlField } from './ServerUrlField';
import { AUTH_METHODS } from '../../../main/core/common/protocol';
import { ChoiceField } from './ChoiceField';
import { TokenField } from './TokenField';
import { ConnectionTest } from './ConnectionTest';

export function ConnectionSection() {
  const app = useApp();
  const { t } = app.i18n.value;
  const [url, setUrl, urlSaved] = useDraft(app.settings.value.serverUrl);
  const [token, setToken] = useState('');
  return (
    <section class="card" aria-labelledby="set-connection">
      <h2 id="set-connection">{t('settings.connection')}</h2>
      <ServerUrlField draft={url} setDraft={setUrl} saved={urlSaved} />
      <ChoiceField
        field="authMethod"
        choices={AUTH_METHODS}
        legend="settings.authMethod"
        label={(m) => `auth.${m}`}
      />
      <TokenField draft={token} setDraft={setToken} />
      <ConnectionTest url={url} token={token} />
    </section>
  );
}
