//! What the runtime never changes, and how a refused change is worded: shared by the
//! FsNode API and the saver's `PUT`/`DELETE`.

use crate::error::{ApiError, FolderError};
use crate::path::SafePath;

/// The folder inside each directory that holds its app: `static/` files, later code.
pub const OWNDIR: &str = ".owndir";

/// `P` as messages name it, as OwnDir's FsNode names it (its `relativePath`): relative to
/// the root, no leading slash (`docs/a.txt`). The root, whose relative path is empty,
/// shows as `/`: only our own refusals (writing, moving or deleting the root) name it,
/// and a message must not start with an empty name.
pub(crate) fn shown(path: &SafePath) -> String {
    if path.is_root() { "/".to_owned() } else { path.to_string() }
}

/// Read-only: `.owndir` (a folder's code and assets) and Chrome's swap files, whose names
/// a write would collide with.
pub(crate) fn is_read_only(path: &SafePath) -> bool {
    path.segments().iter().any(|segment| segment == OWNDIR || crate::listing::is_hidden_artifact(segment))
}

pub(crate) fn cannot_write(path: &SafePath) -> ApiError {
    ApiError::new(403, format!("{} cannot be written", shown(path)))
}

pub(crate) fn write_error(path: &SafePath, error: FolderError) -> ApiError {
    match error {
        FolderError::QuotaExceeded => {
            ApiError::new(507, format!("{} cannot be written: the disk is full; nothing was changed", shown(path)))
        }
        FolderError::NotADirectory => cannot_write(path),
        other => ApiError::from(other),
    }
}
