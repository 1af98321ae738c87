// The Data view: the as-of date and join keys a person can change, carried by the link to a colleague's
// copy of the files; segments that need a column the files lack; bad files refused by name while what was
// loaded stays; accessible and usable on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, openPage, pickFiles, dropFiles, SAMPLE, FIXTURES, accessibilityProblems, screenshotWidths,
} from './harness.mjs';

const FILES = ['users.csv', 'events.csv', 'nps.csv'].map((f) => path.join(SAMPLE, f));
const RECENT = 'did "Login" in last 30 days';
let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** The segment size text once it shows a number of users. */
async function sizeOf(page, index) {
  const size = page.getByTestId('segment-size').nth(index);
  await size.filter({ hasText: 'users' }).waitFor();
  return size.textContent();
}

test('as-of date and join keys change the segments and travel in the link', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.getByTestId('file-card').nth(2).waitFor();
  const sentence = page.getByTestId('as-of-sentence');
  await sentence.filter({ hasText: '2025-06-30, the latest timestamp in the data' }).waitFor();
  assert.equal(await page.getByLabel('As-of date').inputValue(), '2025-06-30');

  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill(RECENT);
  const latest = await sizeOf(page, 0);

  // A year earlier, other users had logged in within 30 days.
  await page.getByLabel('As-of date').fill('2024-06-30');
  await sentence.filter({ hasText: '2024-06-30, the date you chose' }).waitFor();
  await page.getByTestId('segment-size').filter({ hasNotText: latest }).filter({ hasText: 'users' }).waitFor();
  const earlier = await sizeOf(page, 0);
  assert.notEqual(earlier, latest);

  // The survey taken as a table of user columns: coverage reports its repeated keys.
  const role = page.getByRole('combobox', { name: 'Role of nps.csv' });
  assert.equal(await role.inputValue(), 'linked');
  await role.selectOption('entity');
  const npsRow = page.getByTestId('join-table').locator('tr[data-file="nps.csv"]');
  await npsRow.filter({ hasText: 'keys repeat' }).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Key column of nps.csv' }).inputValue(), 'user_id');
  await page.getByTestId('segment-definition').fill(`${RECENT} and score >= 0`);
  await page.getByTestId('segment-size').filter({ hasNotText: earlier }).filter({ hasText: 'users' }).waitFor();
  const withScores = await sizeOf(page, 0);

  await page.getByTestId('copy-link').click();
  const link = page.url();
  assert.match(link, /asof=2024-06-30T23:59:59/);
  assert.match(link, /key=nps.csv~user_id~entity/);

  // A colleague opens the link and drops their copy of the same files.
  const other = await openPage(browser, link, errors);
  await dropFiles(other, FILES);
  await other.getByTestId('file-card').nth(2).waitFor();
  await other.getByTestId('as-of-sentence').filter({ hasText: '2024-06-30, the date you chose' }).waitFor();
  assert.equal(await other.getByLabel('As-of date').inputValue(), '2024-06-30');
  assert.equal(await other.getByRole('combobox', { name: 'Role of nps.csv' }).inputValue(), 'entity');
  assert.equal(await other.getByTestId('segment-definition').inputValue(), `${RECENT} and score >= 0`);
  await other.getByTestId('segment-size').filter({ hasText: withScores }).waitFor();

  // Back to the latest date in the data.
  await other.getByRole('button', { name: 'Use the latest date in the data' }).click();
  await other.getByTestId('as-of-sentence').filter({ hasText: 'the latest timestamp in the data' }).waitFor();
  assert.doesNotMatch(other.url(), /asof=/);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});

test('a link with a segment on a missing column disables just that segment', async () => {
  const errors = [];
  const query = '?v=1&s=Gold~2a9d8f~subscription_tier+%3D+%22gold%22&s=Trials~e76f51~plan+%3D+%22trial%22';
  const page = await openPage(browser, site.url + query, errors);
  await pickFiles(page, [FILES[0]]);
  await page.getByTestId('file-card').waitFor();
  const error = page.getByTestId('segment').nth(0).getByTestId('segment-error');
  await error.waitFor();
  assert.match(await error.textContent(),
    /needs column `subscription_tier`, which none of the loaded files has — load the file that has it, or edit the segment/);
  await sizeOf(page, 1);
  assert.equal(await page.getByTestId('segment').nth(1).getByTestId('segment-error').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bad files are refused by name and line while the files loaded before stay', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-bad-'));
  const write = (name, bytes) => { const p = path.join(dir, name); fs.writeFileSync(p, bytes); return p; };
  const big = path.join(dir, 'huge.csv');
  fs.writeFileSync(big, 'user_id\n');
  fs.truncateSync(big, 2 ** 30 + 1); // sparse: takes no disk
  const refused = [
    [write('empty.csv', ''), /empty\.csv.*empty/],
    [write('binary.csv', Buffer.from([0x00, 0xff, 0x10, 0x00, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01])), /binary\.csv/],
    [path.join(FIXTURES, 'workbook.xlsx'), /workbook\.xlsx.*Excel/],
    [big, /huge\.csv.*MB/],
  ];
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [FILES[0]]);
  await page.getByTestId('file-card').waitFor();
  for (const [file, message] of refused) {
    await pickFiles(page, [file]);
    const alert = page.getByRole('alert').filter({ hasText: message });
    await alert.first().waitFor();
    assert.equal(await page.getByTestId('file-card').count(), 1, `${path.basename(file)} left users.csv loaded`);
    assert.equal(await page.getByTestId('file-card').getAttribute('data-file'), 'users.csv');
  }

  // Files that read with problems load, and say where and what to do.
  await pickFiles(page, [write('header_only.csv', 'user_id,plan\n')]);
  await page.locator('[data-file="header_only.csv"]').getByTestId('file-warnings')
    .filter({ hasText: 'no data rows' }).waitFor();
  await pickFiles(page, [write('ragged.csv', 'user_id,plan,seats\nU1,pro,3\nU2,trial\nU3,pro,4,extra\n')]);
  const warnings = page.locator('[data-file="ragged.csv"]').getByTestId('file-warnings');
  await warnings.waitFor();
  const text = await warnings.textContent();
  assert.match(text, /line 3: 2 fields instead of 3/);
  assert.match(text, /line 4: 4 fields instead of 3/);
  assert.match(text, /What to do: .*export again with quoting/);
  assert.ok(await page.locator('[data-file="users.csv"]').count(), 'users.csv is still loaded');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a file is replaced by one of the same name, or removed, and the segments follow', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, FILES);
  await page.getByTestId('file-card').nth(2).waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('plan = "trial"');
  await sizeOf(page, 0);
  assert.match(await page.getByTestId('replace-hint').textContent(), /load a file of the same name/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-replace-'));
  const smaller = path.join(dir, 'crm_export_v2.csv');
  fs.writeFileSync(smaller, 'user_id,plan\nU000001,trial\nU000002,pro\n');
  await page.getByLabel('Replace users.csv with another export').setInputFiles(smaller);
  await page.getByTestId('segment-size').filter({ hasText: /^1 users/ }).waitFor();
  assert.equal(await page.locator('[data-file="crm_export_v2.csv"]').count(), 0, 'the file keeps its name');

  await page.getByRole('button', { name: 'Remove nps.csv' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('join-table').locator('tr[data-file="nps.csv"]').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Data view is accessible, keyboard-usable and fits a phone', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [...FILES, path.join(FIXTURES, 'hostile.csv')]);
  await page.getByTestId('file-card').nth(3).waitFor();
  await page.getByTestId('join-table').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);

  // Every control of the Data view has a name a screen reader announces.
  const unnamed = await page.locator('section[aria-labelledby="data-title"]').evaluate((section) =>
    [...section.querySelectorAll('input, select, button, textarea')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);

  // The keyboard alone changes a key column: the last column, amount, is no key, and the page says why.
  const key = page.getByRole('combobox', { name: 'Key column of events.csv' });
  await key.focus();
  await key.press('End');
  await page.getByTestId('join-summary').getByRole('status')
    .filter({ hasText: /chosen join keys could not be used.*amount/ }).waitFor();

  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.locator('section[aria-labelledby="data-title"]').evaluate((s) => s.scrollWidth - s.clientWidth);
  assert.ok(overflow <= 1, `the Data view is ${overflow}px wider than a 390px screen`);
  await screenshotWidths(page, 'data');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the join selects keep the focus when the table is drawn anew', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.getByTestId('file-card').nth(2).waitFor();
  const npsRow = page.getByTestId('join-table').locator('tr[data-file="nps.csv"]');
  const focusedIs = (label) => page.waitForFunction((l) => document.activeElement?.getAttribute('aria-label') === l, label, { timeout: 10000 });

  const role = page.getByRole('combobox', { name: 'Role of nps.csv' });
  await role.focus();
  await role.selectOption('entity');
  await npsRow.filter({ hasText: 'keys repeat' }).waitFor();
  await focusedIs('Role of nps.csv');

  // The keyboard goes on from there to the key column and changes it with the arrow keys.
  await page.keyboard.press('Tab');
  await focusedIs('Key column of nps.csv');
  await page.keyboard.press('ArrowDown');
  await npsRow.filter({ hasNotText: 'keys repeat' }).waitFor();
  await focusedIs('Key column of nps.csv');

  // Had the select lost the focus while the engine joined again (a row drawn from scratch), the redrawn
  // table gives it back (only once the engine has answered: the focus is nowhere until then).
  const key = page.getByRole('combobox', { name: 'Key column of nps.csv' });
  await key.evaluate((e) => {
    e.value = 'user_id';
    e.dispatchEvent(new Event('change', { bubbles: true }));
    e.blur();
  });
  await focusedIs('Key column of nps.csv');
  assert.equal(await key.inputValue(), 'user_id');
  assert.deepEqual(errors, []);
  await page.close();
});

test('files are read by the file reader worker, and still load when it cannot start', async () => {
  const rowsOf = async (page) => (await page.getByTestId('file-summary').first().textContent()).split(' rows')[0];
  const expected = (await fs.promises.readFile(FILES[1], 'utf8')).trimEnd().split('\n').length - 1;

  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [FILES[1]]);
  await page.getByTestId('file-card').waitFor();
  assert.equal(await rowsOf(page), expected.toLocaleString('en-US'));
  assert.ok(page.workers().some((w) => w.url().endsWith('/reader.js')), 'the file reader worker runs');
  assert.deepEqual(errors, []);
  await page.close();

  // Without the reader's script, the engine worker reads the file itself.
  const blocked = await browser.newPage();
  const pageErrors = [];
  blocked.on('pageerror', (e) => pageErrors.push(e.message));
  await blocked.route('**/reader.js', (route) => route.abort());
  await blocked.goto(site.url);
  await blocked.getByTestId('drop-zone').waitFor();
  await pickFiles(blocked, [FILES[1]]);
  await blocked.getByTestId('file-card').waitFor();
  assert.equal(await rowsOf(blocked), expected.toLocaleString('en-US'));
  assert.deepEqual(pageErrors, []);
  await blocked.close();
});

test('a column of JSON objects becomes a column per key that segments use', async () => {
  // A product-analytics export with its properties as JSON (quotes doubled around JSON's own \"), and a
  // CRM export with custom fields as JSON.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-json-'));
  const write = (name, text) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p; };
  const json = (o) => `"${JSON.stringify(o).replaceAll('"', '""')}"`;
  const users = ['user_id,custom_fields'];
  const events = ['uuid,event,distinct_id,timestamp,properties'];
  let expectedInvites = 0;
  for (let u = 1; u <= 40; u++) {
    const id = `U${String(u).padStart(3, '0')}`;
    users.push(`${id},${json({ industry: u % 3 ? 'Retail' : 'Banking', employees: u * 10 })}`);
    let seats = 0;
    for (let k = 0; k < u % 4; k++) {
      const day = String(1 + ((u + k) % 28)).padStart(2, '0');
      const n = (u * 7 + k) % 9;
      seats += n;
      events.push(`e${u}-${k},Invite sent,${id},2025-03-${day}T10:00:00Z,${json({ seats: n, note: `the "Q${k}" board`, $browser: 'Chrome' })}`);
    }
    if (seats > 10) expectedInvites++;
  }
  // Two anonymous events: the join table says they are left out, and why.
  events.push(`anon-1,$pageview,,2025-03-02T09:00:00Z,${json({ $browser: 'Safari' })}`);
  events.push(`anon-2,$pageview,,2025-03-03T09:00:00Z,${json({ $browser: 'Safari' })}`);
  const files = [write('crm.csv', users.join('\n') + '\n'), write('posthog_events.csv', events.join('\n') + '\n')];
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, files);
  const card = page.locator('[data-testid="file-card"][data-file="posthog_events.csv"]');
  await card.waitFor();
  await card.getByTestId('file-warnings').filter({ hasText: 'holds JSON objects' }).waitFor();
  assert.match(await card.getByTestId('file-warnings').textContent(),
    /properties.*each key read as a column of its own, `seats`, `note` and `\$browser`/);
  assert.equal(await card.locator('tr[data-column="seats"]').getByTestId('column-type').textContent(), 'integer');
  assert.equal(await card.locator('tr[data-column="properties"]').count(), 0);
  assert.match(await page.getByTestId('join-table').locator('tr[data-file="posthog_events.csv"]').textContent(),
    /2 rows have no distinct_id \(anonymous or system events\) and are left out/);
  const crm = page.locator('[data-testid="file-card"][data-file="crm.csv"]');
  assert.equal(await crm.locator('tr[data-column="employees"]').getByTestId('column-type').textContent(), 'integer');

  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill('sum(seats) of "Invite sent" > 10');
  await page.getByTestId('segment-size').first().filter({ hasText: new RegExp(`^${expectedInvites} users`) }).waitFor();
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').nth(1).fill('industry = "Banking" and employees >= 200');
  // Users 21 to 40 whose number is a multiple of 3: 21, 24, ..., 39.
  await page.getByTestId('segment-size').nth(1).filter({ hasText: /^7 users/ }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
