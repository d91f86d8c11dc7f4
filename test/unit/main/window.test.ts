import { describe, expect, it } from 'vitest';
import {
  DESTROY_HIDDEN_AFTER_MS,
  WindowManager,
  windowOptions,
} from '../../../main/adapters/window';
import type { WindowLike } from '../../../main/adapters/window';
import { FakeWindow } from '../../fakes/electron';
import { ManualClock } from '../../fakes/clock';

function setup() {
  const clock = new ManualClock();
  const created: FakeWindow[] = [];
  const manager = new WindowManager({
    clock,
    create: () => {
      const w = new FakeWindow();
      created.push(w);
      return w as unknown as WindowLike;
    },
  });
  // The manager hands back what `create` built: our fakes.
  const wm = {
    open: () => manager.open() as unknown as FakeWindow,
    current: () => manager.current() as unknown as FakeWindow | null,
    send: (c: string, p: unknown) => manager.send(c, p),
    allowClose: () => manager.allowClose(),
  };
  return { clock, created, wm };
}

describe('window lifecycle', () => {
  it('builds the window once and shows and focuses it on open', () => {
    const { wm, created } = setup();
    const w = wm.open();
    expect(w.visible).toBe(true);
    expect(wm.open()).toBe(w);
    expect(created).toHaveLength(1);
    expect(w.focused).toBe(2);
  });

  it('hides to the tray when the user closes it', () => {
    const { wm } = setup();
    const w = wm.open();
    expect(w.userClose()).toBe(false);
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
  });

  it('destroys a window hidden for ten minutes and rebuilds it on open', () => {
    const { wm, created, clock } = setup();
    const w = wm.open();
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS - 1);
    expect(w.destroyed).toBe(false);
    clock.advance(1);
    expect(w.destroyed).toBe(true);
    expect(wm.current()).toBeNull();
    const again = wm.open();
    expect(again).not.toBe(w);
    expect(created).toHaveLength(2);
  });

  it('keeps a window that was opened again before the deadline', () => {
    const { wm, clock } = setup();
    const w = wm.open();
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS / 2);
    wm.open();
    clock.advance(DESTROY_HIDDEN_AFTER_MS);
    expect(w.destroyed).toBe(false);
  });

  it('really closes when the app quits', () => {
    const { wm } = setup();
    const w = wm.open();
    wm.allowClose();
    expect(w.userClose()).toBe(true);
    expect(wm.current()).toBeNull();
  });

  it('sends only to a live window', () => {
    const { wm, clock } = setup();
    wm.send('feed:added', []);
    const w = wm.open();
    wm.send('connection:changed', { phase: 'connected' });
    expect(w.sent).toEqual([['connection:changed', { phase: 'connected' }]]);
    w.userClose();
    clock.advance(DESTROY_HIDDEN_AFTER_MS);
    expect(() => wm.send('feed:added', [])).not.toThrow();
  });

  it('asks Electron for an isolated, sandboxed renderer without Node', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe('/app/preload.cjs');
  });
});
