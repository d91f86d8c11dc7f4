// The import boundaries are a design rule; prove the lint config enforces them.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('import boundaries', () => {
  it('refuses electron in main/core', async () => {
    expect(
      await ruleIds(
        "import { app } from 'electron';\nexport const a = app;\n",
        'main/core/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
  });
  it('refuses electron and Node built-ins in the renderer', async () => {
    expect(
      await ruleIds(
        "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n",
        'renderer/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds("import fs from 'node:fs';\nexport const a = fs;\n", 'renderer/fixture.ts'),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds("import fs from 'fs';\nexport const a = fs;\n", 'renderer/fixture.ts'),
    ).toContain('no-restricted-imports');
  });
  it('refuses innerHTML in the renderer', async () => {
    expect(
      await ruleIds(
        'export function f(el: HTMLElement, s: string) { el.innerHTML = s; }\n',
        'renderer/fixture.ts',
      ),
    ).toContain('no-restricted-properties');
  });
  it('allows electron in the main adapters', async () => {
    expect(
      await ruleIds(
        "import { app } from 'electron';\nexport const a = app;\n",
        'main/adapters/fixture.ts',
      ),
    ).not.toContain('no-restricted-imports');
  });
  it('lets the window reach main only through main/core/common/', async () => {
    // The history uses node:fs: tsc alone accepted this import into the renderer.
    expect(
      await ruleIds(
        "import { EventHistory } from '../../main/core/history/history';\nexport const h = EventHistory;\n",
        'renderer/state/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import { dispatchInvoke } from '../main/ipc/dispatch';\nexport const d = dispatchInvoke;\n",
        'preload/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import { CHANNELS } from '../../main/core/common/protocol';\nexport const c = CHANNELS;\n",
        'renderer/state/fixture.ts',
      ),
    ).not.toContain('no-restricted-imports');
  });
  it('keeps main/core/common/ to itself, so nothing Node-only arrives transitively', async () => {
    expect(
      await ruleIds(
        "import { severityOf } from '../severity';\nexport const s = severityOf;\n",
        'main/core/common/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import fs from 'node:fs';\nexport const a = fs;\n",
        'main/core/common/fixture.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import { CHANNELS } from './protocol';\nexport const c = CHANNELS;\n",
        'main/core/common/fixture.ts',
      ),
    ).not.toContain('no-restricted-imports');
  });
});
