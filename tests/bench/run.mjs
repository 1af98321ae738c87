// The driver of `cargo xtask bench`: serves the built site, the benchmark page and node_modules on a
// loopback port, runs one headless Chromium session, measures interleaved (A B C D A B C D ...), prints
// medians and ratios and writes them as JSON. Configuration comes from the environment (set by xtask):
//   SEGLAB_DIST      the built site
//   BENCH_USERS      users.csv
//   BENCH_EVENTS     event files, separated by the path separator ':'; behavioural segments are timed on
//                    the first, the retention table and the funnel on the last
//   BENCH_RUNS       runs per measurement
//   BENCH_OUT        the JSON results file
//   BENCH_ONLY       `loads` to measure loading files only, Seglab against DuckDB-WASM (no uDSV, PapaParse,
//                    segments, comparison, Impact or discovery)
// Times are reported, never asserted.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import { launch } from '../e2e/harness.mjs';

const HERE = import.meta.dirname;
const NODE_MODULES = path.resolve(HERE, '..', 'node_modules');
const DIST = path.resolve(process.env.SEGLAB_DIST || path.join(HERE, '..', '..', 'dist'));
const USERS = process.env.BENCH_USERS;
const EVENTS = (process.env.BENCH_EVENTS || '').split(':').filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const OUT = process.env.BENCH_OUT || path.join(HERE, '..', '..', 'bench-data', 'results.json');
const PARSERS_ON_EVENTS = process.env.BENCH_PARSERS_ON_EVENTS !== '0';
const LOADS_ONLY = process.env.BENCH_ONLY === 'loads';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** /bench/* from this folder, /node_modules/* from tests/node_modules, everything else from the site. */
function serve() {
  const roots = [['/bench/', HERE], ['/node_modules/', NODE_MODULES], ['/', DIST]];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const pathname = decodeURIComponent(url.pathname);
    const [prefix, dir] = roots.find(([p]) => pathname.startsWith(p));
    let file = path.join(dir, pathname.slice(prefix.length));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { console.error(`not found: ${pathname}`); res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => (ms == null ? 'n/a' : `${Math.round(ms).toLocaleString('en-US')} ms`);
const fmtFine = (ms) => (ms == null ? 'n/a' : ms < 100 ? `${ms.toFixed(1)} ms` : fmt(ms));

// ---- The segments measured, in Seglab's language and in DuckDB's SQL ------------------------------------

const SEGMENT_A = {
  name: 'US/DE/SE trials',
  color: '#2a9d8f',
  definition: 'plan = "trial" and country in ("United States", "Germany", "Sweden") and employees >= 10 and signup_date after 2024-01-01',
};
const SQL_A = "plan = 'trial' AND country IN ('United States', 'Germany', 'Sweden') AND employees >= 10 AND signup_date > DATE '2024-01-01'";
const SEGMENT_B = {
  name: 'Converted mid-size',
  color: '#e76f51',
  definition: 'converted = yes and employees >= 50 and annual_revenue_band in ("10M-50M", "50M-250M")',
};
const SQL_B = "converted = true AND employees >= 50 AND annual_revenue_band IN ('10M-50M', '50M-250M')";
const SEGMENT_C = {
  name: 'Frequent exporters',
  color: '#264653',
  definition: 'did "Export report" at least 3 times in last 30 days',
};
const sqlC = (after, until) => `SELECT count(*) AS n FROM u WHERE user_id IN (SELECT user_id FROM e WHERE event = 'Export report' AND "timestamp" > '${after}'::TIMESTAMPTZ AND "timestamp" <= '${until}'::TIMESTAMPTZ GROUP BY user_id HAVING count(*) >= 3)`;

const q = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * The comparison panel's widgets in SQL, one query each, for the columns and kinds Seglab summarised:
 * group sizes; per numeric column n/missing/mean/sd/min/p10/p25/median/p75/p90/max and a histogram over
 * Seglab's bin edges; per categorical column the full breakdown of every value by group; per boolean
 * column the rate; per date column min/median/max and the histogram by month. No statistical tests.
 */
function compareQueries(comparison) {
  const groups = [`(${SQL_A})`, `(${SQL_B})`, `NOT (coalesce(${SQL_A}, false) OR coalesce(${SQL_B}, false))`];
  const per = (f) => groups.map((g, i) => f(g, i)).join(', ');
  const queries = [`SELECT ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS size${i}`)} FROM u`];
  for (const column of comparison.columns) {
    const c = q(column.name);
    const s = column.summary;
    if (s.kind === 'numeric') {
      const stats = ['count', 'missing', 'avg', 'stddev_samp', 'min', 0.1, 0.25, 0.5, 0.75, 0.9, 'max'];
      queries.push(`SELECT ${per((g, i) => stats.map((f, k) => {
        if (f === 'missing') return `count(*) FILTER (WHERE ${g} AND ${c} IS NULL) AS m${i}`;
        if (typeof f === 'number') return `quantile_cont(${c}, ${f}) FILTER (WHERE ${g}) AS q${i}_${k}`;
        return `${f}(${c}) FILTER (WHERE ${g}) AS s${i}_${k}`;
      }).join(', '))} FROM u`);
      const e = s.edges;
      if (e.length >= 2) {
        const bins = e.length - 1;
        const width = e[1] - e[0];
        queries.push(`SELECT least(greatest(floor((${c} - ${e[0]}) / ${width}), 0), ${bins - 1})::INTEGER AS bin, ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS n${i}`)} FROM u WHERE ${c} IS NOT NULL GROUP BY bin ORDER BY bin`);
      }
    } else if (s.kind === 'categorical') {
      queries.push(`SELECT ${c} AS value, ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS n${i}`)} FROM u GROUP BY ${c} ORDER BY n0 + n1 + n2 DESC`);
    } else if (s.kind === 'boolean') {
      queries.push(`SELECT ${per((g, i) => `count(${c}) FILTER (WHERE ${g}) AS n${i}, count(*) FILTER (WHERE ${g} AND ${c}) AS t${i}`)} FROM u`);
    } else if (s.kind === 'date') {
      queries.push(`SELECT ${per((g, i) => `count(${c}) FILTER (WHERE ${g}) AS n${i}, min(${c}) FILTER (WHERE ${g}) AS lo${i}, quantile_disc(${c}, 0.5) FILTER (WHERE ${g}) AS md${i}, max(${c}) FILTER (WHERE ${g}) AS hi${i}`)} FROM u`);
      queries.push(`SELECT date_trunc('month', ${c}) AS month, ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS n${i}`)} FROM u WHERE ${c} IS NOT NULL GROUP BY month ORDER BY month`);
    }
  }
  return queries;
}

/** The comparison panel of 2 segments, one DuckDB query per widget (sizes, mean, median, p90, histogram over
 * Seglab's edges, the breakdown by a column), against Seglab's `Panel` request answered in the worker. */
const PANEL_COLUMN = 'arr';
const PANEL_BY = 'country';
function panelQueries(edges) {
  const groups = [`(${SQL_A})`, `(${SQL_B})`];
  const per = (f) => groups.map((g, i) => f(g, i)).join(', ');
  const c = q(PANEL_COLUMN);
  const queries = [
    `SELECT ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS size${i}`)} FROM u`,
    `SELECT ${per((g, i) => `avg(${c}) FILTER (WHERE ${g}) AS mean${i}`)} FROM u`,
    `SELECT ${per((g, i) => `quantile_cont(${c}, 0.5) FILTER (WHERE ${g}) AS median${i}`)} FROM u`,
    `SELECT ${per((g, i) => `quantile_cont(${c}, 0.9) FILTER (WHERE ${g}) AS p90_${i}`)} FROM u`,
  ];
  if (edges.length >= 2) {
    const bins = edges.length - 1;
    const width = edges[1] - edges[0];
    queries.push(`SELECT least(greatest(floor((${c} - ${edges[0]}) / ${width}), 0), ${bins - 1})::INTEGER AS bin, ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS n${i}`)} FROM u WHERE ${c} IS NOT NULL GROUP BY bin ORDER BY bin`);
  }
  queries.push(`SELECT ${q(PANEL_BY)} AS value, ${per((g, i) => `count(*) FILTER (WHERE ${g}) AS n${i}`)} FROM u WHERE ${q(PANEL_BY)} IS NOT NULL GROUP BY value ORDER BY n0 + n1 DESC LIMIT 1000`);
  return queries;
}

async function panelOf2(page, rows) {
  const request = { type: 'panel', segments: [SEGMENT_A, SEGMENT_B], selected: [0, 1], column: PANEL_COLUMN, by: PANEL_BY };
  const first = await page.evaluate((r) => window.bench.seglabTimed(r), request);
  if (first.last.type !== 'panel' || !first.last.result.Ok) throw new Error(`seglab panel: ${JSON.stringify(first.last).slice(0, 300)}`);
  const seglabPanel = first.last.result.Ok;
  const queries = panelQueries(seglabPanel.edges);
  const check = (await page.evaluate((qs) => window.bench.duck(qs), queries)).results;
  const sizes = [check[0][0].size0, check[0][0].size1];
  const means = [check[1][0].mean0, check[1][0].mean1];
  const agree = seglabPanel.groups.every((g, i) => g.size === sizes[i] && Math.abs((g.mean ?? 0) - (means[i] ?? 0)) <= 1e-6 * Math.max(1, Math.abs(means[i] ?? 0)));
  results.notes.push(`panel of 2 segments: sizes seglab ${seglabPanel.groups.map((g) => g.size).join('/')}, duckdb ${sizes.join('/')}; means ${agree ? 'agree' : 'DIFFER'}; ${seglabPanel.breakdown.rows.length} ${PANEL_BY} values`);
  const entry = { name: `panel of 2 segments (count, mean, median, p90, histogram of ${PANEL_COLUMN}, breakdown by ${PANEL_BY}), ${rows.toLocaleString('en-US')} users; ${queries.length} SQL queries`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  for (let run = 0; run < RUNS; run += 1) {
    const s = await page.evaluate((r) => window.bench.seglabTimed(r), request);
    entry.seglab_worker.push(s.worker_ms);
    entry.seglab_round_trip.push(s.round_trip_ms);
    const d = await page.evaluate((qs) => window.bench.duck(qs), queries);
    entry.duckdb.push(d.ms);
    console.error(`panel run ${run + 1}: seglab ${fmtFine(s.worker_ms)} (round trip ${fmtFine(s.round_trip_ms)}) / duckdb ${fmtFine(d.ms)} (${(d.ms / s.worker_ms).toFixed(1)}x)`);
  }
  results.queries.push(entry);
}

// ---- The session -----------------------------------------------------------------------------------

const results = { runs: RUNS, loads: [], queries: [], startup: null, sizes: null, notes: [] };

async function main() {
  const server = await serve();
  const browser = await launch();
  try {
    await startup(browser, server.url);
    sizes();
    const files = [USERS, ...EVENTS];
    let page = await benchPage(browser, server.url, files);
    // 1 and 2: file → queryable columns.
    for (const [index, file] of files.entries()) {
      page = await loads(browser, server.url, files, page, index, file);
    }
    // 3 and 4: segments and the comparison over the users file (and the first event file).
    if (!LOADS_ONLY) await queries(page, EVENTS.length ? 1 : null);
    await page.close();
  } finally {
    await browser.close();
    server.close();
  }
  report();
}

async function benchPage(browser, url, files) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) console.error(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(`${url}bench/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  results.engines = await page.evaluate(() => window.bench.init());
  await page.locator('#files').setInputFiles(files);
  return page;
}

/**
 * The byte length of the Seglab worker's WebAssembly memory, which never shrinks: after the first load of
 * a file into a fresh worker, what loading it needed at its peak. `null` when the worker is not found.
 */
async function workerMemory(page) {
  const worker = page.workers().find((w) => w.url().includes('seglab-worker'));
  if (!worker) return null;
  try {
    // `wasm_bindgen` is the worker script's global; called again, it returns the instance's exports.
    return await worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
  } catch (error) {
    console.error(`worker memory: ${error.message.split('\n')[0]}`);
    return null;
  }
}

/** Loads one file with every tool, round after round; a tool that fails (e.g. out of memory) drops out. */
async function loads(browser, url, files, page, index, file) {
  const isEvents = index > 0;
  const tools = ['seglab', 'duckdb'];
  if (!LOADS_ONLY && (!isEvents || PARSERS_ON_EVENTS)) tools.push('udsv', 'papaparse');
  const entry = {
    file: path.basename(path.dirname(file)) + '/' + path.basename(file),
    bytes: fs.statSync(file).size, times: {}, failed: {}, rows: {}, columns: {},
  };
  const label = `${isEvents ? 'load events' : 'load users'} ${path.basename(path.dirname(file))}`;
  for (let run = 0; run < RUNS; run += 1) {
    for (const tool of tools) {
      if (entry.failed[tool]) continue;
      try {
        const r = await page.evaluate(([t, i]) => window.bench.load(t, i), [tool, index]);
        (entry.times[tool] ??= []).push(r.ms);
        if (r.parts) for (const [k, v] of Object.entries(r.parts)) ((entry.parts ??= {})[k] ??= []).push(v);
        entry.rows[tool] = r.rows;
        entry.columns[tool] = r.columns;
        const split = r.parts ? ` [chunks read and parsed ${fmt(r.parts.chunks)}, then typing, profiling and joining ${fmt(r.parts.finish)}]` : '';
        console.error(`${label} run ${run + 1} ${tool}: ${fmt(r.ms)} (${r.rows} rows, ${r.columns} columns)${split}`);
        if (tool === 'seglab' && run === 0 && !isEvents) {
          entry.memory = await workerMemory(page);
          if (entry.memory) console.error(`${label}: seglab worker's memory after load ${(entry.memory / 1e6).toFixed(0)} MB`);
        }
      } catch (error) {
        const crashed = page.isClosed() || /crash|Target closed|closed/i.test(error.message);
        entry.failed[tool] = crashed ? `the page crashed (out of memory): ${error.message.split('\n')[0]}` : error.message.split('\n')[0];
        console.error(`${label} run ${run + 1} ${tool}: FAILED ${entry.failed[tool]}`);
        if (crashed) {
          try { await page.close(); } catch { /* already gone */ }
          page = await benchPage(browser, url, files);
        }
      }
    }
  }
  entry.label = label;
  results.loads.push(entry);
  return page;
}

async function queries(page, eventsIndex) {
  const users = await page.evaluate(() => window.bench.keep(0, 'u'));
  const evaluateA = { type: 'evaluate', segments: [SEGMENT_A] };
  const compare = { type: 'compare', segments: [SEGMENT_A, SEGMENT_B], selected: [0, 1] };

  // Untimed: the answers, checked against each other, and the comparison's columns for the SQL side.
  const first = await page.evaluate((r) => window.bench.seglabTimed(r), compare);
  if (first.last.type !== 'comparison') throw new Error(`seglab compare: ${JSON.stringify(first.last).slice(0, 300)}`);
  const comparison = first.last.comparison;
  const cmpQueries = compareQueries(comparison);
  const sizes = (await page.evaluate((qs) => window.bench.duck(qs), [cmpQueries[0]])).results[0][0];
  const seglabSizes = comparison.groups.map((g) => g.size);
  const duckSizes = [sizes.size0, sizes.size1, sizes.size2];
  const agree = JSON.stringify(seglabSizes) === JSON.stringify(duckSizes);
  results.notes.push(`compare groups: seglab ${seglabSizes.join('/')}, duckdb ${duckSizes.join('/')} (${agree ? 'agree' : 'DIFFER'})`);
  const kinds = {};
  for (const c of comparison.columns) kinds[c.summary.kind] = (kinds[c.summary.kind] || 0) + 1;

  const property = { name: `segment 4 conditions, ${users.rows.toLocaleString('en-US')} users`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  const panel = { name: `compare 2 segments, ${users.rows.toLocaleString('en-US')} users (${comparison.columns.length} columns: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}; ${cmpQueries.length} SQL queries)`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  let propertyCounts = null;
  for (let run = 0; run < RUNS; run += 1) {
    const s = await page.evaluate((r) => window.bench.seglabTimed(r), evaluateA);
    property.seglab_worker.push(s.worker_ms);
    property.seglab_round_trip.push(s.round_trip_ms);
    const d = await page.evaluate((qs) => window.bench.duck(qs), [`SELECT count(*) AS n FROM u WHERE ${SQL_A}`]);
    property.duckdb.push(d.ms);
    propertyCounts = [s.last.segments[0].size, d.results[0][0].n];
    const c = await page.evaluate((r) => window.bench.seglabTimed(r), compare);
    panel.seglab_worker.push(c.worker_ms);
    const rt = await page.evaluate((r) => window.bench.seglabRoundTrip(r, ['comparison', 'failed', 'compare_failed']), compare);
    panel.seglab_round_trip.push(rt.ms);
    const dc = await page.evaluate((qs) => window.bench.duck(qs), cmpQueries);
    panel.duckdb.push(dc.ms);
    console.error(`queries run ${run + 1}: segment seglab ${fmtFine(s.worker_ms)} / duckdb ${fmtFine(d.ms)}; compare seglab ${fmtFine(c.worker_ms)} (round trip ${fmtFine(rt.ms)}) / duckdb ${fmtFine(dc.ms)}`);
  }
  results.notes.push(`property segment members: seglab ${propertyCounts[0]}, duckdb ${propertyCounts[1]} (${propertyCounts[0] === propertyCounts[1] ? 'agree' : 'DIFFER'})`);
  results.queries.push(property, panel);
  await panelOf2(page, users.rows);

  if (eventsIndex == null) {
    await discovery(page, `${users.rows.toLocaleString('en-US')} users, the users file's columns`);
    return;
  }
  const events = await page.evaluate((i) => window.bench.keep(i, 'e'), eventsIndex);
  const asOf = events.dataset.as_of;
  const until = new Date(Date.parse(asOf));
  if (Number.isNaN(until.getTime())) throw new Error(`unreadable as-of time ${asOf}`);
  const after = new Date(until.getTime() - 30 * 86400e3);
  const sqlBehaviour = sqlC(after.toISOString(), until.toISOString());
  const evaluateC = { type: 'evaluate', segments: [SEGMENT_C] };
  const behaviour = { name: `did "Export report" >= 3 times in last 30 days, ${users.rows.toLocaleString('en-US')} users x ${events.rows.toLocaleString('en-US')} events`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  let counts = null;
  for (let run = 0; run < RUNS; run += 1) {
    const s = await page.evaluate((r) => window.bench.seglabTimed(r), evaluateC);
    if (s.last.type !== 'segments' || s.last.segments[0].error) throw new Error(`seglab: ${JSON.stringify(s.last).slice(0, 300)}`);
    behaviour.seglab_worker.push(s.worker_ms);
    behaviour.seglab_round_trip.push(s.round_trip_ms);
    const d = await page.evaluate((qs) => window.bench.duck(qs), [sqlBehaviour]);
    behaviour.duckdb.push(d.ms);
    counts = [s.last.segments[0].size, d.results[0][0].n];
    console.error(`behaviour run ${run + 1}: seglab ${fmtFine(s.worker_ms)} / duckdb ${fmtFine(d.ms)}`);
  }
  results.notes.push(`behavioural segment members (as of ${asOf}): seglab ${counts[0]}, duckdb ${counts[1]} (${counts[0] === counts[1] ? 'agree' : 'DIFFER'})`);
  results.queries.push(behaviour);
  // The Impact view's tables on the largest event file (it replaces the first in Seglab: same file name).
  const last = EVENTS.length;
  if (last > eventsIndex) await page.evaluate(() => window.bench.sql('DROP TABLE e'));
  const big = last > eventsIndex ? await page.evaluate((i) => window.bench.keep(i, 'e_big'), last) : events;
  const bigAsOf = Date.parse(big.dataset.as_of);
  if (Number.isNaN(bigAsOf)) throw new Error(`unreadable as-of time ${big.dataset.as_of}`);
  await impact(page, last > eventsIndex ? 'e_big' : 'e', users.rows, big.rows, Math.floor(bigAsOf / 1000));
  await discovery(page, `${users.rows.toLocaleString('en-US')} users, the users file's columns and the event measures`);
}

/**
 * Discovery of rule segments for `converted` over every column (issue 8: 1M users and 30 columns in
 * under 10 s in the browser). Seglab only: DuckDB has no counterpart, so no ratio.
 */
async function discovery(page, what) {
  const request = { type: 'discover', target: 'converted' };
  const entry = { name: `discover (target converted), ${what}`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  for (let run = 0; run < RUNS; run += 1) {
    const s = await page.evaluate((r) => window.bench.seglabTimed(r), request);
    if (s.last.type !== 'discovery' || !s.last.result.Ok) throw new Error(`seglab discover: ${JSON.stringify(s.last).slice(0, 300)}`);
    entry.seglab_worker.push(s.worker_ms);
    entry.seglab_round_trip.push(s.round_trip_ms);
    console.error(`discovery run ${run + 1}: seglab ${fmtFine(s.worker_ms)} (${s.last.result.Ok.rules.length} rules)`);
  }
  results.queries.push(entry);
}

// ---- The Impact view's tables: retention and a funnel, in Seglab's worker and in DuckDB's SQL ------------

const PERIODS = 12;
const WEEK = 7 * 86400;
const STEPS = ['Create report', 'Export report', 'Invite teammate', 'Upgrade'];
const WITHIN = 14 * 86400;
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

// Seconds since the epoch via epoch_us: DuckDB-WASM 1.4's epoch() on TIMESTAMPTZ fails ("function signature
// mismatch").

/** Weekly cohorts by first event × 12 weeks since, returning with any event: eligible and retained per cell. */
function retentionSql(e, now) {
  return `WITH ev AS (SELECT user_id, epoch_us("timestamp") // 1000000 AS t FROM ${e} WHERE epoch_us("timestamp") // 1000000 <= ${now}),
    st AS (SELECT user_id, s, date_trunc('week', make_timestamp(s * 1000000))::DATE AS cohort,
                  least((${now} + 1 - s) // ${WEEK}, ${PERIODS}) AS ended
           FROM (SELECT user_id, min(t) AS s FROM ev GROUP BY user_id)),
    hits AS (SELECT DISTINCT ev.user_id, (ev.t - st.s) // ${WEEK} AS k FROM ev JOIN st USING (user_id)
             WHERE ev.t >= st.s AND (ev.t - st.s) // ${WEEK} < st.ended),
    elig AS (SELECT cohort, p.k, count(*) AS eligible FROM st, range(0, ${PERIODS}) p(k) WHERE p.k < st.ended GROUP BY ALL),
    kept AS (SELECT cohort, k, count(*) AS retained FROM hits JOIN st USING (user_id) GROUP BY ALL)
  SELECT cohort, k, eligible, coalesce(retained, 0) AS retained FROM elig LEFT JOIN kept USING (cohort, k) ORDER BY cohort, k`;
}

/** The 4-step funnel: greedy earliest steps, each strictly later, within 14 days of step 1; reached and median gaps. */
function funnelSql(e, now) {
  const ctes = [`ev AS (SELECT user_id, event, epoch_us("timestamp") // 1000000 AS t FROM ${e} WHERE epoch_us("timestamp") // 1000000 <= ${now} AND event IN (${STEPS.map(lit).join(', ')}))`,
    `s1 AS (SELECT user_id, min(t) AS t1 FROM ev WHERE event = ${lit(STEPS[0])} GROUP BY user_id)`];
  for (let i = 2; i <= STEPS.length; i += 1) {
    const prev = Array.from({ length: i - 1 }, (_, j) => `s.t${j + 1}`).join(', ');
    ctes.push(`s${i} AS (SELECT s.user_id, ${prev}, min(ev.t) AS t${i} FROM s${i - 1} s JOIN ev ON ev.user_id = s.user_id
      AND ev.event = ${lit(STEPS[i - 1])} AND ev.t > s.t${i - 1} AND ev.t <= s.t1 + ${WITHIN} GROUP BY ALL)`);
  }
  const cols = STEPS.map((_, i) => `(SELECT count(*) FROM s${i + 1}) AS n${i + 1}` + (i ? `, (SELECT median(t${i + 1} - t${i}) FROM s${i + 1}) AS m${i + 1}` : ''));
  return `WITH ${ctes.join(',\n')} SELECT ${cols.join(', ')}`;
}

async function impact(page, table, userRows, eventRows, now) {
  const scale = `${userRows.toLocaleString('en-US')} users x ${eventRows.toLocaleString('en-US')} events`;
  const retention = { type: 'retention', segments: [], selected: [], monthly: false, return_event: null, start_event: null, cohort_column: null, periods: PERIODS };
  const funnel = { type: 'funnel', segments: [], selected: [], steps: STEPS, within_days: 14 };
  const r = { name: `retention table, weekly cohorts x ${PERIODS} weeks, ${scale}`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  const f = { name: `4-step funnel within 14 days, ${scale}`, seglab_worker: [], seglab_round_trip: [], duckdb: [] };
  let retentionAgree = null;
  let funnelAgree = null;
  for (let run = 0; run < RUNS; run += 1) {
    const s = await page.evaluate((req) => window.bench.seglabTimed(req), retention);
    const got = s.last.result?.Ok;
    if (!got) throw new Error(`seglab retention: ${JSON.stringify(s.last).slice(0, 300)}`);
    r.seglab_worker.push(s.worker_ms);
    r.seglab_round_trip.push(s.round_trip_ms);
    const d = await page.evaluate((qs) => window.bench.duck(qs), [retentionSql(table, now)]);
    r.duckdb.push(d.ms);
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    const everyone = got.segments[0];
    // Cohorts with at least one ended period (the SQL has no rows for the others).
    const withCells = got.cohorts.filter((_, c) => everyone.eligible[c * got.periods] > 0).length;
    const ours = [sum(everyone.eligible), sum(everyone.retained), withCells];
    const theirs = [sum(d.results[0].map((x) => x.eligible)), sum(d.results[0].map((x) => x.retained)), new Set(d.results[0].map((x) => String(x.cohort))).size];
    retentionAgree = `seglab eligible/retained/cohorts ${ours.join('/')}, duckdb ${theirs.join('/')} (${JSON.stringify(ours) === JSON.stringify(theirs) ? 'agree' : 'DIFFER'})`;

    const sf = await page.evaluate((req) => window.bench.seglabTimed(req), funnel);
    const fr = sf.last.result?.Ok;
    if (!fr) throw new Error(`seglab funnel: ${JSON.stringify(sf.last).slice(0, 300)}`);
    f.seglab_worker.push(sf.worker_ms);
    f.seglab_round_trip.push(sf.round_trip_ms);
    const df = await page.evaluate((qs) => window.bench.duck(qs), [funnelSql(table, now)]);
    f.duckdb.push(df.ms);
    const reached = fr.segments[0].steps.map((x) => x.reached);
    const row = df.results[0][0];
    const duckReached = STEPS.map((_, i) => row[`n${i + 1}`]);
    funnelAgree = `seglab reached ${reached.join('/')}, duckdb ${duckReached.join('/')} (${JSON.stringify(reached) === JSON.stringify(duckReached) ? 'agree' : 'DIFFER'})`;
    console.error(`impact run ${run + 1}: retention seglab ${fmtFine(s.worker_ms)} / duckdb ${fmtFine(d.ms)}; funnel seglab ${fmtFine(sf.worker_ms)} / duckdb ${fmtFine(df.ms)}`);
  }
  results.notes.push(`retention: ${retentionAgree}`, `funnel: ${funnelAgree}`);
  results.queries.push(r, f);
}

/**
 * The landing page, in a fresh context each run: from navigation start until the drop zone is in the page
 * (it takes files from then on: they wait for the engine), and until the engine worker has started too.
 */
async function startup(browser, url) {
  const times = [];
  const ready = [];
  for (let run = 0; run < RUNS; run += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const zone = document.querySelector('[data-testid="drop-zone"]');
        if (zone && window.__dropZoneAt === undefined) window.__dropZoneAt = performance.now();
        if (zone?.dataset.engineReady === 'true') {
          window.__engineReadyAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.goto(url);
    await page.locator('[data-testid="drop-zone"][data-engine-ready="true"]').waitFor();
    const at = await page.evaluate(() => [window.__dropZoneAt, window.__engineReadyAt]);
    times.push(at[0]);
    ready.push(at[1]);
    await context.close();
  }
  results.startup = { times, median: median(times), engine_ready: ready, engine_ready_median: median(ready) };
}

function sizes() {
  const out = {};
  for (const name of fs.readdirSync(DIST)) {
    if (!/\.(wasm|js)$/.test(name)) continue;
    const body = fs.readFileSync(path.join(DIST, name));
    const kind = name.startsWith('seglab-worker') ? 'worker' : 'app';
    const ext = path.extname(name).slice(1);
    const key = `${kind} ${ext}`;
    out[key] ??= { bytes: 0, gzip: 0, files: [] };
    out[key].bytes += body.length;
    out[key].gzip += zlib.gzipSync(body, { level: 9 }).length;
    out[key].files.push(name);
  }
  results.sizes = out;
}

function report() {
  const lines = [];
  lines.push(`Seglab benchmark: medians of ${RUNS} interleaved runs, one headless Chromium session`);
  lines.push('ratios are the other tool\'s time over Seglab\'s: above 1x Seglab is faster, below 1x it is slower');
  if (results.engines) lines.push(`DuckDB-WASM ${results.engines.duckdb.version} (${results.engines.duckdb.bundle}, single thread)`);
  for (const e of results.loads) {
    const med = Object.fromEntries(Object.entries(e.times).map(([t, xs]) => [t, median(xs)]));
    e.median = med;
    const base = med.seglab;
    const parts = ['seglab', 'duckdb', 'udsv', 'papaparse'].filter((t) => t in med || t in e.failed).map((t) => {
      if (!(t in med)) return `${t} failed (${e.failed[t]})`;
      // The ratio is the tool's time over Seglab's: above 1, Seglab is faster.
      const ratio = t !== 'seglab' && base ? ` (${(med[t] / base).toFixed(1)}x)` : '';
      const partial = e.failed[t] ? ` [${e.times[t].length} runs, then failed]` : '';
      return `${t === 'duckdb' ? 'duckdb-wasm' : t} ${fmt(med[t])}${ratio}${partial}`;
    });
    lines.push(`${e.label} (${(e.bytes / 1e6).toFixed(0)} MB, ${(e.rows.seglab ?? e.rows.duckdb ?? 0).toLocaleString('en-US')} rows): ${parts.join(', ')}`);
    if (e.parts) {
      e.parts_median = Object.fromEntries(Object.entries(e.parts).map(([k, xs]) => [k, median(xs)]));
      lines.push(`  seglab's load split: chunks read and parsed ${fmt(e.parts_median.chunks)}, then typing, profiling and joining ${fmt(e.parts_median.finish)}`);
    }
    if (e.memory) lines.push(`  seglab's memory after load: ${(e.memory / 1e6).toFixed(0)} MB = ${(e.memory / e.bytes).toFixed(2)} x the file (the worker's WebAssembly memory after its first load)`);
  }
  for (const qm of results.queries) {
    qm.median = { seglab_worker: median(qm.seglab_worker), seglab_round_trip: median(qm.seglab_round_trip), duckdb: median(qm.duckdb) };
    const m = qm.median;
    const duck = qm.duckdb.length ? `, duckdb-wasm ${fmtFine(m.duckdb)} (${(m.duckdb / m.seglab_worker).toFixed(1)}x)` : '';
    lines.push(`${qm.name}: seglab ${fmtFine(m.seglab_worker)} in the worker (${fmtFine(m.seglab_round_trip)} round trip)${duck}`);
  }
  if (results.startup) lines.push(`start-up: drop zone usable ${fmt(results.startup.median)} after navigation start, engine worker ready ${fmt(results.startup.engine_ready_median)}`);
  if (results.sizes) {
    lines.push(`bundle sizes (gzip -9): ${Object.entries(results.sizes).map(([k, v]) => `${k} ${(v.gzip / 1024).toFixed(0)} KB (raw ${(v.bytes / 1024).toFixed(0)} KB)`).join(', ')}`);
  }
  for (const note of results.notes) lines.push(`note: ${note}`);
  results.table = lines;
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2));
  console.log(lines.join('\n'));
  console.log(`results written to ${OUT}`);
}

main().catch((error) => {
  console.error(error);
  try { report(); } catch { /* nothing measured */ }
  process.exit(1);
});
