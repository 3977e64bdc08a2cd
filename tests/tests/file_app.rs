//! The file app, driven as a person drives it: clicks, typing, keys, the file chooser, drag
//! and drop, on a folder served by the worker, in OPFS and on disk. What the app changes
//! is read back from the storage itself.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::{Value, json};
use std::time::Duration;

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

async fn text_of(harness: &Harness, path: &str) -> Result<String> {
    let fetched = harness.get(path).await?;
    assert_eq!(fetched.status, 200, "GET {path}");
    Ok(fetched.text())
}

/// Answers the open dialog's name field and presses its main button.
async fn answer_name(harness: &Harness, name: &str) -> Result {
    let field = harness.element("dialog[open] input").await?;
    field.clear().await.map_err(fail("clear failed"))?;
    field.send_keys(name).await.map_err(fail("typing failed"))?;
    harness.click("dialog[open] .dialog-buttons button:first-child").await
}

async fn start(backend: Backend, files: &[(&str, &[u8])]) -> Result<Harness> {
    let harness = Harness::connected_on(backend, files).await?;
    harness.element("table.listing").await?;
    Ok(harness)
}

/// The text of the file at `path` in the storage itself.
async fn stored(harness: &Harness, path: &str) -> Result<String> {
    harness.stored_text(path).await?.ok_or_else(|| format!("{path} is not in the storage"))
}

/// The names in a directory of the storage itself, sorted (none when it is not there).
async fn stored_names(harness: &Harness, path: &str) -> Result<Vec<String>> {
    Ok(harness.stored_dir(path).await?.map(|entries| entries.into_keys().collect()).unwrap_or_default())
}

async fn the_listing_sorts_filters_and_hides_dotfiles(backend: Backend) -> Result {
    let harness = start(
        backend,
        &[
            ("file10.txt", b"ten bytes!"),
            ("file2.txt", b"2"),
            ("Big.bin", &[7u8; 5000]),
            ("docs/a.md", b"a"),
            (".env", b"SECRET=1"),
            (".owndir/static/x.css", b"x"),
        ],
    )
    .await?;
    // Folders first, then names as people read them (2 before 10), dotfiles hidden.
    harness.wait_for_rows(&["docs", "Big.bin", "file2.txt", "file10.txt"]).await?;
    harness.click("button[data-sort=size]").await?;
    harness.wait_for_rows(&["docs", "file2.txt", "file10.txt", "Big.bin"]).await?;
    harness.click("button[data-sort=size]").await?;
    harness.wait_for_rows(&["docs", "Big.bin", "file10.txt", "file2.txt"]).await?;
    assert_eq!(harness.value("document.querySelector('th[aria-sort]').className").await?, "size");
    harness.click("#show-hidden").await?;
    harness.wait_for_rows(&["docs", ".owndir", "Big.bin", "file10.txt", ".env", "file2.txt"]).await?;
    harness.element("#filter").await?.send_keys("FILE").await.map_err(fail("typing failed"))?;
    harness.wait_for_rows(&["file10.txt", "file2.txt"]).await?;
    harness.element("#filter").await?.send_keys("nothing").await.map_err(fail("typing failed"))?;
    harness
        .eventually(
            "return document.querySelector('#listing .empty')?.textContent.includes('match')",
            "the empty state",
        )
        .await?;
    harness.finish().await
}

async fn keys_links_and_history_move_through_folders(backend: Backend) -> Result {
    let harness = start(backend, &[("one/two/deep.txt", b"deep"), ("one/x.txt", b"x"), ("top.txt", b"top")]).await?;
    harness.wait_for_rows(&["one", "top.txt"]).await?;
    // Arrow keys move the focus; Enter opens the folder; the URL is the path.
    harness.value("document.body.focus()").await?;
    harness
        .client
        .active_element()
        .await
        .map_err(fail("no focus"))?
        .send_keys("\u{E015}")
        .await
        .map_err(fail("key"))?;
    assert_eq!(harness.value("document.activeElement.closest('tr').dataset.name").await?, "one");
    harness
        .client
        .active_element()
        .await
        .map_err(fail("no focus"))?
        .send_keys("\u{E007}")
        .await
        .map_err(fail("key"))?;
    harness.wait_for_rows(&["two", "x.txt"]).await?;
    assert_eq!(harness.value("location.pathname").await?, "/one/");
    harness.click("tr[data-name=two] a.entry").await?;
    harness.wait_for_rows(&["deep.txt"]).await?;
    assert_eq!(harness.value("location.pathname").await?, "/one/two/");
    // Backspace goes up; back and forward follow the history.
    harness.value("document.activeElement.blur()").await?;
    harness
        .client
        .active_element()
        .await
        .map_err(fail("no focus"))?
        .send_keys("\u{E003}")
        .await
        .map_err(fail("key"))?;
    harness.wait_for_rows(&["two", "x.txt"]).await?;
    harness.client.back().await.map_err(fail("back"))?;
    harness.wait_for_rows(&["deep.txt"]).await?;
    harness.client.forward().await.map_err(fail("forward"))?;
    harness.wait_for_rows(&["two", "x.txt"]).await?;
    // A pasted URL opens that folder, also under /@/browse/, and a missing one says so.
    harness.open("/@/browse/one/two/").await?;
    harness.wait_for_rows(&["deep.txt"]).await?;
    assert_eq!(harness.value("document.querySelector('.crumbs a[href=\"/@/browse/one/\"]') !== null").await?, true);
    harness.open("/@/browse/nowhere/").await?;
    harness
        .eventually(
            "return document.querySelector('#listing .notice')?.textContent.includes('nothing at /nowhere')",
            "a clear 404",
        )
        .await?;
    harness.finish().await
}

async fn each_kind_of_file_gets_its_viewer(backend: Backend) -> Result {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="teal"/></svg>"#;
    let markdown = b"# Title\n\nSee [the other](other.md) and ![pic](pic.svg).\n\n<script>window.pwned = 1</script>\n\n<img src=x onerror=\"window.pwned = 2\">\n";
    let harness = start(
        backend,
        &[
            ("notes/read.md", markdown),
            ("notes/other.md", b"# Other"),
            ("notes/pic.svg", svg),
            ("code.rs", b"fn main() {\n    println!(\"hi\");\n}\n"),
            ("song.wav", &wav(1)),
            ("blob.7z", &[1u8; 2048]),
            ("binary.txt", b"text\0with a NUL"),
        ],
    )
    .await?;
    harness.open("/@/browse/notes/read.md").await?;
    harness.element("article.markdown h1").await?;
    harness
        .eventually("return document.querySelector('.markdown img').naturalWidth === 40", "the image in Markdown")
        .await?;
    let html = harness.value("document.querySelector('.markdown').innerHTML").await?;
    assert!(html.as_str().unwrap().contains("&lt;script&gt;"), "{html}");
    assert_eq!(harness.value("window.pwned === undefined").await?, true);
    // A relative link opens the other file in the app.
    harness.click(".markdown a").await?;
    harness
        .eventually("return document.querySelector('.markdown h1')?.textContent === 'Other'", "the linked file")
        .await?;
    assert_eq!(harness.value("location.pathname").await?, "/@/browse/notes/other.md");
    harness.open("/@/browse/code.rs").await?;
    assert_eq!(harness.element(".code .gutter").await?.text().await.map_err(fail("text"))?, "1\n2\n3");
    harness.open("/@/browse/notes/pic.svg").await?;
    harness.eventually("return document.querySelector('img.media')?.naturalWidth === 40", "the image").await?;
    harness.open("/@/browse/song.wav").await?;
    harness.eventually("return document.querySelector('audio.media')?.readyState >= 1", "the audio player").await?;
    harness.open("/@/browse/blob.7z").await?;
    let offer = harness.element(".download-offer a").await?.text().await.map_err(fail("text"))?;
    assert_eq!(offer, "Download blob.7z (2.0 KB)");
    harness.open("/@/browse/binary.txt").await?;
    harness
        .eventually(
            "return document.querySelector('.download-offer')?.textContent.includes('not text')",
            "binary offered",
        )
        .await?;
    harness.finish().await
}

/// A page of the folder is shown as its source, with what opening it would let it do;
/// "Open as page" runs it at its own URL. The folder's own frames (`.owndir`) are not
/// offered as pages.
async fn an_html_page_shows_its_source_and_opens_as_a_page(backend: Backend) -> Result {
    let page = b"<!doctype html><title>Mine</title><h1 id=mine>Hello</h1><script>document.title += ' ran'</script>";
    let harness = start(backend, &[("site/page.html", page), ("site/.owndir/static/index.html", page)]).await?;
    harness.open("/@/browse/site/page.html").await?;
    let source = harness.element(".code pre.text").await?.text().await.map_err(fail("text"))?;
    assert!(source.starts_with("<!doctype html><title>Mine</title>"), "{source}");
    let note = harness.element(".page-note").await?.text().await.map_err(fail("text"))?;
    assert!(note.contains("read, change and delete any file here"), "{note}");
    // Shown as source, the page has not run.
    assert_eq!(harness.value("document.getElementById('mine') === null").await?, true);
    harness.screenshot("html-source-desktop", 1280, 800, false).await?;
    harness.click("#open-as-page").await?;
    harness.eventually("return document.title === 'Mine ran'", "the page running at its own URL").await?;
    assert_eq!(harness.value("location.pathname").await?, "/site/page.html");
    assert_eq!(harness.value("document.getElementById('mine').textContent").await?, "Hello");
    harness.open("/@/browse/site/.owndir/static/index.html").await?;
    harness.element(".code pre.text").await?;
    assert_eq!(harness.value("document.getElementById('open-as-page') === null").await?, true);
    harness.finish().await
}

/// From a folder's listing, opens a file by its link and goes back `times` times, waiting
/// for each to be drawn. The link is clicked through WebDriver, as a person would: on
/// Chromium 156 here, a script's `history.forward()` or `link.click()` in a second script
/// call was ignored every run (the page unchanged for 10 s) once the first call's
/// navigations were done.
async fn back_and_forth(harness: &Harness, times: u32) -> Result {
    for _ in 0..times {
        harness.click("a[href$='note-00.txt']").await?;
        harness.element("#viewer .code").await?;
        harness.value("history.back()").await?;
        harness
            .eventually(
                "return !!document.querySelector('table.listing') && !document.getElementById('viewer')",
                "the folder drawn again",
            )
            .await?;
    }
    Ok(())
}

/// The listeners the app's views hold, and the JS heap after a garbage collection.
async fn listeners_and_heap(harness: &Harness) -> Result<(u64, u64)> {
    let count = harness
        .script(
            "const done = arguments[0]; import('/@/app/app.js').then((app) => done(app.viewListenerCount()), (e) => done(String(e)));",
            vec![],
        )
        .await?;
    harness.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    let heap = harness.cdp("Runtime.getHeapUsage", json!({})).await?;
    let count = count.as_u64().ok_or_else(|| format!("no listener count: {count}"))?;
    Ok((count, heap["usedSize"].as_f64().unwrap_or_default() as u64))
}

/// Views are drawn anew at every navigation: their listeners go with them (#15 part 5).
/// 200 times between a folder and a file, the listeners and the heap stay flat.
#[tokio::test]
async fn two_hundred_navigations_leak_no_listeners() -> Result {
    let files: Vec<(String, Vec<u8>)> =
        (0..30).map(|n| (format!("docs/note-{n:02}.txt"), format!("note {n}\n").into_bytes())).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())).collect();
    let harness = start(Backend::Opfs, &files).await?;
    harness.open("/docs/").await?;
    harness.element("table.listing").await?;
    harness.click("a[href$='note-00.txt']").await?;
    harness.element("#viewer .code").await?;
    harness.value("history.back()").await?;
    harness.element("table.listing").await?;
    back_and_forth(&harness, 5).await?;
    let (listeners_before, heap_before) = listeners_and_heap(&harness).await?;
    // In steps of 10, each well inside the harness's script timeout on a loaded machine.
    for _ in 0..20 {
        back_and_forth(&harness, 10).await?;
    }
    let (listeners_after, heap_after) = listeners_and_heap(&harness).await?;
    eprintln!(
        "two_hundred_navigations_leak_no_listeners: listeners {listeners_before} -> {listeners_after}, JS heap {heap_before} -> {heap_after} bytes"
    );
    assert_eq!(listeners_after, listeners_before);
    assert!(listeners_before > 0, "the views hold no listeners at all: the count sees nothing");
    // A closure kept past its view keeps that view's elements alive (~30 rows each time).
    assert!(heap_after < heap_before + 2_000_000, "JS heap {heap_before} -> {heap_after}");
    harness.finish().await
}

/// A WAV of silence, `seconds` long.
fn wav(seconds: u32) -> Vec<u8> {
    let data = 8000 * seconds;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&[16, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&8000u32.to_le_bytes());
    out.extend_from_slice(&8000u32.to_le_bytes());
    out.extend_from_slice(&[1, 0, 8, 0]);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    out.resize(out.len() + data as usize, 128);
    out
}

async fn change_elsewhere(harness: &Harness, path: &str, text: &str) -> Result {
    let url = format!("/@/fs/{path}?call=write");
    let answer = harness.fetch(&url, json!({ "method": "PUT", "body": text })).await?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(stored(harness, path).await?, text);
    Ok(())
}

async fn type_in_editor(harness: &Harness, text: &str) -> Result {
    let editor = harness.element("#editor").await?;
    editor.send_keys(text).await.map_err(fail("typing failed"))
}

async fn save_with_keys(harness: &Harness) -> Result {
    // Ctrl+S, as WebDriver presses it: the modifier stays down until the sequence ends.
    harness.element("#editor").await?.send_keys("\u{E009}s").await.map_err(fail("Ctrl+S failed"))
}

async fn the_editor_saves_and_never_loses_a_conflicting_edit(backend: Backend) -> Result {
    let harness = start(backend, &[("plan.txt", b"v1\n"), ("other.txt", b"o")]).await?;
    harness.open("/@/browse/plan.txt").await?;
    harness.element(".code").await?;
    harness.press("Edit").await?;
    type_in_editor(&harness, "mine ").await?;
    harness.eventually("return document.title.startsWith('● ')", "the unsaved marker").await?;
    assert_eq!(harness.element("#file-status").await?.text().await.map_err(fail("text"))?, "Unsaved changes");
    // Leaving inside the app asks first; Cancel keeps the edit.
    harness.click(".crumbs a").await?;
    harness.element("dialog[open]").await?;
    harness.press("Cancel").await?;
    // WebDriver types at the end of the text.
    assert_eq!(harness.value("document.querySelector('#editor').value").await?, "v1\nmine ");
    save_with_keys(&harness).await?;
    harness.eventually("return document.querySelector('#file-status').textContent === 'Saved'", "saved").await?;
    assert_eq!(text_of(&harness, "/plan.txt").await?, "v1\nmine ");
    assert_eq!(stored(&harness, "plan.txt").await?, "v1\nmine ");
    assert_eq!(harness.value("document.title.startsWith('●')").await?, false);

    // Someone else writes; our next save must ask. First way out: keep both.
    change_elsewhere(&harness, "plan.txt", "theirs 1\n").await?;
    harness
        .eventually(
            "return document.querySelector('#file-status').textContent.includes('changed on disk')",
            "the quiet notice",
        )
        .await?;
    type_in_editor(&harness, "again ").await?;
    harness.press("Save").await?;
    harness.button("Save mine as a copy").await?;
    harness.screenshot("file-app-conflict-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-conflict-phone", 390, 844, true).await?;
    harness.press("Save mine as a copy").await?;
    harness
        .eventually("return decodeURIComponent(location.pathname) === '/@/browse/plan (copy).txt'", "the copy opens")
        .await?;
    assert_eq!(text_of(&harness, "/plan%20(copy).txt").await?, "v1\nmine again ");
    assert_eq!(text_of(&harness, "/plan.txt").await?, "theirs 1\n");
    assert_eq!(stored(&harness, "plan (copy).txt").await?, "v1\nmine again ");
    assert_eq!(stored(&harness, "plan.txt").await?, "theirs 1\n");

    // Second way: overwrite theirs.
    harness.open("/@/browse/plan.txt?edit").await?;
    harness.eventually("return document.querySelector('#editor')?.value === 'theirs 1\\n'", "the editor").await?;
    change_elsewhere(&harness, "plan.txt", "theirs 2\n").await?;
    type_in_editor(&harness, "mine 2 ").await?;
    harness.press("Save").await?;
    harness.press("Overwrite theirs").await?;
    harness.eventually("return document.querySelector('#file-status').textContent === 'Saved'", "overwritten").await?;
    assert_eq!(text_of(&harness, "/plan.txt").await?, "theirs 1\nmine 2 ");
    assert_eq!(stored(&harness, "plan.txt").await?, "theirs 1\nmine 2 ");

    // Third way: drop mine and load theirs.
    change_elsewhere(&harness, "plan.txt", "theirs 3\n").await?;
    type_in_editor(&harness, "dropped ").await?;
    save_with_keys(&harness).await?;
    harness.press("Reload theirs").await?;
    harness
        .eventually("return document.querySelector('.code .text')?.textContent === 'theirs 3\\n'", "theirs shown")
        .await?;
    assert_eq!(text_of(&harness, "/plan.txt").await?, "theirs 3\n");
    assert_eq!(stored(&harness, "plan.txt").await?, "theirs 3\n");
    assert_eq!(stored_names(&harness, "").await?, ["other.txt", "plan (copy).txt", "plan.txt"]);
    harness.finish().await
}

async fn files_and_folders_are_created_renamed_moved_and_deleted(backend: Backend) -> Result {
    let harness = start(backend, &[("keep.txt", b"keep"), ("box/inside.txt", b"in")]).await?;
    harness.wait_for_rows(&["box", "keep.txt"]).await?;
    harness.press("New folder").await?;
    answer_name(&harness, "Projects").await?;
    harness.wait_for_rows(&["box", "Projects", "keep.txt"]).await?;
    assert_eq!(harness.stored_dir("Projects").await?, Some(Default::default()));
    // A taken name is refused with the reason, and asked again.
    harness.press("New file").await?;
    answer_name(&harness, "keep.txt").await?;
    harness
        .eventually(
            "return document.querySelector('dialog[open] p')?.textContent.includes('already exists')",
            "the reason",
        )
        .await?;
    answer_name(&harness, "new note.md").await?;
    harness
        .eventually(
            "return location.pathname === '/@/browse/new%20note.md' && !!document.querySelector('#editor')",
            "the new file in the editor",
        )
        .await?;
    assert_eq!(text_of(&harness, "/new%20note.md").await?, "");
    assert_eq!(stored(&harness, "new note.md").await?, "");
    harness.client.back().await.map_err(fail("back"))?;
    harness.wait_for_rows(&["box", "Projects", "keep.txt", "new note.md"]).await?;

    harness.click("button[aria-label='Actions for new note.md']").await?;
    harness.press("Rename").await?;
    answer_name(&harness, "renamed.md").await?;
    harness.wait_for_rows(&["box", "Projects", "keep.txt", "renamed.md"]).await?;
    assert_eq!(stored_names(&harness, "").await?, ["Projects", "box", "keep.txt", "renamed.md"]);

    harness.click("button[aria-label='Actions for renamed.md']").await?;
    harness.press("Move").await?;
    harness.click("dialog[open] button[data-folder=Projects]").await?;
    harness
        .eventually("return document.querySelector('.picker-here').textContent === 'Into: /Projects'", "the picker")
        .await?;
    harness.press("Move here").await?;
    harness.wait_for_rows(&["box", "Projects", "keep.txt"]).await?;
    assert_eq!(harness.get("/Projects/renamed.md").await?.status, 200);
    assert_eq!(stored_names(&harness, "Projects").await?, ["renamed.md"]);
    assert_eq!(stored_names(&harness, "").await?, ["Projects", "box", "keep.txt"]);

    // Delete moves to the trash at once, with Undo (tests/tests/trash.rs has the rest).
    harness.click("button[aria-label='Actions for box']").await?;
    harness.press("Delete").await?;
    harness.wait_for_rows(&["Projects", "keep.txt"]).await?;
    assert_eq!(harness.get("/box/inside.txt").await?.status, 404);
    assert_eq!(stored_names(&harness, "").await?, [".trash", "Projects", "keep.txt"]);
    let trash = stored_names(&harness, ".trash").await?;
    assert_eq!(trash.len(), 2, "{trash:?}");
    assert_eq!(stored(&harness, &format!(".trash/{}/inside.txt", trash[0])).await?, "in");
    assert_eq!(stored(&harness, "keep.txt").await?, "keep");
    harness.finish().await
}

/// Records every value the overall upload bar takes, from inside the page.
const WATCH_PROGRESS: &str = "(() => { window.progressSeen = []; new MutationObserver((changes) => { for (const change of changes) { if (change.target.matches('progress.overall')) window.progressSeen.push([change.target.value, change.target.max]); } }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value'] }); })()";

async fn uploads_by_picker_and_drop_show_progress(backend: Backend) -> Result {
    let harness = start(backend, &[("old.txt", b"old")]).await?;
    let local = tempfile::tempdir().map_err(|error| error.to_string())?;
    let big = local.path().join("big.bin");
    let big_bytes: Vec<u8> = (0..40u32 << 20).map(|index| (index % 251) as u8).collect();
    std::fs::write(&big, &big_bytes).unwrap();
    let small = local.path().join("small note.txt");
    std::fs::write(&small, "small").unwrap();
    harness.value(WATCH_PROGRESS).await?;
    harness.press("Upload files").await?;
    let paths = format!("{}\n{}", big.display(), small.display());
    harness.element("#upload-input").await?.send_keys(&paths).await.map_err(fail("choosing files"))?;
    harness.element(".uploads").await?;
    harness
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the upload")
        .await?;
    let seen = harness.value("window.progressSeen").await?;
    let seen: Vec<(f64, f64)> = serde_json::from_value(seen).unwrap();
    let total = (big_bytes.len() + 5) as f64;
    assert!(seen.iter().any(|(value, _)| *value > 0.0 && *value < total), "no bar in between: {seen:?}");
    assert_eq!(seen.last().map(|(value, max)| (*value, *max)), Some((total, total)));
    harness.wait_for_rows(&["big.bin", "old.txt", "small note.txt"]).await?;
    assert_eq!(harness.get("/big.bin").await?.body, big_bytes);
    assert_eq!(text_of(&harness, "/small%20note.txt").await?, "small");
    // In the storage itself: the 40 MB file by its size (its bytes came back just above).
    let top = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(top.get("big.bin"), Some(&Some(big_bytes.len() as u64)), "{top:?}");
    assert_eq!(stored(&harness, "small note.txt").await?, "small");
    harness.press("Close").await?;

    // A whole folder, by the folder picker.
    let tree = local.path().join("album");
    std::fs::create_dir_all(tree.join("2026")).unwrap();
    std::fs::write(tree.join("cover.txt"), "cover").unwrap();
    std::fs::write(tree.join("2026").join("one.txt"), "one").unwrap();
    harness.press("Upload folder").await?;
    harness
        .element("#upload-input")
        .await?
        .send_keys(&tree.display().to_string())
        .await
        .map_err(fail("choosing a folder"))?;
    harness
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the folder upload")
        .await?;
    assert_eq!(text_of(&harness, "/album/2026/one.txt").await?, "one");
    assert_eq!(text_of(&harness, "/album/cover.txt").await?, "cover");
    assert_eq!(stored(&harness, "album/2026/one.txt").await?, "one");
    assert_eq!(stored(&harness, "album/cover.txt").await?, "cover");
    harness.press("Close").await?;

    // Drag and drop, as the browser delivers a drop from the desktop.
    let dropped = local.path().join("dropped.txt");
    std::fs::write(&dropped, "dropped").unwrap();
    let at = harness.value("(() => { const r = document.querySelector('#listing').getBoundingClientRect(); return [r.x + 20, r.y + 20]; })()").await?;
    let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    let data = json!({ "items": [], "files": [dropped.display().to_string()], "dragOperationsMask": 1 });
    harness
        .value("(() => { window.dropsSeen = 0; addEventListener('drop', () => window.dropsSeen++, true); })()")
        .await?;
    // Chrome drops only where the page accepted the drag, and it learns that from the page's
    // answer to dragover a moment after the page has it: on a busy machine a drop sent right
    // after can land on nothing. The page counts the drops it gets; a drag it never got is
    // sent again, so nothing is uploaded twice.
    for attempt in 1.. {
        for kind in ["dragEnter", "dragOver"] {
            harness.cdp("Input.dispatchDragEvent", json!({ "type": kind, "x": x, "y": y, "data": data })).await?;
        }
        harness.eventually("return !!document.querySelector('#folder.dropping')", "the page sees the drag").await?;
        harness.cdp("Input.dispatchDragEvent", json!({ "type": "dragOver", "x": x, "y": y, "data": data })).await?;
        harness.cdp("Input.dispatchDragEvent", json!({ "type": "drop", "x": x, "y": y, "data": data })).await?;
        let seen = harness.eventually_within(Duration::from_secs(3), "return window.dropsSeen > 0", "the drop");
        if seen.await.is_ok() {
            break;
        }
        assert!(attempt < 3, "the page never got the drop");
    }
    harness
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the dropped upload")
        .await?;
    assert_eq!(text_of(&harness, "/dropped.txt").await?, "dropped");
    assert_eq!(stored(&harness, "dropped.txt").await?, "dropped");
    assert_eq!(stored_names(&harness, "").await?, ["album", "big.bin", "dropped.txt", "old.txt", "small note.txt"]);
    harness.finish().await
}

async fn an_upload_in_progress_for_the_readme(backend: Backend) -> Result {
    let harness = start(backend, &[("notes/a.md", b"a")]).await?;
    let local = tempfile::tempdir().map_err(|error| error.to_string())?;
    let mut paths = Vec::new();
    for (name, size) in [("holiday.mp4", 96u32 << 20), ("photo-001.jpg", 3 << 20), ("photo-002.jpg", 2 << 20)] {
        let path = local.path().join(name);
        std::fs::write(&path, vec![9u8; size as usize]).unwrap();
        paths.push(path.display().to_string());
    }
    harness.press("Upload files").await?;
    harness.element("#upload-input").await?.send_keys(&paths.join("\n")).await.map_err(fail("choosing files"))?;
    // Hold the upload half way: the page's stream waits while the screenshots are taken.
    harness
        .eventually(
            "const bar = document.querySelector('.uploads progress.overall'); return !!bar && bar.value > bar.max / 8",
            "the upload under way",
        )
        .await?;
    harness
        .value("document.querySelectorAll('.uploads progress').forEach((bar) => bar.dataset.frozen = bar.value)")
        .await?;
    harness.screenshot("file-app-upload-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-upload-phone", 390, 844, true).await?;
    harness
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the upload")
        .await?;
    let top = harness.stored_dir("").await?.unwrap_or_default();
    for (name, size) in [("holiday.mp4", 96u64 << 20), ("photo-001.jpg", 3 << 20), ("photo-002.jpg", 2 << 20)] {
        assert_eq!(top.get(name), Some(&Some(size)), "{name}: {top:?}");
    }
    harness.finish().await
}

async fn a_folder_downloads_as_a_streamed_zip(backend: Backend) -> Result {
    let harness = start(
        backend,
        &[("trip/day 1.md", b"# Day 1"), ("trip/photos/a.bin", &[5u8; 300_000]), ("trip/.owndir/app.txt", b"app")],
    )
    .await?;
    let fetched = harness.get("/@/zip/trip/").await?;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.header("content-type"), Some("application/zip"));
    assert_eq!(fetched.header("content-disposition"), Some("attachment; filename*=UTF-8''trip.zip"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(fetched.body)).map_err(|error| error.to_string())?;
    let mut names: Vec<String> = zip.file_names().map(|name| name.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        ["trip/", "trip/.owndir/", "trip/.owndir/app.txt", "trip/day 1.md", "trip/photos/", "trip/photos/a.bin"]
    );
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("trip/photos/a.bin").unwrap(), &mut bytes).unwrap();
    assert_eq!(bytes, vec![5u8; 300_000]);
    assert_eq!(harness.get("/@/zip/trip/day%201.md").await?.status, 404);
    assert_eq!(harness.get("/@/zip/nowhere/").await?.status, 404);
    // The app's button asks for the same archive as a download.
    harness
        .value("(() => { window.clicked = []; HTMLAnchorElement.prototype.click = function () { window.clicked.push(this.href + ' ' + this.download); }; })()")
        .await?;
    harness.press("Download zip").await?;
    assert_eq!(harness.value("window.clicked[0]").await?, format!("{}/@/zip/ ", harness.origin));
    harness.finish().await
}

async fn listings_and_open_files_follow_changes_made_elsewhere(backend: Backend) -> Result {
    let harness = start(backend, &[("live.txt", b"first\n")]).await?;
    harness.wait_for_rows(&["live.txt"]).await?;
    change_elsewhere(&harness, "arrived.txt", "new").await?;
    harness.wait_for_rows(&["arrived.txt", "live.txt"]).await?;
    // A change made outside the API (straight into the storage) shows too.
    harness.seed(&[("outside.txt", b"x")]).await?;
    harness.wait_for_rows(&["arrived.txt", "live.txt", "outside.txt"]).await?;
    harness.open("/@/browse/live.txt").await?;
    harness.element(".code").await?;
    change_elsewhere(&harness, "live.txt", "second\n").await?;
    harness
        .eventually(
            "return document.querySelector('.code .text')?.textContent === 'second\\n'",
            "the open file follows",
        )
        .await?;
    assert_eq!(
        harness.element("#file-status").await?.text().await.map_err(fail("text"))?,
        "Updated: the file changed on disk."
    );
    harness.finish().await
}

async fn a_folder_app_is_offered_from_the_file_app(backend: Backend) -> Result {
    let harness = start(
        backend,
        &[
            ("site/.owndir/static/index.html", b"<!doctype html><title>Site</title><h1>My site</h1>"),
            ("site/page.md", b"p"),
        ],
    )
    .await?;
    harness.open("/@/browse/site/").await?;
    harness.wait_for_rows(&["page.md"]).await?;
    let link = harness.element("#folder-app a").await?;
    assert_eq!(link.text().await.map_err(fail("text"))?, "Open this folder’s app");
    link.click().await.map_err(fail("click"))?;
    harness.eventually("return document.querySelector('h1')?.textContent === 'My site'", "the folder's app").await?;
    assert_eq!(harness.value("location.pathname").await?, "/site/");
    harness.finish().await
}

async fn screenshots_of_the_listing_and_a_markdown_file(backend: Backend) -> Result {
    let harness = start(backend, &[
        ("Notes/2026-11-22 standup.md", b"x"),
        ("Photos/beach.jpg", b"x"),
        ("Recipes/pancakes.md", b"x"),
        ("README.md", b"# My folder\n\nEverything I keep, served by **OwnDir** from this browser.\n\n## Lists\n\n- [x] Connect a folder\n- [ ] Write the weekly notes\n\n| Day | Plan |\n|---|---|\n| Mon | Groceries |\n| Tue | Gym |\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n> Small tools, well made.\n"),
        ("budget.csv", b"month,amount\n"),
        ("holiday.mp4", &[0u8; 2_400_000]),
        ("todo.txt", b"milk\n"),
    ])
    .await?;
    harness
        .wait_for_rows(&["Notes", "Photos", "Recipes", "budget.csv", "holiday.mp4", "README.md", "todo.txt"])
        .await?;
    harness.screenshot("file-app-listing-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-listing-phone", 390, 844, true).await?;
    harness.open("/@/browse/README.md").await?;
    harness.element("article.markdown h2").await?;
    harness.screenshot("file-app-markdown-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-markdown-phone", 390, 844, true).await?;
    // Nothing wider than a phone's screen.
    harness
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(harness.value("document.documentElement.scrollWidth <= window.innerWidth").await?, Value::Bool(true));
    harness.finish().await
}

on_both_backends!(
    the_listing_sorts_filters_and_hides_dotfiles,
    keys_links_and_history_move_through_folders,
    each_kind_of_file_gets_its_viewer,
    an_html_page_shows_its_source_and_opens_as_a_page,
    the_editor_saves_and_never_loses_a_conflicting_edit,
    files_and_folders_are_created_renamed_moved_and_deleted,
    uploads_by_picker_and_drop_show_progress,
    an_upload_in_progress_for_the_readme,
    a_folder_downloads_as_a_streamed_zip,
    listings_and_open_files_follow_changes_made_elsewhere,
    a_folder_app_is_offered_from_the_file_app,
    screenshots_of_the_listing_and_a_markdown_file,
);
