// The Models view, walked like a person: a health score built, back-tested (its AUC checked against
// scikit-learn on a pandas recomputation of the score) and a band saved as a segment; RFM groups; clusters;
// discovery; the score surviving a copied link; accessibility and the phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  serve, launch, openPage, pickFiles, python, accessibilityProblems, screenshotWidths, SAMPLE, ROOT,
} from './harness.mjs';

const FILES = ['users.csv', 'events.csv', 'nps.csv'].map((f) => path.join(SAMPLE, f));
const USERS = FILES[0];
const ORACLE = fs.readFileSync(path.join(ROOT, 'crates', 'seglab-app', 'tests', 'data', 'score_oracle.py'), 'utf8');
const MEASURES = ['employees:+:1', 'arr:+:2', 'signup_date:-:1'];

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const number = (text) => Number(text.trim().split(' ')[0].replaceAll(',', ''));

/** Loads the sample and waits until the engine has offered the measures. */
async function loadSample(page) {
  await pickFiles(page, FILES);
  await page.getByTestId('file-card').nth(2).waitFor();
  await page.getByRole('combobox', { name: /^Measure 1/ }).locator('option[value="arr"]').waitFor({ state: 'attached' });
}

/** Saves the row's group with `button` and returns the size the Segments list shows for it. */
async function saveAndSize(page, button) {
  const before = await page.getByTestId('segment').count();
  await button.click();
  await page.getByTestId('segment').nth(before).waitFor();
  const size = page.getByTestId('segment-size').nth(before);
  await size.filter({ hasText: 'users' }).waitFor();
  return number(await size.textContent());
}

test('a health score is built, back-tested, saved as a band, and comes back from a copied link', async () => {
  const oracle = python(ORACLE, USERS, ...MEASURES);
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loadSample(page);
  const [employees, arr, signup] = MEASURES.map((m) => m.split(':')[0]);
  await page.getByRole('combobox', { name: /^Measure 1/ }).selectOption(employees);
  await page.getByRole('combobox', { name: /^Measure 2/ }).selectOption(arr);
  await page.getByRole('spinbutton', { name: 'Weight of measure 2' }).fill('2');
  await page.getByRole('combobox', { name: /^Measure 3/ }).selectOption(signup);
  await page.getByRole('combobox', { name: /^Direction of measure 3/ }).selectOption('lower');
  await page.getByRole('combobox', { name: /^Back-test against/ }).selectOption('converted');
  // The keyboard works the editor as a mouse does.
  await page.getByRole('button', { name: 'Compute the score' }).focus();
  await page.keyboard.press('Enter');

  const auc = page.getByTestId('auc');
  await auc.waitFor();
  const shown = Number((await auc.textContent()).match(/ROC AUC ([0-9.]+)/)[1]);
  assert.ok(Math.abs(shown - oracle.auc) < 0.0006, `page ${shown}, scikit-learn ${oracle.auc}`);
  assert.equal(await page.getByTestId('deciles').locator('tbody tr').count(), 10);
  assert.match(await page.getByTestId('carrier').textContent(), /^arr carries the score/);

  const bands = page.getByTestId('bands').locator('tbody tr');
  assert.equal(await bands.count(), 4);
  const sizes = [];
  for (let i = 0; i < 4; i += 1) sizes.push(number(await bands.nth(i).locator('td').nth(1).textContent()));
  assert.deepEqual(sizes, oracle.bands);
  const saved = await saveAndSize(page, bands.nth(3).getByRole('button'));
  assert.equal(saved, oracle.bands[3], 'the saved band has the members the band listed');

  // The link carries the score; a colleague with the same files sees the same bands and segment.
  const link = page.url();
  assert.match(link, /[?&]score=employees:%2B:1;arr:%2B:2;signup_date:-:1(&|$)/);
  const other = await openPage(browser, link, errors);
  await loadSample(other);
  await other.getByTestId('bands').waitFor();
  assert.equal(await other.getByRole('combobox', { name: /^Measure 2/ }).inputValue(), arr);
  const otherBands = other.getByTestId('bands').locator('tbody tr');
  assert.equal(number(await otherBands.nth(3).locator('td').nth(1).textContent()), oracle.bands[3]);
  const size = other.getByTestId('segment-size').last();
  await size.filter({ hasText: 'users' }).waitFor();
  assert.equal(number(await size.textContent()), oracle.bands[3]);
  await other.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('RFM groups, clusters and discovered rules each become a segment of the size shown', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loadSample(page);

  await page.getByRole('combobox', { name: /^Value/ }).selectOption('amount');
  await page.getByRole('combobox', { name: /^Events/ }).selectOption('Upgrade');
  await page.getByRole('button', { name: 'Score RFM' }).click();
  const groups = page.getByTestId('rfm-groups').locator('tbody tr');
  await groups.first().waitFor();
  const names = await groups.locator('th').allTextContents();
  for (const name of ['Champions', 'Loyal', 'At risk', "Can't lose them", 'Hibernating', 'Lost']) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
  const champions = groups.filter({ has: page.getByRole('rowheader', { name: 'Champions', exact: true }) });
  const listed = number(await champions.locator('td').nth(2).textContent());
  assert.equal(await saveAndSize(page, champions.getByRole('button')), listed);

  await page.getByRole('region', { name: 'Clusters' }).getByRole('checkbox', { name: 'plan', exact: true }).check();
  await page.getByRole('region', { name: 'Clusters' }).getByRole('checkbox', { name: 'employees', exact: true }).check();
  await page.getByRole('button', { name: 'Find clusters' }).click();
  const clusters = page.getByTestId('clusters').locator(':scope > li');
  await clusters.first().waitFor();
  assert.match(await page.getByTestId('cluster-summary').textContent(), /silhouette/);
  const first = clusters.first();
  const clusterSize = number((await first.locator('h4').textContent()).split('·')[1]);
  assert.equal(await saveAndSize(page, first.getByRole('button')), clusterSize);

  await page.getByRole('combobox', { name: 'Target' }).selectOption('converted');
  await page.getByRole('button', { name: 'Find segments' }).click();
  const rules = page.getByTestId('rules');
  await rules.waitFor();
  const rule = rules.locator('tbody tr').first();
  assert.match(await rule.locator('td').nth(2).textContent(), /%.*\(.*%.*–.*%\)/, 'rate with its interval');
  assert.match(await rule.locator('td').nth(3).textContent(), /×$/, 'lift');
  assert.equal(await saveAndSize(page, rule.getByRole('button')), number(await rule.locator('td').nth(1).textContent()));

  assert.deepEqual(await accessibilityProblems(page), []);
  await page.setViewportSize({ width: 390, height: 900 });
  const fits = await page.evaluate(() => {
    const view = document.querySelector('.models');
    return view.getBoundingClientRect().right <= window.innerWidth + 1 && view.scrollWidth <= view.clientWidth + 1;
  });
  assert.ok(fits, 'the Models view fits a 390 px screen');
  await screenshotWidths(page, 'models');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a clustering can be cancelled and the files come back', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loadSample(page);
  await page.getByRole('region', { name: 'Clusters' }).getByRole('checkbox', { name: 'industry', exact: true }).check();
  await page.getByRole('region', { name: 'Clusters' }).getByRole('checkbox', { name: 'employees', exact: true }).check();
  await page.getByRole('button', { name: 'Find clusters' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status').filter({ hasText: 'Stopped the clustering' }).first().waitFor();
  // The engine reads the files again; a segment evaluates on them.
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "pro"');
  await page.getByTestId('segment-size').first().filter({ hasText: 'users' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
