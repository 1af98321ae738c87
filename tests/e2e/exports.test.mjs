// Two differently shaped real-world exports, walked end to end in the page: a German CRM export
// (semicolons, decimal commas, d.m.y dates, UTF-8 with BOM) and a French contact list saved as Excel "Unicode text"
// (UTF-16 with BOM, tabs). The page must show what it detected, and a segment on each must have the size
// pandas finds when told the file's dialect. The fixtures come from fixtures/make_exports.py.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, python, FIXTURES } from './harness.mjs';

const CRM = path.join(FIXTURES, 'crm_de.csv');
const CONTACTS = path.join(FIXTURES, 'contacts_utf16.txt');
let site, browser;

before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

const oracle = python(`
import json, sys
import pandas as pd
crm = pd.read_csv(sys.argv[1], sep=';', decimal=',', encoding='utf-8-sig')
crm['Anmeldedatum'] = pd.to_datetime(crm['Anmeldedatum'], format='%d.%m.%Y')
contacts = pd.read_csv(sys.argv[2], sep='\\t', encoding='utf-16')
print(json.dumps({
  'crm_rows': len(crm),
  'crm_columns': len(crm.columns),
  'crm_segment': int(((crm['Umsatz (EUR)'] > 500.5) & (crm['Anmeldedatum'] >= '2024-07-01') & (crm['Aktiv'] == 'ja')).sum()),
  'contacts_rows': len(contacts),
  'contacts_columns': len(contacts.columns),
  'contacts_segment': int(((contacts['Sièges'] >= 50) & contacts['Commentaire'].fillna('').str.lower().str.contains('é')).sum()),
}))`, CRM, CONTACTS);

async function segmentSize(page, definition) {
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByTestId('segment-definition').fill(definition);
  const size = page.getByTestId('segment-size').first();
  await size.filter({ hasText: /users|rows/ }).waitFor({ timeout: 15000 });
  return Number((await size.textContent()).split(' ')[0].replaceAll(',', ''));
}

async function typeOf(card, column) {
  return (await card.locator(`tr[data-column="${column}"] [data-testid="column-type"]`).textContent()).trim();
}

test('a German CRM export: semicolons, decimal commas and d.m.y dates', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [CRM]);
  const card = page.getByTestId('file-card');
  await card.waitFor();
  const summary = await page.getByTestId('file-summary').textContent();
  assert.match(summary, new RegExp(`^${oracle.crm_rows} rows · ${oracle.crm_columns} columns`), summary);
  assert.match(summary, / · utf-8 · /, summary);
  assert.match(summary, /delimiter semicolon/, summary);
  assert.equal(await typeOf(card, 'Umsatz (EUR)'), 'decimal');
  assert.equal(await typeOf(card, 'Anmeldedatum'), 'date');
  assert.equal(await typeOf(card, 'Lizenzen'), 'integer');
  assert.equal(await typeOf(card, 'Aktiv'), 'boolean');
  const size = await segmentSize(page, '`Umsatz (EUR)` > 500.5 and Anmeldedatum >= 2024-07-01 and Aktiv = yes');
  assert.equal(size, oracle.crm_segment);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a UTF-16 contact list with a BOM and tabs', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await pickFiles(page, [CONTACTS]);
  const card = page.getByTestId('file-card');
  await card.waitFor();
  const summary = await page.getByTestId('file-summary').textContent();
  assert.match(summary, new RegExp(`^${oracle.contacts_rows} rows · ${oracle.contacts_columns} columns`), summary);
  assert.match(summary, / · utf-16le · /, summary);
  assert.match(summary, /delimiter tab/, summary);
  assert.equal(await typeOf(card, 'Sièges'), 'integer');
  assert.equal(await typeOf(card, 'Inscrit le'), 'datetime');
  const examples = await card.locator('tr[data-column="Commentaire"]').textContent();
  assert.match(examples, /[À-ÿ]/, `accented text decoded: ${examples}`);
  assert.doesNotMatch(examples, /\uFFFD|Ã/, 'no replacement characters or mojibake');
  const size = await segmentSize(page, '`Sièges` >= 50 and Commentaire contains "é" ignoring case');
  assert.equal(size, oracle.contacts_segment);
  assert.deepEqual(errors, []);
  await page.close();
});
