// How an update reads to a person outside the window: the tray's menu item and the one
// notification per version, in the user's language (the catalogue's update.* keys). The
// About view reads the same keys from the same view model.
import type { Translate } from '../common/messages';
import type { ShownNotification } from '../common/views';
import type { UpdateView } from '../common/update-view';

/** What the tray offers: restart into a downloaded update, or download one (mode notify). */
export function updateMenuLabel(view: UpdateView, t: Translate): string | null {
  if (!view.version) return null;
  if (view.phase === 'ready') return t('update.restart', { version: view.version });
  if (view.phase === 'available') return t('update.download', { version: view.version });
  return null;
}

/**
 * The notification for an update that became ready (or, in mode notify, available), or null
 * when this view has nothing to announce. Its id carries the version, so the caller can tell
 * a notification it already showed.
 */
export function updateNotification(view: UpdateView, t: Translate): ShownNotification | null {
  if (!view.version) return null;
  const version = view.version;
  let title: string;
  let body: string;
  if (view.phase === 'ready') {
    title = t('update.readyTitle', { version });
    body = t('update.readyBody', { action: t('update.restart', { version }) });
  } else if (view.phase === 'available') {
    title = t('update.availableTitle', { version });
    body = t('update.availableBody', { action: t('update.download', { version }) });
  } else {
    return null;
  }
  return {
    id: `update:${view.phase}:${version}`,
    title,
    body,
    eventId: null,
    severity: null,
    urgent: false,
    // An update can wait: no sound.
    silent: true,
  };
}
