//! A directory's listing: breadcrumbs, the toolbar, the entries (drawn by
//! `listing_rows.rs`), and the keyboard focus in it. Names come first, sizes and times
//! after: the worker must open every file for those, which on a disk folder of thousands
//! of files takes seconds. What the entries offer (open, rename, move, download, delete)
//! is `browse.rs`.

use crate::api::{self, ApiFailure};
use crate::dom::{action_button, add, app_link, document, element, text_element};
use crate::listing_rows::{self, PAGE_ROWS, draw_listing};
use crate::views::{self, header, log, notice_element, render};
use crate::{search, selection, state, thumbnails, upload};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::SortKey;
use owndir_view::location::dir_href;
use owndir_view::photos::{FolderView, view_choice_key};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// An entry of the listing on screen: a table row or a grid tile.
const ENTRY: &str = "#listing tr[data-name], #listing .tile[data-name]";

/// Shows `directory`: its names and kinds as soon as the worker has them (it opens no
/// file for those), then sizes and times, asked for next, put in when they come.
pub async fn show(directory: SafePath) {
    search::stop();
    let load = state::update(|app| {
        if app.directory.as_ref() != Some(&directory) {
            app.filter.clear();
            app.selected.clear();
            app.select_anchor = None;
        }
        app.directory = Some(directory.clone());
        app.entries.clear();
        app.entries_of = None;
        app.entries_complete = false;
        app.rows_drawn = PAGE_ROWS;
        app.view = chosen_view(&directory);
        app.listing_load += 1;
        app.listing_load
    });
    let name = directory.name().map(str::to_owned).or_else(|| state::with(|app| app.record.clone().map(|r| r.name)));
    document().set_title(&format!("{} — OwnDir", name.unwrap_or_default()));
    log(skeleton(&directory));
    let kinds = api::kinds(&directory).await;
    crate::live::names_are_in(&directory);
    // A file opened meanwhile (forward, a link) is on screen instead: nothing more to draw.
    if state::with(|app| app.file.is_some()) {
        return;
    }
    match kinds {
        Ok(entries) => {
            // Sizes are asked after the names: both make the browser read the directory,
            // and the names should not wait for the other's reading.
            wasm_bindgen_futures::spawn_local(fill_in(directory.clone(), load));
            // A refresh meanwhile (a change on disk) brought sizes too: they stay.
            let shown = state::update(|app| {
                let current = app.listing_load == load && !app.entries_complete;
                if current {
                    app.entries = entries;
                    app.entries_of = Some(directory.clone());
                }
                current
            });
            if shown {
                log(draw_listing());
            }
            offer_folder_app(&directory).await;
        }
        Err(failure) => log(show_failure(&directory, &failure)),
    }
}

/// Puts the sizes and times of `directory`'s entries in place when the worker has them,
/// if the listing shown is still the one `load` began.
async fn fill_in(directory: SafePath, load: u32) {
    // The grid's thumbnails in view ask for their own files' sizes: the folder's wait for
    // them (a few seconds at most), as the worker opens files one request after another.
    if state::with(|app| app.view) == FolderView::Grid {
        let mut waited = 0;
        while waited == 0 || (thumbnails::busy() && waited < 5_000) {
            gloo_timers::future::TimeoutFuture::new(100).await;
            waited += 100;
        }
    }
    let Ok(entries) = api::children(&directory).await else { return };
    let applied = state::update(|app| {
        let current = app.listing_load == load && app.directory.as_ref() == Some(&directory);
        if current {
            app.entries = entries;
            app.entries_of = Some(directory.clone());
            app.entries_complete = true;
        }
        current && app.file.is_none()
    });
    if applied && !listing_rows::sizes_in_place().unwrap_or(false) {
        redraw_keeping_focus();
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
        state::update(|app| {
            app.entries = entries;
            app.entries_of = Some(directory.clone());
            app.entries_complete = true;
        });
        redraw_keeping_focus();
    }
}

/// Draws the listing again from the state, the focus staying on its entry.
fn redraw_keeping_focus() {
    let focused = document().active_element().and_then(|element| element.closest(ENTRY).ok().flatten());
    let focused = focused.and_then(|row| row.get_attribute("data-name"));
    log(draw_listing());
    if let Some(name) = focused {
        focus_entry(&name);
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
        log(listing_rows::draw_more());
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
