// Light and dark themes follow the system setting; every view is screenshotted in both at a desktop and a
// phone width, and at phone width the page never scrolls sideways (wide tables scroll inside their box).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, screenshotWidths, ARTIFACTS } from './harness.mjs';

const VIEWS = ['data', 'segments', 'compare', 'impact', 'models'];
let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

async function loaded(colorScheme, width) {
  const page = await browser.newPage({ colorScheme, viewport: { width, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(site.url);
  await page.getByTestId('drop-zone').waitFor();
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "pro" and did "Export report" at least 2 times');
  await page.getByTestId('segment-size').filter({ hasText: 'users' }).first().waitFor({ timeout: 15000 });
  return { page, errors };
}

for (const colorScheme of ['light', 'dark']) {
  test(`${colorScheme} theme: the theme follows the system, each view at 1440 and 390 px`, async () => {
    const { page, errors } = await loaded(colorScheme, 1440);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    assert.ok(colorScheme === 'dark' ? luminance < 0.2 : luminance > 0.8, `${colorScheme} background ${background}`);
    await screenshotWidths(page, `page-${colorScheme}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const view of VIEWS) {
        await page.locator(`#${view}`).screenshot({ path: path.join(ARTIFACTS, `view-${view}-${colorScheme}-${width}.png`) });
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('at 390 px the page does not scroll sideways; wide tables scroll in their own box', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, errors } = await loaded(colorScheme, 390);
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .filter((e) => !e.closest('table, pre, .table-scroll, .visually-hidden'))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return { scrollWidth: document.documentElement.scrollWidth, wide };
    });
    assert.ok(overflow.scrollWidth <= 390, `the page is ${overflow.scrollWidth} px wide: ${overflow.wide.join(', ')}`);
    // Each table fits the page; its own content may be wider and then scrolls inside it.
    const tables = await page.evaluate(() => [...document.querySelectorAll('main table')].map((t) => {
      const box = t.getBoundingClientRect();
      const scroller = getComputedStyle(t).overflowX === 'auto' ? t : t.closest('.table-scroll');
      return { right: Math.round(box.right), scrolls: scroller !== null };
    }));
    assert.ok(tables.length > 0);
    for (const t of tables) assert.ok(t.right <= 390 && t.scrolls, JSON.stringify(t));
    assert.deepEqual(errors, []);
    await page.close();
  }
});
