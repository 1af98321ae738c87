// Once opened, the page works without a network: its service worker keeps the site's own files (the page,
// its scripts and WebAssembly, the sample data) and answers from them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, SAMPLE } from './harness.mjs';
import path from 'node:path';
import { python } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

test('after one visit the page opens offline, loads the sample and evaluates a segment', async () => {
  const errors = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(site.url);
  await page.getByTestId('drop-zone').waitFor();
  // The worker installs (stores every file), activates and takes control of this page.
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60000 });

  await context.setOffline(true);
  let served = 0;
  page.on('requestfinished', () => { served += 1; });
  await page.reload();
  await page.getByTestId('drop-zone').waitFor();
  assert.ok(served > 0, 'the reload was answered');
  assert.equal(await page.evaluate(() => navigator.onLine), false);

  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('did "Export report" at least 3 times');
  const size = page.getByTestId('segment-size').first();
  await size.filter({ hasText: 'users' }).waitFor({ timeout: 15000 });
  const expected = python(`
import csv, json, sys, collections
n = collections.Counter(r["user_id"].strip() for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')) if r["event"].strip() == "Export report")
print(json.dumps(sum(1 for c in n.values() if c >= 3)))`, path.join(SAMPLE, 'events.csv'));
  assert.equal(Number((await size.textContent()).split(' ')[0].replaceAll(',', '')), expected);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a shared link (segments in the query string) also opens offline', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60000 });
  await context.setOffline(true);
  await page.goto(`${site.url}?v=1&s=Trials~2a9d8f~plan%20%3D%20%22trial%22`);
  await page.getByTestId('segment').waitFor();
  assert.equal(await page.getByTestId('segment-definition').inputValue(), 'plan = "trial"');
  await context.close();
});
