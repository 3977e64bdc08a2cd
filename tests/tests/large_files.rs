//! Large files through the worker, in OPFS and on disk: served byte for byte, whole and by
//! ranges, while the worker's memory stays flat (the bytes stream from disk, never through
//! the worker). On disk the files are written with `std::fs`, as another program would.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, WorkerMemory, on_both_backends};
use serde_json::{Value, json};
use std::io::Write;
use std::time::{Duration, Instant};

/// The byte at `index` of the big file: position-dependent, so that a byte served from
/// the wrong place shows.
fn pattern(index: u64) -> u8 {
    (index ^ (index >> 8) ^ (index >> 16) ^ (index >> 24)) as u8
}

/// Writes `size` bytes of [`pattern`] into the OPFS file `name`.
const WRITE_PATTERN_SCRIPT: &str = r#"
const [name, size, done] = arguments;
const pattern = (i) => (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255;
const fill = (buffer, offset) => { for (let i = 0; i < buffer.length; i++) buffer[i] = pattern(offset + i); };
(async () => {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  const chunk = new Uint8Array(1 << 20);
  for (let offset = 0; offset < size; offset += chunk.length) {
    fill(chunk, offset);
    await writable.write(chunk);
  }
  await writable.close();
})().then(() => done(null), (error) => done(String(error)));
"#;

/// Reads `big.bin` back through the worker whole and in 64 random ranges, checking every
/// byte against the pattern in the page (the bytes never cross into the test process).
const CHECK_PATTERN_SCRIPT: &str = r#"
const [size, done] = arguments;
const pattern = (i) => (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255;
const check = (bytes, offset) => {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== pattern(offset + i)) return offset + i;
  return -1;
};
(async () => {
  const whole = await fetch("/big.bin");
  if (whole.status !== 200) return `whole: status ${whole.status}`;
  if (whole.headers.get("content-length") !== String(size)) return `whole: length ${whole.headers.get("content-length")}`;
  const reader = whole.body.getReader();
  let position = 0;
  for (;;) {
    const { done: finished, value } = await reader.read();
    if (finished) break;
    const bad = check(value, position);
    if (bad >= 0) return `whole: wrong byte at ${bad}`;
    position += value.length;
  }
  if (position !== size) return `whole: read ${position} of ${size} bytes`;

  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 64; n++) {
    const start = Math.floor(random() * (size - (1 << 20)));
    const end = start + Math.floor(random() * (1 << 20));
    const part = await fetch("/big.bin", { headers: { Range: `bytes=${start}-${end}` } });
    if (part.status !== 206) return `range ${start}-${end}: status ${part.status}`;
    if (part.headers.get("content-range") !== `bytes ${start}-${end}/${size}`) return `range: ${part.headers.get("content-range")}`;
    const bytes = new Uint8Array(await part.arrayBuffer());
    if (bytes.length !== end - start + 1) return `range ${start}-${end}: ${bytes.length} bytes`;
    const bad = check(bytes, start);
    if (bad >= 0) return `range ${start}-${end}: wrong byte at ${bad}`;
  }
  return null;
})().then(done, (error) => done(String(error)));
"#;

/// Writes the file `name` of `size` bytes at the top of the storage itself, then checks
/// its size there: on disk with `std::fs`, each MiB filled by `chunk_at(offset, chunk)`;
/// in OPFS from the page by `script` (given `name` and `size`), which fills it the same way.
async fn write_big(
    harness: &Harness,
    name: &str,
    size: u64,
    script: &str,
    chunk_at: impl Fn(u64, &mut [u8]),
) -> Result {
    if let Some(root) = harness.disk_path() {
        let mut file = std::io::BufWriter::new(std::fs::File::create(root.join(name)).unwrap());
        let mut chunk = vec![0u8; 1 << 20];
        for offset in (0..size).step_by(chunk.len()) {
            chunk_at(offset, &mut chunk);
            file.write_all(&chunk[..chunk.len().min((size - offset) as usize)]).unwrap();
        }
        file.flush().unwrap();
    } else {
        let failure = harness.script(script, vec![json!(name), json!(size)]).await?;
        assert!(failure.is_null(), "{failure}");
    }
    let stored = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(stored.get(name), Some(&Some(size)), "{stored:?}");
    Ok(())
}

async fn a_256_mb_file_is_served_byte_for_byte_whole_and_in_64_ranges(backend: Backend) -> Result {
    const SIZE: u64 = 256 << 20;
    let harness = Harness::connected_on(backend, &[]).await?;
    let fill = |offset: u64, chunk: &mut [u8]| {
        for (index, byte) in chunk.iter_mut().enumerate() {
            *byte = pattern(offset + index as u64);
        }
    };
    write_big(&harness, "big.bin", SIZE, WRITE_PATTERN_SCRIPT, fill).await?;
    let failure = harness.script(CHECK_PATTERN_SCRIPT, vec![json!(SIZE)]).await?;
    assert!(failure.is_null(), "{failure}");
    harness.finish().await
}

/// Writes a file of `size` bytes into OPFS quickly: each MiB holds one byte value.
const WRITE_LARGE_SCRIPT: &str = r#"
const [name, size, done] = arguments;
(async () => {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  const chunk = new Uint8Array(1 << 20);
  for (let offset = 0; offset < size; offset += chunk.length) {
    chunk.fill((offset >>> 20) & 255);
    await writable.write(chunk);
  }
  await writable.close();
})().then(() => done(null), (error) => done(String(error)));
"#;

/// Starts reading `path` (with an optional `Range`) through the worker, pausing at each
/// byte count in `pauses` until the test sets `window.owndirResume`.
const STREAM_SCRIPT: &str = r#"
const [path, range, pauses] = arguments;
window.owndirStream = { read: 0, paused: false, done: false, error: null, status: 0 };
window.owndirResume = false;
(async () => {
  const response = await fetch(path, range ? { headers: { Range: range } } : {});
  owndirStream.status = response.status;
  const reader = response.body.getReader();
  const stops = [...pauses];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    owndirStream.read += value.length;
    if (stops.length && owndirStream.read >= stops[0]) {
      stops.shift();
      owndirStream.paused = true;
      while (!owndirResume) await new Promise((resolve) => setTimeout(resolve, 20));
      owndirResume = false;
      owndirStream.paused = false;
    }
  }
  owndirStream.done = true;
})().catch((error) => { owndirStream.error = String(error); });
"#;

/// Runs `expression` in the page through the harness's own DevTools session: while a
/// stream runs, chromedriver's script calls were seen to block for good.
async fn evaluate(harness: &Harness, page: &str, expression: &str) -> Result<Value> {
    let answer = harness
        .devtools
        .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }), Some(page))
        .await?;
    Ok(answer["result"]["value"].clone())
}

async fn stream_state(harness: &Harness, page: &str) -> Result<Value> {
    evaluate(harness, page, "window.owndirStream").await
}

/// Streams `path` and samples the worker's memory at the start, the middle and the end.
async fn memory_while_streaming(
    harness: &Harness,
    path: &str,
    range: Option<&str>,
    length: u64,
) -> Result<Vec<WorkerMemory>> {
    let pauses = json!([16u64 << 20, length / 2]);
    let page = harness.devtools.attach("page").await?;
    let start = format!("(function () {{ {STREAM_SCRIPT} }}).apply(null, {})", json!([path, range, pauses]));
    evaluate(harness, &page, &start).await?;
    let mut samples = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut next_report = Instant::now();
    loop {
        let state = stream_state(harness, &page).await?;
        if Instant::now() >= next_report {
            eprintln!("streaming {path} {range:?}: {state}");
            next_report = Instant::now() + Duration::from_secs(5);
        }
        if let Some(error) = state["error"].as_str() {
            return Err(format!("streaming {path} failed: {error}"));
        }
        if state["paused"] == true {
            samples.push(harness.worker_memory().await?);
            evaluate(harness, &page, "window.owndirResume = true").await?;
            // Wait for the page to go on before looking again.
            while stream_state(harness, &page).await?["paused"] == true {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        if state["done"] == true {
            assert_eq!(state["read"].as_u64(), Some(length), "{path} {range:?}");
            samples.push(harness.worker_memory().await?);
            return Ok(samples);
        }
        if Instant::now() > deadline {
            return Err(format!("streaming {path} did not finish: {state}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_flat(samples: &[WorkerMemory], what: &str) {
    assert_eq!(samples.len(), 3, "{what}: samples at start, middle and end");
    let first = samples[0];
    for sample in samples {
        // A streaming body that passed through the worker would show up as hundreds of MB.
        assert!(sample.js_heap_used < first.js_heap_used + 16e6, "{what}: JS heap grew: {samples:?}");
        assert!(sample.wasm <= first.wasm + 1e6, "{what}: wasm memory grew: {samples:?}");
    }
    eprintln!("{what}: worker memory at start, middle, end: {samples:?}");
}

async fn a_1_gb_file_streams_whole_and_by_range_with_flat_worker_memory(backend: Backend) -> Result {
    const SIZE: u64 = 1 << 30;
    let harness = Harness::connected_on(backend, &[]).await?;
    let fill = |offset: u64, chunk: &mut [u8]| chunk.fill((offset >> 20) as u8);
    write_big(&harness, "huge.bin", SIZE, WRITE_LARGE_SCRIPT, fill).await?;

    let whole = memory_while_streaming(&harness, "/huge.bin", None, SIZE).await?;
    assert_flat(&whole, "1 GB whole");
    let page = harness.devtools.attach("page").await?;
    assert_eq!(stream_state(&harness, &page).await?["status"], 200);

    let (start, end) = (256u64 << 20, (768u64 << 20) - 1);
    let range = format!("bytes={start}-{end}");
    let part = memory_while_streaming(&harness, "/huge.bin", Some(&range), end - start + 1).await?;
    assert_flat(&part, "512 MB range");
    assert_eq!(stream_state(&harness, &page).await?["status"], 206);
    harness.finish().await
}

on_both_backends!(
    a_256_mb_file_is_served_byte_for_byte_whole_and_in_64_ranges,
    a_1_gb_file_streams_whole_and_by_range_with_flat_worker_memory,
);
