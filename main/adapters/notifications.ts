// Native notifications over Electron's Notification. References are kept until a notification
// is closed, because Electron drops the click handler of a notification that was garbage-collected.
import type { Notification, NotificationConstructorOptions } from 'electron';
import type { ShownNotification } from '../../preload/contract';

export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export type NotificationLike = Pick<Notification, 'show' | 'close' | 'on'>;

export class NativeNotifications {
  private readonly live = new Map<string, NotificationLike>();

  constructor(
    private readonly opts: {
      create: (options: NotificationConstructorOptions) => NotificationLike;
      isSupported: () => boolean;
      platform: NodeJS.Platform;
      iconPath?: string;
      /** `id` tells an update's notification (update:…) from an event's */
      onClick: (eventId: string | null, id: string) => void;
      log: (line: string) => void;
    },
  ) {}

  show(n: ShownNotification): void {
    if (!this.opts.isSupported()) {
      this.opts.log(`notifications unsupported here; not shown: ${n.title}`);
      return;
    }
    this.withdraw(n.id);
    const options: NotificationConstructorOptions = {
      title: n.title,
      // Linux notification daemons may read the body as markup: server text must stay text.
      body: this.opts.platform === 'linux' ? escapeMarkup(n.body) : n.body,
      silent: n.silent,
      ...(this.opts.iconPath ? { icon: this.opts.iconPath } : {}),
    };
    if (n.urgent) {
      // The platform's urgent form: a critical urgency hint on Linux, a toast that stays on
      // Windows. macOS has no per-notification urgency (critical alerts need an entitlement).
      if (this.opts.platform === 'linux') options.urgency = 'critical';
      if (this.opts.platform === 'win32' || this.opts.platform === 'linux')
        options.timeoutType = 'never';
    }
    const note = this.opts.create(options);
    this.live.set(n.id, note);
    const forget = () => {
      if (this.live.get(n.id) === note) this.live.delete(n.id);
    };
    note.on('click', () => {
      forget();
      this.opts.onClick(n.eventId, n.id);
    });
    note.on('close', forget);
    note.on('failed', (_e, error) => {
      forget();
      this.opts.log(`notification failed: ${error}`);
    });
    note.show();
  }

  withdraw(id: string): void {
    const note = this.live.get(id);
    if (!note) return;
    this.live.delete(id);
    note.close();
  }

  /** how many notifications are held (for tests and diagnostics) */
  size(): number {
    return this.live.size;
  }
}
