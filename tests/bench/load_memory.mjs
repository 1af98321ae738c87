// Loads files in the built page, as a person picking them would, and samples the resident memory of the
// browser's renderer process (the page and its engine worker) before, during and after each load. A
// measuring tool, run by hand: node tests/bench/load_memory.mjs FILE [FILE...]
import { execFileSync } from 'node:child_process';
import { serve, launch, openPage, pickFiles } from '../e2e/harness.mjs';

function rssByPid() {
  const out = execFileSync('ps', ['-eo', 'pid=,rss=,args='], { encoding: 'utf8' });
  const map = new Map();
  for (const line of out.split('\n')) {
    const m = line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/);
    if (m && /chrom/.test(m[3]) && /type=renderer/.test(m[3])) map.set(m[1], Number(m[2]) * 1024);
  }
  return map;
}

const files = process.argv.slice(2);
const site = await serve();
const browser = await launch();
const errors = [];
const page = await openPage(browser, site.url, errors);
let peak = 0;
await page.waitForTimeout(1500);
console.log(`renderer resident before any file: ${(Math.max(...rssByPid().values()) / 1e6).toFixed(0)} MB`);
const timer = setInterval(() => { for (const v of rssByPid().values()) peak = Math.max(peak, v); }, 100);
for (const [i, file] of files.entries()) {
  const t0 = Date.now();
  peak = 0;
  await pickFiles(page, [file]);
  const done = page.getByTestId('file-card').nth(i);
  const alert = page.getByRole('alert');
  await Promise.race([done.waitFor({ timeout: 600000 }), alert.first().waitFor({ timeout: 600000 })]);
  if (await alert.count()) console.log('alert:', await alert.allTextContents());
  // The join runs after the load; wait for the worker to go idle.
  await page.waitForTimeout(500);
  await page.waitForFunction(() => !document.querySelector('[role="progressbar"]'), null, { timeout: 600000 });
  const after = Math.max(...rssByPid().values());
  console.log(`${file}: ${Date.now() - t0} ms; renderer resident now ${(after / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB`);
}
console.log('card text:', (await page.getByTestId('file-card').allTextContents()).map((t) => t.slice(0, 120)));
console.log('errors:', errors);
clearInterval(timer);
await browser.close();
await site.close();
