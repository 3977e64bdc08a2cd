//! A directory's listing, drawn: breadcrumbs, the toolbar, the sortable and filterable
//! table a page at a time, and the keyboard focus in it. What the entries offer (open,
//! rename, move, download, delete) is `browse.rs`.

use crate::api::{self, ApiFailure};
use crate::dom::{action_button, add, app_link, document, element, text_element};
use crate::views::{self, header, log, notice_element, render};
use crate::{grid, search, selection, state, upload};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::location::{dir_href, file_href};
use owndir_view::photos::{FolderView, view_choice_key};
use owndir_view::{Entry, SortKey, arrange, human_size, human_time};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// An entry of the listing on screen: a table row or a grid tile.
const ENTRY: &str = "#listing tr[data-name], #listing .tile[data-name]";

/// Rows drawn at once. A row costs a few dozen DOM calls and its layout: 10,000 drawn in one
/// go held the page for seconds, so a big folder is drawn a page at a time as it scrolls.
pub const PAGE_ROWS: usize = 500;

/// Shows `directory`.
pub async fn show(directory: SafePath) {
    search::stop();
    state::update(|app| {
        if app.directory.as_ref() != Some(&directory) {
            app.filter.clear();
            app.selected.clear();
            app.select_anchor = None;
        }
        app.directory = Some(directory.clone());
        app.entries.clear();
        app.entries_of = None;
        app.rows_drawn = PAGE_ROWS;
        app.view = chosen_view(&directory);
    });
    let name = directory.name().map(str::to_owned).or_else(|| state::with(|app| app.record.clone().map(|r| r.name)));
    document().set_title(&format!("{} — OwnDir", name.unwrap_or_default()));
    log(skeleton(&directory));
    match api::children(&directory).await {
        Ok(entries) => {
            state::update(|app| {
                app.entries = entries;
                app.entries_of = Some(directory.clone());
            });
            log(draw_listing());
            offer_folder_app(&directory).await;
        }
        Err(failure) => log(show_failure(&directory, &failure)),
    }
}

/// Reads the listing again and redraws it, keeping the focused entry.
pub async fn refresh() {
    let Some(directory) = state::with(|app| app.directory.clone()) else { return };
    if state::with(|app| app.file.is_some()) {
        return;
    }
    if directory == owndir_view::trash::trash_dir() {
        // The trash is shown by its own view (an Undo pressed there, say).
        crate::trash_view::redraw().await;
        return;
    }
    if let Ok(entries) = api::children(&directory).await {
        let focused = document().active_element().and_then(|element| element.closest(ENTRY).ok().flatten());
        let focused = focused.and_then(|row| row.get_attribute("data-name"));
        state::update(|app| {
            app.entries = entries;
            app.entries_of = Some(directory.clone());
        });
        log(draw_listing());
        if let Some(name) = focused {
            focus_entry(&name);
        }
    }
}

fn skeleton(directory: &SafePath) -> Result<(), DomError> {
    let main = element("section", "folder")?;
    main.set_id("folder");
    add(&main, &views::crumbs(directory, None)?)?;
    add(&main, &toolbar()?)?;
    add(&main, &search::form()?)?;
    add(&main, &selection::bar()?)?;
    add(&main, &search::results_area()?)?;
    let app_link = element("div", "app-link")?;
    app_link.set_id("folder-app");
    add(&main, &app_link)?;
    let listing = element("div", "listing-area")?;
    listing.set_id("listing");
    listing.set_attribute("aria-busy", "true")?;
    add(&main, &listing)?;
    let drop_hint = text_element("div", "drop-hint", "Drop files or folders to upload them here")?;
    add(&main, &drop_hint)?;
    render(&[header()?, main])?;
    upload::accept_drops(&crate::dom::by_id("folder")?, after_upload)
}

/// An upload into the folder on screen ended: the listing shows what came in.
fn after_upload() {
    wasm_bindgen_futures::spawn_local(refresh());
}

fn toolbar() -> Result<Element, DomError> {
    let bar = element("div", "toolbar")?;
    let actions = element("div", "actions")?;
    for (label, action, class) in [
        ("New file", "new-file", "secondary"),
        ("New folder", "new-folder", "secondary"),
        ("Upload files", "upload-files", "secondary"),
        ("Upload folder", "upload-folder", "secondary"),
        ("Download zip", "download-zip", "quiet"),
    ] {
        add(&actions, &action_button(label, action, class)?)?;
    }
    let trash = app_link(
        "Trash",
        &dir_href(&owndir_view::trash::trash_dir(), state::with(|app| app.browse_mode)),
        "button quiet",
    )?;
    trash.set_id("open-trash");
    add(&actions, &trash)?;
    add(&bar, &actions)?;
    let view = element("div", "view-options")?;
    let filter: HtmlInputElement = element("input", "filter")?.unchecked_into();
    filter.set_type("search");
    filter.set_id("filter");
    filter.set_placeholder("Filter names");
    filter.set_attribute("aria-label", "Filter names")?;
    filter.set_value(&state::with(|app| app.filter.clone()));
    crate::dom::listen_while_shown(&filter, "input", |event: web_sys::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<HtmlInputElement>().ok()) else { return };
        rearrange(|app| app.filter = input.value());
    });
    add(&view, &filter)?;
    add(&view, &view_switch()?)?;
    let hidden_label = element("label", "toggle")?;
    let hidden: HtmlInputElement = element("input", "")?.unchecked_into();
    hidden.set_type("checkbox");
    hidden.set_id("show-hidden");
    hidden.set_checked(state::with(|app| app.show_hidden));
    crate::dom::listen_while_shown(&hidden, "change", |event: web_sys::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<HtmlInputElement>().ok()) else { return };
        rearrange(|app| app.show_hidden = input.checked());
    });
    hidden_label.append_child(&hidden)?;
    hidden_label.append_child(&document().create_text_node("Show hidden"))?;
    add(&view, &hidden_label)?;
    add(&bar, &view)?;
    Ok(bar)
}

/// The List / Grid switch.
fn view_switch() -> Result<Element, DomError> {
    let switch = element("div", "view-switch")?;
    switch.set_attribute("role", "group")?;
    switch.set_attribute("aria-label", "Show as")?;
    let current = state::with(|app| app.view);
    for (label, view) in [("List", FolderView::List), ("Grid", FolderView::Grid)] {
        let button = action_button(label, &format!("view-{}", view.as_str()), "quiet")?;
        button.set_attribute("aria-pressed", if view == current { "true" } else { "false" })?;
        add(&switch, &button)?;
    }
    Ok(switch)
}

/// The view chosen for `directory` (kept in `localStorage`), the list when none was.
fn chosen_view(directory: &SafePath) -> FolderView {
    let storage = crate::dom::window().local_storage().ok().flatten();
    let stored = storage.and_then(|storage| storage.get_item(&view_choice_key(directory)).ok().flatten());
    FolderView::parse(stored.as_deref())
}

/// Shows the directory on screen as `view`, and remembers the choice for it.
pub fn set_view(view: FolderView) {
    let Some(directory) = state::with(|app| app.directory.clone()) else { return };
    if let Some(storage) = crate::dom::window().local_storage().ok().flatten() {
        // Private windows may refuse: the choice then lasts this visit.
        let _ = storage.set_item(&view_choice_key(&directory), view.as_str());
    }
    if let Ok(buttons) = document().query_selector_all(".view-switch button") {
        for index in 0..buttons.length() {
            let Some(button) = buttons.item(index).and_then(|node| node.dyn_into::<Element>().ok()) else { continue };
            let pressed = button.get_attribute("data-action").as_deref() == Some(&*format!("view-{}", view.as_str()));
            log(button.set_attribute("aria-pressed", if pressed { "true" } else { "false" }).map_err(Into::into));
        }
    }
    rearrange(|app| app.view = view);
}

/// Changes how the listing is arranged (sort, filter, dotfiles) and draws it again from
/// its first page: row 501 of another order means nothing.
fn rearrange(change: impl FnOnce(&mut state::App)) {
    state::update(|app| {
        change(app);
        app.rows_drawn = PAGE_ROWS;
    });
    log(draw_listing());
}

/// Draws the table from the state: sorted, filtered, or the empty state that says what to do.
pub fn draw_listing() -> Result<(), DomError> {
    let Some(area) = document().get_element_by_id("listing") else { return Ok(()) };
    area.set_inner_html("");
    area.remove_attribute("aria-busy")?;
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
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    let marks = conflict_marks();
    for entry in shown.iter().take(rows_drawn) {
        add(&body, &row(&directory, entry, offset, &marks)?)?;
    }
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
        let shown = arrange(&app.entries, app.sort, app.order, &app.filter, app.show_hidden);
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
fn draw_more() -> Result<(), DomError> {
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
        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
        let marks = conflict_marks();
        for entry in &page {
            add(&body, &row(&directory, entry, offset, &marks)?)?;
        }
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

fn row(directory: &SafePath, entry: &Entry, offset_minutes: i64, marks: &Marks) -> Result<Element, DomError> {
    let tr = element("tr", if entry.is_directory { "dir" } else { "file" })?;
    tr.set_attribute("data-name", &entry.name)?;
    let Ok(path) = directory.join(&entry.name) else { return Ok(tr) };
    let select_cell = element("td", "select")?;
    let select: HtmlInputElement = element("input", "select")?.unchecked_into();
    select.set_type("checkbox");
    select.set_attribute("aria-label", &format!("Select {}", entry.name))?;
    select.set_tab_index(-1);
    add(&select_cell, &select)?;
    add(&tr, &select_cell)?;
    let name_cell = element("td", "name")?;
    let href = if entry.is_directory { dir_href(&path, state::with(|app| app.browse_mode)) } else { file_href(&path) };
    let link = app_link("", &href, "entry")?;
    // Drawn by CSS: emoji differ per platform and may be missing altogether.
    let icon = element("span", &format!("icon {}", grid::icon_class(entry)))?;
    icon.set_attribute("aria-hidden", "true")?;
    add(&link, &icon)?;
    add(&link, &text_element("span", "label", &entry.name)?)?;
    match marks.get(&entry.name) {
        Some(mark) => {
            // Beside the link, not in it: the link's name stays the file's name.
            let line = element("div", "name-line")?;
            add(&line, &link)?;
            let badge = text_element("span", "badge conflict", "conflict")?;
            badge.set_attribute("title", &mark.title())?;
            add(&line, &badge)?;
            add(&name_cell, &line)?;
        }
        None => add(&name_cell, &link)?,
    }
    add(&tr, &name_cell)?;
    let size = if entry.is_directory { String::new() } else { human_size(entry.size) };
    add(&tr, &text_element("td", "size", &size)?)?;
    add(&tr, &text_element("td", "modified", &human_time(entry.mtime, offset_minutes))?)?;
    let actions = element("td", "actions")?;
    let menu = action_button("⋯", "entry-menu", "icon-button")?;
    menu.set_attribute("aria-label", &format!("Actions for {}", entry.name))?;
    menu.set_attribute("data-name", &entry.name)?;
    add(&actions, &menu)?;
    add(&tr, &actions)?;
    Ok(tr)
}

fn show_failure(directory: &SafePath, failure: &ApiFailure) -> Result<(), DomError> {
    let Some(area) = document().get_element_by_id("listing") else { return Ok(()) };
    area.set_inner_html("");
    area.remove_attribute("aria-busy")?;
    let message = match failure.status {
        404 => format!("There is nothing at /{directory} in this folder. It may have been moved or deleted."),
        503 => format!("The folder is not available: {}.", failure.message),
        _ => format!("The folder could not be read: {}.", failure.message),
    };
    add(&area, &notice_element(&message)?)?;
    if failure.status == 503 {
        // Permission may be asked again; a folder that is gone needs another.
        let choices = element("div", "choices")?;
        add(&choices, &action_button("Reconnect", "resume", "primary")?)?;
        add(&choices, &action_button("Choose another folder", "switch-folder", "secondary")?)?;
        add(&area, &choices)?;
    } else if !directory.is_root() {
        add(
            &area,
            &app_link(
                "Go to the top of the folder",
                &dir_href(&SafePath::root(), state::with(|app| app.browse_mode)),
                "",
            )?,
        )?;
    }
    Ok(())
}

/// Offers the folder's own app (its `.owndir/static/index.html`, or the handlers of its
/// `.owndir/routes.js`) when the file app is shown in its place.
async fn offer_folder_app(directory: &SafePath) {
    // The listing holds `.owndir` (hidden or not): without it, there is nothing to ask.
    if !state::with(|app| app.entries.iter().any(|entry| entry.name == ".owndir" && entry.is_directory)) {
        return;
    }
    let mut has_app = false;
    for app in ["static/index.html", "routes.js"] {
        let Ok(path) = SafePath::parse(&format!("{directory}/.owndir/{app}")) else { return };
        if matches!(api::kind(&path).await, Ok(Some(false))) {
            has_app = true;
            break;
        }
    }
    if !has_app {
        return;
    }
    let Some(slot) = document().get_element_by_id("folder-app") else { return };
    let shown = (|| -> Result<(), DomError> {
        add(&slot, &text_element("span", "", "This folder has its own app.")?)?;
        let link = text_element("a", "button secondary", "Open this folder’s app")?;
        link.set_attribute("href", &directory.to_dir_url())?;
        add(&slot, &link)?;
        Ok(())
    })();
    log(shown);
}

/// Moves keyboard focus to the entry called `name`.
pub fn focus_entry(name: &str) {
    let rows = document().query_selector_all(ENTRY);
    let Ok(rows) = rows else { return };
    for index in 0..rows.length() {
        let Some(row) = rows.item(index).and_then(|node| node.dyn_into::<Element>().ok()) else { continue };
        let link = if row.matches("a.entry").unwrap_or(false) {
            Some(row.clone())
        } else {
            row.query_selector("a.entry").ok().flatten()
        };
        if row.get_attribute("data-name").as_deref() == Some(name)
            && let Some(link) = link
        {
            let _ = link.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }
}

/// Sorts by `key` (again: the other way round), keeping the focus on its button.
pub fn sort_by(key: SortKey) {
    rearrange(|app| {
        app.order = if app.sort == key { app.order.flipped() } else { Default::default() };
        app.sort = key;
    });
    if let Ok(Some(button)) = document().query_selector(&format!("button[data-sort={}]", key.as_str())) {
        let _ = button.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

/// Draws the next page of rows (the "Show more" button).
pub fn show_more() {
    log(draw_more());
}

/// The entry whose row holds the keyboard focus, if any.
pub fn focused_entry() -> Option<(String, bool)> {
    let row = document().active_element()?.closest(ENTRY).ok()??;
    Some((row.get_attribute("data-name")?, row.class_list().contains("dir")))
}

/// Moves the focus `step` rows up or down the listing.
pub fn move_focus(step: i32) {
    let Ok(mut links) = document().query_selector_all("#listing a.entry") else { return };
    if links.length() == 0 {
        return;
    }
    let active = document().active_element();
    let mut current = None;
    for index in 0..links.length() {
        if links.item(index).as_ref().map(|node| node.unchecked_ref::<Element>()) == active.as_ref() {
            current = Some(index as i32);
        }
    }
    // Past the last row drawn: draw the next page first.
    if current.is_some_and(|index| index + step >= links.length() as i32)
        && document().query_selector("#listing .more-rows").ok().flatten().is_some()
    {
        log(draw_more());
        let Ok(more) = document().query_selector_all("#listing a.entry") else { return };
        links = more;
    }
    let next = match current {
        Some(index) => (index + step).clamp(0, links.length() as i32 - 1),
        None => 0,
    };
    if let Some(link) = links.item(next as u32) {
        let _ = link.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}
