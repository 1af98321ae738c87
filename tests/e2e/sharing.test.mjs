// Sharing segments: the link (including a damaged one), SQL for a warehouse, export and import as JSON, and
// the segments of the last visit coming back from this browser's storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, SAMPLE } from './harness.mjs';

const USERS = path.join(SAMPLE, 'users.csv');
let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

test('a damaged link parameter is named and the rest of the link still loads', async () => {
  const errors = [];
  const page = await openPage(browser, `${site.url}?v=1&s=Pro~2a9d8f~plan%20%3D%20%22pro%22&s=Broken&cmp=Pro`, errors);
  await page.getByTestId('segment').first().waitFor();
  assert.equal(await page.getByTestId('segment').count(), 1);
  assert.equal(await page.getByTestId('segment-definition').inputValue(), 'plan = "pro"');
  const warning = page.getByRole('status').filter({ hasText: 'The link' });
  await warning.first().waitFor();
  assert.match(await warning.first().textContent(), /`s`/);
  await pickFiles(page, [USERS]);
  await page.getByTestId('comparison').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a segment exports as SQL for a warehouse', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [USERS]);
  await page.getByTestId('file-card').waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "pro" and employees > 50');
  await page.getByRole('button', { name: 'SQL', exact: true }).click();
  const sql = await page.getByTestId('segment-sql').textContent();
  assert.match(sql, /^SELECT u\."user_id" FROM users AS u/);
  assert.match(sql, /"plan"/);
  await page.getByRole('combobox', { name: 'Dialect' }).selectOption('BigQuery');
  await page.getByTestId('segment-sql').filter({ hasText: '`plan`' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('segments export to a JSON file, import back, and return on the next visit', async () => {
  const errors = [];
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "enterprise"');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export segments' }).click(),
  ]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-')), 'segments.json');
  await download.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.seglab_segments, 1);
  assert.deepEqual(exported.segments.map((s) => s.definition), ['plan = "enterprise"']);

  // The next visit, without a link, finds the segments saved in this browser.
  const again = await context.newPage();
  await again.goto(site.url);
  await again.getByTestId('segment').waitFor();
  assert.equal(await again.getByTestId('segment-definition').inputValue(), 'plan = "enterprise"');

  // Importing replaces the list; a file that is not a segment list says so and changes nothing.
  exported.segments.push({ name: 'Trials', color: '#e76f51', definition: 'plan = "trial"' });
  fs.writeFileSync(file, JSON.stringify(exported));
  await again.getByTestId('import-segments').setInputFiles(file);
  await again.getByTestId('segment').nth(1).waitFor();
  fs.writeFileSync(file, '{"rows": [1, 2, 3]}');
  await again.getByTestId('import-segments').setInputFiles(file);
  const alert = again.getByRole('alert').filter({ hasText: 'not a Seglab segment list' });
  await alert.waitFor();
  assert.equal(await again.getByTestId('segment').count(), 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a column type chosen by the user re-reads the file and travels in the link', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [USERS]);
  const row = page.locator('tr[data-column="employees"]');
  await row.waitFor();
  assert.equal((await row.getByTestId('column-type').textContent()).trim(), 'integer');
  await row.getByRole('combobox', { name: 'Read employees as' }).selectOption('category');
  await row.getByTestId('column-type').filter({ hasText: 'category' }).waitFor();
  assert.match(decodeURIComponent(page.url()), /type=.*employees:category/);

  const colleague = await openPage(browser, page.url(), errors);
  await pickFiles(colleague, [USERS]);
  await colleague.locator('tr[data-column="employees"]').getByTestId('column-type').filter({ hasText: 'category' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
  await colleague.close();
});

test('the Impact view shows a funnel and retention per compared segment', async () => {
  const errors = [];
  const page = await openPage(browser, `${site.url}?v=1&s=Converted~2a9d8f~converted%20%3D%20yes&cmp=Converted`, errors);
  await pickFiles(page, ['users.csv', 'events.csv'].map((f) => path.join(SAMPLE, f)));
  await page.locator('[data-testid="file-card"]').nth(1).waitFor();
  await page.getByTestId('comparison').waitFor();
  await page.getByRole('button', { name: 'Show funnel' }).click();
  const funnel = page.getByTestId('funnel');
  await funnel.waitFor();
  assert.match(await funnel.textContent(), /Converted/);
  await page.getByRole('button', { name: 'Show retention' }).click();
  await page.getByTestId('retention').waitFor();
  assert.equal(await page.getByTestId('retention').locator('tbody tr').count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('two compared segments show their overlap', async () => {
  const errors = [];
  const link = `${site.url}?v=1&s=Pro~2a9d8f~plan%20%3D%20%22pro%22&s=Big~e76f51~employees%20%3E%20100&cmp=Pro,Big`;
  const page = await openPage(browser, link, errors);
  await pickFiles(page, [USERS]);
  const overlap = page.getByTestId('overlap');
  await overlap.waitFor();
  const oracle = JSON.parse((await import('node:child_process')).execFileSync('python3', ['-c', `
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
def emp(r):
    try: return float(r["employees"])
    except ValueError: return None
both = sum(1 for r in rows if r["plan"].strip() == "pro" and (emp(r) or 0) > 100)
print(json.dumps(both))`, USERS], { encoding: 'utf8' }));
  const cell = await overlap.locator('tbody tr').first().locator('td').nth(1).textContent();
  assert.equal(Number(cell.split(' ')[0].replaceAll(',', '')), oracle);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Discover finds groups with unusual conversion and saves one as a segment', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [USERS]);
  await page.getByTestId('file-card').waitFor();
  await page.getByRole('combobox', { name: 'Target' }).selectOption('converted');
  await page.getByRole('button', { name: 'Find segments' }).click();
  const rules = page.getByTestId('rules');
  await rules.waitFor();
  assert.ok(await rules.locator('tbody tr').count() > 0);
  const before = await page.getByTestId('segment').count();
  await rules.getByRole('button', { name: 'Save as segment' }).first().click();
  await page.getByTestId('segment').nth(before).waitFor();
  const size = page.getByTestId('segment-size').nth(before);
  await size.filter({ hasText: 'users' }).waitFor();
  const users = Number((await size.textContent()).split(' ')[0].replaceAll(',', ''));
  const listed = Number((await rules.locator('tbody tr').first().locator('td').nth(1).textContent()).replaceAll(',', ''));
  assert.equal(users, listed, 'the saved segment has exactly the members the rule listed');
  assert.deepEqual(errors, []);
  await page.close();
});
