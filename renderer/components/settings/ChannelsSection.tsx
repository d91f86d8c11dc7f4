// A server's "Channels and events" card: what to subscribe to (whole channels or single event
// types), the server's answer for each subscription, and per event whether it notifies or only
// goes to the feed, in the rules the server follows (its own, or the app's).
import { useApp } from '../context';
import type { NotificationRules, ServerSettings } from '../../../main/core/common/settings-schema';
import { rulesFor } from '../../../main/core/common/servers';
import { CATALOG, CHANNELS } from '../../../main/core/common/protocol';
import type { Channel, EventType } from '../../../main/core/common/protocol';
import type { SubscriptionStatus } from '../../../main/core/common/views';
import type { I18n } from '../../i18n';
import { scalarText } from '../../format/text';
import { LockNote, useLock } from './Field';
import { useServerLocks } from './server-locks';
import { errorText } from './error-text';

function SubscriptionState(props: {
  list: SubscriptionStatus[];
  kind: 'channel' | 'event';
  name: string;
  i18n: I18n;
}) {
  const s = props.list.find((x) => x.kind === props.kind && x.name === props.name);
  if (!s) return null;
  const { t } = props.i18n;
  const text =
    s.status === 'rejected'
      ? t('sub.rejected', { code: scalarText(s.code, 16), message: scalarText(s.message, 200) })
      : t(`sub.${s.status}`);
  return <span class={`sub-status sub-${s.status}`}>{text}</span>;
}

/** `list` with `item` in it or not: toggled items go to the end, as the server sees them. */
function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  const rest = list.filter((x) => x !== item);
  return on ? [...rest, item] : rest;
}

export function ChannelsSection(props: { server: ServerSettings; index: number }) {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const settings = app.settings.value;
  const server = props.server;
  const subs = server.subscriptions;
  const rules = rulesFor(server, settings);
  const lock = useLock();
  const locks = useServerLocks();
  const subLock = locks.field(server.id, 'subscriptions');
  // the rules it follows: its own (which a preset may fix), or the app's
  const ruleLock = server.notifications
    ? locks.field(server.id, 'notifications')
    : lock('notifications');
  const statuses = app.servers.value.find((v) => v.id === server.id)?.subscriptions ?? [];
  const prefix = `servers.${props.index}.subscriptions`;
  const problem = Object.entries(form.errors.value).find(([f]) => f.startsWith(prefix))?.[1];

  const toggleChannel = (c: Channel, on: boolean) =>
    void form.updateServer(server.id, {
      subscriptions: { ...subs, channels: toggled(subs.channels, c, on) },
    });
  const toggleEvent = (e: EventType, on: boolean) =>
    void form.updateServer(server.id, {
      subscriptions: { ...subs, events: toggled(subs.events, e, on) },
    });
  const saveRules = (next: NotificationRules) =>
    server.notifications
      ? form.updateServer(server.id, { notifications: next })
      : form.update({ notifications: next });
  const setRule = (e: EventType, rule: string) => {
    const perEvent = { ...rules.perEvent };
    if (rule === 'notify' || rule === 'feed') perEvent[e] = rule;
    else delete perEvent[e];
    void saveRules({ ...rules, perEvent });
  };
  const several = settings.servers.length > 1;

  return (
    <section class="card" aria-labelledby="set-subs">
      <h2 id="set-subs">
        {several ? t('servers.subscriptions', { name: server.name }) : t('settings.subscriptions')}
      </h2>
      <p class="hint">{t('settings.subscriptionsHint')}</p>
      <p class="hint">
        {server.notifications ? t('servers.rulesFollowOwn') : t('servers.rulesFollowApp')}
      </p>
      <LockNote reason={subLock} />
      {ruleLock !== undefined && subLock === undefined && <LockNote reason={ruleLock} />}
      {problem && (
        <p class="field-error" role="alert">
          {errorText(problem, i18n)}
        </p>
      )}
      {CHANNELS.map((c) => {
        const channelOn = subs.channels.includes(c);
        return (
          <fieldset class="channel-group" key={c}>
            <legend>
              {t(`channel.${c}`)}{' '}
              <SubscriptionState list={statuses} kind="channel" name={c} i18n={i18n} />
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
                  <SubscriptionState list={statuses} kind="event" name={e} i18n={i18n} />
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
