// What the app model's integration tests share: a cleanup list run after each test, waiting
// for a condition, and the whole AppService on a fresh (or given) profile folder with every
// event it emits and every notification it shows recorded.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { AppService } from '../../../../main/app/app-service';
import type { AppServiceDeps } from '../../../../main/app/app-service';
import { probeServer } from '../../../../main/core/doctor';
import { confBackend } from '../../../../main/core/settings/settings';
import type { EventChannel, EventPayloads, ShownNotification } from '../../../../preload/contract';
import { fakeEncryptor } from '../../../fakes/encryptor';

/** Undone after each test, last first. */
export const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

export async function until<T>(
  what: string,
  fn: () => T | undefined | null | false,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startApp(
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'katya-app-')),
  extra: Partial<AppServiceDeps> = {},
) {
  const events: { channel: EventChannel; payload: unknown }[] = [];
  const notes: ShownNotification[] = [];
  const svc = await AppService.start({
    dataDir,
    settingsBackend: confBackend({ cwd: dataDir }),
    encryptor: fakeEncryptor('keychain'),
    notify: { show: (n) => notes.push(n), withdraw: () => undefined },
    emit: (channel, payload) => events.push({ channel, payload }),
    startDemo: null,
    probe: probeServer,
    connection: { backoff: { minMs: 50, maxMs: 200, resetAfterMs: 5_000 } },
    ...extra,
  });
  cleanup.push(() => svc.stop());
  const of = <C extends EventChannel>(c: C) =>
    events.filter((e) => e.channel === c).map((e) => e.payload as EventPayloads[C]);
  const fed = () => of('feed:added').flat();
  return { svc, dataDir, events, notes, of, fed, invoke: svc.handlers.invoke };
}
