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
          {n.eventId ? (
            <button
              type="button"
              class="toast-body"
              onClick={() => {
                if (n.eventId) app.openEvent(n.eventId);
                app.dismissToast(n.key);
              }}
            >
              <strong>{String(n.title ?? '')}</strong>
              <span>{String(n.body ?? '')}</span>
              <span class="sr-only">{t('toast.open')}</span>
            </button>
          ) : (
            // a summary ("12 more security alerts") has no single event to open
            <div class="toast-body">
              <strong>{String(n.title ?? '')}</strong>
              <span>{String(n.body ?? '')}</span>
            </div>
          )}
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
