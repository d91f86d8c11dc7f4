// Screenshots kept as test artifacts and the axe-core scan, for the specs that look at the
// window (look.spec.ts, servers.spec.ts).
import { expect } from '@playwright/test';
import type { Page, TestInfo } from '@playwright/test';
import path from 'node:path';
import { RENDERER_ORIGIN } from './renderer';

const AXE = path.resolve('node_modules/axe-core/axe.min.js');

/** A screenshot of the window, attached to the test and kept in test-results/artifacts. */
export async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function axe(page: Page): Promise<AxeViolation[]> {
  // Served from the window's own origin: the strict CSP (script-src 'self') blocks inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.route(`${RENDERER_ORIGIN}/__test__/axe.min.js`, (route) =>
      route.fulfill({ path: AXE, contentType: 'text/javascript' }),
    );
    await page.addScriptTag({ url: `${RENDERER_ORIGIN}/__test__/axe.min.js` });
  }
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/** No serious or critical axe violation; every violation is attached to the test. */
export async function expectAccessible(
  page: Page,
  testInfo: TestInfo,
  where: string,
): Promise<void> {
  const violations = await axe(page);
  await testInfo.attach(`axe-${where}.json`, {
    body: JSON.stringify(violations, null, 2),
    contentType: 'application/json',
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious,
    `${where}: ${serious.map((v) => `${v.id} ${JSON.stringify(v.nodes.slice(0, 3))}`).join('; ')}`,
  ).toEqual([]);
}
