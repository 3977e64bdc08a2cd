//! Folder content through the real worker on OPFS (CONTRACT §2, §6): static mounts and
//! folder apps, ranges, conditional requests, and a table of traversal attacks.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Harness, Result};
use serde_json::json;

const TREE: &[(&str, &[u8])] = &[
    ("digits.txt", b"0123456789"),
    ("a/page.txt", b"the file itself"),
    ("a/.owndir/static/page.txt", b"a's mount"),
    ("a/.owndir/static/index.html", b"<!doctype html><title>a's app</title><h1>a</h1>"),
    ("b/page.txt", b"b's file"),
    ("b/.owndir/static/page.txt", b"b's mount"),
    (".owndir/static/a/page.txt", b"root mount"),
    ("inner/deeper/file.txt", b"inside"),
];

async fn connected() -> Result<Harness> {
    let harness = Harness::start().await?;
    harness.seed(TREE).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    Ok(harness)
}

#[tokio::test]
async fn mounts_come_root_first_then_deeper_then_the_file() -> Result {
    let harness = connected().await?;
    assert_eq!(harness.get("/a/page.txt").await?.text(), "root mount");
    assert_eq!(harness.get("/b/page.txt").await?.text(), "b's mount");
    assert_eq!(harness.get("/inner/deeper/file.txt").await?.text(), "inside");
    harness.finish().await
}

#[tokio::test]
async fn a_folder_with_a_static_index_shows_its_own_app() -> Result {
    let harness = connected().await?;
    harness.open("/a/").await?;
    harness.element("h1").await?;
    let title = harness.client.title().await.map_err(|error| error.to_string())?;
    assert_eq!(title, "a's app");
    // Deeper paths, even missing ones, get the nearest folder app as their frame.
    let frame = harness.fetch("/a/missing/", json!({ "mode": "same-origin" })).await?;
    assert_eq!(frame.status, 404);
    harness.open("/a/missing/deeper").await?;
    harness.element("h1").await?;
    assert_eq!(harness.client.title().await.map_err(|error| error.to_string())?, "a's app");
    harness.finish().await
}

#[tokio::test]
async fn ranges_are_served_and_refused_as_http_says() -> Result {
    let harness = connected().await?;
    let cases: &[(&str, u16, &str, Option<&str>)] = &[
        ("bytes=0-3", 206, "0123", Some("bytes 0-3/10")),
        ("bytes=7-", 206, "789", Some("bytes 7-9/10")),
        ("bytes=-2", 206, "89", Some("bytes 8-9/10")),
        ("bytes=5-100", 206, "56789", Some("bytes 5-9/10")),
        ("bytes=10-", 416, "", Some("bytes */10")),
        ("bytes=3-1", 200, "0123456789", None),
        ("nonsense", 200, "0123456789", None),
    ];
    for (range, status, body, content_range) in cases {
        let answer = harness.fetch("/digits.txt", json!({ "headers": { "Range": range } })).await?;
        assert_eq!(answer.status, *status, "{range}");
        assert_eq!(answer.header("content-range"), *content_range, "{range}");
        if *status != 416 {
            assert_eq!(answer.text(), *body, "{range}");
            assert_eq!(answer.header("content-length"), Some(body.len().to_string().as_str()), "{range}");
        }
    }
    harness.finish().await
}

#[tokio::test]
async fn conditional_requests_answer_304_412_and_if_range() -> Result {
    let harness = connected().await?;
    let first = harness.get("/digits.txt").await?;
    let etag = first.header("etag").ok_or("no etag")?.to_owned();
    let last_modified = first.header("last-modified").ok_or("no last-modified")?.to_owned();

    // `cache: "no-store"` keeps the browser from adding or answering validators itself.
    let not_modified =
        harness.fetch("/digits.txt", json!({ "cache": "no-store", "headers": { "If-None-Match": etag } })).await?;
    assert_eq!(not_modified.status, 304);
    let since = harness
        .fetch("/digits.txt", json!({ "cache": "no-store", "headers": { "If-Modified-Since": last_modified } }))
        .await?;
    assert_eq!(since.status, 304);
    let stale =
        harness.fetch("/digits.txt", json!({ "cache": "no-store", "headers": { "If-Match": "\"stale\"" } })).await?;
    assert_eq!(stale.status, 412);
    let fresh_range =
        harness.fetch("/digits.txt", json!({ "headers": { "Range": "bytes=0-1", "If-Range": etag } })).await?;
    assert_eq!((fresh_range.status, fresh_range.text().as_str()), (206, "01"));
    let stale_range =
        harness.fetch("/digits.txt", json!({ "headers": { "Range": "bytes=0-1", "If-Range": "\"stale\"" } })).await?;
    assert_eq!((stale_range.status, stale_range.text().as_str()), (200, "0123456789"));
    harness.finish().await
}

/// At least 100 traversal attempts, as a page could send them after URL parsing.
fn attacks() -> Vec<String> {
    let prefixes = ["/", "/inner/", "/inner/deeper/"];
    let climbs = [
        "..%2F",
        "..%5C",
        "%2e%2e%2f",
        "%2E%2E%5C",
        "..%252f",
        "%252e%252e%252f",
        "..%c0%af",
        "%c0%ae%c0%ae%2f",
        "..%00/",
        ".%2e%2F",
        "%2e.%2F",
        "..%5c..%5c",
        "....%2F%2F",
        "..\\",
    ];
    let targets = ["etc%2Fpasswd", "windows%5Cwin.ini", "C:%5Cboot.ini", "secret%00.txt", "x%0D%0Ay"];
    let mut attacks = Vec::new();
    for prefix in prefixes {
        for climb in climbs {
            for target in targets {
                attacks.push(format!("{prefix}{}{target}", climb.repeat(3)));
            }
        }
    }
    attacks.extend(
        ["//etc/passwd", "/inner//file.txt", "/%00", "/a%2f..%2f..%2fdigits.txt", "/inner/%01"].map(String::from),
    );
    attacks
}

#[tokio::test]
async fn traversal_attacks_all_get_4xx_and_the_worker_keeps_serving() -> Result {
    let harness = connected().await?;
    let attacks = attacks();
    assert!(attacks.len() >= 100, "only {} attacks", attacks.len());
    let mut failures = Vec::new();
    for attack in &attacks {
        // Absolute, so that `//x` stays a path rather than a host.
        let answer = harness.get(&format!("{}{attack}", harness.origin)).await?;
        if !(400..500).contains(&answer.status) || answer.text().contains("inside") || answer.text().contains("0123") {
            failures.push(format!("{attack} → {} {}", answer.status, answer.text()));
        }
    }
    assert!(failures.is_empty(), "{} of {} attacks got through: {failures:#?}", failures.len(), attacks.len());
    assert_eq!(harness.get("/digits.txt").await?.status, 200);
    harness.finish().await
}

/// Writes `size` bytes of a position-dependent pattern into OPFS, then reads the file
/// back through the worker whole and in 64 random ranges, checking every byte in the
/// page (the bytes never cross into the test process).
const BIG_FILE_SCRIPT: &str = r#"
const [size, done] = arguments;
const pattern = (i) => (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255;
const fill = (buffer, offset) => { for (let i = 0; i < buffer.length; i++) buffer[i] = pattern(offset + i); };
const check = (bytes, offset) => {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== pattern(offset + i)) return offset + i;
  return -1;
};
(async () => {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle("big.bin", { create: true });
  const writable = await handle.createWritable();
  const chunk = new Uint8Array(1 << 20);
  for (let offset = 0; offset < size; offset += chunk.length) {
    fill(chunk, offset);
    await writable.write(chunk);
  }
  await writable.close();

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

#[tokio::test]
async fn a_256_mb_file_is_served_byte_for_byte_whole_and_in_64_ranges() -> Result {
    let harness = connected().await?;
    let failure = harness.script(BIG_FILE_SCRIPT, vec![json!(256u64 << 20)]).await?;
    assert!(failure.is_null(), "{failure}");
    harness.finish().await
}
