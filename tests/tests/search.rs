//! Search under the folder on screen (issue 18 part 2): names anywhere below, results as
//! they come, hidden entries only with "Show hidden", lines inside text files, Stop, and
//! a folder of 10,000 files searched while the worker keeps answering. On OPFS and disk.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::json;
use std::time::Duration;

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

async fn start(backend: Backend, files: &[(&str, &[u8])]) -> Result<Harness> {
    let harness = Harness::connected_on(backend, files).await?;
    harness.element("table.listing").await?;
    Ok(harness)
}

/// Types `typed` into the search box and submits it.
async fn search_for(harness: &Harness, typed: &str) -> Result {
    let input = harness.element("#search").await?;
    input.clear().await.map_err(fail("clear"))?;
    input.send_keys(typed).await.map_err(fail("typing"))?;
    input.send_keys("\u{E007}").await.map_err(fail("enter"))?;
    Ok(())
}

async fn wait_until_done(harness: &Harness) -> Result {
    harness
        .eventually_within(
            Duration::from_secs(120),
            "return document.getElementById('search-results')?.dataset.state === 'done'",
            "the search to end",
        )
        .await
}

/// The results, each as `path` or `path | line`.
async fn results(harness: &Harness) -> Result<Vec<String>> {
    let found = harness
        .value("[...document.querySelectorAll('#search-results tr[data-path]')].map((row) => row.dataset.path + (row.querySelector('.match-line') ? ' | ' + row.querySelector('.match-line').textContent : ''))")
        .await?;
    let mut found: Vec<String> = serde_json::from_value(found).map_err(|error| error.to_string())?;
    found.sort();
    Ok(found)
}

async fn names_and_lines_are_found_below_the_folder(backend: Backend) -> Result {
    let harness = start(
        backend,
        &[
            ("notes/Tax 2024.md", b"# Taxes\n\nPay by April.\n"),
            ("notes/shopping.md", b"eggs\nmilk\n- file the TAX return\n"),
            ("a/b/c/deep-tax.txt", b"deep"),
            ("a/b/c/other.txt", b"nothing here"),
            (".hidden/tax.txt", b"secret"),
            (".taxrc", b"x"),
            ("photos/tax.jpg", &[0xFFu8, 0xD8, 0, 1, 2]),
            ("code/main.rs", b"fn main() {\n    let tax = 1;\n}\n"),
            ("big.log", &[b'a'; 2 * 1024 * 1024]),
            ("top.txt", b"top"),
        ],
    )
    .await?;
    search_for(&harness, "tax").await?;
    wait_until_done(&harness).await?;
    assert_eq!(results(&harness).await?, ["a/b/c/deep-tax.txt", "notes/Tax 2024.md", "photos/tax.jpg"]);
    let status = harness.value("document.querySelector('.search-status').textContent").await?;
    assert!(status.as_str().unwrap().starts_with("Done: 3 found in 7 folders of the whole folder"), "{status}");
    assert_eq!(harness.value("document.getElementById('listing').hidden").await?, true);
    // Hidden entries only with "Show hidden"; inside text files only when asked.
    harness.element("#show-hidden").await?.click().await.map_err(fail("click"))?;
    harness.element("#search-inside").await?.click().await.map_err(fail("click"))?;
    search_for(&harness, "TAX").await?;
    wait_until_done(&harness).await?;
    assert_eq!(
        results(&harness).await?,
        [
            ".hidden/tax.txt",
            ".taxrc",
            "a/b/c/deep-tax.txt",
            "code/main.rs | 2: let tax = 1;",
            "notes/Tax 2024.md",
            "notes/shopping.md | 3: - file the TAX return",
            "photos/tax.jpg",
        ]
    );
    harness.screenshot("file-app-search-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-search-phone", 390, 844, true).await?;
    // A result opens in the app; a search from a subfolder stays under it.
    harness
        .element("#search-results tr[data-path='notes/shopping.md'] a.entry")
        .await?
        .click()
        .await
        .map_err(fail("click"))?;
    harness.eventually("return location.pathname === '/@/browse/notes/shopping.md'", "the file").await?;
    harness.open("/a/").await?;
    harness.element("table.listing").await?;
    harness.element("#search-inside").await?.click().await.map_err(fail("click"))?;
    search_for(&harness, "here").await?;
    wait_until_done(&harness).await?;
    assert_eq!(results(&harness).await?, ["a/b/c/other.txt | 1: nothing here"]);
    assert_eq!(harness.value("document.querySelector('#search-results .search-name').textContent").await?, "other.txt");
    assert_eq!(harness.value("document.querySelector('#search-results .search-dir').textContent").await?, "b/c/");
    // Back to the folder: the listing again.
    harness.button("Back to the folder").await?.click().await.map_err(fail("click"))?;
    harness
        .eventually(
            "return !document.getElementById('listing').hidden && document.getElementById('search-results').hidden",
            "the listing",
        )
        .await?;
    harness.finish().await
}

/// Makes `folders` folders of `per_folder` empty files each under `big/`, in the storage.
async fn many_files(harness: &Harness, folders: usize, per_folder: usize) -> Result {
    if let Some(root) = harness.disk_path() {
        for folder in 0..folders {
            let dir = root.join(format!("big/d{folder:03}"));
            std::fs::create_dir_all(&dir).unwrap();
            for file in 0..per_folder {
                std::fs::File::create(dir.join(format!("f{folder:03}-{file:05}.txt"))).unwrap();
            }
        }
        return Ok(());
    }
    let script = r#"
const [folders, perFolder, done] = arguments;
(async () => {
  const big = await (await navigator.storage.getDirectory()).getDirectoryHandle("big", { create: true });
  for (let folder = 0; folder < folders; folder++) {
    const name = String(folder).padStart(3, "0");
    const dir = await big.getDirectoryHandle(`d${name}`, { create: true });
    const batch = [];
    for (let file = 0; file < perFolder; file++) {
      batch.push(dir.getFileHandle(`f${name}-${String(file).padStart(5, "0")}.txt`, { create: true }));
    }
    await Promise.all(batch);
  }
  return null;
})().then(done, (error) => done(String(error)));
"#;
    let made = harness.script(script, vec![json!(folders), json!(per_folder)]).await?;
    if made.is_null() { Ok(()) } else { Err(format!("making files: {made}")) }
}

async fn ten_thousand_files_are_searched_while_the_worker_keeps_answering(backend: Backend) -> Result {
    let harness = start(backend, &[("note.txt", b"small")]).await?;
    many_files(&harness, 100, 100).await?;
    // Every name ending in 7 of every folder: 10 per folder, 1,000 in all.
    search_for(&harness, "7.txt").await?;
    harness
        .eventually("return document.querySelectorAll('#search-results tr[data-path]').length > 0", "a first result")
        .await?;
    // Meanwhile the worker answers other requests at once.
    let started = std::time::Instant::now();
    assert_eq!(harness.get("/note.txt").await?.text(), "small");
    let small_ms = started.elapsed().as_millis();
    assert!(small_ms < 2_000, "a small file took {small_ms} ms during the search");
    wait_until_done(&harness).await?;
    let shown = harness.value("document.querySelectorAll('#search-results tr[data-path]').length").await?;
    assert_eq!(shown, 1000);
    let status = harness.value("document.querySelector('.search-status').textContent").await?;
    assert!(status.as_str().unwrap().starts_with("Done: 1000 found in 102 folders"), "{status}");
    let first = harness.value("document.getElementById('search-results').dataset.firstMs").await?;
    let done = harness.value("document.getElementById('search-results').dataset.doneMs").await?;
    eprintln!(
        "{backend:?}: 10,000 files in 100 folders: first result {first} ms, done {done} ms, a small file meanwhile {small_ms} ms"
    );
    // Stop: the count stops growing, and the page's requests are aborted.
    search_for(&harness, "f0").await?;
    // Stop pressed from inside the page at the first result, before the walk can end.
    let pressed = harness
        .script(
            "const done = arguments[0]; const look = () => { const stop = document.querySelector('#search-results button[data-action=stop-search]'); if (document.querySelector('#search-results tr[data-path]') && stop) { stop.click(); done(true); } else if (document.getElementById('search-results').dataset.state) { done(false); } else { setTimeout(look, 2); } }; look();",
            vec![],
        )
        .await?;
    assert_eq!(pressed, json!(true), "the search ended before Stop");
    harness
        .eventually("return document.getElementById('search-results').dataset.state === 'stopped'", "stopped")
        .await?;
    let count = "document.querySelectorAll('#search-results tr[data-path]').length";
    let at_stop = harness.value(count).await?;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(harness.value(count).await?, at_stop);
    let status = harness.value("document.querySelector('.search-status').textContent").await?;
    assert!(status.as_str().unwrap().starts_with("Stopped: "), "{status}");
    harness.finish().await
}

/// 100,000 files in 100 folders, searched twice (the worker learns each folder's time
/// the first time it lists its parent), for BENCHMARKS.md. Minutes to make on OPFS:
/// `cargo test -p owndir-e2e --test search -- --ignored --nocapture`.
async fn a_hundred_thousand_files_are_searched(backend: Backend) -> Result {
    let harness = start(backend, &[("note.txt", b"small")]).await?;
    many_files(&harness, 100, 1000).await?;
    // A fresh page: the live stream's look at the new files is over.
    harness.open("/").await?;
    harness.element("table.listing").await?;
    for round in ["first", "second"] {
        search_for(&harness, "77.txt").await?;
        harness
            .eventually_within(
                Duration::from_secs(600),
                "return document.getElementById('search-results')?.dataset.state === 'done'",
                "the search to end",
            )
            .await?;
        let status = harness.value("document.querySelector('.search-status').textContent").await?;
        assert!(status.as_str().unwrap().starts_with("Done: 1000 found in 102 folders"), "{status}");
        let first = harness.value("document.getElementById('search-results').dataset.firstMs").await?;
        let done = harness.value("document.getElementById('search-results').dataset.doneMs").await?;
        eprintln!("{backend:?}: 100,000 files in 100 folders, {round} search: first result {first} ms, done {done} ms");
        harness.button("Back to the folder").await?.click().await.map_err(fail("click"))?;
    }
    harness.finish().await
}

on_both_backends!(
    names_and_lines_are_found_below_the_folder,
    ten_thousand_files_are_searched_while_the_worker_keeps_answering,
    #[ignore = "minutes to make 100,000 files"]
    a_hundred_thousand_files_are_searched,
);
