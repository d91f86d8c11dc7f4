import { expect, test } from '@playwright/test';
import { RENDERER_ORIGIN, serveRenderer } from '../support/renderer';

test('the built window renders in Chromium', async ({ page }) => {
  await serveRenderer(page);
  await page.goto(`${RENDERER_ORIGIN}/`);
  await expect(page.getByRole('main', { name: 'Katya Desktop' })).toBeVisible();
});
