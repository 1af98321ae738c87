// Parses one File with uDSV or PapaParse inside a fresh worker, so that the memory goes with the worker.
// The time includes File.text() (reading and decoding the file) and the parse into typed values.
importScripts('/node_modules/udsv/dist/uDSV.iife.min.js', '/node_modules/papaparse/papaparse.min.js');

onmessage = async (event) => {
  const { tool, file } = event.data;
  try {
    const start = performance.now();
    const text = await file.text();
    let rows;
    let columns;
    if (tool === 'udsv') {
      const schema = uDSV.inferSchema(text);
      const parser = uDSV.initParser(schema);
      const cols = parser.typedCols(text);
      columns = cols.length;
      rows = cols.length ? cols[0].length : 0;
    } else {
      const result = Papa.parse(text, { header: false, dynamicTyping: true, skipEmptyLines: true });
      rows = result.data.length - 1;
      columns = result.data.length ? result.data[0].length : 0;
    }
    const ms = performance.now() - start;
    postMessage({ ms, rows, columns });
  } catch (error) {
    postMessage({ error: String(error && error.message || error) });
  }
};
postMessage({ ready: true });
