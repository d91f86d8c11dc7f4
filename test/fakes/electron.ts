// Small stand-ins for the Electron objects the adapters drive (BrowserWindow, Notification,
// Tray). They record what was done to them and let a test fire their events.
type Listener = (...args: unknown[]) => void;

class Emitter {
  private listeners = new Map<string, Listener[]>();
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Listener) {
    const wrapped: Listener = (...a) => {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== wrapped),
      );
      fn(...a);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  listenerCount(event: string) {
    return this.listeners.get(event)?.length ?? 0;
  }
}

let nextId = 1;

export class FakeWindow extends Emitter {
  visible = false;
  destroyed = false;
  minimized = false;
  focused = 0;
  readonly sent: [string, unknown][] = [];
  readonly webContents = {
    id: nextId++,
    send: (channel: string, payload: unknown) => {
      this.sent.push([channel, payload]);
    },
  };
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused++;
  }
  restore() {
    this.minimized = false;
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
  /** what the user's close button does: 'close' (cancellable), then 'closed' unless prevented */
  userClose() {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
    return !prevented;
  }
}

export class FakeNotification extends Emitter {
  static created: FakeNotification[] = [];
  shown = false;
  closed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeNotification.created.push(this);
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
    this.emit('close', {});
  }
}

export class FakeTray extends Emitter {
  image: unknown = null;
  tooltip = '';
  menu: unknown = null;
  readonly calls: string[] = [];
  setImage(image: unknown) {
    this.image = image;
    this.calls.push('setImage');
  }
  setToolTip(tooltip: string) {
    this.tooltip = tooltip;
    this.calls.push('setToolTip');
  }
  setContextMenu(menu: unknown) {
    this.menu = menu;
    this.calls.push('setContextMenu');
  }
}
