// A file large enough to be read in two halves at once (the engine worker reads the first, a helper
// worker the second): every row is there, and problems in the second half are reported on their own
// lines, as Python's csv module counts them. That the two halves give exactly what reading the file whole
// gives is tested in seglab-core (tests/ingest_parts.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openPage, pickFiles, python } from './harness.mjs';

let site, browser, dir;
before(async () => {
  site = await serve();
  browser = await launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-large-'));
});
after(async () => {
  await browser?.close();
  await site?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Writes a 40 MB export: quoted fields with commas and line ends throughout, non-ASCII text and rows
// with a field too many in the second half. Prints the oracle: data rows, and the lines of the long rows.
const GENERATE = `
import csv, json, sys
path = sys.argv[1]
rows = 800_000
with open(path, 'w', newline='', encoding='utf-8') as f:
    f.write('user_id,email,plan,visits,signup,note\\n')
    for i in range(rows):
        note = ''
        if i % 997 == 0:
            note = '"first line\\nsecond line, with a comma"'
        elif i % 13 == 0:
            note = 'a note'
        if i > rows * 3 // 4 and i % 5003 == 0:
            note = 'café crème'
        extra = ',surplus' if i in (rows * 2 // 3, rows * 2 // 3 + 7, rows - 10) else ''
        plan = ('free', 'pro', 'team', 'enterprise')[i % 4]
        f.write(f'U{i:07},user{i}@example.com,{plan},{i % 500},2025-{1 + i % 12:02}-{1 + i % 28:02},{note}{extra}\\n')
long_lines = []
with open(path, newline='', encoding='utf-8') as f:
    reader = csv.reader(f)
    next(reader)
    count = 0
    for record in reader:
        count += 1
        if len(record) > 6:
            long_lines.append(reader.line_num)
print(json.dumps({'rows': count, 'long_lines': long_lines, 'size': __import__('os').path.getsize(path)}))
`;

test('a large file read in two halves has every row, and its problems on their lines', async () => {
  const file = path.join(dir, 'large_export.csv');
  const oracle = python(GENERATE, file);
  assert.ok(oracle.size > 36 * 1024 * 1024, `the file is large enough to be read in halves (${oracle.size})`);
  assert.equal(oracle.long_lines.length, 3);
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  // The helper worker starts with the engine worker, and is replaced by a fresh one after each half it
  // reads (giving back its memory): one more worker once the file is in means the half was read there.
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.waitForTimeout(1500);
  const workersBefore = workers.length;
  await pickFiles(page, [file]);
  const card = page.getByTestId('file-card');
  await card.waitFor({ timeout: 60000 });
  const summary = await page.getByTestId('file-summary').textContent();
  assert.match(summary, new RegExp(`^${oracle.rows.toLocaleString('en-US')} rows · 6 columns`));
  assert.match(summary, /utf-8/);
  const warnings = await page.getByTestId('file-warnings').textContent();
  for (const line of oracle.long_lines) {
    assert.match(warnings, new RegExp(`line ${line}: 7 fields instead of 6`), `line ${line} in ${warnings}`);
  }
  const types = await page.getByTestId('column-type').allTextContents();
  assert.deepEqual(types, ['id', 'id', 'category', 'integer', 'date', 'category']);
  for (let i = 0; i < 50 && workers.length === workersBefore; i += 1) await page.waitForTimeout(100);
  assert.equal(workers.length, workersBefore + 1, `a fresh helper after the half: ${JSON.stringify(workers)}`);
  assert.deepEqual(errors, []);
});
