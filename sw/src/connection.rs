//! The connected folder, as the worker sees it.
//!
//! The record lives in IndexedDB (the page writes it). The worker reads it once, when it
//! starts, and keeps it while it lives: the page that connects another folder tells every
//! worker and waits for their answer (`folder_store::CHANGED`), so the next request of
//! any tab gets the new folder, and a restarted worker needs nothing from before.
//! Permission is asked of the browser on every request: the user can revoke it whenever
//! they like.

use crate::handle_folder::HandleFolder;
use owndir_browser::{DomError, FolderRecord, folder_store, permission};
use owndir_core::{Access, ApiError, Permission, Source, StatusReport};
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// Where the worker stands with the folder.
pub enum Connection {
    /// No folder chosen yet.
    NotChosen,
    /// A folder chosen, with the browser's `readwrite` answer and what it allows.
    Chosen(FolderRecord, Permission, Access),
}

impl Connection {
    /// The folder, when it can be read; otherwise the `503` that says why.
    pub fn folder(&self) -> Result<HandleFolder, ApiError> {
        match self {
            Connection::Chosen(record, _, access) if access.can_read() => {
                Ok(HandleFolder::new(record.handle.clone(), record.name.clone()))
            }
            Connection::Chosen(record, ..) => Err(ApiError::not_connected(format!(
                "permission to the folder {:?} is not granted: open the app and reconnect",
                record.name
            ))),
            Connection::NotChosen => {
                Err(ApiError::not_connected("no folder is connected: open the app and connect one"))
            }
        }
    }

    /// The folder, when it may be changed: a readable folder without write access yet
    /// is `403` (the app asks with one click), an unreadable one `503`.
    pub fn folder_to_change(&self) -> Result<HandleFolder, ApiError> {
        let folder = self.folder()?;
        match self {
            Connection::Chosen(record, _, Access::ReadOnly) => Err(ApiError::write_not_allowed(&record.name)),
            _ => Ok(folder),
        }
    }

    /// The `/@/status` report.
    pub fn report(&self) -> StatusReport {
        let version = crate::build_info::version();
        match self {
            Connection::NotChosen => StatusReport::disconnected(&version),
            Connection::Chosen(record, permission, access) => {
                StatusReport::chosen(&version, record.source, record.name.clone(), *permission, *access)
            }
        }
    }
}

thread_local! {
    /// This worker's one look for a move its predecessor left half done; every request
    /// waits for it, so none sees half a move, and none starts a second look.
    static MENDING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// The current connection. The first time a worker can reach the folder, it mends a
/// directory move a stopped worker left half done, before anything is served.
pub async fn current() -> Result<Connection, DomError> {
    let Some(record) = folder_store::load_remembered().await? else { return Ok(Connection::NotChosen) };
    let (access, permission) = match record.source {
        // The origin's own storage is always granted.
        Source::Opfs => (Access::ReadWrite, Permission::Granted),
        Source::Picker => permission::access(&record.handle).await?,
    };
    // Mending changes the folder, so it waits for write access.
    if access == Access::ReadWrite {
        let mending = MENDING.with(|mending| {
            mending
                .borrow_mut()
                .get_or_insert_with(|| {
                    let folder = HandleFolder::new(record.handle.clone(), record.name.clone());
                    future_to_promise(async move {
                        let mended = folder.mend_interrupted_move().await;
                        mended.map(|()| JsValue::UNDEFINED).map_err(|error| JsValue::from(error.to_string()))
                    })
                })
                .clone()
        });
        if let Err(error) = JsFuture::from(mending).await {
            // Look again on the next request.
            MENDING.with(|mending| mending.borrow_mut().take());
            return Err(DomError::new("MoveRecoveryError", error.as_string().unwrap_or_default()));
        }
    }
    Ok(Connection::Chosen(record, permission, access))
}
