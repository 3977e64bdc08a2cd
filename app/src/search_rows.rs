//! A search result drawn: its row (the path below the searched folder, the matching line,
//! size and time), and the size and time put in when they come after the name.

use crate::api;
use crate::dom::{add, app_link, element, text_element};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::location::{dir_href, file_href};
use owndir_view::{Entry, human_size, human_time};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// The row of a result at `path`, shown as `shown` (its names below the searched folder),
/// with the matching `line` when one was looked for; size and time when `with_sizes`
/// (a name search's entries have none yet: [`fill`] puts them in).
pub fn row(
    path: &SafePath,
    shown: &[String],
    entry: &Entry,
    line: Option<(usize, String)>,
    browse: bool,
    with_sizes: bool,
) -> Result<Element, DomError> {
    let row = element("tr", if entry.is_directory { "dir" } else { "file" })?;
    row.set_attribute("data-path", &path.to_string())?;
    let name = element("td", "name")?;
    let href = if entry.is_directory { dir_href(path, browse) } else { file_href(path) };
    let link = app_link("", &href, "entry")?;
    let icon = element("span", if entry.is_directory { "icon folder" } else { "icon" })?;
    icon.set_attribute("aria-hidden", "true")?;
    add(&link, &icon)?;
    let label = element("span", "label")?;
    if let [folders @ .., _] = shown
        && !folders.is_empty()
    {
        add(&label, &text_element("span", "search-dir", &format!("{}/", folders.join("/")))?)?;
    }
    add(&label, &text_element("span", "search-name", shown.last().map(String::as_str).unwrap_or_default())?)?;
    add(&link, &label)?;
    add(&name, &link)?;
    if let Some((number, text)) = line {
        let matched = element("span", "match-line")?;
        add(&matched, &text_element("span", "line-number", &format!("{number}: "))?)?;
        add(&matched, &text_element("span", "", &text)?)?;
        add(&name, &matched)?;
    }
    add(&row, &name)?;
    let (size, modified) =
        if with_sizes { size_and_time(entry.is_directory, entry.size, entry.mtime) } else { Default::default() };
    add(&row, &text_element("td", "size", &size)?)?;
    add(&row, &text_element("td", "modified", &modified)?)?;
    Ok(row)
}

thread_local! {
    /// Asks a result's size and time when its row comes into view (or a screen before).
    static FILL_OBSERVER: Option<IntersectionObserver> = {
        let on_view = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
            |seen: js_sys::Array, observer: IntersectionObserver| {
                for entry in seen.iter().map(JsCast::unchecked_into::<IntersectionObserverEntry>) {
                    if entry.is_intersecting() {
                        observer.unobserve(&entry.target());
                        wasm_bindgen_futures::spawn_local(ask(entry.target()));
                    }
                }
            },
        );
        let options = IntersectionObserverInit::new();
        options.set_root_margin("0px 0px 800px 0px");
        let observer = IntersectionObserver::new_with_options(on_view.as_ref().unchecked_ref(), &options).ok();
        // One observer for the page's life.
        on_view.forget();
        observer
    };
}

/// Puts `row`'s size and time in once it comes into view: a search of a thousand results
/// asks the worker to open the files of those looked at, not of all.
pub fn fill_when_seen(row: &Element) {
    FILL_OBSERVER.with(|observer| {
        if let Some(observer) = observer {
            observer.observe(row);
        }
    });
}

/// Forgets the rows of results no longer shown.
pub fn forget_all() {
    FILL_OBSERVER.with(|observer| {
        if let Some(observer) = observer {
            observer.disconnect();
        }
    });
}

async fn ask(row: Element) {
    let Some(path) = row.get_attribute("data-path").and_then(|path| SafePath::parse(&path).ok()) else { return };
    if let Ok(Some((size, mtime))) = api::size_and_time(&path, None).await
        && row.is_connected()
    {
        fill(&row, size, mtime);
    }
}

/// Puts a result's size and time into its row.
fn fill(row: &Element, size: u64, mtime: u64) {
    let (size, modified) = size_and_time(row.class_list().contains("dir"), size, mtime);
    for (cell, text) in [("td.size", size), ("td.modified", modified)] {
        if let Ok(Some(cell)) = row.query_selector(cell) {
            cell.set_text_content(Some(&text));
        }
    }
}

/// A result's size and time as its row shows them.
fn size_and_time(is_directory: bool, size: u64, mtime: u64) -> (String, String) {
    let size = if is_directory { String::new() } else { human_size(size) };
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    (size, human_time(mtime, offset))
}
