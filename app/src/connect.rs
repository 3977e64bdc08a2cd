//! Connecting a folder: the picker, browser storage (OPFS), and reconnecting.

use crate::dom::window;
use crate::views;
use owndir_browser::{DomError, FolderRecord, folder_store, permission};
use owndir_core::{Permission, Source};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{DirectoryPickerOptions, FileSystemDirectoryHandle, FileSystemPermissionMode};

/// What browser storage is called in the app.
pub const BROWSER_STORAGE_NAME: &str = "Browser storage";

thread_local! {
    /// The stored folder that waits for the user's click to be granted again.
    static PENDING: RefCell<Option<FolderRecord>> = const { RefCell::new(None) };
}

/// Whether this browser can open a folder from the device (Chrome desktop, Android 132+).
pub fn has_directory_picker() -> bool {
    js_sys::Reflect::has(&window(), &"showDirectoryPicker".into()).unwrap_or(false)
}

/// Shows the stored folder if it is still granted, a Reconnect button if the browser
/// wants to ask again, and the start page otherwise.
pub async fn resume() {
    match folder_store::load().await {
        Ok(Some(record)) => match permission::query(record.handle.unchecked_ref()).await {
            Ok(Permission::Granted) => show_folder(record).await,
            Ok(_) => {
                views::show_reconnect(&record.name);
                PENDING.with(|pending| pending.replace(Some(record)));
            }
            Err(error) => views::show_start(Some(&format!("The saved folder is unavailable ({error})."))),
        },
        Ok(None) => views::show_start(None),
        Err(error) => views::show_start(Some(&format!("Could not read the saved folder: {error}"))),
    }
}

/// Handles a click on a `data-action` element.
pub fn on_action(action: &str) {
    match action {
        "open-folder" => spawn_local(report(open_folder())),
        "use-browser-storage" => spawn_local(report(use_browser_storage())),
        "reconnect" => spawn_local(report(reconnect())),
        "switch-folder" => {
            crate::live::stop();
            views::show_start(None)
        }
        "resume" => spawn_local(resume()),
        "apply-update" => spawn_local(report(crate::worker::apply_update())),
        _ => {}
    }
}

async fn report(action: impl Future<Output = Result<(), DomError>>) {
    if let Err(error) = action.await {
        // Closing the picker is a choice, not a failure.
        if error.name != "AbortError" {
            views::show_error(&error.to_string());
        }
    }
}

async fn open_folder() -> Result<(), DomError> {
    let options = DirectoryPickerOptions::new();
    options.set_mode(FileSystemPermissionMode::Readwrite);
    options.set_id("owndir");
    let handle: FileSystemDirectoryHandle = window().show_directory_picker_with_options(&options)?.await?;
    // Asking right after the picker is what makes Chrome offer "Allow on every visit".
    let granted = permission::request(handle.unchecked_ref()).await?;
    if granted != Permission::Granted {
        return Err(DomError::new("NotAllowedError", "OwnDir needs permission to read and write the folder"));
    }
    connect(FolderRecord { source: Source::Picker, name: handle.name(), handle }).await
}

async fn use_browser_storage() -> Result<(), DomError> {
    let storage = window().navigator().storage();
    let handle: FileSystemDirectoryHandle = JsFuture::from(storage.get_directory()).await?.dyn_into()?;
    // Ask the browser not to evict the folder under storage pressure, without waiting:
    // in Firefox this is a prompt, which may never be answered (PLATFORM.md). The header
    // says "may be cleared" until the answer is yes.
    if let Ok(persist) = storage.persist() {
        spawn_local(async move {
            let granted = JsFuture::from(persist).await.ok().and_then(|answer| answer.as_bool()) == Some(true);
            if granted {
                views::show_storage_kept();
            }
        });
    }
    connect(FolderRecord { source: Source::Opfs, name: BROWSER_STORAGE_NAME.to_owned(), handle }).await
}

async fn reconnect() -> Result<(), DomError> {
    let Some(record) = PENDING.with(|pending| pending.borrow().clone()) else { return Ok(()) };
    if permission::request(record.handle.unchecked_ref()).await? != Permission::Granted {
        return Err(DomError::new("NotAllowedError", "permission was not granted"));
    }
    PENDING.with(|pending| pending.take());
    show_folder(record).await;
    Ok(())
}

async fn connect(record: FolderRecord) -> Result<(), DomError> {
    folder_store::save(&record).await?;
    show_folder(record).await;
    Ok(())
}

/// Shows the connected folder at the URL's path.
async fn show_folder(record: FolderRecord) {
    crate::state::update(|app| app.record = Some(record));
    crate::navigate::show_current().await;
}
