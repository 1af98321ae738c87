// The Impact view as a person uses it on the sample: two segments (Software and Retail companies), an
// experiment readout with the CRM vendor as the variant, a before/after around a date, a weekly retention
// heatmap and a funnel; the numbers shown are checked against Python and DuckDB, the view against axe,
// and it is photographed at desktop and phone widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, openPage, python, accessibilityProblems, screenshotWidths, SAMPLE } from './harness.mjs';

let site, browser;
before(async () => { site = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

// DuckDB over the sample files: the same definitions as seglab-core's impact module.
const oracle = python(`
import json, sys, duckdb
d = sys.argv[1]
con = duckdb.connect()
con.execute(f"""
  create view u as select * from read_csv('{d}/users.csv', all_varchar=true);
  create view e as select user_id, event, epoch("timestamp")::bigint t from read_csv('{d}/events.csv');
""")
q = lambda s: con.execute(s).fetchall()
arms = {p: [n, y / n] for p, n, y in q("""
  select crm_vendor, count(*), count(*) filter (where lower(converted) = 'yes')
  from u where converted in ('yes', 'no') and crm_vendor is not null group by 1""")}
at, w = 20148 * 86400, 28 * 86400
ba = {}
for ind in ('Software', 'Retail'):
    ba[ind] = q(f"""
      with c as (select u.user_id, coalesce(u.industry = '{ind}', false) as g,
          count(e.t) filter (where e.t >= {at - w} and e.t < {at}) b,
          count(e.t) filter (where e.t >= {at} and e.t < {at + w}) a
        from u left join e on e.user_id = u.user_id and e.event = 'Login' group by all)
      select avg(b) filter (where g), avg(a) filter (where g),
             avg(a - b) filter (where g) - avg(a - b) filter (where not g) from c""")[0]
# Weekly retention by first event, returning with Login: the first cohort's size and its week 1.
first = q("""
  with s as (select user_id, min(t) s from e group by 1),
       c as (select *, date_trunc('week', make_timestamp(s * 1000000))::date cohort from s),
       f as (select * from c where cohort = (select min(cohort) from c))
  select (select count(*) from f),
         (select count(distinct f.user_id) from f join e using (user_id)
          where e.event = 'Login' and e.t >= f.s + 7 * 86400 and e.t < f.s + 14 * 86400)""")[0]
# The funnel: greedy earliest steps, each strictly later than the one before, within 14 days of step 1.
steps = ['Create report', 'Export report', 'Invite teammate', 'Upgrade']
sql = [f"s1 as (select user_id, min(t) t1 from e where event = '{steps[0]}' group by 1)"]
for i in range(2, 5):
    prev = ', '.join(f's.t{j}' for j in range(1, i))
    sql.append(f"""s{i} as (select s.user_id, {prev}, min(e.t) t{i} from s{i-1} s join e
      on e.user_id = s.user_id and e.event = '{steps[i-1]}' and e.t > s.t{i-1} and e.t <= s.t1 + 14 * 86400 group by all)""")
reached = [q('with ' + ', '.join(sql) + f' select count(*) from s{i}')[0][0] for i in range(1, 5)]
print(json.dumps({"arms": arms, "ba": ba, "first": first, "reached": reached}))
`, SAMPLE);

const number = (text) => Number(text.replace(/[,%+]/g, '').replace('−', '-').trim().split(/\s+/)[0]);

async function segment(page, index, name, definition) {
  await page.getByRole('button', { name: 'Add segment' }).click();
  await page.getByLabel('Segment name').nth(index).fill(name);
  await page.getByLabel('Segment name').nth(index).press('Tab');
  await page.getByTestId('segment-definition').nth(index).fill(definition);
  const compare = page.getByRole('checkbox', { name: 'Compare', exact: true }).nth(index);
  if (!(await compare.isChecked())) await compare.check();
  await page.getByTestId('segment-size').nth(index).filter({ hasText: 'users' }).waitFor({ timeout: 15000 });
}

test('the Impact view: experiment, before/after, retention and funnel on the sample', async () => {
  const errors = [];
  const page = await openPage(browser, site.url, errors);
  await page.getByRole('button', { name: 'Try sample data' }).click();
  await page.locator('[data-testid="file-card"][data-file="nps.csv"]').waitFor({ timeout: 30000 });
  await segment(page, 0, 'Software', 'industry = "Software"');
  await segment(page, 1, 'Retail', 'industry = "Retail"');
  const impact = page.getByRole('region', { name: 'Impact' });

  // Experiment: the CRM vendor as the variant, HubSpot as control, converted as the outcome.
  const variant = impact.getByTestId('variant-column');
  await variant.locator('option[value="crm_vendor"]').waitFor({ state: 'attached', timeout: 15000 });
  await variant.selectOption('crm_vendor');
  await impact.getByTestId('control-arm').selectOption('HubSpot');
  await impact.getByRole('group', { name: /Outcome columns/ }).getByLabel('converted', { exact: true }).check();
  await impact.getByRole('checkbox', { name: /Bonferroni/ }).check();
  await impact.getByRole('button', { name: 'Run experiment readout' }).click();
  const metric = impact.locator('table[data-metric="converted"]');
  await metric.waitFor({ timeout: 15000 });
  for (const [arm, [n, rate]] of Object.entries(oracle.arms)) {
    const row = metric.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^everyone$/ }) })
      .filter({ has: page.locator('td', { hasText: new RegExp(`^${arm}$`) }) });
    assert.equal(number(await row.getByTestId('n').textContent()), n, `users in ${arm}`);
    assert.ok(Math.abs(number(await row.getByTestId('value').textContent()) - rate * 100) <= 0.051, `rate of ${arm}`);
  }
  assert.match(await impact.getByTestId('sample-ratio').textContent(), /mismatch/, 'the vendors are not an even split');
  assert.match(await impact.getByTestId('experiment-warnings').textContent(), /sample-ratio mismatch/);
  assert.match(await impact.getByTestId('interactions').first().textContent(), /differ between the (two )?segments/);
  assert.match(await metric.locator('thead').textContent(), /Bonferroni/);

  // Before/after: Logins in the 28 days around 2025-03-01.
  await impact.getByTestId('before-after-event').selectOption('Login');
  await impact.getByTestId('before-after-date').fill('2025-03-01');
  await impact.getByTestId('before-after-days').fill('28');
  await impact.getByRole('button', { name: 'Compare before and after' }).click();
  const ba = impact.getByTestId('before-after');
  await ba.waitFor({ timeout: 15000 });
  for (const name of ['Software', 'Retail']) {
    const row = ba.locator('tbody tr').filter({ has: page.locator('th', { hasText: name }) });
    const [b, a, did] = oracle.ba[name];
    assert.ok(Math.abs(number(await row.getByTestId('before').textContent()) - b) < 0.01, `${name} before`);
    assert.ok(Math.abs(number(await row.getByTestId('after').textContent()) - a) < 0.01, `${name} after`);
    assert.ok(Math.abs(number(await row.getByTestId('did').textContent()) - did) < 0.01, `${name} difference in differences`);
  }

  // Retention: weekly cohorts by first event, coming back with a Login.
  await impact.getByTestId('retention-return').selectOption('Login');
  await impact.getByTestId('retention-periods').fill('8');
  await impact.getByRole('button', { name: 'Show retention' }).click();
  const heatmap = impact.locator('[data-testid="retention-heatmap"][data-segment="everyone"]');
  await heatmap.waitFor({ timeout: 15000 });
  const firstRow = heatmap.locator('tbody tr').first();
  const cells = firstRow.locator('td');
  assert.equal(number(await cells.nth(0).textContent()), oracle.first[0], 'the first cohort has the users DuckDB finds');
  assert.match(await cells.nth(2).textContent(), new RegExp(`${oracle.first[1]} / ${oracle.first[0]}$`), 'week 1 returned / eligible');
  assert.equal(await impact.getByTestId('retention').locator('tbody tr').count(), 3, 'curves for everyone and both segments');
  await impact.getByTestId('retention-curve').waitFor();

  // Funnel: the default steps, run from the keyboard.
  await impact.getByTestId('funnel-within').fill('14');
  await impact.getByRole('button', { name: 'Show funnel' }).focus();
  await page.keyboard.press('Enter');
  const funnel = impact.getByTestId('funnel');
  await funnel.waitFor({ timeout: 15000 });
  const everyone = funnel.locator('tbody tr[data-segment="everyone"]');
  const shown = [];
  for (let k = 0; k < 4; k++) shown.push(number(await everyone.nth(k).getByTestId('reached').textContent()));
  assert.deepEqual(shown, oracle.reached);
  assert.match(await everyone.nth(1).getByTestId('median-time').textContent(), /min|h|days/);

  assert.deepEqual(await accessibilityProblems(page), []);
  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page at 390 px (${overflow} px too wide)`);
  await impact.scrollIntoViewIfNeeded();
  await screenshotWidths(page, 'impact');
  assert.deepEqual(errors, []);
  await page.close();
});
