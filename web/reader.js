// Seglab's file reader: reads slices of a file for the engine worker, on a thread of its own.
//
// A browser copies a file's bytes into an ArrayBuffer on the thread that asked for them, and only between
// that thread's tasks. Asked by the engine worker, the next slice would wait until the engine had parsed
// the current one; asked here, it is read while the engine parses, and handed over without a copy.
// Requests: { id, file, start, end }. Answers: { id, buffer } (transferred) or { id, error }.
onmessage = async (event) => {
  const { id, file, start, end } = event.data;
  try {
    const buffer = await file.slice(start, end).arrayBuffer();
    postMessage({ id, buffer }, [buffer]);
  } catch (error) {
    postMessage({ id, error: String(error) });
  }
};
