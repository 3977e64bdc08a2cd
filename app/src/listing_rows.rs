//! The listing's entries drawn from the state: the table (or the grid) a page at a time,
//! the line that draws the next page, and sizes and times put in place when they arrive
//! after the names (`listing.rs` shows names first).

use crate::dom::{action_button, add, document, element, text_element};
use crate::views::log;
use crate::{grid, selection, state};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::listing_row::ListingRow;
use owndir_view::location::{dir_href, file_href};
use owndir_view::photos::FolderView;
use owndir_view::{Entry, SortKey, arrange, human_size, human_time};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// Rows drawn at once. A row costs a few dozen DOM calls and its layout: 10,000 drawn in one
/// go held the page for seconds, so a big folder is drawn a page at a time as it scrolls.
pub const PAGE_ROWS: usize = 500;

/// Draws the table from the state: sorted, filtered, or the empty state that says what to do.
pub fn draw_listing() -> Result<(), DomError> {
    let Some(area) = document().get_element_by_id("listing") else { return Ok(()) };
    area.set_inner_html("");
    // Busy until sizes and times are in: the names are there, the rest is coming.
    if state::with(|app| app.entries_complete) {
        area.remove_attribute("aria-busy")?;
    } else {
        area.set_attribute("aria-busy", "true")?;
    }
    let (directory, shown) = arranged();
    let Some(directory) = directory else { return Ok(()) };
    let (sort, order, filter, rows_drawn) =
        state::with(|app| (app.sort, app.order, app.filter.clone(), app.rows_drawn));
    if shown.is_empty() {
        let message = if state::with(|app| app.entries.is_empty()) {
            "This folder is empty. Create a file or folder, or drop files here to upload them."
        } else if !filter.trim().is_empty() {
            "No names here match the filter."
        } else {
            "Only hidden files are here. Tick “Show hidden” to see them."
        };
        add(&area, &text_element("p", "empty", message)?)?;
        return Ok(());
    }
    if state::with(|app| app.view) == FolderView::Grid {
        add(&area, &grid::grid(&directory, &shown[..rows_drawn.min(shown.len())])?)?;
        if shown.len() > rows_drawn {
            add(&area, &more_rows(rows_drawn, shown.len())?)?;
        }
        return selection::sync();
    }
    let table = element("table", "listing")?;
    let head = element("thead", "")?;
    let head_row = element("tr", "")?;
    let all_cell = element("th", "select")?;
    all_cell.set_attribute("scope", "col")?;
    let all: HtmlInputElement = element("input", "select-all")?.unchecked_into();
    all.set_type("checkbox");
    all.set_attribute("aria-label", "Select all")?;
    add(&all_cell, &all)?;
    add(&head_row, &all_cell)?;
    for (label, key) in [
        ("Name", Some(SortKey::Name)),
        ("Size", Some(SortKey::Size)),
        ("Modified", Some(SortKey::Modified)),
        ("", None),
    ] {
        let class = key.map(SortKey::as_str).unwrap_or("actions");
        let cell = element("th", class)?;
        cell.set_attribute("scope", "col")?;
        if let Some(key) = key {
            let button = action_button(label, "sort", "sort")?;
            button.set_attribute("data-sort", key.as_str())?;
            if key == sort {
                cell.set_attribute("aria-sort", order.aria())?;
                button.set_attribute("data-order", order.aria())?;
            }
            add(&cell, &button)?;
        } else {
            add(&cell, &text_element("span", "visually-hidden", "Actions")?)?;
        }
        add(&head_row, &cell)?;
    }
    add(&head, &head_row)?;
    add(&table, &head)?;
    let body = element("tbody", "")?;
    body.set_inner_html(&rows_html(&directory, &shown[..rows_drawn.min(shown.len())]));
    add(&table, &body)?;
    add(&area, &table)?;
    if shown.len() > rows_drawn {
        add(&area, &more_rows(rows_drawn, shown.len())?)?;
    }
    selection::sync()
}

/// The directory on screen and its entries as the listing shows them: sorted, filtered.
fn arranged() -> (Option<SafePath>, Vec<Entry>) {
    state::with(|app| {
        let shown = arrange(&app.entries, app.sort, app.order, &app.filter, app.show_hidden, crate::dom::lowercase);
        (app.directory.clone(), shown.into_iter().cloned().collect())
    })
}

/// The line under a listing drawn in part: how much is shown, and a button for the next
/// page, pressed by itself when it scrolls into view.
fn more_rows(drawn: usize, total: usize) -> Result<Element, DomError> {
    let more = element("div", "more-rows")?;
    let next = PAGE_ROWS.min(total - drawn);
    let status = text_element("span", "", &format!("{drawn} of {total} shown"))?;
    status.set_attribute("role", "status")?;
    add(&more, &status)?;
    add(&more, &action_button(&format!("Show {next} more"), "show-more", "secondary")?)?;
    MORE_OBSERVER.with(|observer| {
        if let Some(observer) = observer {
            observer.disconnect();
            observer.observe(&more);
        }
    });
    Ok(more)
}

thread_local! {
    /// Draws the next page when the "more" line scrolls into view.
    static MORE_OBSERVER: Option<IntersectionObserver> = {
        let on_view = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(|seen: js_sys::Array| {
            if seen.iter().any(|entry| entry.unchecked_into::<IntersectionObserverEntry>().is_intersecting()) {
                log(draw_more());
            }
        });
        // Ahead of the eye: the next page is drawn a screen before the end is reached.
        let options = IntersectionObserverInit::new();
        options.set_root_margin("0px 0px 800px 0px");
        let observer = IntersectionObserver::new_with_options(on_view.as_ref().unchecked_ref(), &options).ok();
        // One observer for the page's life.
        on_view.forget();
        observer
    };
}

/// Draws the next page of rows under those drawn.
pub fn draw_more() -> Result<(), DomError> {
    let Some(body) = document().query_selector("#listing table.listing tbody, #listing .grid")? else { return Ok(()) };
    let from = state::update(|app| {
        app.rows_drawn += PAGE_ROWS;
        app.rows_drawn - PAGE_ROWS
    });
    let (directory, shown) = arranged();
    let Some(directory) = directory else { return Ok(()) };
    let page: Vec<Entry> = shown.iter().skip(from).take(PAGE_ROWS).cloned().collect();
    if let Some(tiles) = document().query_selector("#listing .grid")? {
        grid::add_tiles(&tiles, &directory, &page)?;
    } else {
        body.insert_adjacent_html("beforeend", &rows_html(&directory, &page))?;
    }
    if let Some(old) = document().query_selector("#listing .more-rows")? {
        old.remove();
    }
    if shown.len() > from + PAGE_ROWS
        && let Some(area) = document().get_element_by_id("listing")
    {
        add(&area, &more_rows(from + PAGE_ROWS, shown.len())?)?;
    }
    selection::sync()
}

/// The sync-conflict marks of the directory's files (all of them, shown or not: a copy
/// marks its file even when the filter hides the copy).
fn conflict_marks() -> Marks {
    state::with(|app| {
        owndir_view::conflict::marks(
            app.entries.iter().filter(|entry| !entry.is_directory).map(|entry| entry.name.as_str()),
        )
    })
}

type Marks = std::collections::BTreeMap<String, owndir_view::conflict::Mark>;

/// The table rows of `entries`, as HTML: one call into the DOM draws them all.
fn rows_html(directory: &SafePath, entries: &[Entry]) -> String {
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let marks = conflict_marks();
    let browse_mode = state::with(|app| app.browse_mode);
    let mut html = String::with_capacity(entries.len() * 600);
    for entry in entries {
        let href = directory
            .join(&entry.name)
            .ok()
            .map(|path| if entry.is_directory { dir_href(&path, browse_mode) } else { file_href(&path) });
        let conflict = marks.get(&entry.name).map(|mark| mark.title());
        let (size, modified) = size_and_time(entry, offset);
        let row = ListingRow {
            name: &entry.name,
            is_directory: entry.is_directory,
            href: href.as_deref(),
            icon: grid::icon_class(entry),
            conflict: conflict.as_deref(),
            size: &size,
            modified: &modified,
        };
        row.write_html(&mut html);
    }
    html
}

/// Draws the next page of rows (the "Show more" button).
pub fn show_more() {
    log(draw_more());
}

/// An entry's size and time as its row shows them: blank until the worker sent them.
fn size_and_time(entry: &Entry, offset_minutes: i64) -> (String, String) {
    if !state::with(|app| app.entries_complete) {
        return (String::new(), String::new());
    }
    let size = if entry.is_directory { String::new() } else { human_size(entry.size) };
    (size, human_time(entry.mtime, offset_minutes))
}

/// Sizes and times arrived: puts them into the rows and tiles drawn, when the order
/// drawn is still right (sorted by name). `Ok(false)` when the listing must be drawn
/// again instead (sorted by size or time, or nothing drawn yet).
pub fn sizes_in_place() -> Result<bool, DomError> {
    let Some(area) = document().get_element_by_id("listing") else { return Ok(true) };
    let drawn = document().query_selector("#listing table.listing, #listing .grid")?.is_some();
    if !drawn || state::with(|app| app.sort) != SortKey::Name {
        return Ok(false);
    }
    area.remove_attribute("aria-busy")?;
    let entries: std::collections::HashMap<String, Entry> =
        state::with(|app| app.entries.iter().map(|entry| (entry.name.clone(), entry.clone())).collect());
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let rows = document().query_selector_all("#listing tr[data-name], #listing .tile[data-name]")?;
    for index in 0..rows.length() {
        let Some(row) = rows.item(index).and_then(|node| node.dyn_into::<Element>().ok()) else { continue };
        let Some(entry) = row.get_attribute("data-name").and_then(|name| entries.get(&name)) else { continue };
        if row.has_attribute("data-src") {
            grid::set_thumbnail_version(&row, entry)?;
            continue;
        }
        let (size, modified) = size_and_time(entry, offset);
        for (cell, text) in [("td.size", size), ("td.modified", modified)] {
            if let Some(cell) = row.query_selector(cell)? {
                cell.set_text_content(Some(&text));
            }
        }
    }
    Ok(true)
}
