// The Compare view as a person uses it on the sample data: pick two segments and a baseline, see what
// distinguishes one from everyone else and jump to a column, break the groups down by country, read the
// NPS, download the comparison, the report and a segment's members, reopen the same comparison from the
// link, and check the view is accessible and usable on a phone. pandas is the oracle for the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openPage, python, accessibilityProblems, screenshotWidths, SAMPLE } from './harness.mjs';

let site, browser;

before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const oracle = python(`
import json, sys, os
import pandas as pd
d = sys.argv[1]
u = pd.read_csv(os.path.join(d, "users.csv"), dtype=str, keep_default_na=False)
n = pd.read_csv(os.path.join(d, "nps.csv"), dtype=str, keep_default_na=False)
key = lambda s: s.str.strip().str.upper()
u["k"] = key(u["user_id"]); n["k"] = key(n["user_id"])
n = n[n["score"].str.strip() != ""].copy()
n["score"] = n["score"].astype(float)
latest = n.sort_values("date").groupby("k").tail(1).set_index("k")["score"]
pro = u["plan"].str.strip() == "pro"
de = u["country"].str.strip() == "Germany"
out = {}
for name, mask in {"pro": pro, "germany": de, "rest": ~(pro | de)}.items():
    s = latest.reindex(u[mask]["k"]).dropna()
    out[name] = {
        "size": int(mask.sum()),
        "germans": int((mask & de).sum()),
        "nps": round(float(100 * ((s >= 9).mean() - (s <= 6).mean()))),
    }
print(json.dumps(out))`, SAMPLE);

const number = (text) => Number(text.replaceAll(',', '').trim());

async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return fs.readFileSync(await file.path(), 'utf8');
}

async function loadSample(page) {
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
}

test('the Compare view: segments, baseline, distinguish, breakdown, NPS, exports, link, accessibility', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await loadSample(page);

  // Two segments; the first is compared as soon as it exists, the second is picked in the view.
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').nth(0).fill('plan = "pro"');
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').nth(1).fill('country = "Germany"');
  const chooser = page.getByTestId('compare-chooser');
  await chooser.getByLabel('Segment 2', { exact: true }).check();
  const comparison = page.getByTestId('comparison');
  await comparison.locator('tr[data-group="Segment 2"]').waitFor();
  const sizes = (await comparison.getByTestId('group-size').allTextContents()).map(number);
  assert.deepEqual(sizes, [oracle.pro.size, oracle.germany.size, oracle.rest.size]);

  // The baseline: Segment 2; the groups table says so and the findings are against it.
  await page.getByTestId('baseline').selectOption({ label: 'Segment 2' });
  await comparison.locator('tr[data-group="Segment 2"]', { hasText: '(baseline)' }).waitFor();
  await comparison.getByRole('heading', { name: 'What differs from Segment 2' }).waitFor();

  // What distinguishes Segment 1 from everyone else; a line jumps to its column, highlighted.
  await page.getByTestId('distinguish-a').selectOption({ label: 'Segment 1' });
  await page.getByTestId('distinguish-b').selectOption({ label: 'Everyone else' });
  await page.getByRole('button', { name: 'Show what distinguishes them' }).click();
  const lines = page.getByTestId('distinguished').locator('li button');
  await lines.first().waitFor();
  assert.ok(await lines.count() > 0);
  const column = await lines.first().getAttribute('data-column');
  await lines.first().click();
  const detail = page.locator(`section.column-detail[data-column="${column}"]`);
  await detail.and(page.locator('.highlight')).waitFor();
  assert.equal(await detail.evaluate((el) => el === document.activeElement), true, 'the focus moves to the column');

  // The breakdown by country: the Germans of Segment 2 are all of it.
  await page.getByTestId('breakdown-column').selectOption('country');
  const germany = page.getByTestId('pivot').locator('tr', { has: page.getByRole('rowheader', { name: 'Germany', exact: true }) });
  await germany.waitFor();
  const cells = await germany.locator('td').allTextContents();
  assert.equal(cells.length, 3);
  assert.match(cells[1], /^100\.0% /);
  assert.equal(number(cells[1].split('·')[1]), oracle.germany.germans);
  assert.equal(number(cells[0].split('·')[1]), oracle.pro.germans);

  // NPS per group, picked from the survey's score without asking.
  const scores = page.getByTestId('nps').getByTestId('nps-score');
  await scores.first().waitFor();
  const nps = (await scores.allTextContents()).map((t) => Number(t.split(' ')[0]));
  assert.deepEqual(nps, [oracle.pro.nps, oracle.germany.nps, oracle.rest.nps]);

  // Exports: the comparison as CSV and as an HTML page, and Segment 1's members.
  const csv = await download(page, () => page.getByRole('button', { name: 'Download comparison (CSV)' }).click());
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'column,type,segment,statistic,value,ci_low,ci_high,n,p_adjusted,significant,sentence');
  assert.ok(rows.some((r) => r.startsWith('arr,decimal,Segment 1,mean,') || r.startsWith('arr,integer,Segment 1,mean,')), 'the mean of arr for Segment 1');
  const html = await download(page, () => page.getByRole('button', { name: 'Download report (HTML)' }).click());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(!html.includes('<script'), 'the report runs nothing');
  await page.getByTestId('members-of').selectOption({ label: 'Segment 1' });
  const members = await download(page, () => page.getByRole('button', { name: 'Download members (CSV)' }).click());
  const memberRows = members.trim().split('\n');
  assert.ok(memberRows[0].startsWith('user_id,'));
  assert.equal(memberRows.length, oracle.pro.size + 1);

  // Accessible, and usable at 390 px: nothing wider than the screen outside the tables' own scrolling.
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.locator('#compare-title').scrollIntoViewIfNeeded();
  await screenshotWidths(page, 'compare');
  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > 392 && !el.closest('.table-scroll'))
    .slice(0, 8).map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)} ${el.closest('section')?.id || el.closest('section')?.getAttribute('aria-labelledby') || ''}`));
  assert.ok(overflow <= 391, `the page is ${overflow} px wide at 390 px: ${wide.join(' | ')}`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The link reopens the same comparison: both segments compared, Segment 2 the baseline.
  const link = page.url();
  const colleague = await openPage(browser, link, errors);
  await loadSample(colleague);
  const again = colleague.getByTestId('comparison');
  await again.locator('tr[data-group="Segment 2"]', { hasText: '(baseline)' }).waitFor();
  assert.equal(await colleague.getByTestId('compare-chooser').getByLabel('Segment 1', { exact: true }).isChecked(), true);
  assert.equal(await colleague.getByTestId('compare-chooser').getByLabel('Segment 2', { exact: true }).isChecked(), true);

  assert.deepEqual(errors, []);
  await page.close();
  await colleague.close();
});
