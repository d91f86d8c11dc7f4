// "Test connection": probes a server's URL as typed, with the token as typed (or the server's
// stored one) and its network, and lists every step with its outcome.
import { useApp } from '../context';
import type { ServerSettings } from '../../../main/core/common/settings-schema';
import { scalarText } from '../../format/text';

export function ConnectionTest(props: { server: ServerSettings; url: string; token: string }) {
  const app = useApp();
  const { t } = app.i18n.value;
  const form = app.settingsForm;
  const test = form.test.value;
  return (
    <div class="test">
      <button
        type="button"
        disabled={test.state === 'running'}
        onClick={() =>
          void form.runTest(props.url.trim(), props.server.authMethod, props.token, props.server.id)
        }
      >
        {t('settings.test')}
      </button>
      <div role="status" class="test-result">
        {test.state === 'running' && <p>{t('test.running')}</p>}
        {test.state === 'error' && (
          <p class="field-error">{t('test.error', { error: test.error })}</p>
        )}
        {test.state === 'done' && (
          <>
            <p class={test.result.ok ? 'ok' : 'field-error'}>
              {test.result.ok ? t('test.ok') : t('test.failed')}
            </p>
            <ol class="steps" aria-label={t('test.steps')}>
              {test.result.steps.map((s, k) => {
                const outcome = s.outcome ?? (s.ok ? 'ok' : 'fail');
                return (
                  <li key={k} class={outcome === 'ok' ? 'ok' : outcome === 'skip' ? 'skip' : 'bad'}>
                    <span aria-hidden="true">
                      {outcome === 'ok' ? '✓' : outcome === 'skip' ? '–' : '✗'}
                    </span>{' '}
                    <strong>{t(`test.step.${s.step}`)}</strong>:{' '}
                    {outcome === 'ok'
                      ? t('test.passed')
                      : outcome === 'skip'
                        ? t('test.skipped')
                        : t('test.stepFailed')}
                    {s.detail ? ` — ${scalarText(s.detail, 300)}` : ''}
                    {s.advice && <p class="advice">{scalarText(s.advice, 400)}</p>}
                  </li>
                );
              })}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
