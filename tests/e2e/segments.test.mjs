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
country = lambda *names: sum(1 for r in rows if r["country"].strip() in names)
signup = [r["signup_date"].strip() for r in rows if r["signup_date"].strip()]
print(json.dumps({
  "trial": sum(1 for r in rows if r["plan"].strip() == "trial"),
  "trial_or_pro": sum(1 for r in rows if r["plan"].strip() in ("trial", "pro")),
  "de_se": country("Germany", "Sweden"),
  "de_se_fr": country("Germany", "Sweden", "France"),
  "de_fr": country("Germany", "France"),
  "de": country("Germany"),
  "after_mar15": sum(1 for d in signup if d > "2024-03-15"),
  "q1": sum(1 for d in signup if "2024-01-01" <= d <= "2024-03-31"),
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
  await builder.getByTestId('builder-values').fill('pro');
  await builder.getByTestId('builder-values').press('Enter');
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

async function focusedTestId(page, testid) {
  await page.waitForFunction((t) => document.activeElement?.dataset?.testid === t, testid, { timeout: 10000 });
}

test('in lists as chips: Enter, comma, a suggestion, remove by button and Backspace, commas and quotes', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const segment = page.getByTestId('segment').first();
  const builder = segment.getByTestId('builder');
  const box = segment.getByTestId('segment-definition');
  const values = builder.getByTestId('builder-values');
  const chips = builder.getByTestId('builder-chip');

  await box.fill('country in ("Germany")');
  await chips.first().filter({ hasText: 'Germany' }).waitFor();
  assert.equal(await chips.count(), 1);
  assert.equal(await values.getAttribute('role'), 'combobox');

  // Enter adds the typed value; the focus stays in the box for the next one.
  await values.fill('Sweden');
  await values.press('Enter');
  await definitionIs(page, 'country in ("Germany", "Sweden")');
  await sizeIs(page, oracle.de_se);
  await focusedTestId(page, 'builder-values');

  // A comma adds it too.
  await page.keyboard.type('Norway,');
  await definitionIs(page, 'country in ("Germany", "Sweden", "Norway")');
  await focusedTestId(page, 'builder-values');

  // The column's known values are suggested, without the chosen ones; Enter takes the picked one.
  await page.keyboard.type('Fr');
  const list = builder.getByTestId('suggestions');
  await list.getByRole('option', { name: /France/ }).waitFor();
  assert.equal(await values.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Enter');
  await definitionIs(page, 'country in ("Germany", "Sweden", "Norway", "France")');
  await focusedTestId(page, 'builder-values');
  await page.keyboard.type('Ger');
  await page.waitForTimeout(200);
  assert.equal(await list.getByRole('option', { name: /Germany/ }).count(), 0, 'a chosen value is not suggested again');
  await page.keyboard.press('Escape');
  await values.fill('');

  // Remove by the chip's button (named after its value): the focus goes to the chip that takes its place.
  await builder.getByRole('button', { name: 'Remove Sweden' }).click();
  await definitionIs(page, 'country in ("Germany", "Norway", "France")');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Remove Norway');
  // Backspace in the empty box removes the last chip.
  await values.focus();
  await page.keyboard.press('Backspace');
  await definitionIs(page, 'country in ("Germany", "Norway")');
  await focusedTestId(page, 'builder-values');
  await page.keyboard.press('Backspace');
  await definitionIs(page, 'country in ("Germany")');
  await sizeIs(page, oracle.de);
  await focusedTestId(page, 'builder-values');

  // A value in quotes keeps its comma; the text quotes it, and a quote inside comes back as typed.
  await values.fill('"Acme, Inc."');
  await values.press('Enter');
  await definitionIs(page, 'country in ("Germany", "Acme, Inc.")');
  await chips.nth(1).filter({ hasText: 'Acme, Inc.' }).waitFor();
  await box.fill('country not in ("Say \\"hi\\", ok", "France")');
  await chips.first().filter({ hasText: 'Say "hi", ok' }).waitFor();
  assert.equal(await builder.getByTestId('builder-op').inputValue(), 'not in');
  await builder.getByRole('button', { name: 'Remove France' }).click();
  await definitionIs(page, 'country not in ("Say \\"hi\\", ok")');
  assert.ok(await builder.getByRole('button', { name: 'Remove Say "hi", ok' }).isVisible());

  // The list is named and the box describes what is chosen.
  await box.fill('country in ("Germany", "France")');
  await sizeIs(page, oracle.de_fr);
  await builder.getByRole('list', { name: 'Values of the list (2)' }).waitFor();
  const described = await values.getAttribute('aria-describedby');
  assert.equal(await page.locator(`#${described}`).textContent(), 'Chosen: Germany; France');
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshotWidths(page, 'segments-chips');
  assert.deepEqual(errors, []);
  await page.close();
});

test('date conditions use a date picker that follows the text both ways', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loaded(page);
  const segment = page.getByTestId('segment').first();
  const builder = segment.getByTestId('builder');
  const box = segment.getByTestId('segment-definition');

  await box.fill('signup_date after 2024-01-01');
  const value = builder.getByTestId('builder-value');
  await value.waitFor();
  assert.equal(await value.getAttribute('type'), 'date');
  assert.equal(await value.inputValue(), '2024-01-01');
  assert.equal(await builder.getByTestId('builder-op').locator('option:checked').textContent(), 'after');

  // Picking a date writes the text, and the size follows.
  await value.fill('2024-03-15');
  await definitionIs(page, 'signup_date after 2024-03-15');
  await sizeIs(page, oracle.after_mar15);

  // Editing the text moves the pickers.
  await box.fill('signup_date between 2024-01-01 and 2024-06-30');
  await page.waitForFunction(() => document.querySelector('[data-testid="builder-high"]')?.value === '2024-06-30');
  assert.equal(await builder.getByTestId('builder-low').inputValue(), '2024-01-01');
  assert.equal(await builder.getByTestId('builder-high').getAttribute('type'), 'date');
  await builder.getByTestId('builder-high').fill('2024-03-31');
  await definitionIs(page, 'signup_date between 2024-01-01 and 2024-03-31');
  await sizeIs(page, oracle.q1);

  // Relative conditions keep their number and unit.
  await box.fill('signup_date in last 3 months');
  await page.waitForFunction(() => document.querySelector('[data-testid="builder-duration-amount"]')?.value === '3');
  assert.equal(await builder.getByTestId('builder-duration-unit').inputValue(), 'months');
  await builder.getByTestId('builder-duration-amount').fill('2');
  await builder.getByTestId('builder-duration-amount').press('Tab');
  await definitionIs(page, 'signup_date in last 2 months');

  await box.fill('signup_date before 2024-03-15');
  await builder.getByTestId('builder-value').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshotWidths(page, 'segments-date');
  assert.deepEqual(errors, []);
  await page.close();
});
