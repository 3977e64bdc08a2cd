//! A sync conflict in the file app, without a sync engine (issue 16 part 3): a file and a
//! Syncthing conflict copy beside it, written into the storage as Syncthing leaves them.
//! The listing marks both, opening either compares them side by side, and **Keep this
//! one** / **Keep the other** write the kept text and delete the copy, checked in the
//! storage itself; a version changed meanwhile is never overwritten or deleted.
//! `tests/tests/syncthing.rs` makes the same conflict with two real Syncthings.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::json;

const COPY: &str = "notes.sync-conflict-20261129-101010-ABCDEFG.md";
const MINE: &str = "# Shopping\n\nmilk\neggs\nbread\n\nAsk Ann about the weekend.\n";
const THEIRS: &str = "# Shopping\n\noat milk\neggs\nbread\njam\n\nAsk Ann about the weekend.\n";

async fn start(backend: Backend, files: &[(&str, &[u8])]) -> Result<Harness> {
    let harness = Harness::connected_on(backend, files).await?;
    harness.element("table.listing").await?;
    Ok(harness)
}

/// The row's conflict badge text, `None` when it has none.
async fn badge(harness: &Harness, name: &str) -> Result<Option<String>> {
    let script =
        format!("document.querySelector('#listing tr[data-name={:?}] .badge.conflict')?.textContent ?? null", name);
    Ok(harness.value(&script).await?.as_str().map(str::to_owned))
}

/// Waits for the conflict view, then the texts of its differing cells, left and right.
async fn differing(harness: &Harness) -> Result<(Vec<String>, Vec<String>)> {
    harness.element("#conflict table.diff").await?;
    let side = |class: &str| {
        format!("[...document.querySelectorAll('#conflict td.{class}.differs')].map((cell) => cell.textContent)")
    };
    let texts = |value: serde_json::Value| -> Vec<String> {
        value.as_array().unwrap().iter().map(|text| text.as_str().unwrap().to_owned()).collect()
    };
    Ok((texts(harness.value(&side("left")).await?), texts(harness.value(&side("right")).await?)))
}

/// Waits until the conflict is gone: the kept file shown on its own at its own address.
async fn resolved(harness: &Harness) -> Result {
    harness
        .eventually(
            "return decodeURIComponent(location.pathname) === '/@/browse/notes.md' \
             && !document.querySelector('#conflict') && !!document.querySelector('#viewer article, #viewer .code')",
            "the kept file shown alone",
        )
        .await
}

async fn a_conflict_is_marked_compared_and_the_other_kept(backend: Backend) -> Result {
    let files: [(&str, &[u8]); 3] =
        [("notes.md", MINE.as_bytes()), (COPY, THEIRS.as_bytes()), ("todo.md", b"- nothing\n")];
    let harness = start(backend, &files).await?;
    harness.eventually("return !!document.querySelector('#listing .badge.conflict')", "the badges").await?;
    assert_eq!(badge(&harness, "notes.md").await?.as_deref(), Some("conflict"));
    assert_eq!(badge(&harness, COPY).await?.as_deref(), Some("conflict"));
    assert_eq!(badge(&harness, "todo.md").await?, None);
    harness.screenshot("file-app-sync-conflict-listing-desktop", 1280, 800, false).await?;
    // The link's own name stays the file's name.
    let link =
        harness.value("document.querySelector('#listing tr[data-name=\"notes.md\"] a.entry').textContent").await?;
    assert_eq!(link, "notes.md");

    harness.click("#listing tr[data-name='notes.md'] a.entry").await?;
    let (left, right) = differing(&harness).await?;
    // "jam" is the copy's alone: beside a gap, not a differing line.
    assert_eq!(left, ["milk"]);
    assert_eq!(right, ["oat milk", "jam"]);
    let sides = harness
        .value("[...document.querySelectorAll('.conflict-side .conflict-name')].map((n) => n.textContent)")
        .await?;
    assert_eq!(sides, json!(["notes.md", COPY]));
    let summary = harness.value("document.querySelector('.conflict-summary').textContent").await?;
    assert_eq!(summary, "2 lines differ.");
    harness.screenshot("file-app-sync-conflict-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-sync-conflict-phone", 390, 844, true).await?;

    harness.press("Keep the other").await?;
    resolved(&harness).await?;
    assert_eq!(harness.stored_text("notes.md").await?.as_deref(), Some(THEIRS));
    assert_eq!(harness.stored(COPY).await?, None, "the copy is deleted");
    assert_eq!(harness.stored_text("todo.md").await?.as_deref(), Some("- nothing\n"));
    harness.finish().await
}

async fn opening_the_copy_and_keeping_it(backend: Backend) -> Result {
    let harness = start(backend, &[("notes.md", MINE.as_bytes()), (COPY, THEIRS.as_bytes())]).await?;
    harness.open(&format!("/@/browse/{COPY}")).await?;
    let (left, right) = differing(&harness).await?;
    // The copy opened is "this one", on the left.
    assert_eq!((left, right), (vec!["oat milk".to_owned(), "jam".to_owned()], vec!["milk".to_owned()]));
    harness.press("Keep this one").await?;
    resolved(&harness).await?;
    assert_eq!(harness.stored_text("notes.md").await?.as_deref(), Some(THEIRS));
    assert_eq!(harness.stored(COPY).await?, None);

    // And from the copy, keeping the other: the file as it was, the copy gone.
    harness.seed(&[(COPY, b"a third version\n")]).await?;
    harness.open(&format!("/@/browse/{COPY}")).await?;
    harness.element("#conflict table.diff").await?;
    harness.press("Keep the other").await?;
    resolved(&harness).await?;
    assert_eq!(harness.stored_text("notes.md").await?.as_deref(), Some(THEIRS));
    assert_eq!(harness.stored(COPY).await?, None);
    harness.finish().await
}

async fn a_version_changed_meanwhile_is_neither_overwritten_nor_deleted(backend: Backend) -> Result {
    let harness = start(backend, &[("notes.md", MINE.as_bytes()), (COPY, THEIRS.as_bytes())]).await?;
    harness.open("/@/browse/notes.md").await?;
    differing(&harness).await?;
    // Another program changes the file (1 s later: a new time) right before the click,
    // before the live view can show it.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let newer = "# Shopping\n\nwritten meanwhile\n";
    let script = "const [body, done] = arguments; \
        fetch('/@/fs/notes.md?call=write', { method: 'PUT', body }).then((answer) => { \
          document.querySelector('button[data-action=keep-other]').click(); done(answer.status); \
        }, (error) => done(String(error)));";
    assert_eq!(harness.script(script, vec![json!(newer)]).await?, 200);
    harness
        .eventually(
            "return document.querySelector('#file-status').textContent.includes('changed since it was shown') \
             || document.querySelector('#file-status').textContent.includes('changed on disk')",
            "the view drawn again, saying so",
        )
        .await?;
    // Nothing lost: the newer text is the file, and the copy is still there to choose.
    assert_eq!(harness.stored_text("notes.md").await?.as_deref(), Some(newer));
    assert_eq!(harness.stored_text(COPY).await?.as_deref(), Some(THEIRS));
    let (left, _) = differing(&harness).await?;
    assert!(left.contains(&"written meanwhile".to_owned()), "the view shows the new version: {left:?}");
    harness.finish().await
}

async fn a_conflict_resolved_elsewhere_leaves_the_view_live(backend: Backend) -> Result {
    let harness = start(backend, &[("notes.md", MINE.as_bytes()), (COPY, THEIRS.as_bytes())]).await?;
    // The copy is open; the other device keeps its text in the file and deletes the copy.
    harness.open(&format!("/@/browse/{COPY}")).await?;
    differing(&harness).await?;
    harness.seed(&[("notes.md", THEIRS.as_bytes())]).await?;
    harness.remove_stored(COPY).await?;
    harness
        .eventually(
            "return decodeURIComponent(location.pathname) === '/@/browse/notes.md' \
             && !document.querySelector('#conflict') && !!document.querySelector('#viewer article')",
            "the file shown alone, without a reload",
        )
        .await?;
    let shown = harness.value("document.querySelector('#viewer article').textContent").await?;
    assert!(shown.as_str().unwrap().contains("oat milk"), "{shown}");
    // With the file open, a new copy arriving is not followed (only the file is); the
    // next opening shows the conflict.
    harness.seed(&[(COPY, MINE.as_bytes())]).await?;
    harness.open("/@/browse/notes.md").await?;
    differing(&harness).await?;
    harness.finish().await
}

async fn binary_versions_are_offered_without_a_diff(backend: Backend) -> Result {
    let copy = "photo.sync-conflict-20261129-101010-ABCDEFG.jpg";
    let harness = start(backend, &[("photo.jpg", b"\xff\xd8\xff\0one"), (copy, b"\xff\xd8\xff\0two!")]).await?;
    harness.eventually("return !!document.querySelector('#listing .badge.conflict')", "the badges").await?;
    harness.click("#listing tr[data-name='photo.jpg'] a.entry").await?;
    harness.element("#conflict").await?;
    assert_eq!(harness.value("!!document.querySelector('#conflict table.diff')").await?, false);
    let summary = harness.value("document.querySelector('.conflict-summary').textContent").await?;
    assert!(summary.as_str().unwrap().contains("not compared line by line"), "{summary}");
    harness.press("Keep this one").await?;
    harness
        .eventually(
            "return !document.querySelector('#conflict') && !!document.querySelector('#viewer img')",
            "the photo",
        )
        .await?;
    assert_eq!(harness.stored("photo.jpg").await?.as_deref(), Some(&b"\xff\xd8\xff\0one"[..]));
    assert_eq!(harness.stored(copy).await?, None);
    harness.finish().await
}

on_both_backends!(
    a_conflict_is_marked_compared_and_the_other_kept,
    opening_the_copy_and_keeping_it,
    a_version_changed_meanwhile_is_neither_overwritten_nor_deleted,
    a_conflict_resolved_elsewhere_leaves_the_view_live,
    binary_versions_are_offered_without_a_diff,
);
