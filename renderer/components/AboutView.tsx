// About: the app's, Electron's, Chromium's and Node's versions, and updates: the mode (which an
// admin policy may lock), where an update stands, and the one button that fits.
import { useEffect } from 'preact/hooks';
import { useApp } from './context';
import { Field, describedBy, useLock } from './settings/Field';
import { scalarText } from '../format/text';
import { UPDATE_MODES } from '../../main/core/common/update-view';
import type { UpdateMode, UpdateView } from '../../main/core/common/update-view';
import type { I18n } from '../i18n';

/** One sentence for where updates stand. */
export function updateStatus(u: UpdateView, i: I18n): string {
  const { t } = i;
  const version = scalarText(u.version, 64);
  switch (u.phase) {
    case 'off':
      return t('update.off');
    case 'unavailable':
      return t(`update.unavailable.${u.unavailable ?? 'development'}`);
    case 'idle':
      return t('update.idle');
    case 'checking':
      return t('update.checking');
    case 'available':
      return t('update.available', { version });
    case 'downloading':
      return t('update.downloading', { version, percent: u.percent ?? 0 });
    case 'ready':
      return t('update.ready', { version });
    case 'failed':
      return t('update.failed', { error: scalarText(u.error, 300) });
  }
}

function UpdateSection({ u }: { u: UpdateView }) {
  const app = useApp();
  const i = app.i18n.value;
  const { t } = i;
  const about = app.aboutView;
  const lock = useLock()('updates');
  const selfUpdating = u.phase !== 'unavailable';
  const active = selfUpdating && u.phase !== 'off';
  const version = scalarText(u.version, 64);
  const canDownload =
    u.phase === 'available' || (u.phase === 'failed' && u.mode === 'notify' && !!u.version);
  return (
    <>
      <h2>{t('update.title')}</h2>
      {selfUpdating && (
        <Field id="update-mode" label={t('update.mode')} lock={lock}>
          <select
            id="update-mode"
            value={app.settings.value.updates}
            disabled={lock !== undefined}
            aria-describedby={describedBy('update-mode', { lock })}
            onChange={(e) =>
              void app.settingsForm.update({ updates: e.currentTarget.value as UpdateMode })
            }
          >
            {UPDATE_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {t(`update.mode.${mode}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <p role="status" class="update-status">
        {updateStatus(u, i)}
      </p>
      {u.phase === 'downloading' && (
        <progress max={100} value={u.percent ?? 0} aria-label={updateStatus(u, i)} />
      )}
      {active && (
        <p class="hint">
          {u.lastCheckedAt === null
            ? t('update.notChecked')
            : t('update.lastChecked', { time: i.dateTime(u.lastCheckedAt) })}
          {u.nextCheckAt !== null &&
            ` ${t('update.nextCheck', { time: i.dateTime(u.nextCheckAt) })}`}
        </p>
      )}
      {u.feedUrl && (
        <p class="hint mono">{t('update.feed', { url: scalarText(u.feedUrl, 300) })}</p>
      )}
      {active && (
        <div class="actions">
          {u.phase === 'ready' ? (
            <button type="button" class="primary" onClick={() => void about.install()}>
              {t('update.restart', { version })}
            </button>
          ) : canDownload ? (
            <button type="button" class="primary" onClick={() => void about.download()}>
              {t('update.download', { version })}
            </button>
          ) : null}
          <button
            type="button"
            disabled={u.phase === 'checking' || u.phase === 'downloading'}
            onClick={() => void about.check()}
          >
            {t('update.check')}
          </button>
        </div>
      )}
    </>
  );
}

export function AboutView() {
  const app = useApp();
  const { t } = app.i18n.value;
  const about = app.aboutView;

  useEffect(() => {
    void about.load();
  }, [about]);

  const info = about.info.value;
  const u = about.update.value;
  const text = (v: string | null | undefined) => scalarText(v, 64) || '—';
  return (
    <section class="page" aria-labelledby="about-title">
      <h1 id="about-title" tabIndex={-1}>
        {t('about.title')}
      </h1>
      {about.error.value && (
        <p role="alert" class="error">
          {t('about.loadFailed', { error: about.error.value })}
        </p>
      )}
      {!info ? (
        <p>{t('about.loading')}</p>
      ) : (
        <>
          <h2>{t('about.versions')}</h2>
          <dl class="facts about-versions">
            <dt>{t('about.app')}</dt>
            <dd class="mono">{text(info.version)}</dd>
            <dt>{t('about.electron')}</dt>
            <dd class="mono">
              {info.versions.electron === null
                ? t('about.notElectron')
                : text(info.versions.electron)}
            </dd>
            <dt>{t('about.chromium')}</dt>
            <dd class="mono">{text(info.versions.chromium)}</dd>
            <dt>{t('about.node')}</dt>
            <dd class="mono">{text(info.versions.node)}</dd>
            <dt>{t('about.platform')}</dt>
            <dd class="mono">
              {text(info.platform)} {text(info.arch)}
            </dd>
          </dl>
        </>
      )}
      {u && <UpdateSection u={u} />}
    </section>
  );
}
