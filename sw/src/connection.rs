//! The connected folder, as the worker sees it.
//!
//! The record lives in IndexedDB (the page writes it) and is read on every request, so a
//! folder switched in one tab is what the next request of any tab gets, and a restarted
//! worker needs nothing from before. Permission is asked of the browser each time too:
//! the user can revoke it whenever they like.

use crate::handle_folder::HandleFolder;
use owndir_browser::{DomError, FolderRecord, folder_store, permission};
use owndir_core::{ApiError, Permission, Source, StatusReport};

/// Where the worker stands with the folder.
pub enum Connection {
    /// No folder chosen yet.
    NotChosen,
    /// A folder chosen, with its current permission.
    Chosen(FolderRecord, Permission),
}

impl Connection {
    /// The folder, when it can be served; otherwise the `503` that says why.
    pub fn folder(self) -> Result<HandleFolder, ApiError> {
        match self {
            Connection::Chosen(record, Permission::Granted) => Ok(HandleFolder::new(record.handle)),
            Connection::Chosen(record, _) => Err(ApiError::not_connected(format!(
                "permission to the folder {:?} is not granted: open the app and reconnect",
                record.name
            ))),
            Connection::NotChosen => {
                Err(ApiError::not_connected("no folder is connected: open the app and connect one"))
            }
        }
    }

    /// The `/@/status` report.
    pub fn report(&self) -> StatusReport {
        let version = crate::build_info::version();
        match self {
            Connection::NotChosen => StatusReport::disconnected(&version),
            Connection::Chosen(record, permission) => {
                StatusReport::chosen(&version, record.source, record.name.clone(), *permission)
            }
        }
    }
}

/// The current connection.
pub async fn current() -> Result<Connection, DomError> {
    let Some(record) = folder_store::load().await? else { return Ok(Connection::NotChosen) };
    let permission = match record.source {
        // The origin's own storage is always granted.
        Source::Opfs => Permission::Granted,
        Source::Picker => permission::query(&record.handle).await?,
    };
    Ok(Connection::Chosen(record, permission))
}
