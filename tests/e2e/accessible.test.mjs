// Usable without a mouse and by assistive technology: a keyboard-only walkthrough (focus always visible,
// never lost to <body>), a skip link, landmarks, a page title per view, live regions for messages and
// progress, and no serious or critical axe-core (WCAG 2 A/AA) violations, colour contrast included, in the
// light and the dark theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, accessibilityProblems } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** What has focus, and whether a focus indicator is drawn on it (or on the label wrapping a hidden input). */
async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const drawn = (node) => {
      const s = getComputedStyle(node);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      return outline || (s.boxShadow && s.boxShadow !== 'none');
    };
    // A date input reached by Shift+Tab has its focus in an inner field: it matches :focus-within only.
    const focused = el.matches(':focus-visible') || (el.matches('input[type="date"]') && el.matches(':focus-within'));
    const shown = focused && (drawn(el) || (el.closest('label') !== null && drawn(el.closest('label'))));
    const text = (el.getAttribute('aria-label') || el.textContent || el.id || '').trim().slice(0, 40);
    return { tag: el.tagName.toLowerCase(), id: el.id, testid: el.dataset?.testid ?? null, text, shown, body: el === document.body };
  });
}

let previous = null;
async function tab(page, key = 'Tab') {
  await page.keyboard.press(key);
  const state = await focusState(page);
  assert.equal(state.body, false, `focus fell to <body> after ${key} from ${JSON.stringify(previous)}`);
  previous = state;
  assert.ok(state.shown, `no visible focus on ${JSON.stringify(state)}`);
  return state;
}

/** Presses Tab (or Shift+Tab) until `matches` holds for the focused element. */
async function tabTo(page, matches, key = 'Tab', limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    const state = await tab(page, key);
    if (matches(state)) return state;
  }
  throw new Error(`not reached with ${key} in ${limit} presses`);
}

test('landmarks, skip link, live regions and the page title', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  assert.equal(await page.locator('header').count(), 1);
  assert.equal(await page.getByRole('navigation', { name: 'Views' }).count(), 1);
  assert.equal(await page.getByRole('main').count(), 1);
  assert.equal(await page.locator('h1').count(), 1);
  assert.equal(await page.title(), 'Seglab');
  assert.equal(await page.locator('.notices').getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByTestId('load-status').getAttribute('aria-live'), 'polite');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard only: skip link, sample data, views, a segment', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await page.waitForFunction(() => document.querySelector('[data-testid="drop-zone"]'));

  const skip = await tab(page);
  assert.equal(skip.testid, 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal((await focusState(page)).id, 'main', 'the skip link moves focus to the main content');

  const picker = await tab(page);
  assert.equal(picker.testid, 'file-input', 'the file picker comes first in the main content');
  const sample = await tab(page);
  assert.equal(sample.text, 'Try sample data');
  await page.keyboard.press('Space');
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
  const after = await focusState(page);
  assert.equal(after.text, 'Try sample data', 'focus stays where it was after loading');

  // Back up to the navigation and open the Segments view.
  await tabTo(page, (s) => s.testid === 'nav-segments', 'Shift+Tab');
  await page.keyboard.press('Enter');
  const view = await focusState(page);
  assert.equal(view.id, 'segments', 'the view link moves focus to its view');
  assert.equal(await page.title(), 'Segments · Seglab');
  assert.equal(await page.getByTestId('nav-segments').getAttribute('aria-current'), 'location');

  await tabTo(page, (s) => s.text === 'Add segment');
  await page.keyboard.press('Enter');
  await page.getByTestId('segment').waitFor();
  const afterAdd = await focusState(page);
  assert.equal(afterAdd.body, false, 'focus is not lost after adding a segment');
  // The new segment sits above the button, unless adding it already moved focus into it.
  if (afterAdd.testid !== 'segment-definition') await tabTo(page, (s) => s.testid === 'segment-definition', 'Shift+Tab');
  await page.keyboard.type('plan = "pro"');
  await page.getByTestId('segment-size').filter({ hasText: 'users' }).first().waitFor({ timeout: 15000 });

  // Every other view is reachable the same way.
  for (const [anchor, name] of [['compare', 'Compare'], ['impact', 'Impact'], ['models', 'Models'], ['data', 'Data']]) {
    await tabTo(page, (s) => s.testid === `nav-${anchor}`, 'Shift+Tab', 1000);
    await page.keyboard.press('Enter');
    assert.equal((await focusState(page)).id, anchor);
    assert.equal(await page.title(), `${name} · Seglab`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a dismissed message hands focus on instead of dropping it', async () => {
  const errors = [];
  const page = await openPage(browser, `${site.url}?v=1&s=Trials~2a9d8f~plan%20%3D%20%22trial%22`, errors);
  const dismiss = page.getByRole('button', { name: 'Dismiss message' }).first();
  await dismiss.waitFor();
  await dismiss.focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  const state = await focusState(page);
  assert.equal(state.body, false, `focus after dismissing: ${JSON.stringify(state)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`no serious or critical violations with the sample loaded (${colorScheme} theme)`, async () => {
    const errors = [];
    const page = await browser.newPage({ colorScheme });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(site.url);
    await page.getByTestId('drop-zone').waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'landing view');
    await page.getByRole('button', { name: 'Try sample data' }).click();
    await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
    assert.deepEqual(await accessibilityProblems(page), [], 'Data view with the sample');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
