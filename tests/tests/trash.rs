//! The file app's trash and multi-select (issue 18 part 1): Delete moves entries into
//! `.trash/` with a record beside each, Undo puts them back, the Trash view restores
//! (to a new name when the place is taken) and empties, entries over 30 days old go when
//! the app opens; several entries are deleted, moved and zipped at once. Every change is
//! read back from the storage itself, on OPFS and on a disk folder.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn fail(what: &'static str) -> impl Fn(fantoccini::error::CmdError) -> String {
    move |error| format!("{what}: {error}")
}

/// A click with modifier keys, as the page receives it.
async fn modified_click(harness: &Harness, css: &str, modifiers: &str) -> Result {
    harness.element(css).await?;
    harness
        .value(&format!(
            "document.querySelector({css:?}).dispatchEvent(new MouseEvent('click', {{ bubbles: true, cancelable: true, {modifiers} }}))"
        ))
        .await?;
    Ok(())
}

/// Focuses the element and types `keys` into it; if the listing was redrawn meanwhile
/// (a change event arrived), does it again on the new element.
async fn keys_on(harness: &Harness, css: &str, keys: &str) -> Result {
    for _ in 0..3 {
        harness.value(&format!("document.querySelector({css:?}).focus()")).await?;
        let focused = harness.client.active_element().await.map_err(fail("no focus"))?;
        match focused.send_keys(keys).await {
            Err(error) if error.to_string().contains("stale") || error.to_string().contains("not interactable") => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            other => return other.map_err(fail("key")),
        }
    }
    Err(format!("{css} kept going stale"))
}

async fn start(backend: Backend, files: &[(&str, &[u8])]) -> Result<Harness> {
    let harness = Harness::connected_on(backend, files).await?;
    harness.element("table.listing").await?;
    Ok(harness)
}

/// The trash as the storage holds it: each entry's name with a file's size or `None`.
async fn stored_trash(harness: &Harness) -> Result<BTreeMap<String, Option<u64>>> {
    Ok(harness.stored_dir(".trash").await?.unwrap_or_default())
}

/// The record stored beside the one trash entry whose name ends with `name`.
async fn record_of(harness: &Harness, name: &str) -> Result<(String, Value)> {
    let trash = stored_trash(harness).await?;
    let items: Vec<&String> =
        trash.keys().filter(|item| item.ends_with(&format!("-{name}")) && !item.ends_with(".trashinfo")).collect();
    let [item] = items.as_slice() else { return Err(format!("no one trash entry for {name}: {trash:?}")) };
    let text = harness
        .stored_text(&format!(".trash/{item}.trashinfo"))
        .await?
        .ok_or_else(|| format!("no record beside {item}: {trash:?}"))?;
    Ok(((*item).clone(), serde_json::from_str(&text).map_err(|error| format!("{text}: {error}"))?))
}

fn binary() -> Vec<u8> {
    (0..70_000u32).map(|n| (n * 7 % 256) as u8).collect()
}

async fn delete_moves_to_the_trash_and_undo_puts_it_back(backend: Backend) -> Result {
    let bytes = binary();
    let harness = start(
        backend,
        &[("keep.txt", b"keep"), ("box/inside.txt", b"in"), ("box/data.bin", &bytes), ("notes.md", b"# N")],
    )
    .await?;
    harness.wait_for_rows(&["box", "keep.txt", "notes.md"]).await?;
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    harness.click("button[aria-label='Actions for box']").await?;
    harness.press("Delete").await?;
    // No question: the trash is the safety net, and Undo is offered at once.
    harness.wait_for_rows(&["keep.txt", "notes.md"]).await?;
    harness.element(".toast button[data-action=undo-delete]").await?;
    assert!(harness.value("document.querySelector('.toast').textContent").await?.as_str().unwrap().contains("“box”"));
    let (item, record) = record_of(&harness, "box").await?;
    assert_eq!(record["original"], "box");
    assert_eq!(record["isDirectory"], true);
    let deleted = record["deleted"].as_u64().unwrap();
    assert!(deleted >= before - 5_000 && deleted <= before + 60_000, "{deleted} vs {before}");
    assert!(item.starts_with(&deleted.to_string()), "{item}");
    assert_eq!(harness.stored(&format!(".trash/{item}/data.bin")).await?, Some(bytes.clone()));
    assert_eq!(harness.stored_dir("box").await?, None);
    // The trash is hidden like other dotfiles.
    assert!(!harness.listing_rows().await?.contains(&".trash".to_owned()));
    // The worker's own delete still means gone: the app's trash is not the API's.
    harness.screenshot("file-app-trash-undo-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-trash-undo-phone", 390, 844, true).await?;
    harness.press("Undo").await?;
    harness.wait_for_rows(&["box", "keep.txt", "notes.md"]).await?;
    assert_eq!(harness.stored("box/data.bin").await?, Some(bytes.clone()));
    assert_eq!(harness.stored_text("box/inside.txt").await?.as_deref(), Some("in"));
    assert_eq!(stored_trash(&harness).await?, BTreeMap::new());

    // The Delete key on the focused row, then Undo again: the file comes back whole.
    keys_on(&harness, "tr[data-name='keep.txt'] a.entry", "\u{E017}").await?;
    harness.wait_for_rows(&["box", "notes.md"]).await?;
    let (_, record) = record_of(&harness, "keep.txt").await?;
    assert_eq!((record["original"].as_str(), record["isDirectory"].as_bool()), (Some("keep.txt"), Some(false)));
    harness.press("Undo").await?;
    harness.wait_for_rows(&["box", "keep.txt", "notes.md"]).await?;
    assert_eq!(harness.stored_text("keep.txt").await?.as_deref(), Some("keep"));
    harness.finish().await
}

async fn the_trash_view_restores_and_empties(backend: Backend) -> Result {
    let bytes = binary();
    let harness = start(
        backend,
        &[("notes/plan.txt", b"old plan"), ("photo.bin", &bytes), ("box/a.txt", b"a"), ("stay.txt", b"stay")],
    )
    .await?;
    harness.wait_for_rows(&["box", "notes", "photo.bin", "stay.txt"]).await?;
    // Two deletions of one name never collide.
    harness.open("/notes/").await?;
    harness.wait_for_rows(&["plan.txt"]).await?;
    harness.click("button[aria-label='Actions for plan.txt']").await?;
    harness.press("Delete").await?;
    harness.wait_for_rows(&[]).await?;
    harness.seed(&[("notes/plan.txt", b"new plan")]).await?;
    harness.wait_for_rows(&["plan.txt"]).await?;
    harness.click("button[aria-label='Actions for plan.txt']").await?;
    harness.press("Delete").await?;
    harness.wait_for_rows(&[]).await?;
    harness.open("/").await?;
    harness.wait_for_rows(&["box", "notes", "photo.bin", "stay.txt"]).await?;
    for css in ["tr[data-name='photo.bin'] input.select", "tr[data-name=box] input.select"] {
        harness.click(css).await?;
    }
    harness
        .eventually("return document.querySelector('.selection-count')?.textContent === '2 selected'", "2 selected")
        .await?;
    harness.click("#selection-bar button[data-action=delete-selected]").await?;
    harness.wait_for_rows(&["notes", "stay.txt"]).await?;
    let trash = stored_trash(&harness).await?;
    assert_eq!(trash.len(), 8, "{trash:?}");
    // The place of photo.bin is taken again before it is restored.
    harness.seed(&[("photo.bin", b"another photo")]).await?;

    harness.click("#open-trash").await?;
    harness
        .eventually("return document.querySelectorAll('#listing tr[data-item]').length === 4", "4 in the trash")
        .await?;
    assert_eq!(harness.value("location.pathname").await?, "/.trash/");
    let origins = harness
        .value("[...document.querySelectorAll('#listing tr[data-item]')].map((row) => row.querySelector('.label').textContent + ' @ ' + row.querySelector('.origin').textContent).sort().join('|')")
        .await?;
    assert_eq!(origins, "box @ the top|photo.bin @ the top|plan.txt @ /notes|plan.txt @ /notes");
    harness.screenshot("file-app-trash-view-desktop", 1280, 800, false).await?;
    harness.screenshot("file-app-trash-view-phone", 390, 844, true).await?;

    harness.click("button[aria-label='Restore photo.bin']").await?;
    harness.eventually("return document.querySelectorAll('#listing tr[data-item]').length === 3", "3 left").await?;
    assert_eq!(harness.stored("photo (restored).bin").await?, Some(bytes.clone()));
    assert_eq!(harness.stored_text("photo.bin").await?.as_deref(), Some("another photo"));
    // Both plans: the newer first in the list; each goes back, the second beside the first.
    for left in [2, 1] {
        harness.click("button[aria-label='Restore plan.txt']").await?;
        harness
            .eventually(
                &format!("return document.querySelectorAll('#listing tr[data-item]').length === {left}"),
                "restored",
            )
            .await?;
    }
    let mut plans = vec![
        harness.stored_text("notes/plan.txt").await?.unwrap(),
        harness.stored_text("notes/plan (restored).txt").await?.unwrap(),
    ];
    plans.sort();
    assert_eq!(plans, ["new plan", "old plan"]);
    assert_eq!(stored_trash(&harness).await?.len(), 2);

    harness.press("Empty trash").await?;
    harness.click("dialog[open] button.danger").await?;
    harness
        .eventually("return document.querySelector('#listing .empty')?.textContent === 'The trash is empty.'", "empty")
        .await?;
    assert_eq!(stored_trash(&harness).await?, BTreeMap::new());
    assert_eq!(harness.stored_dir("box").await?, None);
    assert_eq!(harness.value("document.getElementById('empty-trash').disabled").await?, true);
    harness.finish().await
}

async fn what_is_over_thirty_days_in_the_trash_goes_when_the_app_opens(backend: Backend) -> Result {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let (old, fresh) = (now - 31 * DAY_MS, now - 29 * DAY_MS);
    let record = |original: &str, at: u64| format!(r#"{{"original":"{original}","deleted":{at},"isDirectory":false}}"#);
    let (old_record, fresh_record) = (record("old.txt", old), record("fresh.txt", fresh));
    let old_item = format!(".trash/{old}-old.txt");
    let fresh_item = format!(".trash/{fresh}-fresh.txt");
    let harness = start(
        backend,
        &[
            ("here.txt", b"here"),
            (&old_item, b"old"),
            (&format!("{old_item}.trashinfo"), old_record.as_bytes()),
            (&fresh_item, b"fresh"),
            (&format!("{fresh_item}.trashinfo"), fresh_record.as_bytes()),
            (".trash/mine.txt", b"someone put this here"),
        ],
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let names: Vec<String> = stored_trash(&harness).await?.into_keys().collect();
        if names.len() == 3 {
            let expected =
                [format!("{fresh}-fresh.txt"), format!("{fresh}-fresh.txt.trashinfo"), "mine.txt".to_owned()];
            assert_eq!(names, expected);
            break;
        }
        assert!(Instant::now() < deadline, "the old entry stayed: {names:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    harness.open("/@/browse/.trash/").await?;
    harness.eventually("return document.querySelectorAll('#listing tr[data-item]').length === 1", "one left").await?;
    assert_eq!(harness.value("document.querySelector('#listing .label').textContent").await?, "fresh.txt");
    harness.finish().await
}

async fn several_entries_are_selected_moved_and_zipped(backend: Backend) -> Result {
    let harness = start(
        backend,
        &[("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c"), ("d.txt", b"d"), ("dir/x.txt", b"x"), ("dest/keep", b"k")],
    )
    .await?;
    harness.wait_for_rows(&["dest", "dir", "a.txt", "b.txt", "c.txt", "d.txt"]).await?;
    let selected = "[...document.querySelectorAll('#listing tr.selected')].map((row) => row.dataset.name).join(',')";
    // Shift-click selects a range, Ctrl-click adds one, a checkbox takes one out.
    harness.click("tr[data-name='a.txt'] input.select").await?;
    modified_click(&harness, "tr[data-name='c.txt'] td.size", "shiftKey: true").await?;
    assert_eq!(harness.value(selected).await?, "a.txt,b.txt,c.txt");
    modified_click(&harness, "tr[data-name=dir] td.size", "ctrlKey: true").await?;
    harness.click("tr[data-name='b.txt'] input.select").await?;
    assert_eq!(harness.value(selected).await?, "dir,a.txt,c.txt");
    assert_eq!(harness.value("location.pathname").await?, "/");
    // The zip of the selection holds those entries whole, nothing else.
    harness
        .value("(() => { window.clicked = []; HTMLAnchorElement.prototype.click = function () { window.clicked.push(this.getAttribute('href')); }; })()")
        .await?;
    harness.click("#selection-bar button[data-action=zip-selected]").await?;
    let href = harness.value("window.clicked[0]").await?.as_str().unwrap().to_owned();
    assert_eq!(href, "/@/zip/?name=a%2Etxt&name=c%2Etxt&name=dir");
    let fetched = harness.get(&href).await?;
    assert_eq!(fetched.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(fetched.body)).map_err(|error| error.to_string())?;
    let mut names: Vec<String> = zip.file_names().map(|name| name.unwrap().into_owned()).collect();
    names.sort();
    let top = harness.value("document.querySelector('.crumbs a').textContent").await?.as_str().unwrap().to_owned();
    assert_eq!(
        names,
        [
            format!("{top}/"),
            format!("{top}/a.txt"),
            format!("{top}/c.txt"),
            format!("{top}/dir/"),
            format!("{top}/dir/x.txt")
        ]
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&format!("{top}/dir/x.txt")).unwrap(), &mut text).unwrap();
    assert_eq!(text, "x");
    // Move all three into dest.
    harness.click("#selection-bar button[data-action=move-selected]").await?;
    harness.click("dialog[open] button[data-folder=dest]").await?;
    harness
        .eventually("return document.querySelector('.picker-here').textContent === 'Into: /dest'", "the picker")
        .await?;
    harness.press("Move here").await?;
    harness.wait_for_rows(&["dest", "b.txt", "d.txt"]).await?;
    let dest: Vec<String> = harness.stored_dir("dest").await?.unwrap().into_keys().collect();
    assert_eq!(dest, ["a.txt", "c.txt", "dir", "keep"]);
    assert_eq!(harness.stored_text("dest/dir/x.txt").await?.as_deref(), Some("x"));
    assert_eq!(harness.value("document.getElementById('selection-bar').hidden").await?, true);
    // Keys: Space selects the focused row, Ctrl+A all, Escape none.
    keys_on(&harness, "tr[data-name='b.txt'] a.entry", " ").await?;
    assert_eq!(harness.value(selected).await?, "b.txt");
    keys_on(&harness, "tr[data-name='b.txt'] a.entry", "\u{E009}a\u{E009}").await?;
    assert_eq!(harness.value(selected).await?, "dest,b.txt,d.txt");
    keys_on(&harness, "tr[data-name='b.txt'] a.entry", "\u{E00C}").await?;
    assert_eq!(harness.value(selected).await?, "");
    // A long press with a finger selects, and its click does not open the entry.
    harness
        .value("document.querySelector('tr[data-name=\"d.txt\"] a.entry').dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch' }))")
        .await?;
    harness.eventually(&format!("return {selected} === 'd.txt'"), "the long press").await?;
    harness
        .value("(() => { const link = document.querySelector('tr[data-name=\"d.txt\"] a.entry'); link.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, pointerType: 'touch' })); link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); })()")
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(harness.value("location.pathname").await?, "/");
    // Several deleted at once, one Undo.
    harness.click("tr[data-name='b.txt'] input.select").await?;
    harness.click("#selection-bar button[data-action=delete-selected]").await?;
    harness.wait_for_rows(&["dest"]).await?;
    assert_eq!(stored_trash(&harness).await?.len(), 4);
    harness.press("Undo").await?;
    harness.wait_for_rows(&["dest", "b.txt", "d.txt"]).await?;
    assert_eq!(harness.stored_text("d.txt").await?.as_deref(), Some("d"));
    harness.finish().await
}

on_both_backends!(
    delete_moves_to_the_trash_and_undo_puts_it_back,
    the_trash_view_restores_and_empties,
    what_is_over_thirty_days_in_the_trash_goes_when_the_app_opens,
    several_entries_are_selected_moved_and_zipped,
);
