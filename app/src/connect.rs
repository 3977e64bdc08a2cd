//! Connecting a folder: the picker, browser storage (OPFS), and reconnecting.

use crate::dom::{listen, window};
use crate::features::has_directory_picker;
use crate::views::{self, BROWSER_STORAGE_NAME};
use owndir_browser::{DomError, FolderRecord, folder_store, permission};
use owndir_core::{Access, Permission, Source};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    DirectoryPickerOptions, DragEvent, FileSystemDirectoryHandle, FileSystemHandleKind, FileSystemPermissionMode,
};

thread_local! {
    /// The stored folder that waits for the user's click to be granted again.
    static PENDING: RefCell<Option<FolderRecord>> = const { RefCell::new(None) };
}

/// Shows the stored folder if it can still be read (read-only until writing is allowed),
/// a Reconnect button if the browser wants to ask again, and the start page otherwise.
pub async fn resume() {
    match folder_store::load().await {
        Ok(Some(record)) => match access_of(&record).await {
            Ok((Access::None, _)) => {
                views::show_reconnect(&record.name);
                PENDING.with(|pending| pending.replace(Some(record)));
            }
            Ok((access, _)) => show_folder(record, access).await,
            Err(error) => views::show_start(Some(&format!("The saved folder is unavailable ({error})."))),
        },
        Ok(None) => views::show_start(None),
        Err(error) => views::show_start(Some(&format!("Could not read the saved folder: {error}"))),
    }
}

/// Makes the start and Reconnect screens take a dropped folder (anywhere on them), and
/// connects it as **Open folder** does. Inside the folder view, drops upload instead.
pub fn accept_dropped_folders() -> Result<(), DomError> {
    let document = crate::dom::document();
    listen(&document, "dragover", |event: DragEvent| {
        if let Some(screen) = connect_screen() {
            event.prevent_default();
            let _ = screen.class_list().add_1("dropping");
        }
    })?;
    listen(&document, "dragleave", |event: DragEvent| {
        // Leaving the window, not moving between the screen's children.
        if event.related_target().is_none()
            && let Some(screen) = connect_screen()
        {
            let _ = screen.class_list().remove_1("dropping");
        }
    })?;
    listen(&document, "drop", |event: DragEvent| {
        let Some(screen) = connect_screen() else { return };
        event.prevent_default();
        let _ = screen.class_list().remove_1("dropping");
        // The handle must be asked for during the event; it may be awaited after.
        let handle = event.data_transfer().and_then(|transfer| transfer.items().get(0)).map(dropped_handle);
        spawn_local(report(async move {
            match handle {
                Some(Ok(handle)) => connect_dropped(JsFuture::from(handle).await?).await,
                Some(Err(error)) => Err(error),
                None => Err(DomError::new("NotFoundError", "nothing was dropped: drop a folder to connect it")),
            }
        }));
    })
}

/// The start or Reconnect screen, when it is what the app shows.
fn connect_screen() -> Option<web_sys::Element> {
    crate::dom::document().query_selector("section.connect").ok().flatten()
}

/// `DataTransferItem.getAsFileSystemHandle()` (not in web-sys yet).
fn dropped_handle(item: web_sys::DataTransferItem) -> Result<js_sys::Promise, DomError> {
    let method = js_sys::Reflect::get(&item, &"getAsFileSystemHandle".into())?;
    let method: js_sys::Function = method.dyn_into().map_err(|_| {
        // Firefox and Safari have neither: what is left there is browser storage.
        let instead = if has_directory_picker() { "use Open folder" } else { "use browser storage instead" };
        DomError::new("NotSupportedError", format!("this browser cannot connect a dropped folder: {instead}"))
    })?;
    Ok(method.call0(&item)?.unchecked_into())
}

async fn connect_dropped(handle: JsValue) -> Result<(), DomError> {
    let Ok(handle) = handle.dyn_into::<web_sys::FileSystemHandle>() else {
        return Err(DomError::new("TypeMismatchError", "that is not a folder: drop a folder to connect it"));
    };
    if handle.kind() != FileSystemHandleKind::Directory {
        return Err(DomError::new(
            "TypeMismatchError",
            format!("“{}” is a file: OwnDir connects a folder, so drop a folder", handle.name()),
        ));
    }
    let handle: FileSystemDirectoryHandle = handle.unchecked_into();
    let record = FolderRecord { source: Source::Picker, name: handle.name(), handle };
    folder_store::save(&record).await?;
    let (access, _) = permission::access(record.handle.unchecked_ref()).await?;
    if access != Access::ReadWrite {
        // Asked as Open folder asks (this is what offers "Allow on every visit"), but not
        // waited for: the folder is readable already, and a prompt may stay unanswered.
        let handle = record.handle.clone();
        spawn_local(async move {
            if permission::request(handle.unchecked_ref()).await == Ok(Permission::Granted) {
                writing_allowed();
            }
        });
    }
    show_folder(record, access).await;
    Ok(())
}

/// Writing was allowed: the read-only badge goes.
fn writing_allowed() {
    crate::state::update(|app| app.writable = true);
    views::refresh_header();
}

/// What the stored folder allows now. The origin's own storage is always read-write (as
/// the worker sees it), and Firefox's handles have no `queryPermission` to ask.
async fn access_of(record: &FolderRecord) -> Result<(Access, Permission), DomError> {
    match record.source {
        Source::Opfs => Ok((Access::ReadWrite, Permission::Granted)),
        Source::Picker => permission::access(record.handle.unchecked_ref()).await,
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
        "allow-writing" => spawn_local(report(allow_writing())),
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
    connect(FolderRecord { source: Source::Picker, name: handle.name(), handle }, Access::ReadWrite).await
}

/// The read-only folder's one button: asks for write access inside the click.
async fn allow_writing() -> Result<(), DomError> {
    let Some(record) = crate::state::with(|app| app.record.clone()) else { return Ok(()) };
    if permission::request(record.handle.unchecked_ref()).await? != Permission::Granted {
        return Err(DomError::new("NotAllowedError", "writing was not allowed: the folder stays read-only"));
    }
    writing_allowed();
    Ok(())
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
    connect(FolderRecord { source: Source::Opfs, name: BROWSER_STORAGE_NAME.to_owned(), handle }, Access::ReadWrite)
        .await
}

async fn reconnect() -> Result<(), DomError> {
    let Some(record) = PENDING.with(|pending| pending.borrow().clone()) else { return Ok(()) };
    if permission::request(record.handle.unchecked_ref()).await? != Permission::Granted {
        return Err(DomError::new("NotAllowedError", "permission was not granted"));
    }
    PENDING.with(|pending| pending.take());
    show_folder(record, Access::ReadWrite).await;
    Ok(())
}

async fn connect(record: FolderRecord, access: Access) -> Result<(), DomError> {
    folder_store::save(&record).await?;
    show_folder(record, access).await;
    Ok(())
}

/// Shows the connected folder at the URL's path.
async fn show_folder(record: FolderRecord, access: Access) {
    crate::state::update(|app| {
        app.record = Some(record);
        app.writable = access == Access::ReadWrite;
    });
    if access == Access::ReadWrite {
        // What has been in the trash over 30 days goes when the app opens.
        match crate::trash::expire().await {
            Ok(0) => {}
            Ok(n) => web_sys::console::info_1(&format!("owndir: {n} old entries removed from the trash").into()),
            Err(failure) => {
                web_sys::console::warn_1(&format!("owndir: the trash could not be tidied: {failure}").into())
            }
        }
    }
    crate::navigate::show_current().await;
}
