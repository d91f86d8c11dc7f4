// The feed's rows in the feed's order. The list keeps its DOM rows in one order while entries
// pass through them (renderer/components/row-slots.ts), so the n-th option in the DOM is not
// the n-th entry: an entry's place is its aria-posinset, and the listbox's aria-owns gives
// assistive technology the rows in that order. Playwright's own locators go by DOM order.
import type { Locator, Page } from '@playwright/test';

/** the row at 1-based `position` in the feed */
export const rowAt = (list: Locator, position: number): Locator =>
  list.locator(`[role="option"][aria-posinset="${position}"]`);

/** ids of the drawn rows, newest first */
export const rowIdsInOrder = (list: Locator): Promise<string[]> =>
  list.getByRole('option').evaluateAll((els) =>
    els
      .map((e) => [Number(e.getAttribute('aria-posinset')), e.id] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, id]) => id),
  );

/**
 * The listbox's options in the order Chromium's accessibility tree has them (what a screen
 * reader is given), as their DOM ids.
 */
export async function accessibleRowIds(page: Page, list: Locator): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const name = await list.getAttribute('aria-label');
    const byAxId = new Map(nodes.map((n) => [n.nodeId, n]));
    const box = nodes.find((n) => n.role?.value === 'listbox' && n.name?.value === name);
    if (!box) throw new Error(`no listbox named ${name} in the accessibility tree`);
    // Depth first: the options may sit under ignored or generic nodes.
    const options: number[] = [];
    const walk = (axId: string) => {
      const node = byAxId.get(axId);
      if (!node) return;
      if (node.role?.value === 'option' && node.backendDOMNodeId !== undefined)
        options.push(node.backendDOMNodeId);
      else for (const child of node.childIds ?? []) walk(child);
    };
    for (const child of box.childIds ?? []) walk(child);
    const ids: string[] = [];
    for (const backendNodeId of options) {
      const { node } = await cdp.send('DOM.describeNode', { backendNodeId });
      const at = node.attributes?.indexOf('id') ?? -1;
      ids.push(at >= 0 ? node.attributes![at + 1]! : '');
    }
    return ids;
  } finally {
    await cdp.detach();
  }
}
