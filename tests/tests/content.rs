//! Folder content through the real worker (docs/http.md), on OPFS and on a directory on
//! disk: static mounts and folder apps, ranges, conditional requests, and a table of
//! traversal attacks.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::cases::{MOUNT_TREE as TREE, RANGE_CASES, traversal_attacks as attacks};
use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::json;

async fn mounts_come_root_first_then_deeper_then_the_file(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
    assert_eq!(harness.get("/a/page.txt").await?.text(), "root mount");
    assert_eq!(harness.get("/b/page.txt").await?.text(), "b's mount");
    assert_eq!(harness.get("/inner/deeper/file.txt").await?.text(), "inside");
    harness.finish().await
}

async fn a_folder_with_a_static_index_shows_its_own_app(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
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

async fn ranges_are_served_and_refused_as_http_says(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
    let cases = RANGE_CASES;
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

async fn conditional_requests_answer_304_412_and_if_range(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
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

async fn traversal_attacks_all_get_4xx_and_the_worker_keeps_serving(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
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

/// Writes a 120 s WAV tone (48 kHz, 16-bit mono, ~11 MB) into the folder through the
/// worker's API: the same on both backends, and quicker than carrying it over WebDriver.
const WRITE_TONE_SCRIPT: &str = r#"
const done = arguments[0];
(async () => {
  const rate = 48000, seconds = 120, samples = rate * seconds;
  const wav = new DataView(new ArrayBuffer(44 + samples * 2));
  const text = (offset, value) => [...value].forEach((c, i) => wav.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF"); wav.setUint32(4, 36 + samples * 2, true); text(8, "WAVE"); text(12, "fmt ");
  wav.setUint32(16, 16, true); wav.setUint16(20, 1, true); wav.setUint16(22, 1, true);
  wav.setUint32(24, rate, true); wav.setUint32(28, rate * 2, true); wav.setUint16(32, 2, true);
  wav.setUint16(34, 16, true); text(36, "data"); wav.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) wav.setInt16(44 + i * 2, Math.sin(i / 20) * 8000, true);
  const written = await fetch("/@/fs/tone.wav?call=write", { method: "PUT", body: wav.buffer });
  if (written.status !== 200) throw new Error(`writing tone.wav: ${written.status} ${await written.text()}`);
})().then(() => done(null), (error) => done(String(error)));
"#;

/// Plays `/tone.wav` through the worker in a media element and seeks near the end: the
/// media pipeline only allows that when the server answers range requests.
const MEDIA_SEEK_SCRIPT: &str = r#"
const done = arguments[0];
(async () => {
  const media = document.createElement("video");
  media.preload = "metadata";
  media.muted = true;
  const event = (name) => new Promise((resolve, reject) => {
    media.addEventListener(name, resolve, { once: true });
    media.addEventListener("error", () => reject(`media error ${media.error && media.error.message}`), { once: true });
  });
  const loaded = event("loadedmetadata");
  media.src = "/tone.wav";
  await loaded;
  const seekable = media.seekable.length ? media.seekable.end(0) : 0;
  const seeked = event("seeked");
  media.currentTime = 110;
  await seeked;
  return { duration: media.duration, seekable, currentTime: media.currentTime };
})().then(done, (error) => done({ error: String(error) }));
"#;

async fn a_media_element_seeks_through_range_requests(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, TREE).await?;
    // Written before the network is watched: DevTools would carry the 11 MB body along.
    let written = harness.script(WRITE_TONE_SCRIPT, vec![]).await?;
    assert!(written.is_null(), "{written}");
    let stored = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(stored.get("tone.wav"), Some(&Some(44 + 48_000 * 120 * 2)), "{stored:?}");
    let page = harness.devtools.attach("page").await?;
    harness.devtools.call("Network.enable", json!({}), Some(&page)).await?;
    let result = harness.script(MEDIA_SEEK_SCRIPT, vec![]).await?;
    let statuses: Vec<u64> = harness
        .devtools
        .events("Network.responseReceived")
        .iter()
        .filter(|event| event["params"]["response"]["url"].as_str().is_some_and(|url| url.ends_with("/tone.wav")))
        .filter_map(|event| event["params"]["response"]["status"].as_u64())
        .collect();
    assert!(result.get("error").is_none(), "{result}");
    assert!(statuses.contains(&206), "the media element should have fetched ranges: {statuses:?}");
    assert!((result["duration"].as_f64().unwrap() - 120.0).abs() < 0.1, "{result}");
    assert!(result["seekable"].as_f64().unwrap() > 119.0, "the whole file should be seekable: {result}");
    assert!((result["currentTime"].as_f64().unwrap() - 110.0).abs() < 0.5, "{result}");
    harness.finish().await
}

on_both_backends!(
    mounts_come_root_first_then_deeper_then_the_file,
    a_folder_with_a_static_index_shows_its_own_app,
    ranges_are_served_and_refused_as_http_says,
    conditional_requests_answer_304_412_and_if_range,
    traversal_attacks_all_get_4xx_and_the_worker_keeps_serving,
    a_media_element_seeks_through_range_requests,
);
