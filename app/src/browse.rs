//! What a listing's entries offer: new files and folders, open, rename, move, download,
//! delete, uploads. The drawing is `listing.rs`; following a link goes up through
//! `dom::follow_link`, which the page's wiring set.

use crate::dialogs::{self, Choice};
use crate::dom::{data, element, follow_link};
use crate::views::{self, log};
use crate::{api, listing, state, upload};
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
        "show-more" => listing::show_more(),
        "entry-menu" => {
            let Some(name) = data(actor, "name") else { return };
            wasm_bindgen_futures::spawn_local(entry_menu(directory, name));
        }
        _ => {}
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
        "delete" => delete(&path, is_directory).await,
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

/// Asks, then deletes.
pub async fn delete(path: &SafePath, is_directory: bool) {
    let name = path.name().unwrap_or_default();
    let message = if is_directory {
        format!("“{name}” and everything in it will be deleted. This cannot be undone.")
    } else {
        format!("“{name}” will be deleted. This cannot be undone.")
    };
    let yes = Choice { value: "delete", label: "Delete", class: "danger" };
    if !dialogs::confirm(&format!("Delete “{name}”?"), &message, yes).await {
        return;
    }
    match api::delete(path).await {
        Ok(()) => {
            listing::refresh().await;
            views::toast(&format!("Deleted “{name}”"));
        }
        Err(failure) => views::show_error(&format!("Could not delete “{name}”: {failure}.")),
    }
}
