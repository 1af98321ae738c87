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
