//! The URL is the path: following links inside the app, back and forward, and never
//! leaving unsaved edits behind without asking.

use crate::dialogs::may_leave;
use crate::dom::window;
use crate::{file_view, listing, live, state, trash_view, views};
use owndir_view::Location;
use wasm_bindgen_futures::spawn_local;

/// Follows an app link.
pub fn go(href: &str) {
    let href = href.to_owned();
    spawn_local(async move {
        if !may_leave().await || crate::worker::update_at_navigation(&href).await {
            return;
        }
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
        show_current().await;
    });
}

/// Back or forward: the URL changed already.
pub fn on_history_move() {
    spawn_local(async {
        let shown = state::with(|app| app.file.as_ref().filter(|file| file.dirty).map(|file| file.path.clone()));
        if let Some(path) = shown
            && !may_leave().await
        {
            // Stay: put the file's URL back.
            if let Ok(history) = window().history() {
                let href = owndir_view::location::file_href(&path);
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
            }
            return;
        }
        show_current().await;
    });
}

/// Shows what the URL names: a directory's listing or a file.
pub async fn show_current() {
    let pathname = window().location().pathname().unwrap_or_default();
    let location = match Location::from_pathname(&pathname) {
        Ok(location) => location,
        Err(error) => {
            views::show_error(&format!("This address does not name a path in the folder: {error}."));
            return;
        }
    };
    state::update(|app| {
        app.file = None;
        // Files are always under /@/browse/; a directory's URL says which way folders go.
        if location.is_directory {
            app.browse_mode = location.browse;
        }
    });
    // Followed live from before it is drawn, so no change made meanwhile is missed (a
    // listing from when its names are in: `live::watch_after_names`).
    if location.is_directory && location.path == owndir_view::trash::trash_dir() {
        live::stop();
        trash_view::show().await;
    } else if location.is_directory {
        live::watch_after_names(&location.path);
        listing::show(location.path).await;
    } else {
        live::watch(&location.path.parent().unwrap_or_default(), Some(&location.path));
        file_view::show(location.path).await;
    }
}
