//! What a listing's entries offer: new files and folders, open, rename, move, download,
//! delete, uploads. The drawing is `listing.rs`; following a link goes up through
//! `dom::follow_link`, which the page's wiring set.

use crate::dialogs::{self, Choice};
use crate::dom::{data, element, follow_link};
use crate::views::{self, log};
use crate::{api, listing, listing_rows, selection, state, upload};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::SortKey;
use owndir_view::location::{dir_href, file_href, zip_href};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// An upload into the folder on screen ended: the listing shows what came in.
fn after_upload() {
    wasm_bindgen_futures::spawn_local(listing::refresh());
}

/// Handles the listing's actions.
pub fn on_action(action: &str, actor: &Element) {
    let directory = state::with(|app| app.directory.clone()).unwrap_or_default();
    match action {
        "sort" => {
            if let Some(key) = data(actor, "sort").as_deref().and_then(SortKey::parse) {
                listing::sort_by(key);
            }
        }
        "new-file" => wasm_bindgen_futures::spawn_local(new_entry(directory, false)),
        "new-folder" => wasm_bindgen_futures::spawn_local(new_entry(directory, true)),
        "upload-files" => upload::pick(directory, false, after_upload),
        "upload-folder" => upload::pick(directory, true, after_upload),
        "download-zip" => download(&zip_href(&directory), ""),
        "show-more" => listing_rows::show_more(),
        "view-list" => listing::set_view(owndir_view::photos::FolderView::List),
        "view-grid" => listing::set_view(owndir_view::photos::FolderView::Grid),
        "undo-delete" => wasm_bindgen_futures::spawn_local(undo_delete()),
        "delete-selected" => wasm_bindgen_futures::spawn_local(delete(selected_paths(&directory))),
        "move-selected" => wasm_bindgen_futures::spawn_local(move_selected(directory)),
        "zip-selected" => download(&selection_zip_href(&directory), ""),
        "clear-selection" => selection::clear(),
        "entry-menu" => {
            let Some(name) = data(actor, "name") else { return };
            wasm_bindgen_futures::spawn_local(entry_menu(directory, name));
        }
        _ => {}
    }
}

/// The selected entries of `directory`, each with whether it is a folder.
pub fn selected_paths(directory: &SafePath) -> Vec<(SafePath, bool)> {
    state::with(|app| {
        app.entries
            .iter()
            .filter(|entry| app.selected.contains(&entry.name))
            .filter_map(|entry| directory.join(&entry.name).ok().map(|path| (path, entry.is_directory)))
            .collect()
    })
}

/// The zip of the selection: the folder's zip URL naming the chosen entries.
fn selection_zip_href(directory: &SafePath) -> String {
    let names = state::with(|app| app.selected.clone());
    owndir_view::location::zip_selection_href(directory, &names)
}

/// Moves the selection into a folder the person picks.
async fn move_selected(directory: SafePath) {
    let paths = selected_paths(&directory);
    let Some((first, _)) = paths.first().cloned() else { return };
    let title = if paths.len() == 1 {
        format!("Move “{}”", first.name().unwrap_or_default())
    } else {
        format!("Move {} items", paths.len())
    };
    let Some(target) = dialogs::choose_folder(&title, directory.clone(), first.clone()).await else { return };
    if target == directory {
        return;
    }
    let mut moved = 0;
    for (path, _) in &paths {
        let name = path.name().unwrap_or_default();
        if target.segments().starts_with(path.segments()) {
            views::show_error(&format!("“{name}” cannot be moved into itself."));
            break;
        }
        if let Ok(destination) = target.join(name)
            && matches!(api::kind(&destination).await, Ok(Some(_)))
        {
            views::show_error(&format!("“{name}” already exists in /{target}. Rename one of them first."));
            break;
        }
        if let Err(failure) = api::move_to(path, &target).await {
            views::show_error(&format!("Could not move “{name}”: {failure}."));
            break;
        }
        moved += 1;
    }
    selection::clear();
    listing::refresh().await;
    if moved > 0 {
        let what =
            if moved == 1 { format!("“{}”", first.name().unwrap_or_default()) } else { format!("{moved} items") };
        views::toast(&format!("Moved {what} to /{target}"));
    }
}

/// Starts a download of `href` (the worker answers it, streamed).
pub fn download(href: &str, name: &str) {
    let started = (|| -> Result<(), DomError> {
        let link = element("a", "")?;
        link.set_attribute("href", href)?;
        link.set_attribute("download", name)?;
        crate::dom::body()?.append_child(&link)?;
        link.unchecked_ref::<web_sys::HtmlElement>().click();
        link.remove();
        Ok(())
    })();
    log(started);
}

fn exists_check(directory: &SafePath, original: Option<&str>) -> impl Fn(&str) -> Result<String, String> {
    let names: Vec<String> = state::with(|app| app.entries.iter().map(|entry| entry.name.clone()).collect());
    let directory = directory.clone();
    let original = original.map(str::to_owned);
    move |typed: &str| {
        let name = owndir_view::names::check(typed)?.to_owned();
        if Some(&name) != original.as_ref() && names.contains(&name) {
            return Err(format!("“{name}” already exists in /{directory}. Choose another name."));
        }
        Ok(name)
    }
}

async fn new_entry(directory: SafePath, is_directory: bool) {
    let (title, initial) = if is_directory { ("New folder", "New folder") } else { ("New file", "untitled.txt") };
    let Some(name) = dialogs::ask_name(title, "Name", initial, "Create", exists_check(&directory, None)).await else {
        return;
    };
    let Ok(path) = directory.join(&name) else { return };
    let made = if is_directory { api::make_dir(&path).await } else { api::touch(&path).await };
    match made {
        Ok(()) if is_directory => {
            listing::refresh().await;
            listing::focus_entry(&name);
        }
        Ok(()) => follow_link(&format!("{}?edit", file_href(&path))),
        Err(failure) => views::show_error(&format!("Could not create “{name}”: {failure}.")),
    }
}

async fn entry_menu(directory: SafePath, name: String) {
    let Ok(path) = directory.join(&name) else { return };
    let is_directory = state::with(|app| app.entries.iter().any(|entry| entry.name == name && entry.is_directory));
    let download_label = if is_directory { "Download as zip" } else { "Download" };
    let choices = [
        Choice { value: "open", label: "Open", class: "secondary" },
        Choice { value: "rename", label: "Rename", class: "secondary" },
        Choice { value: "move", label: "Move", class: "secondary" },
        Choice { value: "download", label: download_label, class: "secondary" },
        Choice { value: "delete", label: "Delete", class: "danger" },
    ];
    let Some(choice) = dialogs::choose(&name, "", &choices).await else { return };
    match choice.as_str() {
        "open" if is_directory => follow_link(&dir_href(&path, state::with(|app| app.browse_mode))),
        "open" => follow_link(&file_href(&path)),
        "rename" => rename(&directory, &name).await,
        "move" => move_entry(&directory, &path).await,
        "download" if is_directory => download(&zip_href(&path), ""),
        "download" => download(&path.to_url(), &name),
        "delete" => delete(vec![(path, is_directory)]).await,
        _ => {}
    }
}

/// Asks for a new name and renames.
pub async fn rename(directory: &SafePath, name: &str) {
    let check = exists_check(directory, Some(name));
    let Some(new_name) = dialogs::ask_name(&format!("Rename “{name}”"), "New name", name, "Rename", check).await
    else {
        return;
    };
    if new_name == name {
        return;
    }
    let (Ok(from), Ok(to)) = (directory.join(name), directory.join(&new_name)) else { return };
    match api::move_to(&from, &to).await {
        Ok(()) => {
            listing::refresh().await;
            listing::focus_entry(&new_name);
        }
        Err(failure) => views::show_error(&format!("Could not rename “{name}”: {failure}.")),
    }
}

async fn move_entry(directory: &SafePath, path: &SafePath) {
    let name = path.name().unwrap_or_default().to_owned();
    let Some(target) = dialogs::choose_folder(&format!("Move “{name}”"), directory.clone(), path.clone()).await
    else {
        return;
    };
    if &target == directory {
        return;
    }
    if target.segments().starts_with(path.segments()) {
        views::show_error("A folder cannot be moved into itself.");
        return;
    }
    if let Ok(destination) = target.join(&name)
        && matches!(api::kind(&destination).await, Ok(Some(_)))
    {
        views::show_error(&format!("“{name}” already exists in /{target}. Rename one of them first."));
        return;
    }
    match api::move_to(path, &target).await {
        Ok(()) => {
            listing::refresh().await;
            views::toast(&format!("Moved “{name}” to /{target}"));
        }
        Err(failure) => views::show_error(&format!("Could not move “{name}”: {failure}.")),
    }
}

/// Deletes: into the trash, with Undo for a few seconds; what is already in the trash
/// (or the trash itself) is deleted for good, after asking.
pub async fn delete(paths: Vec<(SafePath, bool)>) {
    let Some((first, first_is_directory)) = paths.first().cloned() else { return };
    let what = match paths.len() {
        1 => format!("“{}”", first.name().unwrap_or_default()),
        n => format!("{n} items"),
    };
    if paths.iter().any(|(path, _)| owndir_view::trash::is_trash(path)) {
        let message = if paths.len() == 1 && first_is_directory {
            format!("{what} and everything in it will be deleted. This cannot be undone.")
        } else {
            format!("{what} will be deleted. This cannot be undone.")
        };
        let yes = Choice { value: "delete", label: "Delete for good", class: "danger" };
        if !dialogs::confirm(&format!("Delete {what}?"), &message, yes).await {
            return;
        }
        for (path, _) in &paths {
            if let Err(failure) = api::delete(path).await {
                views::show_error(&format!("Could not delete “{}”: {failure}.", path.name().unwrap_or_default()));
                break;
            }
        }
        listing::refresh().await;
        return;
    }
    let (moved, failed) = crate::trash::put(&paths).await;
    state::update(|app| app.selected.clear());
    listing::refresh().await;
    if let Some((name, failure)) = failed {
        views::show_error(&format!("Could not move “{name}” to the trash: {failure}."));
    }
    match moved.len() {
        0 => {}
        1 => views::toast_with_action(&format!("Moved {what} to the trash"), "Undo", "undo-delete"),
        n => views::toast_with_action(&format!("Moved {n} items to the trash"), "Undo", "undo-delete"),
    }
}

/// Puts back what the last Delete moved to the trash.
pub async fn undo_delete() {
    views::dismiss_toasts();
    match crate::trash::undo().await {
        Ok(restored) => {
            listing::refresh().await;
            if let [one] = restored.as_slice() {
                views::toast(&format!("Restored “{}”", one.name().unwrap_or_default()));
            } else if !restored.is_empty() {
                views::toast(&format!("Restored {} items", restored.len()));
            }
        }
        Err(failure) => views::show_error(&format!("Could not undo the deletion: {failure}.")),
    }
}
