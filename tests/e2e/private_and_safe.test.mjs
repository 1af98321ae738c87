// Private by construction and safe with hostile files: after the page has loaded, nothing goes over the
// network while files are read, segmented and compared; and cell values render as text, never as markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, dropFiles, SAMPLE, FIXTURES } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

test('no request leaves the page while files are loaded and analysed', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  // The initial load ends when the offline cache holds the site and the network is quiet.
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60000 });
  await page.waitForLoadState('networkidle');
  // Everything the page, its engine worker and its service worker ask for, from now on.
  const requests = [];
  const context = page.context();
  context.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  page.on('websocket', (w) => requests.push(`websocket ${w.url()}`));
  page.on('worker', (w) => requests.push(`worker ${w.url()}`));
  const beacons = () => page.evaluate(() => performance.getEntriesByType('resource').length);
  const resourcesBefore = await beacons();

  await pickFiles(page, ['users.csv', 'events.csv'].map((f) => path.join(SAMPLE, f)));
  await page.locator('[data-testid="file-card"]').nth(1).waitFor();
  await dropFiles(page, [path.join(SAMPLE, 'nps.csv')]);
  await page.locator('[data-testid="file-card"]').nth(2).waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "pro" and did "Export report" at least 2 times');
  await page.getByTestId('comparison').waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').nth(1).fill('plan = "trial" ignoring case');
  await page.getByTestId('segment-size').nth(1).filter({ hasText: 'users' }).waitFor({ timeout: 15000 });
  await page.getByTestId('comparison').waitFor();
  await page.waitForTimeout(1000);
  assert.deepEqual(requests, [], 'the page made requests after load');
  assert.equal(await beacons(), resourcesBefore, 'no resource was fetched after load');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /connect-src 'self';/);
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /https?:|\*/, 'no other origin is allowed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('cell values and column names full of markup render as text and never run', async () => {
  const errors = [];
  const page = await openPage(browser, `${site.url}?v=1&s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E~2a9d8f~name%20contains%20%22%3Cscript%3E%22`, errors);
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await pickFiles(page, [path.join(FIXTURES, 'hostile.csv')]);
  await page.getByTestId('file-card').waitFor();
  await page.getByTestId('segment-size').filter({ hasText: 'users' }).waitFor();
  const text = await page.locator('main').innerText();
  assert.ok(text.includes('<script>window.__pwned=1</script>') || text.includes('<img src=x onerror'), 'markup is shown as text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('main img, main script, main svg[onload]').count(), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await page.close();
});
