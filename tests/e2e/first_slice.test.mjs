// The first slice, as a person uses it: load a CRM export, read its profile, write a segment, compare it
// with everyone else, share the link, and open the link on the same file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, dropFiles, python, screenshot, SAMPLE, FIXTURES } from './harness.mjs';

const USERS = path.join(SAMPLE, 'users.csv');
let site, browser;

before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

// Python's csv module is the oracle for what the file holds.
const oracle = python(`
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
print(json.dumps({
  "rows": len(rows),
  "columns": len(rows[0]),
  "trial_not_converted": sum(1 for r in rows if r["plan"].strip() == "trial" and r["converted"].strip().lower() == "no"),
}))`, USERS);

async function segmentSize(page) {
  const size = page.getByTestId('segment-size').first();
  await assert.doesNotReject(size.filter({ hasText: 'users' }).waitFor({ timeout: 15000 }));
  return Number((await size.textContent()).split(' ')[0].replaceAll(',', ''));
}

test('a picked CSV is profiled: rows, columns and inferred types', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [USERS]);
  const card = page.getByTestId('file-card');
  await card.waitFor();
  const summary = await page.getByTestId('file-summary').textContent();
  assert.match(summary, new RegExp(`^${oracle.rows.toLocaleString('en-US')} rows · ${oracle.columns} columns`));
  const typeOf = async (column) => (await card.locator(`tr[data-column="${column}"] [data-testid="column-type"]`).textContent()).trim();
  assert.equal(await typeOf('user_id'), 'id');
  assert.equal(await typeOf('signup_date'), 'date');
  assert.equal(await typeOf('plan'), 'category');
  assert.equal(await typeOf('converted'), 'boolean');
  await screenshot(page, 'data-view');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a segment shows its size, compares with everyone else, and survives a shared link', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await dropFiles(page, [USERS]);
  await page.getByTestId('file-card').waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "trial" and converted = "no"');
  assert.equal(await segmentSize(page), oracle.trial_not_converted);

  const comparison = page.getByTestId('comparison');
  await comparison.waitFor();
  const counts = await comparison.getByTestId('group-size').allTextContents();
  assert.deepEqual(counts.map((c) => Number(c.replaceAll(',', ''))), [oracle.trial_not_converted, oracle.rows - oracle.trial_not_converted]);
  await screenshot(page, 'segment-and-comparison');

  const link = page.url();
  assert.match(link, /[?&]v=1/);
  assert.ok(decodeURIComponent(link.replaceAll('+', ' ')).includes('plan = "trial"'), `the link carries the definition: ${link}`);

  const colleague = await openPage(browser, link, errors);
  await colleague.getByTestId('segment').waitFor();
  assert.equal(await colleague.getByTestId('segment-definition').inputValue(), 'plan = "trial" and converted = "no"');
  await pickFiles(colleague, [USERS]);
  assert.equal(await segmentSize(colleague), oracle.trial_not_converted);
  assert.deepEqual(errors, []);
  await page.close();
  await colleague.close();
});

test('an Excel workbook gets a clear message and what was loaded stays', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [USERS]);
  await page.getByTestId('file-card').waitFor();
  await pickFiles(page, [path.join(FIXTURES, 'workbook.xlsx')]);
  const alert = page.getByRole('alert').filter({ hasText: 'workbook.xlsx' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Excel/);
  assert.equal(await page.getByTestId('file-card').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Try sample data" loads the three sample exports and joins them', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
  assert.equal(await page.getByTestId('file-card').count(), 3);
  await page.getByTestId('population').filter({ hasText: oracle.rows.toLocaleString('en-US') }).waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('did "Export report" at least 3 times');
  const events = python(`
import csv, json, sys, collections
n = collections.Counter(r["user_id"].strip() for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')) if r["event"].strip() == "Export report")
print(json.dumps(sum(1 for c in n.values() if c >= 3)))`, path.join(SAMPLE, 'events.csv'));
  assert.equal(await segmentSize(page), events);
  await screenshot(page, 'sample-data');
  assert.deepEqual(errors, []);
  await page.close();
});
