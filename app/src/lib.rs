//! The owndir page: connect a folder, make sure the worker controls the page, and browse,
//! view and edit the folder at the URL's path. Every folder read and write goes through
//! the worker's FsNode API, so what this page can do, any folder app can do.

mod api;
mod browse;
mod conflict_view;
mod connect;
mod dialogs;
mod dom;
mod extras;
mod features;
mod file_frame;
mod file_view;
mod grid;
mod listing;
mod listing_rows;
mod live;
mod navigate;
mod search;
mod search_rows;
mod selection;
mod state;
mod text_file;
mod thumbnails;
mod trash;
mod trash_view;
mod upload;
mod views;
mod worker;

use wasm_bindgen::prelude::*;
use web_sys::{Element, KeyboardEvent};

/// Boots the page.
/// How many listeners the drawn views hold (`dom::listen_while_shown`): for the test
/// that navigates 200 times and expects it flat.
#[wasm_bindgen(js_name = viewListenerCount)]
pub fn view_listener_count() -> usize {
    dom::view_listener_count()
}

#[wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = run().await {
            views::show_error(&format!("The app could not start: {error}"));
        }
    });
}

async fn run() -> Result<(), owndir_browser::DomError> {
    dom::listen_for_actions(on_action, navigate::go)?;
    let window = dom::window();
    dom::listen(&window, "popstate", |_: web_sys::Event| navigate::on_history_move())?;
    dom::listen(&window, "keydown", on_key)?;
    selection::listen_for_selection()?;
    file_view::listen_for_swipes()?;
    search::around_results(live::stop, follow_the_listing_again);
    dom::listen(&window, "beforeunload", |event: web_sys::BeforeUnloadEvent| {
        // The browser asks "Leave site?"; its own words, its own buttons.
        if state::has_unsaved_edits() {
            event.prevent_default();
            event.set_return_value("unsaved");
        }
    })?;
    connect::accept_dropped_folders()?;
    worker::answer_edit_questions()?;
    worker::ensure_controlled().await?;
    connect::resume().await;
    Ok(())
}

/// The listing shows again after a search: follow it live again, and draw what changed.
fn follow_the_listing_again() {
    if let Some(directory) = state::with(|app| app.directory.clone()) {
        live::watch(&directory, None);
        wasm_bindgen_futures::spawn_local(listing::refresh());
    }
}

/// Every `data-action` click.
fn on_action(action: &str, actor: &Element) {
    match action {
        "open-folder"
        | "use-browser-storage"
        | "reconnect"
        | "switch-folder"
        | "apply-update"
        | "resume"
        | "allow-writing" => connect::on_action(action),
        "edit" | "done-editing" | "save" | "reload-file" => text_file::on_action(action),
        "keep-this" | "keep-other" => conflict_view::on_action(action),
        "close-uploads" => upload::close_panel(),
        "stop-search" | "close-search" => search::on_action(action),
        "restore" | "empty-trash" => trash_view::on_action(action, actor),
        _ => browse::on_action(action, actor),
    }
}

/// Keys: Ctrl/Cmd+S saves; in a listing, arrows move, Backspace or Alt+↑ goes up, `/`
/// filters, F2 renames and Delete deletes the focused entry.
fn on_key(event: KeyboardEvent) {
    let key = event.key();
    if (event.ctrl_key() || event.meta_key()) && key.eq_ignore_ascii_case("s") {
        if state::with(|app| app.file.as_ref().is_some_and(|file| file.editing)) {
            event.prevent_default();
            wasm_bindgen_futures::spawn_local(text_file::save(false));
        }
        return;
    }
    let typing = dom::document().active_element().is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || element.closest("dialog").ok().flatten().is_some()
    });
    let in_folder_listing = !typing
        && state::with(|app| app.file.is_none())
        && dom::document().query_selector("#listing table.listing").ok().flatten().is_some()
        && dom::document().get_element_by_id("selection-bar").is_some();
    if in_folder_listing && (event.ctrl_key() || event.meta_key()) && key.eq_ignore_ascii_case("a") {
        event.prevent_default();
        selection::toggle_all();
        return;
    }
    if typing || event.ctrl_key() || event.meta_key() {
        return;
    }
    if in_folder_listing {
        match key.as_str() {
            " " => {
                if let Some((name, _)) = listing::focused_entry() {
                    event.prevent_default();
                    selection::toggle(&name, event.shift_key());
                }
                return;
            }
            "Escape" if selection::any() => {
                selection::clear();
                return;
            }
            "Delete" if selection::any() => {
                event.prevent_default();
                let directory = state::with(|app| app.directory.clone()).unwrap_or_default();
                wasm_bindgen_futures::spawn_local(browse::delete(browse::selected_paths(&directory)));
                return;
            }
            _ => {}
        }
    }
    let Some(directory) = state::with(|app| app.directory.clone()) else { return };
    let in_listing = state::with(|app| app.file.is_none());
    let parent = || {
        let browse_mode = state::with(|app| app.browse_mode);
        match state::with(|app| app.file.as_ref().map(|file| file.path.clone())) {
            Some(_) => Some(owndir_view::location::dir_href(&directory, browse_mode)),
            None => directory.parent().map(|parent| owndir_view::location::dir_href(&parent, browse_mode)),
        }
    };
    let handled = match key.as_str() {
        "ArrowLeft" if !in_listing && !event.alt_key() => file_view::step_photo(-1),
        "ArrowRight" if !in_listing && !event.alt_key() => file_view::step_photo(1),
        "ArrowDown" if in_listing => {
            listing::move_focus(1);
            true
        }
        "ArrowUp" if in_listing && !event.alt_key() => {
            listing::move_focus(-1);
            true
        }
        "Backspace" | "ArrowUp" => match parent() {
            Some(href) => {
                navigate::go(&href);
                true
            }
            None => false,
        },
        "/" if in_listing => {
            if let Some(filter) = dom::document().get_element_by_id("filter") {
                let _ = filter.unchecked_into::<web_sys::HtmlElement>().focus();
            }
            true
        }
        "F2" | "Delete" if in_listing => match listing::focused_entry() {
            Some((name, is_directory)) => {
                wasm_bindgen_futures::spawn_local(async move {
                    if key == "F2" {
                        browse::rename(&directory, &name).await;
                    } else if let Ok(path) = directory.join(&name) {
                        browse::delete(vec![(path, is_directory)]).await;
                    }
                });
                true
            }
            None => false,
        },
        _ => false,
    };
    if handled {
        event.prevent_default();
    }
}
