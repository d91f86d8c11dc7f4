// The "Channels and events" card: what to subscribe to (whole channels or single event types),
// the server's answer for each subscription, and per event whether it notifies or only goes
// to the feed.
import { useApp } from '../context';
import { CATALOG, CHANNELS } from '../../../main/core/common/protocol';
import type { Channel, EventType } from '../../../main/core/common/protocol';
import type { SubscriptionStatus } from '../../../main/core/common/views';
import type { I18n } from '../../i18n';
import { scalarText } from '../../format/text';
import { LockNote, useLock } from './Field';
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

export function ChannelsSection() {
  const app = useApp();
  const i18n = app.i18n.value;
  const { t } = i18n;
  const form = app.settingsForm;
  const settings = app.settings.value;
  const subs = settings.subscriptions;
  const rules = settings.notifications;
  const lock = useLock();
  const subLock = lock('subscriptions');
  const ruleLock = lock('notifications');
  const statuses = app.subscriptions.value;
  const problem = Object.entries(form.errors.value).find(([f]) =>
    f.startsWith('subscriptions'),
  )?.[1];

  const toggleChannel = (c: Channel, on: boolean) =>
    void form.update({ subscriptions: { ...subs, channels: toggled(subs.channels, c, on) } });
  const toggleEvent = (e: EventType, on: boolean) =>
    void form.update({ subscriptions: { ...subs, events: toggled(subs.events, e, on) } });
  const setRule = (e: EventType, rule: string) => {
    const perEvent = { ...rules.perEvent };
    if (rule === 'notify' || rule === 'feed') perEvent[e] = rule;
    else delete perEvent[e];
    void form.update({ notifications: { ...rules, perEvent } });
  };

  return (
    <section class="card" aria-labelledby="set-subs">
      <h2 id="set-subs">{t('settings.subscriptions')}</h2>
      <p class="hint">{t('settings.subscriptionsHint')}</p>
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
