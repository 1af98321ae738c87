// The Segments view as a person uses it: build a segment in the visual builder and see the text follow,
// write the text and see the builder follow, complete names by keyboard, and manage the list (duplicate,
// rename, recolour, delete, undo, redo) with the mouse and with the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, python, accessibilityProblems, screenshotWidths, SAMPLE } from './harness.mjs';

const FILES = ['users.csv', 'events.csv', 'nps.csv'].map((f) => path.join(SAMPLE, f));
let site, browser;

before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

// Python's csv module is the oracle for the sizes.
const oracle = python(`
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
print(json.dumps({
  "trial": sum(1 for r in rows if r["plan"].strip() == "trial"),
  "trial_or_pro": sum(1 for r in rows if r["plan"].strip() in ("trial", "pro")),
}))`, FILES[0]);

async function loaded(page) {
  await pickFiles(page, FILES);
  await page.getByTestId('file-card').nth(2).waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment').first().waitFor();
}

async function sizeIs(page, n) {
  await page.getByTestId('segment-size').first().filter({ hasText: `${n.toLocaleString('en-US')} users` }).waitFor({ timeout: 15000 });
}

async function definitionIs(page, text, index = 0) {
  const box = page.getByTestId('segment-definition').nth(index);
  await assert.doesNotReject(
    page.waitForFunction(([i, t]) => document.querySelectorAll('[data-testid="segment-definition"]')[i]?.value === t, [index, text], { timeout: 10000 }),
    `expected the text ${JSON.stringify(text)}, found ${JSON.stringify(await box.inputValue())}`,
  );
}

test('the builder writes the text and the text drives the builder', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const segment = page.getByTestId('segment').first();
  const builder = segment.getByTestId('builder');

  await builder.getByTestId('builder-add-condition').click();
  await builder.getByTestId('builder-column').selectOption('plan');
  await definitionIs(page, 'plan = "trial"');
  await sizeIs(page, oracle.trial);

  await builder.getByTestId('builder-op').selectOption('in');
  await definitionIs(page, 'plan in ("trial")');
  await builder.getByTestId('builder-values').fill('trial, pro');
  await builder.getByTestId('builder-values').press('Tab');
  await definitionIs(page, 'plan in ("trial", "pro")');
  await sizeIs(page, oracle.trial_or_pro);

  await builder.getByTestId('builder-add-condition').first().click();
  await builder.getByTestId('builder-kind').nth(1).selectOption('did');
  await definitionIs(page, 'plan in ("trial", "pro") and did "Login"');
  await builder.getByTestId('builder-count').selectOption('at least');
  await builder.getByTestId('builder-times').fill('3');
  await builder.getByTestId('builder-times').press('Tab');
  await builder.getByTestId('builder-window-mode').selectOption('last');
  await definitionIs(page, 'plan in ("trial", "pro") and did "Login" at least 3 times in last 30 days');
  await builder.getByTestId('builder-not').nth(1).check();
  await definitionIs(page, 'plan in ("trial", "pro") and not did "Login" at least 3 times in last 30 days');

  // Text first: the builder shows the tree, with groups for parentheses.
  const box = segment.getByTestId('segment-definition');
  await box.fill('country = "Germany" or (employees > 10 and not did "Upgrade")');
  await builder.getByTestId('builder-group').nth(1).waitFor();
  assert.equal(await builder.getByTestId('builder-join').first().inputValue(), 'or');
  assert.equal(await builder.getByTestId('builder-join').nth(1).inputValue(), 'and');
  assert.equal(await builder.getByTestId('builder-column').first().inputValue(), 'country');
  assert.equal(await builder.getByTestId('builder-value').first().inputValue(), 'Germany');
  assert.equal(await builder.getByTestId('builder-kind').nth(2).inputValue(), 'did');
  assert.equal(await builder.getByTestId('builder-event').first().inputValue(), 'Upgrade');
  assert.deepEqual(await builder.getByTestId('builder-not').evaluateAll((els) => els.map((e) => e.checked)), [false, false, false, true]);

  // And back: editing the nested group prints the whole definition again.
  await builder.getByTestId('builder-join').nth(1).selectOption('or');
  await definitionIs(page, 'country = "Germany" or (employees > 10 or not did "Upgrade")');

  // While the text does not parse, the builder says so and the text is left alone.
  await box.fill('country = ');
  await builder.getByTestId('builder-unparsed').waitFor();
  assert.equal(await box.inputValue(), 'country = ');
  assert.deepEqual(errors, []);
  await page.close();
});

test('autocompletion by keyboard: arrow keys, Enter and Tab accept, Escape closes', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const box = page.getByTestId('segment-definition').first();
  const list = page.getByTestId('suggestions').first();
  await box.focus();
  await box.pressSequentially('pla');
  await list.getByRole('option', { name: /plan/ }).first().waitFor();
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  assert.equal(await box.getAttribute('role'), 'combobox');
  await box.press('Enter');
  await definitionIs(page, 'plan ');
  assert.equal(await list.isHidden(), true);

  await box.pressSequentially('= "tr');
  await list.getByRole('option', { name: /trial/ }).first().waitFor();
  await box.press('Tab');
  await definitionIs(page, 'plan = "trial" ');
  await sizeIs(page, oracle.trial);

  await box.pressSequentially('and did "Exp');
  await list.getByRole('option', { name: /Export report/ }).waitFor();
  await box.press('Enter');
  await definitionIs(page, 'plan = "trial" and did "Export report" ');

  await box.pressSequentially('and co');
  await list.getByRole('option').nth(1).waitFor();
  const first = await box.getAttribute('aria-activedescendant');
  await box.press('ArrowDown');
  const second = await box.getAttribute('aria-activedescendant');
  assert.notEqual(first, second, 'ArrowDown moves the active option');
  assert.equal(await page.locator(`#${second}`).getAttribute('aria-selected'), 'true');
  await box.press('Escape');
  assert.equal(await list.isHidden(), true);
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await definitionIs(page, 'plan = "trial" and did "Export report" and co');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the list: duplicate, rename, recolour, delete, undo and redo (buttons and keys)', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const segments = page.getByTestId('segment');
  await page.getByTestId('segment-definition').first().fill('plan = "trial"');
  await sizeIs(page, oracle.trial);
  assert.match(await page.getByTestId('segment-size').first().textContent(), /users \(\d+(\.\d+)?\s?%\)/);
  await page.getByTestId('segment-name').first().fill('Trials');
  await page.getByTestId('segment-name').first().press('Enter');

  await page.getByTestId('duplicate').first().click();
  await segments.nth(1).waitFor();
  assert.equal(await page.getByTestId('segment-name').nth(1).inputValue(), 'Trials copy');
  await definitionIs(page, 'plan = "trial"', 1);

  await page.getByTestId('segment-name').nth(1).fill('Paying');
  await page.getByTestId('segment-name').nth(1).press('Enter');
  await page.getByTestId('segment-definition').nth(1).fill('plan in ("pro", "basic", "enterprise")');
  await page.getByTestId('segment-color').nth(1).fill('#aa3377');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="segment"]')[1]?.getAttribute('style')?.includes('#aa3377'));

  await page.getByTestId('delete').nth(1).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="segment"]').length === 1);

  await page.getByTestId('undo').click();
  await segments.nth(1).waitFor();
  assert.equal(await page.getByTestId('segment-name').nth(1).inputValue(), 'Paying');
  await page.getByTestId('redo').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="segment"]').length === 1);

  // The keyboard: Ctrl+Z and Shift+Ctrl+Z outside text fields.
  await page.getByTestId('undo').focus();
  await page.keyboard.press('Control+z');
  await segments.nth(1).waitFor();
  await page.keyboard.press('Control+z');
  assert.match(await page.getByTestId('segment').nth(1).getAttribute('style'), /#aa3377|--segment-color/);
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="segment"]').length === 1);

  // One click opens a segment in Compare: it is ticked and the Compare section comes into view.
  await page.getByTestId('open-compare').first().click();
  await page.getByTestId('comparison').waitFor({ timeout: 15000 });
  assert.equal(await page.getByRole('checkbox', { name: 'Compare' }).first().isChecked(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard-only building with visible focus, no accessibility problems, usable at 390 px', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const box = page.getByTestId('segment-definition').first();
  await box.fill('plan = "trial" and employees > 10');
  await page.getByTestId('builder-item').nth(1).waitFor();

  // Tab from the text box to the builder's "+ Condition" and press Enter.
  await box.focus();
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.dataset?.testid === 'builder-add-condition');
  }
  assert.ok(reached, 'the builder can be reached with Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused control shows where the focus is');
  await page.keyboard.press('Enter');
  await page.getByTestId('builder-item').nth(2).waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'builder-add-condition');
  assert.match(await box.inputValue(), /^plan = "trial" and employees > 10 and /);

  assert.deepEqual(await accessibilityProblems(page), []);
  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => {
    const section = document.querySelector('[aria-labelledby="segments-title"]');
    return section.scrollWidth - section.clientWidth;
  });
  assert.ok(overflow <= 1, `the Segments view fits 390 px (overflows by ${overflow} px)`);
  await screenshotWidths(page, 'segments');
  assert.deepEqual(errors, []);
  await page.close();
});
