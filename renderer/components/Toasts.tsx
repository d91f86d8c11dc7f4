// In the browser preview, native notifications appear as in-page toasts; clicking one opens
// its event, as clicking the native notification does in the app.
import { useApp } from './context';

export function Toasts() {
  const app = useApp();
  const { t } = app.i18n.value;
  const toasts = app.toasts.value;
  return (
    <section class="toasts" aria-label={t('toast.region')}>
      {toasts.map((n) => (
        <div
          key={n.key}
          role="status"
          class={`toast${n.urgent ? ' urgent' : ''}${n.severity ? ` sev-${n.severity}` : ''}`}
        >
          <button
            type="button"
            class="toast-body"
            disabled={!n.eventId}
            onClick={() => {
              if (n.eventId) app.openEvent(n.eventId);
              app.dismissToast(n.key);
            }}
          >
            <strong>{String(n.title ?? '')}</strong>
            <span>{String(n.body ?? '')}</span>
            {n.eventId && <span class="sr-only">{t('toast.open')}</span>}
          </button>
          <button
            type="button"
            class="quiet toast-close"
            aria-label={t('toast.dismiss')}
            onClick={() => app.dismissToast(n.key)}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
