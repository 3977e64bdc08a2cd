//! A sync conflict: a file and the copy a sync engine kept beside it when two devices
//! changed it apart, side by side as a line diff, with **Keep this one** and **Keep the
//! other** (issue 16). Keeping a version writes it to the file with `If-Match` and deletes
//! the copy with `If-Match`, so a version that changed since it was shown is never
//! overwritten or deleted: the view is drawn again instead.
//!
//! It fills the file page's `#file-toolbar`, `#file-status` and `#viewer` (drawn by
//! `file_view`, which hands over when the file opened is in a conflict).

use crate::api::{self, ApiFailure};
use crate::dom::{action_button, add, by_id, element, follow_link, text_element};
use crate::state::{self, OpenConflict};
use crate::views::{log, show_error, toast};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::conflict::{Change, Line, Pair, Row, differing_rows, is_diffable, looks_binary};
use owndir_view::location::file_href;
use owndir_view::{human_size, human_time};
use wasm_bindgen::JsValue;
use web_sys::Element;

/// The conflict `path` is in, if any: a copy with its file, or a file with a copy beside it.
pub async fn find(path: &SafePath) -> Option<Pair> {
    let (directory, name) = (path.parent()?, path.name()?);
    // Only a name that can be in a pair costs a listing: a copy, or any file (whose copies
    // are only known from the listing). Names only: the worker opens no file for them.
    let names = api::names(&directory).await.ok()?;
    owndir_view::conflict::pair(name, names.iter().map(String::as_str))
}

/// What a `HEAD` says of a file: its size, modification time and version.
struct Version {
    size: u64,
    modified_ms: u64,
    etag: Option<String>,
}

async fn version(path: &SafePath) -> Result<Version, ApiFailure> {
    let response = api::send("HEAD", &path.to_url(), None, &[("Cache-Control", "no-cache")]).await?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let size = header("Content-Length").and_then(|length| length.parse().ok()).unwrap_or(0);
    let modified_ms = header("Last-Modified").map(|date| js_sys::Date::parse(&date)).filter(|ms| ms.is_finite());
    Ok(Version { size, modified_ms: modified_ms.unwrap_or(0.0) as u64, etag: header("ETag") })
}

/// Draws the conflict of `pair` in `directory` into the file page.
pub async fn show(directory: SafePath, pair: Pair) -> Result<(), DomError> {
    let (Ok(this_path), Ok(other_path)) = (directory.join(pair.this()), directory.join(pair.other())) else {
        return Ok(());
    };
    let (this, other) = match (version(&this_path).await, version(&other_path).await) {
        (Ok(this), Ok(other)) => (this, other),
        (Err(failure), _) | (_, Err(failure)) => {
            status(&format!("The two versions could not be read: {failure}."));
            return Ok(());
        }
    };
    // Text is read with its version: the one compared is the one kept.
    let mut texts = None;
    // The diff is the second wasm's: it loads while the texts are read.
    let diffable = is_diffable(pair.original.as_str(), this.size, other.size);
    let extras = diffable.then(crate::extras::load);
    if diffable
        && let (Ok((this_text, this_etag)), Ok((other_text, other_etag))) =
            (api::read_text(&this_path).await, api::read_text(&other_path).await)
        && !looks_binary(&this_text)
        && !looks_binary(&other_text)
    {
        texts = Some((this_text, this_etag, other_text, other_etag));
    }
    let rows = match (&texts, extras) {
        (Some((this_text, _, other_text, _)), Some(extras)) => Some(extras.diff_rows(this_text, other_text).await),
        _ => None,
    };
    let (this_etag, other_etag) = match &texts {
        Some((_, this_etag, _, other_etag)) => (this_etag.clone(), other_etag.clone()),
        None => (this.etag.clone(), other.etag.clone()),
    };
    let (original_etag, copy_etag) = if pair.opened_copy { (other_etag, this_etag) } else { (this_etag, other_etag) };
    let opened = SafePath::join(&directory, pair.this()).ok();
    state::update(|app| {
        if let Some(file) = app.file.as_mut().filter(|file| Some(&file.path) == opened.as_ref()) {
            file.etag = if pair.opened_copy { copy_etag.clone() } else { original_etag.clone() };
            let conflict = OpenConflict { directory: directory.clone(), pair: pair.clone(), original_etag, copy_etag };
            file.conflict = Some(conflict);
        }
    });
    by_id("file-toolbar")?.set_inner_html("");
    let viewer = by_id("viewer")?;
    viewer.set_inner_html("");
    viewer.remove_attribute("aria-busy")?;
    let view = element("div", "conflict-view")?;
    view.set_id("conflict");
    let intro = format!(
        "Two devices changed “{}” while they could not reach each other, and the sync tool kept both versions. \
         Keep one: it becomes “{}”, and the other is deleted.",
        pair.original, pair.original
    );
    add(&view, &text_element("p", "conflict-intro", &intro)?)?;
    let sides = element("div", "conflict-sides")?;
    add(&sides, &side("This one", pair.this(), &this, "Keep this one", "keep-this", "primary")?)?;
    add(&sides, &side("The other", pair.other(), &other, "Keep the other", "keep-other", "secondary")?)?;
    add(&view, &sides)?;
    match rows {
        Some(Ok(rows)) => {
            let summary = match differing_rows(&rows) {
                0 => "The two versions have the same text.".to_owned(),
                1 => "1 line differs.".to_owned(),
                n => format!("{n} lines differ."),
            };
            add(&view, &text_element("p", "conflict-summary", &summary)?)?;
            add(&view, &diff_table(&rows, pair.this(), pair.other())?)?;
        }
        Some(Err(error)) => {
            let why = format!(
                "The line-by-line comparison could not load ({error}): download the versions to look, then keep one."
            );
            add(&view, &text_element("p", "conflict-summary", &why)?)?;
        }
        None => {
            let why = "These versions are not compared line by line (not text, or over 256 KB): download them to \
                       look, then keep one.";
            add(&view, &text_element("p", "conflict-summary", why)?)?;
        }
    }
    if pair.more > 0 {
        let more = format!("{} more conflicting versions of this file wait after this one.", pair.more);
        add(&view, &text_element("p", "hint", &more)?)?;
    }
    add(&viewer, &view)?;
    status("");
    Ok(())
}

/// One version's heading: which it is, its name, size and time, its button and a download.
fn side(
    which: &str,
    name: &str,
    version: &Version,
    keep: &str,
    action: &str,
    class: &str,
) -> Result<Element, DomError> {
    let side = element("div", "conflict-side")?;
    side.set_attribute("data-name", name)?;
    add(&side, &text_element("span", "badge conflict", which)?)?;
    add(&side, &text_element("p", "conflict-name", name)?)?;
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let facts = format!("{} · changed {}", human_size(version.size), human_time(version.modified_ms, offset));
    add(&side, &text_element("p", "hint", &facts)?)?;
    let buttons = element("div", "actions")?;
    add(&buttons, &action_button(keep, action, class)?)?;
    let download = text_element("a", "button quiet", "Download")?;
    if let Some(directory) = state::with(|app| app.file.as_ref().and_then(|file| file.path.parent()))
        && let Ok(path) = directory.join(name)
    {
        download.set_attribute("href", &path.to_url())?;
        download.set_attribute("download", name)?;
    }
    add(&buttons, &download)?;
    add(&side, &buttons)?;
    Ok(side)
}

/// The rows side by side: number and text of this one, number and text of the other.
fn diff_table(rows: &[Row], this: &str, other: &str) -> Result<Element, DomError> {
    let scroller = element("div", "diff-area")?;
    let table = element("table", "diff")?;
    table.set_attribute("aria-label", &format!("Differences between {this} and {other}"))?;
    let columns = element("colgroup", "")?;
    for class in ["number", "text", "number", "text"] {
        add(&columns, &element("col", class)?)?;
    }
    add(&table, &columns)?;
    let body = element("tbody", "")?;
    for row in rows {
        let tr = match row {
            Row::Lines { left, right, change } => {
                let tr = element("tr", change.as_str())?;
                cells(&tr, left.as_ref(), *change, "left")?;
                cells(&tr, right.as_ref(), *change, "right")?;
                tr
            }
            Row::Folded(hidden) => {
                let tr = element("tr", "folded")?;
                let cell = text_element("td", "", &format!("⋯ {hidden} unchanged lines"))?;
                cell.set_attribute("colspan", "4")?;
                add(&tr, &cell)?;
                tr
            }
        };
        add(&body, &tr)?;
    }
    add(&table, &body)?;
    add(&scroller, &table)?;
    Ok(scroller)
}

fn cells(tr: &Element, line: Option<&Line>, change: Change, side: &str) -> Result<(), DomError> {
    let number = text_element("td", "number", &line.map(|line| line.number.to_string()).unwrap_or_default())?;
    number.set_attribute("aria-hidden", "true")?;
    add(tr, &number)?;
    let class = match (line, change) {
        (None, _) => format!("line {side} gap"),
        (Some(_), Change::Same) => format!("line {side}"),
        (Some(_), _) => format!("line {side} differs"),
    };
    add(tr, &text_element("td", &class, line.map(|line| line.text.as_str()).unwrap_or_default())?)
}

fn status(message: &str) {
    if let Ok(status) = by_id("file-status") {
        status.set_text_content(Some(message));
    }
}

/// Handles **Keep this one** (`keep-this`) and **Keep the other** (`keep-other`).
pub fn on_action(action: &str) {
    let Some(conflict) = state::with(|app| app.file.as_ref().and_then(|file| file.conflict.clone())) else { return };
    let keep_this = action == "keep-this";
    wasm_bindgen_futures::spawn_local(keep(conflict, keep_this));
}

async fn keep(conflict: OpenConflict, keep_this: bool) {
    let pair = &conflict.pair;
    let kept = if keep_this { pair.this() } else { pair.other() };
    let keep_copy = kept == pair.copy;
    let (Ok(original), Ok(copy)) = (conflict.directory.join(&pair.original), conflict.directory.join(&pair.copy))
    else {
        return;
    };
    saving(true);
    set_buttons_disabled(true);
    status(&format!("Keeping “{kept}”…"));
    match resolve(&conflict, &original, &copy, keep_copy).await {
        Ok(()) => {
            toast(&format!("Kept the version of “{kept}” in “{}”; the other is deleted", pair.original));
            // The file again: another copy of it, if one waits, is the next conflict.
            follow_link(&file_href(&original));
        }
        Err(failure) if failure.status == 412 => {
            saving(false);
            log(show(conflict.directory.clone(), pair.clone()).await);
            status("One of the versions changed since it was shown: nothing was lost. Here they are again.");
        }
        Err(failure) => {
            saving(false);
            set_buttons_disabled(false);
            status("Nothing was kept yet");
            show_error(&format!("Could not keep “{kept}”: {failure}. Both versions are still there."));
        }
    }
}

/// Writes the kept version to the file (unless it is the file's already) and deletes the
/// copy, each only if it is still the version shown.
async fn resolve(conflict: &OpenConflict, original: &SafePath, copy: &SafePath, keep_copy: bool) -> api::ApiResult<()> {
    let stale = || ApiFailure { status: 412, message: "changed since it was shown".to_owned() };
    let (Some(original_etag), Some(copy_etag)) = (&conflict.original_etag, &conflict.copy_etag) else {
        return Err(stale());
    };
    let copy_etag = if keep_copy {
        let (bytes, now) = api::read_blob(copy).await?;
        if now.as_ref() != Some(copy_etag) {
            return Err(stale());
        }
        api::write(original, &JsValue::from(bytes), Some(original_etag)).await?;
        copy_etag
    } else {
        // The file stays as it is: only make sure it is still the version shown.
        if api::etag(original).await?.as_ref() != Some(original_etag) {
            return Err(stale());
        }
        copy_etag
    };
    api::delete_version(copy, copy_etag).await
}

/// While a version is being kept, its own writes are no news to the live view.
fn saving(on: bool) {
    state::update(|app| app.file.as_mut().map(|file| file.saving = on));
}

fn set_buttons_disabled(disabled: bool) {
    let Ok(Some(view)) = crate::dom::document().query_selector("#conflict") else { return };
    let Ok(buttons) = view.query_selector_all("button[data-action^=keep]") else { return };
    for index in 0..buttons.length() {
        if let Some(button) = buttons.item(index).and_then(|node| wasm_bindgen::JsCast::dyn_into::<Element>(node).ok())
        {
            let _ = if disabled { button.set_attribute("disabled", "") } else { button.remove_attribute("disabled") };
        }
    }
}
