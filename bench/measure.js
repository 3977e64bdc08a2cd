// What `cargo xtask bench` runs in each page it measures from (evaluated once per tab):
// seeding the origin's private folder, and the timed fetches. Every timing is taken here
// with performance.now(), so the harness's own round trips never count. Every fetch says
// `cache: "no-store"`: the HTTP cache must not answer for a native server.
window.bench = (() => {
  const NO_STORE = { cache: "no-store" };
  // The same bytes as tests/src/bin/bench/files.rs writes to disk.
  const pattern = (i) => (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255;
  const fill = (buffer, offset) => {
    for (let i = 0; i < buffer.length; i++) buffer[i] = pattern(offset + i);
  };

  async function directory(path, create) {
    let dir = await navigator.storage.getDirectory();
    for (const name of path.split("/").filter(Boolean)) dir = await dir.getDirectoryHandle(name, { create });
    return dir;
  }

  /** Writes `size` bytes of the pattern, starting at `offset`, to `path` in OPFS; with
   * `quick`, each MiB is one byte value instead (for a file only streamed, never compared). */
  async function seedFile(path, size, offset = 0, quick = false) {
    const names = path.split("/");
    const dir = await directory(names.slice(0, -1).join("/"), true);
    const writable = await (await dir.getFileHandle(names[names.length - 1], { create: true })).createWritable();
    const chunk = new Uint8Array(Math.min(size, 4 << 20));
    for (let done = 0; done < size; done += chunk.length) {
      if (quick) chunk.fill((done >>> 22) & 255);
      else fill(chunk, offset + done);
      await writable.write(chunk);
    }
    await writable.close();
  }

  /** Makes `count` empty files in `dir`, `parallel` at a time (empty: a listing opens
   * every file the same whatever its size, and writing 10,000 swap files is slow). */
  async function seedMany(dir, count, parallel) {
    const folder = await directory(dir, true);
    const one = (n) => folder.getFileHandle(`f${String(n).padStart(5, "0")}.txt`, { create: true });
    for (let n = 0; n < count; n += parallel) {
      await Promise.all(Array.from({ length: Math.min(parallel, count - n) }, (_, k) => one(n + k)));
    }
  }

  /** Reads a response's body to its end without keeping it; returns the byte count. */
  async function drain(response) {
    const reader = response.body.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.length;
    }
  }

  async function expect(response, status, what) {
    if (response.status !== status) throw new Error(`${what}: status ${response.status}, not ${status}`);
    return response;
  }

  /** A GET of `path`: `{status, length, fnv}` (FNV-1a of the body), to check that every
   * server serves the same bytes. */
  async function digest(path) {
    const response = await fetch(path, NO_STORE);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let hash = 0x811c9dc5;
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return { status: response.status, length: bytes.length, fnv: hash };
  }

  /** `n` GETs one after another, cycling through `paths`: each one's time in ms. */
  async function sequential(paths, n) {
    const times = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const response = await expect(await fetch(paths[i % paths.length], NO_STORE), 200, paths[i % paths.length]);
      await response.arrayBuffer();
      times.push(performance.now() - start);
    }
    return times;
  }

  /** `bursts` times, all of `paths` at once: the time until the last body is in, in ms. */
  async function concurrent(paths, bursts) {
    const times = [];
    for (let b = 0; b < bursts; b++) {
      const start = performance.now();
      await Promise.all(
        paths.map(async (path) => (await expect(await fetch(path, NO_STORE), 200, path)).arrayBuffer()),
      );
      times.push(performance.now() - start);
    }
    return times;
  }

  /** One whole GET of `path` of `size` bytes, streamed and dropped: its time in ms. */
  async function whole(path, size) {
    const start = performance.now();
    const bytes = await drain(await expect(await fetch(path, NO_STORE), 200, path));
    const time = performance.now() - start;
    if (bytes !== size) throw new Error(`${path}: ${bytes} bytes, not ${size}`);
    return time;
  }

  /** `count` ranges of `length` bytes at random places (the same for every target,
   * from `seed`) one after another: the total time in ms. */
  async function ranges(path, size, count, length, seed) {
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const start = performance.now();
    for (let n = 0; n < count; n++) {
      const first = Math.floor(random() * (size - length));
      const init = { ...NO_STORE, headers: { Range: `bytes=${first}-${first + length - 1}` } };
      const bytes = await drain(await expect(await fetch(path, init), 206, `${path} range`));
      if (bytes !== length) throw new Error(`${path} range: ${bytes} bytes, not ${length}`);
    }
    return performance.now() - start;
  }

  /** Whether `path` answers a one-byte range with `206`. */
  async function rangesWork(path) {
    const response = await fetch(path, { ...NO_STORE, headers: { Range: "bytes=0-0" } });
    await response.arrayBuffer();
    return response.status === 206;
  }

  /** One listing of directory `path` asked as JSON: `{time, entries}` (the body is
   * parsed after the clock stops, only to count what came). */
  async function listing(path) {
    const init = { ...NO_STORE, headers: { Accept: "application/json" } };
    const start = performance.now();
    const response = await fetch(path, init);
    const text = await response.text();
    const time = performance.now() - start;
    if (response.status !== 200) return { time, entries: -1, status: response.status };
    let entries = -1;
    try {
      const parsed = JSON.parse(text);
      entries = Array.isArray(parsed) ? parsed.length : -1;
    } catch {}
    return { time, entries, status: 200, type: response.headers.get("content-type") };
  }

  /** GETs of `path`: `idle` of them one after another, then as many as fit, one after
   * another, while one JSON listing of `dir` runs: `{idle, during, startedAt, listing}` in
   * ms (`startedAt`: when each GET of `during` began, after the listing began). */
  async function duringListing(dir, path, idle) {
    const idleTimes = await sequential([path], idle);
    let listed = false;
    const start = performance.now();
    const listingDone = listing(dir).then((answer) => {
      listed = true;
      if (answer.status !== 200) throw new Error(`${dir}: status ${answer.status}`);
      return performance.now() - start;
    });
    const during = [];
    const startedAt = [];
    while (!listed) {
      startedAt.push(performance.now() - start);
      during.push(...(await sequential([path], 1)));
    }
    return { idle: idleTimes, during, startedAt, listing: await listingDone };
  }

  // The file app's listing, for the measures taken in its tab.
  const APP_ROWS = "#listing tr[data-name]";
  const appBusy = () => document.getElementById("listing")?.hasAttribute("aria-busy") ?? true;
  const appRows = () => document.querySelectorAll(APP_ROWS).length;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  /** Waits until `test()` holds, checked at each animation frame (two minutes at most). */
  async function until(test, what) {
    const start = performance.now();
    while (!test()) {
      if (performance.now() - start > 120000) throw new Error(`never: ${what}`);
      await frame();
    }
  }
  /** The link to the entry `name` of the listing, once the listing is drawn. */
  async function appLink(name) {
    const link = () => document.querySelector(`${APP_ROWS}[data-name="${name}"] a`);
    await until(() => link() && !appBusy(), `${name} listed in ${location.pathname}`);
    return link;
  }
  /** Back to `parent`, its `link` drawn; then lets the worker settle: its live follower
   * lists the folder left once a second, and its last round must end before anything
   * else is measured. */
  async function appBack(parent, link) {
    history.back();
    await until(() => location.pathname === parent && link() && !appBusy(), `back in ${parent}`);
    await new Promise((resolve) => setTimeout(resolve, 2500));
  }

  /** In the file app showing the folder that holds `name`: clicks `name` and waits until
   * `rows` of its rows are drawn (checked at each animation frame): `{time, asked,
   * answered}`, ms from the click to the rows, and to the names request's start and end.
   * Then waits for the sizes and times to come, goes back, and lets the worker settle. */
  async function appDraws(name, rows) {
    const parent = location.pathname;
    const link = await appLink(name);
    const start = performance.now();
    link().click();
    await until(() => location.pathname !== parent && appRows() >= rows, `${rows} rows`);
    const time = performance.now() - start;
    // Where the names request was: asked and answered, in ms after the click.
    const names = performance
      .getEntriesByType("resource")
      .filter((entry) => entry.name.includes("kind=1") && entry.startTime >= start)
      .pop();
    const asked = names ? names.startTime - start : NaN;
    const answered = names ? names.responseEnd - start : NaN;
    await until(() => !appBusy(), "the sizes and times");
    await appBack(parent, link);
    return { time, asked, answered };
  }

  /** The file app in the folder `name`, all of its `count` rows drawn ("Show more" until
   * none is left): the time of Ctrl+A's handler, which selects them, in ms. (The frame
   * that paints them is not counted: in the bench's app tab, a second headless window, a
   * frame takes ~90 ms even with nothing changed.) */
  async function appSelectsAll(name, count) {
    const parent = location.pathname;
    const link = await appLink(name);
    link().click();
    await until(() => location.pathname !== parent && !appBusy(), `${name} listed`);
    while (appRows() < count) {
      const drawn = appRows();
      document.querySelector("#listing .more-rows button")?.click();
      await until(() => appRows() > drawn, `more than ${drawn} rows`);
    }
    const start = performance.now();
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "a", ctrlKey: true, bubbles: true }));
    const time = performance.now() - start;
    await until(() => document.querySelector(".selection-count")?.textContent === `${count} selected`, "all selected");
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await until(() => !document.querySelector(".selection-count"), "the selection cleared");
    await appBack(parent, link);
    return time;
  }

  /** One GET of `path` (a cold start, after the harness stopped the worker): its time in
   * ms, and the Resource Timing marks, in ms after the fetch began, that say where it went. */
  async function once(path) {
    performance.clearResourceTimings();
    const start = performance.now();
    await (await expect(await fetch(path, NO_STORE), 200, path)).arrayBuffer();
    const time = performance.now() - start;
    const entry = performance.getEntriesByType("resource").find((entry) => entry.name.endsWith(path));
    const marks = {};
    for (const mark of ["workerStart", "fetchStart", "requestStart", "responseStart", "responseEnd"]) {
      if (entry && entry[mark] > 0) marks[mark] = entry[mark] - entry.startTime;
    }
    return { time, marks };
  }

  /** The median ms of `n` runs of `step`. */
  async function medianOf(n, step) {
    const times = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await step();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(n / 2)];
  }

  /** What the steps our worker takes for each request cost, timed here in our page (the
   * worker calls the same browser APIs): reading the folder record from IndexedDB, a
   * directory name that is missing (a static-mount try), one that is there, and opening a
   * file. Median ms of `n` each. */
  async function stepCosts(n) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open("owndir");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = () =>
      new Promise((resolve, reject) => {
        const request = db.transaction("folder").objectStore("folder").get("current");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const record = await read();
    const root = record.handle;
    const small = await root.getDirectoryHandle("small");
    const costs = {
      idbRecord: await medianOf(n, read),
      missingName: await medianOf(n, () => root.getDirectoryHandle(".owndir").catch(() => null)),
      directoryName: await medianOf(n, () => root.getDirectoryHandle("small")),
      openFile: await medianOf(n, async () => (await small.getFileHandle("00.bin")).getFile()),
    };
    db.close();
    return costs;
  }

  const blobs = new Map();
  /** A Blob of `size` bytes of the pattern, made once: building it is not the write. */
  function blob(size) {
    if (!blobs.has(size)) {
      const bytes = new Uint8Array(size);
      fill(bytes, 0);
      blobs.set(size, new Blob([bytes]));
    }
    return blobs.get(size);
  }

  /** PUTs `size` bytes as a Blob body to `url` (our FsNode API's `write`, or the plain
   * worker's): the time in ms until the answer is in. */
  async function put(url, size) {
    const body = blob(size);
    const start = performance.now();
    const response = await fetch(url, { method: "PUT", body });
    const answer = await response.text();
    const time = performance.now() - start;
    if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${answer}`);
    return time;
  }

  /** Writes `size` bytes to `path` in OPFS from the page with `createWritable`: ms. */
  async function writeDirectly(path, size) {
    const body = blob(size);
    const start = performance.now();
    const dir = await navigator.storage.getDirectory();
    const writable = await (await dir.getFileHandle(path, { create: true })).createWritable();
    await writable.write(body);
    await writable.close();
    return performance.now() - start;
  }

  // A stream that waits at given byte counts until the harness says go on, so that the
  // worker's memory can be read mid-stream.
  const stream = { read: 0, paused: false, done: false, error: null, status: 0 };
  let resume = null;
  function startStream(path, pauses) {
    Object.assign(stream, { read: 0, paused: false, done: false, error: null, status: 0 });
    (async () => {
      const response = await fetch(path, NO_STORE);
      stream.status = response.status;
      const reader = response.body.getReader();
      const stops = [...pauses];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stream.read += value.length;
        if (stops.length && stream.read >= stops[0]) {
          stops.shift();
          stream.paused = true;
          await new Promise((go) => (resume = go));
          stream.paused = false;
        }
      }
      stream.done = true;
    })().catch((error) => (stream.error = String(error)));
  }
  function resumeStream() {
    if (resume) resume();
    resume = null;
  }

  return {
    seedFile, seedMany, digest, sequential, concurrent, whole, ranges, rangesWork, listing, duringListing, appDraws, appSelectsAll, once,
    put, writeDirectly, stepCosts, startStream, resumeStream, stream,
  };
})();
