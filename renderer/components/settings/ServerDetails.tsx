// The selected server's own card: its name and address, how its token is sent, its token and
// the connection test, and whether it follows the app's notification rules and network or has
// its own. Every change is saved as the whole servers list; errors come back as
// servers.<index>.<field> and are shown beside the field they name.
import { useState } from 'preact/hooks';
import { useApp } from '../context';
import { AUTH_METHODS } from '../../../main/core/common/protocol';
import { PROXY_MODES } from '../../../main/core/common/network';
import {
  caFileSchema,
  proxyUrlSchema,
  SERVER_LIMITS,
  serverNameSchema,
} from '../../../main/core/common/settings-schema';
import type { ServerNetwork, ServerSettings } from '../../../main/core/common/settings-schema';
import { checkField } from '../../../main/core/common/settings-errors';
import { networkFor } from '../../../main/core/common/servers';
import { Field, describedBy } from './Field';
import { useServerLocks } from './server-locks';
import { Choices } from './ChoiceField';
import { CheckedTextField } from './NetworkSection';
import { RulesFields } from './RulesFields';
import { ServerUrlField } from './ServerUrlField';
import { TokenField } from './TokenField';
import { ConnectionTest } from './ConnectionTest';
import { errorText } from './error-text';
import { useDraft } from './use-draft';

/** The fields of a server this card shows beside their inputs (others: the servers card). */
const BESIDE = [
  /^name$/,
  /^url$/,
  /^authMethod$/,
  /^subscriptions(\.|$)/,
  /^notifications\.quietHours\.(start|end)$/,
  /^network\.(proxyMode|proxyUrl|extraCaFile)$/,
];

/** Whether an error's field is shown beside an input of the server at `index`. */
export function shownBesideServerField(field: string, index: number | null): boolean {
  if (index === null) return false;
  const prefix = `servers.${index}.`;
  return field.startsWith(prefix) && BESIDE.some((re) => re.test(field.slice(prefix.length)));
}

function ServerNameField(props: { server: ServerSettings; index: number }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const [draft, setDraft, saved] = useDraft(props.server.name);
  const path = `servers.${props.index}.name`;
  const problem = form.errors.value[path];
  const error = problem ? errorText(problem, i18n) : undefined;
  const lock = useServerLocks().field(props.server.id, 'name');
  const check = (value: string) => {
    let found = checkField(serverNameSchema, value, path);
    const taken = app.settings.value.servers.some(
      (s) => s.id !== props.server.id && s.name.toLocaleLowerCase() === value.toLocaleLowerCase(),
    );
    if (!found && taken)
      found = { field: path, code: 'serverName.taken', params: {}, message: 'name taken' };
    form.setFieldError(path, found);
    return found === null;
  };
  return (
    <Field
      id="serverName"
      label={t('servers.name')}
      hint={t('servers.nameHint')}
      error={error}
      lock={lock}
    >
      <input
        id="serverName"
        type="text"
        autocomplete="off"
        maxLength={SERVER_LIMITS.nameLength}
        value={draft}
        disabled={lock !== undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy('serverName', { hint: 1, error, lock })}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          check(e.currentTarget.value.trim());
        }}
        onChange={(e) => {
          const value = e.currentTarget.value.trim();
          if (!check(value) || value === props.server.name) return;
          void form.updateServer(props.server.id, { name: value }).then((ok) => ok && saved());
        }}
      />
    </Field>
  );
}

function ServerNetworkFields(props: {
  server: ServerSettings;
  index: number;
  network: ServerNetwork;
  lock: string | undefined;
}) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const { server, network } = props;
  const path = `servers.${props.index}.network`;
  const save = (next: ServerNetwork) => form.updateServer(server.id, { network: next });
  const modeProblem = form.errors.value[`${path}.proxyMode`];
  return (
    <div class="nested">
      <Choices
        name="server-proxyMode"
        legend={t('settings.proxyMode')}
        choices={PROXY_MODES}
        chosen={network.proxyMode}
        label={(m) => t(`proxyMode.${m}`)}
        onChoose={(proxyMode) => void save({ ...network, proxyMode })}
        lock={props.lock}
        error={modeProblem ? errorText(modeProblem, i18n) : undefined}
      />
      {network.proxyMode === 'manual' && (
        <CheckedTextField
          id="server-proxyUrl"
          path={`${path}.proxyUrl`}
          label={t('settings.proxyUrl')}
          hint={t('settings.proxyUrlHint')}
          schema={proxyUrlSchema}
          value={network.proxyUrl}
          save={(proxyUrl) => save({ ...network, proxyUrl })}
          lock={props.lock}
        />
      )}
      {network.proxyMode !== 'none' && <p class="hint">{t('servers.networkCredentials')}</p>}
      <CheckedTextField
        id="server-extraCaFile"
        path={`${path}.extraCaFile`}
        label={t('settings.extraCaFile')}
        hint={t('settings.extraCaFileHint')}
        schema={caFileSchema}
        value={network.extraCaFile}
        save={(extraCaFile) => save({ ...network, extraCaFile })}
        lock={props.lock}
      />
    </div>
  );
}

export function ServerDetails(props: { server: ServerSettings; index: number }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const { server, index } = props;
  const settings = app.settings.value;
  const locks = useServerLocks();
  const [url, setUrl, urlSaved] = useDraft(server.url);
  const [token, setToken] = useState('');
  const authProblem = form.errors.value[`servers.${index}.authMethod`];
  const rulesLock = locks.field(server.id, 'notifications');
  const networkLock = locks.field(server.id, 'network');
  const own = (on: boolean) => (on ? 'own' : 'app');

  return (
    <section
      class="card server-details"
      aria-labelledby="server-details-title"
      data-server={server.id}
    >
      <h2 id="server-details-title" tabIndex={-1}>
        {t('servers.details', { name: server.name })}
      </h2>
      <ServerNameField server={server} index={index} />
      <ServerUrlField
        server={server}
        index={index}
        draft={url}
        setDraft={setUrl}
        saved={urlSaved}
      />
      <Choices
        name="authMethod"
        legend={t('settings.authMethod')}
        choices={AUTH_METHODS}
        chosen={server.authMethod}
        label={(m) => t(`auth.${m}`)}
        onChoose={(authMethod) => void form.updateServer(server.id, { authMethod })}
        lock={locks.field(server.id, 'authMethod')}
        error={authProblem ? errorText(authProblem, i18n) : undefined}
      />
      <TokenField server={server.id} draft={token} setDraft={setToken} />
      <ConnectionTest server={server} url={url} token={token} />

      <Choices
        name="server-rules"
        legend={t('servers.rules')}
        choices={['app', 'own'] as const}
        chosen={own(server.notifications !== null)}
        label={(c) => t(c === 'own' ? 'servers.rulesOwn' : 'servers.rulesApp')}
        onChoose={(c) =>
          void form.updateServer(server.id, {
            notifications: c === 'own' ? structuredClone(settings.notifications) : null,
          })
        }
        lock={rulesLock}
      />
      {server.notifications && (
        <div class="nested">
          <RulesFields
            rules={server.notifications}
            save={(notifications) => form.updateServer(server.id, { notifications })}
            locked={rulesLock !== undefined}
            idPrefix="server-"
            path={`servers.${index}.notifications`}
          />
        </div>
      )}

      <Choices
        name="server-network"
        legend={t('servers.network')}
        choices={['app', 'own'] as const}
        chosen={own(server.network !== null)}
        label={(c) => t(c === 'own' ? 'servers.networkOwn' : 'servers.networkApp')}
        onChoose={(c) =>
          void form.updateServer(server.id, {
            network: c === 'own' ? networkFor(null, settings) : null,
          })
        }
        lock={networkLock}
      />
      {server.network && (
        <ServerNetworkFields
          server={server}
          index={index}
          network={server.network}
          lock={networkLock}
        />
      )}
    </section>
  );
}
