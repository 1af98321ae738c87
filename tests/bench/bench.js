// The benchmark page's functions, called one measurement at a time by run.mjs through `window.bench`.
//
// Every time is taken on the page with performance.now() around one whole operation, except where a
// function says otherwise. Seglab's engine and DuckDB-WASM each run in their own Web Worker; uDSV and
// PapaParse run in a fresh worker per parse (parse-worker.js), so all four keep the page responsive.
import * as duckdb from '/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const DUCKDB = '/node_modules/@duckdb/duckdb-wasm/dist';

let seglab = null;
let db = null;
let conn = null;
const waiters = [];
/** When the page last heard of a chunk read and parsed (`Progress`), for splitting a load's time. */
let lastProgressAt = 0;

function log(line) {
  document.getElementById('log').textContent += `${line}\n`;
}

/** The files chosen in the file input, in the order the driver gave them. */
function file(index) {
  const files = document.getElementById('files').files;
  if (!files || index >= files.length) throw new Error(`no file ${index} in the file input`);
  return files[index];
}

// ---- Seglab's engine worker ------------------------------------------------------------------------

function startSeglab() {
  return new Promise((resolve, reject) => {
    seglab = new Worker('/seglab-worker_loader.js');
    seglab.onerror = (e) => reject(new Error(`seglab worker: ${e.message}`));
    seglab.onmessage = (event) => {
      const message = fromWire(event.data);
      if (message.type === 'ready') { resolve(); return; }
      if (message.type === 'progress') { lastProgressAt = performance.now(); return; }
      const index = waiters.findIndex((w) => w.types.includes(message.type));
      if (index >= 0) waiters.splice(index, 1)[0].resolve(message);
    };
  });
}

/** Posts a request (with a file attached or not) and resolves to the first response of one of `types`. */
function ask(request, attached, types) {
  return new Promise((resolve) => {
    waiters.push({ types, resolve });
    seglab.postMessage([toWire(request), attached ?? null]);
  });
}

// The worker's messages are externally tagged (`{ panel: { result } }`, `'ready'`; see protocol.rs); the
// bench writes and reads them with the tag inside (`{ type: 'panel', result }`), as the two below convert.
function toWire({ type, ...fields }) {
  if (type === 'time') fields.request = toWire(fields.request);
  return Object.keys(fields).length === 0 ? type : { [type]: fields };
}

function fromWire(message) {
  if (typeof message === 'string') return { type: message };
  const [type] = Object.keys(message);
  const fields = { type, ...message[type] };
  if (type === 'timed') fields.last = fromWire(fields.last);
  return fields;
}

// ---- DuckDB-WASM, single-threaded (the "eh" bundle, falling back to "mvp") ----------------------------

async function startDuckdb() {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: `${DUCKDB}/duckdb-mvp.wasm`, mainWorker: `${DUCKDB}/duckdb-browser-mvp.worker.js` },
    eh: { mainModule: `${DUCKDB}/duckdb-eh.wasm`, mainWorker: `${DUCKDB}/duckdb-browser-eh.worker.js` },
  });
  const worker = new Worker(bundle.mainWorker);
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, null);
  conn = await db.connect();
  // Offline: never try to fetch extensions.
  for (const setting of ['autoinstall_known_extensions', 'autoload_known_extensions']) {
    try { await conn.query(`SET ${setting} = false`); } catch (e) { log(`${setting}: ${e.message}`); }
  }
  return { bundle: bundle.mainModule.split('/').pop(), version: await db.getVersion() };
}

async function sql(query) {
  const table = await conn.query(query);
  // BigInt counts become numbers, so that results cross to the driver as plain JSON.
  return table.toArray().map((row) => {
    const out = {};
    for (const [key, value] of Object.entries(row.toJSON())) {
      out[key] = typeof value === 'bigint' ? Number(value) : value;
    }
    return out;
  });
}

// ---- The API run.mjs calls ------------------------------------------------------------------------

async function init() {
  await startSeglab();
  const duck = await startDuckdb();
  return { duckdb: duck };
}

/**
 * File → queryable columns with one tool; the loaded data is dropped afterwards (untimed).
 * seglab: postMessage(Load + File) until `Loaded` arrives on the page (reading in 8 MiB chunks, parsing,
 *   type inference, the profile of every column, joining the file into a dataset).
 * duckdb: registerFileHandle + CREATE TABLE t AS SELECT * FROM read_csv_auto(...).
 * udsv / papaparse: File.text() + inferSchema/typedCols (uDSV) or parse with dynamicTyping (PapaParse),
 *   timed inside a fresh worker.
 */
async function load(tool, index) {
  const f = file(index);
  if (tool === 'seglab') {
    lastProgressAt = 0;
    const start = performance.now();
    const response = await ask({ type: 'load', name: f.name }, f, ['loaded', 'load_failed', 'cancelled']);
    const end = performance.now();
    if (response.type !== 'loaded') throw new Error(`seglab: ${response.message || response.type}`);
    await ask({ type: 'remove', name: f.name }, null, ['removed']);
    // The last `Progress` arrives once the last chunk is read and parsed into raw columns; what follows
    // is typing and converting the columns, profiling them, and joining the file into the dataset.
    return {
      ms: end - start,
      parts: { chunks: lastProgressAt - start, finish: end - lastProgressAt },
      rows: response.file.rows,
      columns: response.file.columns.length,
    };
  }
  if (tool === 'duckdb') {
    const start = performance.now();
    await db.registerFileHandle(f.name, f, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    await conn.query(`CREATE TABLE t AS SELECT * FROM read_csv_auto('${f.name}')`);
    const ms = performance.now() - start;
    const [{ n }] = await sql('SELECT count(*)::INTEGER AS n FROM t');
    const columns = (await sql('DESCRIBE t')).length;
    await conn.query('DROP TABLE t');
    await db.dropFile(f.name);
    return { ms, rows: n, columns };
  }
  const worker = new Worker('/bench/parse-worker.js');
  try {
    return await new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`${tool}: ${e.message || 'the worker failed'}`));
      worker.onmessage = (event) => {
        const m = event.data;
        if (m.ready) { worker.postMessage({ tool, file: f }); return; }
        if (m.error) reject(new Error(`${tool}: ${m.error}`));
        else resolve(m);
      };
    });
  } finally {
    worker.terminate();
  }
}

/** Loads files into Seglab (kept) and into DuckDB as `table` (kept); untimed set-up for the query phase. */
async function keep(index, table) {
  const f = file(index);
  const response = await ask({ type: 'load', name: f.name }, f, ['loaded', 'load_failed', 'cancelled']);
  if (response.type !== 'loaded') throw new Error(`seglab: ${response.message || response.type}`);
  await db.registerFileHandle(f.name, f, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  await conn.query(`CREATE TABLE ${table} AS SELECT * FROM read_csv_auto('${f.name}')`);
  return { dataset: response.dataset, rows: response.file.rows };
}

/**
 * One Seglab request answered in the worker: `worker_ms` is the engine's own time (performance.now()
 * in the worker around Engine::handle: parsing and binding the definitions, evaluating, building the
 * response value); `round_trip_ms` adds posting the request, serialising the response to a JS object and
 * passing it back to the page.
 */
async function seglabTimed(request) {
  const start = performance.now();
  const response = await ask({ type: 'time', request, runs: 1 }, null, ['timed', 'failed']);
  const round = performance.now() - start;
  if (response.type !== 'timed') throw new Error(`seglab: ${response.message}`);
  return { worker_ms: response.ms[0], round_trip_ms: round, last: response.last };
}

/** A plain request's round trip, as the app sees it (response serialised and passed to the page). */
async function seglabRoundTrip(request, types) {
  const start = performance.now();
  const response = await ask(request, null, types);
  return { ms: performance.now() - start, response };
}

/** Queries run one after another in DuckDB, timed together; each one's result is read in full. */
async function duck(queries) {
  const results = [];
  const start = performance.now();
  for (const q of queries) results.push(await sql(q));
  return { ms: performance.now() - start, results };
}

async function duckTry(query) {
  try { return { rows: await sql(query) }; } catch (e) { return { error: e.message }; }
}

window.bench = { init, load, keep, seglabTimed, seglabRoundTrip, duck, duckTry, sql };
window.benchReady = true;
