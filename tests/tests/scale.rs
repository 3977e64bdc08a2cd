//! Scale through the real worker (issue 9), on OPFS and on disk: a big folder listed by the
//! API and by the app, a tree 64 levels deep, 255-byte names, and a 4 GB (sparse) file
//! read by range. On disk the files are made with `std::fs`, sparse where OPFS's are. The
//! 100,000-file runs are `#[ignore]`d (minutes to create); figures in docs/reliability.md.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::{Value, json};

/// Creates `count` empty files in `big/` of OPFS, in parallel batches.
const MANY_FILES_SCRIPT: &str = r#"
const [count, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle("big", { create: true });
  const started = performance.now();
  for (let first = 0; first < count; first += 500) {
    const batch = [];
    for (let i = first; i < Math.min(count, first + 500); i++) {
      batch.push(folder.getFileHandle(`file-${String(i).padStart(6, "0")}.txt`, { create: true }));
    }
    await Promise.all(batch);
  }
  return performance.now() - started;
})().then(done, (error) => done(String(error)));
"#;

/// Lists `big/` through the API, and times it; meanwhile a small file is fetched, to see
/// whether the worker still answers.
const LIST_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const started = performance.now();
  const listing = fetch("/@/fs/big?call=children&info=1").then((r) => r.json());
  await new Promise((resolve) => setTimeout(resolve, 20));
  const small = performance.now();
  const other = await (await fetch("/note.txt")).text();
  const smallMs = performance.now() - small;
  const rows = await listing;
  return { count: rows.length, first: rows[0].name, listMs: performance.now() - started, smallMs, other };
})().then(done, (error) => done({ error: String(error) }));
"#;

/// A listing asked while another is under way may share it (the worker opens each file
/// once), but never one begun before a write that is over: the page reads back its write.
const READ_BACK_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const first = fetch("/@/fs/big?call=children").then((r) => r.json());
  const during = fetch("/@/fs/big?call=children&info=1").then((r) => r.json());
  await new Promise((resolve) => setTimeout(resolve, 20));
  const written = await fetch("/@/fs/big/zz-new.txt?call=write", { method: "PUT", body: "new" });
  const after = await (await fetch("/@/fs/big?call=children&info=1")).json();
  await Promise.all([first, during]);
  return { written: written.status, seen: after.some((entry) => entry.name === "zz-new.txt"), count: after.length };
})().then(done, (error) => done({ error: String(error) }));
"#;

/// Creates `count` empty files `big/file-NNNNNN.txt` in the storage itself: with
/// `std::fs` on disk, from the page in OPFS. Returns the milliseconds it took.
async fn many_files(harness: &Harness, count: u64) -> Result<f64> {
    if let Some(root) = harness.disk_path() {
        let started = std::time::Instant::now();
        std::fs::create_dir(root.join("big")).unwrap();
        for i in 0..count {
            std::fs::File::create(root.join(format!("big/file-{i:06}.txt"))).unwrap();
        }
        return Ok(started.elapsed().as_secs_f64() * 1000.0);
    }
    let made = harness.script(MANY_FILES_SCRIPT, vec![json!(count)]).await?;
    made.as_f64().ok_or_else(|| format!("making files in OPFS: {made}"))
}

async fn a_big_folder(backend: Backend, count: u64) -> Result {
    let harness = Harness::connected_on(backend, &[("note.txt", b"small")]).await?;
    let made = many_files(&harness, count).await?;
    assert_eq!(harness.stored_dir("big").await?.map(|files| files.len() as u64), Some(count));
    // A plain page: the app's own live stream would poll the folder meanwhile.
    harness.open("/note.txt").await?;
    let listed = harness.script(LIST_SCRIPT, vec![]).await?;
    assert_eq!(listed["count"], count, "{listed}");
    assert_eq!(listed["first"], "file-000000.txt");
    assert_eq!(listed["other"], "small");
    let read_back = harness.script(READ_BACK_SCRIPT, vec![]).await?;
    assert_eq!(read_back, json!({ "written": 200, "seen": true, "count": count + 1 }));
    assert_eq!(harness.stored_text("big/zz-new.txt").await?.as_deref(), Some("new"));
    assert_eq!(harness.fetch("/@/fs/big/zz-new.txt?call=delete", json!({ "method": "DELETE" })).await?.status, 200);
    assert_eq!(harness.stored("big/zz-new.txt").await?, None);
    // The app shows the first page at once, and the rest as the list scrolls or the
    // keyboard moves down; the filter searches them all.
    let started = std::time::Instant::now();
    harness.open("/big/").await?;
    // Longer than the harness's usual wait: 100,000 files take the API a while to list.
    let first_page = "return !!document.querySelector(\"tr[data-name='file-000499.txt']\")";
    harness.eventually_within(std::time::Duration::from_secs(180), first_page, "the first page").await?;
    let app_ms = started.elapsed().as_millis();
    let rows = "document.querySelectorAll('#listing tr[data-name]').length";
    assert_eq!(harness.value(rows).await?, 500);
    let more = harness.value("document.querySelector('#listing .more-rows')?.textContent").await?;
    assert!(more.as_str().is_some_and(|text| text.contains(&format!("500 of {count} shown"))), "{more}");
    harness.value("document.querySelector('#listing .more-rows').scrollIntoView()").await?;
    harness.eventually(&format!("return {rows} === 1000"), "the next page, drawn when scrolled to").await?;
    let last_link = "document.querySelector(\"tr[data-name='file-000999.txt'] a.entry\")";
    harness.value(&format!("{last_link}.focus()")).await?;
    harness
        .value(
            "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }))",
        )
        .await?;
    let focused = harness.value("document.activeElement.closest('tr')?.dataset.name").await?;
    assert_eq!(focused, "file-001000.txt");
    assert_eq!(harness.value(rows).await?, 1500);
    let filter = harness.element("#filter").await?;
    filter.send_keys(&format!("{:06}", count - 1)).await.map_err(|error| error.to_string())?;
    harness.eventually(&format!("return {rows} === 1"), "the filter").await?;
    eprintln!(
        "{backend:?}, {count} files: made in {made:.0} ms; listed by the API in {:.0} ms while a small file took {:.0} ms; the app showed the first page in {app_ms} ms",
        listed["listMs"].as_f64().unwrap(),
        listed["smallMs"].as_f64().unwrap(),
    );
    harness.finish().await
}

async fn a_folder_of_10_000_files_lists_and_the_worker_keeps_answering(backend: Backend) -> Result {
    a_big_folder(backend, 10_000).await
}

async fn a_folder_of_100_000_files_lists_and_the_worker_keeps_answering(backend: Backend) -> Result {
    a_big_folder(backend, 100_000).await
}

async fn a_tree_64_levels_deep_with_255_byte_names_is_served_listed_and_zipped(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    let name = format!("{}.txt", "n".repeat(251));
    assert_eq!(name.len(), 255);
    let deep: Vec<String> = (0..64).map(|level| format!("level-{level:02}")).collect();
    let path = format!("{}/{name}", deep.join("/"));
    harness.seed(&[(path.as_str(), b"at the bottom")]).await?;
    let url = format!("/{path}");
    assert_eq!(harness.get(&url).await?.text(), "at the bottom");
    let parent = format!("/@/fs/{}?call=children&info=1", deep.join("/"));
    let listing = harness.get(&parent).await?.json();
    assert_eq!(listing[0]["name"], name.as_str());
    let zip = harness.get("/@/zip/level-00/").await?;
    assert_eq!(zip.status, 200);
    assert!(zip.body.windows(name.len()).any(|window| window == name.as_bytes()), "the zip names the file");
    // Moving the whole tree keeps every level, the 255-byte name too: files are moved one
    // by one, each a rename. (When the worker copied them, a name over 248 bytes could not
    // be written on disk: Chrome's swap file `<name>.crswap` must fit in 255 bytes too.)
    let moved = harness.fetch("/@/fs/level-00?call=move&to=moved", json!({ "method": "POST" })).await?;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let moved_url = format!("/moved/{}", path.split_once('/').unwrap().1);
    assert_eq!(harness.get(&moved_url).await?.text(), "at the bottom");
    let moved_path = format!("moved/{}", path.split_once('/').unwrap().1);
    assert_eq!(harness.stored_text(&moved_path).await?.as_deref(), Some("at the bottom"));
    assert_eq!(harness.stored_dir("level-00").await?, None);
    // The app shows the deepest folder with its breadcrumbs.
    harness.open(&format!("/@/browse/moved/{}/", deep[1..].join("/"))).await?;
    harness.element(&format!("tr[data-name='{name}']")).await?;
    harness.finish().await
}

/// Makes `huge.bin` in OPFS: 4 GiB + 16 bytes, by a truncate and 16 bytes at the end.
const SPARSE_OPFS_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const opfs = await navigator.storage.getDirectory();
  const writable = await (await opfs.getFileHandle("huge.bin", { create: true })).createWritable();
  await writable.truncate(4 * 1024 ** 3 + 16);
  await writable.write({ type: "write", position: 4 * 1024 ** 3, data: new TextEncoder().encode("past four GiB!!!") });
  await writable.close();
})().then(() => done(null), (e) => done(String(e)));
"#;

async fn a_4_gb_file_is_served_by_range_past_4_gib(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    // Sparse where the file system allows: a truncate, then 16 bytes written at the end.
    if let Some(root) = harness.disk_path() {
        let mut file = std::fs::File::create(root.join("huge.bin")).unwrap();
        file.set_len((4u64 << 30) + 16).unwrap();
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(4u64 << 30)).unwrap();
        std::io::Write::write_all(&mut file, b"past four GiB!!!").unwrap();
    } else {
        let made = harness.script(SPARSE_OPFS_SCRIPT, vec![]).await?;
        assert!(made.is_null(), "{made}");
    }
    let size: u64 = (4u64 << 30) + 16;
    // By its size only: its bytes must not cross WebDriver.
    let stored = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(stored.get("huge.bin"), Some(&Some(size)), "{stored:?}");
    let head = harness.fetch("/huge.bin", json!({ "method": "HEAD" })).await?;
    assert_eq!(head.header("content-length"), Some(size.to_string().as_str()));
    let end = harness.fetch("/huge.bin", json!({ "headers": { "Range": "bytes=-16" } })).await?;
    assert_eq!(end.status, 206);
    assert_eq!(end.text(), "past four GiB!!!");
    assert_eq!(end.header("content-range"), Some(format!("bytes {}-{}/{size}", size - 16, size - 1).as_str()));
    let across = harness
        .fetch(
            "/huge.bin",
            json!({ "headers": { "Range": format!("bytes={}-{}", (4u64 << 30) - 2, (4u64 << 30) + 3) } }),
        )
        .await?;
    assert_eq!(across.body, b"\0\0past");
    let info: Value = harness.get("/@/fs/huge.bin?call=info").await?.json();
    assert_eq!(info["size"], size);
    let read = harness.get(&format!("/@/fs/huge.bin?call=read&start={}&end={}", size - 5, size - 1)).await?;
    assert_eq!(read.text(), "iB!!!");
    let deleted = harness.fetch("/@/fs/huge.bin?call=delete", json!({ "method": "POST" })).await?;
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    assert_eq!(harness.stored_dir("").await?, Some(Default::default()), "deleted from the storage");
    harness.finish().await
}

on_both_backends!(
    a_folder_of_10_000_files_lists_and_the_worker_keeps_answering,
    #[ignore = "minutes to create; run with --ignored, figures in docs/reliability.md"]
    a_folder_of_100_000_files_lists_and_the_worker_keeps_answering,
    a_tree_64_levels_deep_with_255_byte_names_is_served_listed_and_zipped,
    a_4_gb_file_is_served_by_range_past_4_gib,
);
