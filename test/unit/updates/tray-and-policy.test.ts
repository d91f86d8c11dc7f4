// Updates where other parts show or lock them: the tray's update item, and the admin policy's
// `updates` and `updateUrl` with the settings they lock.
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { TrayController, trayMenu } from '../../../main/adapters/tray';
import type { TrayActions } from '../../../main/adapters/tray';
import { trayState } from '../../../main/core/tray-state';
import type { TrayInput } from '../../../main/core/tray-state';
import { updateMenuLabel } from '../../../main/core/updates/presentation';
import { createTranslator } from '../../../main/core/common/messages';
import { policyFromDocument } from '../../../main/core/settings/admin-policy';
import { SettingsService } from '../../../main/core/settings/settings';
import type { SettingsBackend } from '../../../main/core/settings/settings';
import { DEFAULT_SETTINGS } from '../../../main/core/common/settings-schema';
import type { Settings, UpdateView } from '../../../preload/contract';
import { FakeTray } from '../../fakes/electron';

const idle: UpdateView = {
  phase: 'idle',
  mode: 'auto',
  unavailable: null,
  current: '1.0.0',
  version: null,
  percent: null,
  lastCheckedAt: null,
  nextCheckAt: null,
  error: null,
  feedUrl: null,
};

const input = (update: UpdateView | null, language: 'en' | 'ru' = 'en'): TrayInput => ({
  connection: {
    phase: 'connected',
    since: 0,
    retryAt: null,
    attempt: 0,
    lastError: null,
    serverUrl: 'wss://katya.example/v1/ws',
    demo: false,
  },
  unread: 0,
  unreadAlerts: 0,
  snoozedUntil: null,
  now: 0,
  formatTime: () => '12:00',
  language,
  update,
});

function actions(): Required<TrayActions> {
  return {
    open: vi.fn(),
    openSettings: vi.fn(),
    snooze: vi.fn(),
    reconnectNow: vi.fn(),
    setStartAtLogin: vi.fn(),
    update: vi.fn(),
    quit: vi.fn(),
  };
}

describe('the tray offers an update', () => {
  it('"Restart to update to vX" when one is downloaded, "Download update vX" when only found', () => {
    const t = createTranslator('en');
    expect(updateMenuLabel({ ...idle, phase: 'ready', version: '2.0.0' }, t)).toBe(
      'Restart to update to v2.0.0',
    );
    expect(updateMenuLabel({ ...idle, phase: 'available', version: '2.0.0' }, t)).toBe(
      'Download update v2.0.0',
    );
    for (const phase of ['idle', 'checking', 'downloading', 'failed', 'off'] as const) {
      expect(updateMenuLabel({ ...idle, phase, version: '2.0.0' }, t), phase).toBeNull();
    }
    expect(trayState(input({ ...idle, phase: 'ready', version: '2.0.0' }, 'ru')).updateItem).toBe(
      'Перезапустить и обновить до v2.0.0',
    );
    expect(trayState(input(null)).updateItem).toBeNull();
  });

  it('the item sits right under the status line and calls the update action', () => {
    const a = actions();
    const menu = trayMenu(
      trayState(input({ ...idle, phase: 'ready', version: '2.0.0' })),
      false,
      a,
    );
    expect(menu[0]!.label).toBe('Connected');
    expect(menu[1]!.label).toBe('Restart to update to v2.0.0');
    menu[1]!.click!({} as never, undefined, {} as never);
    expect(a.update).toHaveBeenCalledOnce();
    expect(trayMenu(trayState(input(idle)), false, a).map((i) => i.label)).not.toContain(
      'Restart to update to v2.0.0',
    );
  });

  it('the tray redraws its menu when the offer appears', () => {
    const tray = new FakeTray();
    const built: MenuItemConstructorOptions[][] = [];
    const controller = new TrayController(
      tray as unknown as Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'on'>,
      {
        image: () => ({}) as NativeImage,
        buildMenu: (template) => {
          built.push(template);
          return null as never;
        },
        actions: actions(),
        startAtLogin: () => false,
      },
    );
    controller.render(trayState(input(idle)));
    controller.render(trayState(input({ ...idle, phase: 'checking' })));
    expect(built).toHaveLength(1);
    controller.render(trayState(input({ ...idle, phase: 'ready', version: '2.0.0' })));
    expect(built).toHaveLength(2);
    expect(built[1]!.map((i) => i.label)).toContain('Restart to update to v2.0.0');
  });
});

describe('the admin policy: updates and updateUrl', () => {
  it('reads the mode (a locked setting) and the feed URL (policy only)', () => {
    const { policy, error } = policyFromDocument(
      { updates: 'notify', updateUrl: 'https://mirror.acme.example/katya/' },
      '/etc/katya-desktop/policy.json',
    );
    expect(error).toBeUndefined();
    expect(policy?.values).toEqual({ updates: 'notify' });
    expect(policy?.updateUrl).toBe('https://mirror.acme.example/katya/');
  });

  it('accepts only https feed URLs without a user name or password, and only the three modes', () => {
    for (const updateUrl of [
      'http://mirror.acme.example/katya/',
      'file:///srv/katya/',
      'https://user:pass@mirror.acme.example/',
      'https://token@mirror.acme.example/',
      'mirror.acme.example',
      '',
      `https://mirror.acme.example/${'a'.repeat(2100)}`,
    ]) {
      const { policy, error } = policyFromDocument({ updateUrl }, 'policy.json');
      expect(policy, updateUrl).toBeNull();
      expect(error).toMatch(/updateUrl: (use an https:\/\/ URL|Too big)/);
    }
    expect(policyFromDocument({ updates: 'sometimes' }, 'policy.json').error).toMatch(/updates/);
    expect(policyFromDocument({ updatesUrl: 'https://x.example/' }, 'p').policy).toBeNull();
  });

  it('a policy without them leaves both alone', () => {
    const { policy } = policyFromDocument({ authMethod: 'header' }, 'policy.json');
    expect(policy).toEqual({
      source: 'policy.json',
      reason: 'Set by your organisation (admin policy)',
      values: { authMethod: 'header' },
    });
  });
});

function memoryBackend(initial: unknown): SettingsBackend & { written: Settings[] } {
  let doc = initial;
  const written: Settings[] = [];
  return {
    path: '/memory/settings.json',
    read: () => doc,
    write(value) {
      written.push(value);
      doc = value;
    },
    written,
  };
}

describe('the updates setting', () => {
  it('defaults to auto; a settings file written before it existed gets auto without a notice', () => {
    expect(DEFAULT_SETTINGS.updates).toBe('auto');
    const { updates: _dropped, ...older } = DEFAULT_SETTINGS;
    const settings = new SettingsService({ backend: memoryBackend(older) });
    expect(settings.get().updates).toBe('auto');
    expect(settings.notices()).toEqual([]);
  });

  it('the user chooses it, unless the policy locks it', () => {
    const free = new SettingsService({ backend: memoryBackend({ ...DEFAULT_SETTINGS }) });
    expect(free.update({ updates: 'off' })).toMatchObject({ ok: true });
    expect(free.get().updates).toBe('off');
    expect(free.update({ updates: 'weekly' as never }).ok).toBe(false);

    const { policy } = policyFromDocument(
      { message: 'Managed by ACME IT', updates: 'off' },
      'policy.json',
    );
    const locked = new SettingsService({
      backend: memoryBackend({ ...DEFAULT_SETTINGS, updates: 'auto' }),
      policy,
    });
    expect(locked.get().updates).toBe('off');
    expect(locked.locks().locked).toEqual({ updates: 'Managed by ACME IT' });
    expect(locked.update({ updates: 'auto' })).toMatchObject({
      ok: false,
      errors: [{ field: 'updates', code: 'locked' }],
    });
  });
});
