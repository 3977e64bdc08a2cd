//! Errors: what a folder can fail with, and the one place they become HTTP answers.

use crate::disk_names::NameRefusal;
use crate::path::PathError;
use serde::Serialize;
use std::fmt;

/// A failure of the platform's file system, keeping the browser's `DOMException` name
/// where there was one (`NotFoundError`, `NotAllowedError`, `QuotaExceededError`, …).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FolderError {
    /// Nothing at that path.
    NotFound,
    /// A directory was expected and a file found.
    NotADirectory,
    /// Permission to the folder is not granted (`NotAllowedError`, `SecurityError`).
    PermissionDenied,
    /// The disk or the origin's quota is full (`QuotaExceededError`).
    QuotaExceeded,
    /// The platform refuses to create this name here (Chrome, in a folder on disk).
    NameRefused {
        /// The name.
        name: String,
        /// The rule it breaks.
        why: NameRefusal,
    },
    /// Another program (a sync engine) put its own version in place of the file just
    /// written, right after the write was committed: a collision, tried once more
    /// (see the `write_retry` module).
    ReplacedMeanwhile,
    /// Another program (a sync engine) replaced the file while it was written, twice in a
    /// row: the file on disk is that program's, whole, and the request's bytes are still
    /// the client's (see the `write_retry` module).
    ChangedWhileWriting,
    /// The connected folder itself is gone (moved or deleted on disk, or removed from the
    /// origin's storage) while the browser kept its handle: every request fails alike
    /// until another folder is connected, so it is the folder-wide `503`.
    FolderGone {
        /// The folder's name, as the person connected it.
        name: String,
    },
    /// Any other failure, with the platform's error name and message.
    Other {
        /// The `DOMException` name or I/O error kind.
        name: String,
        /// The platform's message.
        message: String,
    },
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FolderError::NotFound => f.write_str("not found"),
            FolderError::NotADirectory => f.write_str("not a directory"),
            FolderError::PermissionDenied => f.write_str("permission to the folder is not granted"),
            FolderError::QuotaExceeded => f.write_str("the disk is full"),
            // The file may be there already (made by another program): only writing fails.
            FolderError::NameRefused { name, why: why @ NameRefusal::TooLongToWrite } => {
                write!(f, "{name:?} cannot be written in a folder on disk: {why}; nothing was changed")
            }
            FolderError::NameRefused { name, why } => {
                write!(f, "{name:?} cannot be created in a folder on disk: {why}; nothing was created")
            }
            FolderError::ReplacedMeanwhile => f.write_str("another program replaced the file as it was written"),
            FolderError::ChangedWhileWriting => {
                f.write_str("the file changed while it was being written; nothing was lost")
            }
            FolderError::FolderGone { name } => write!(
                f,
                "the folder {name:?} is gone (moved or deleted): connect it again where it is now, or another folder"
            ),
            FolderError::Other { name, message } => write!(f, "{name}: {message}"),
        }
    }
}

impl std::error::Error for FolderError {}

impl FolderError {
    /// True when the entry is held by a write under way (Chrome's lock on a file being
    /// written, also taken over every directory above it): removing or replacing it
    /// fails with `NoModificationAllowedError` until that write ends or is dropped.
    ///
    /// ```
    /// use owndir_core::FolderError;
    /// let other = |name: &str| FolderError::Other { name: name.into(), message: String::new() };
    /// assert!(other("NoModificationAllowedError").is_held_by_a_write());
    /// assert!(!other("InvalidModificationError").is_held_by_a_write());
    /// assert!(!FolderError::NotFound.is_held_by_a_write());
    /// ```
    pub fn is_held_by_a_write(&self) -> bool {
        matches!(self, FolderError::Other { name, .. } if name == "NoModificationAllowedError")
    }
}

/// An answer that is an error: a status and a message, sent as
/// `{"success": false, "status": <code>, "error": "<message>"}` (docs/http.md).
///
/// ```
/// use owndir_core::ApiError;
/// let error = ApiError::new(404, "docs is not a directory");
/// assert_eq!(error.to_json(), r#"{"success":false,"status":404,"error":"docs is not a directory"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for a person.
    pub message: String,
}

#[derive(Serialize)]
struct ApiErrorBody<'a> {
    success: bool,
    status: u16,
    error: &'a str,
}

impl ApiError {
    /// An error answer with this status and message.
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    /// `503`: no folder is connected, or its permission is not granted.
    pub fn not_connected(message: impl Into<String>) -> ApiError {
        ApiError::new(503, message)
    }

    /// `403`: the folder may be read but the browser has not allowed changes yet; the
    /// page asks with one click (a permission prompt needs a user gesture).
    ///
    /// ```
    /// use owndir_core::ApiError;
    /// let error = ApiError::write_not_allowed("notes");
    /// assert_eq!(error.status, 403);
    /// assert_eq!(error.message, "write access to notes is not allowed yet: allow it in the app");
    /// ```
    pub fn write_not_allowed(folder_name: &str) -> ApiError {
        ApiError::new(403, format!("write access to {folder_name} is not allowed yet: allow it in the app"))
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        let body = ApiErrorBody { success: false, status: self.status, error: &self.message };
        serde_json::to_string(&body).unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<PathError> for ApiError {
    fn from(error: PathError) -> ApiError {
        ApiError::new(error.status(), error.to_string())
    }
}

impl From<FolderError> for ApiError {
    fn from(error: FolderError) -> ApiError {
        let status = match error {
            FolderError::NotFound => 404,
            FolderError::NotADirectory => 404,
            // The folder is there but the browser withholds it: the page must re-ask.
            FolderError::PermissionDenied => 503,
            // No request can be served until the page connects a folder again.
            FolderError::FolderGone { .. } => 503,
            // RFC 4918 §11.5 Insufficient Storage.
            FolderError::QuotaExceeded => 507,
            FolderError::NameRefused { .. } => 400,
            // RFC 9110 §15.5.10: the request conflicts with the file's current state.
            FolderError::ChangedWhileWriting | FolderError::ReplacedMeanwhile => 409,
            FolderError::Other { ref name, .. } => entry_status(name),
        };
        ApiError::new(status, error.to_string())
    }
}

/// The status of a failure about one entry, by the platform's error name: the request's
/// own `4xx`, never the folder-wide `503` (a symlink into a system folder, a name the disk
/// refuses, a file another program holds).
fn entry_status(name: &str) -> u16 {
    match name {
        // The browser refuses the name itself (a reserved or dangerous name on disk).
        "TypeError" => 400,
        // One entry the browser withholds (a link into a blocked location).
        "SecurityError" | "NotAllowedError" => 403,
        // The entry changed under us, or cannot be changed now.
        "InvalidModificationError" | "NoModificationAllowedError" | "InvalidStateError" => 409,
        _ => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_errors_map_to_statuses() {
        let cases = [
            (FolderError::NotFound, 404),
            (FolderError::NotADirectory, 404),
            (FolderError::PermissionDenied, 503),
            (FolderError::QuotaExceeded, 507),
            (FolderError::Other { name: "UnknownError".into(), message: "x".into() }, 500),
            (FolderError::NameRefused { name: "a:b".into(), why: NameRefusal::Character(':') }, 400),
            (FolderError::NameRefused { name: "n".repeat(249), why: NameRefusal::TooLongToWrite }, 400),
            (FolderError::Other { name: "TypeError".into(), message: "x".into() }, 400),
            (FolderError::Other { name: "SecurityError".into(), message: "x".into() }, 403),
            (FolderError::Other { name: "NotAllowedError".into(), message: "x".into() }, 403),
            (FolderError::Other { name: "InvalidModificationError".into(), message: "x".into() }, 409),
            (FolderError::Other { name: "NoModificationAllowedError".into(), message: "x".into() }, 409),
            (FolderError::ChangedWhileWriting, 409),
            (FolderError::ReplacedMeanwhile, 409),
            (FolderError::FolderGone { name: "notes".into() }, 503),
        ];
        for (error, status) in cases {
            assert_eq!(ApiError::from(error.clone()).status, status, "{error}");
        }
    }

    #[test]
    fn other_errors_keep_the_platform_name() {
        let error = FolderError::Other { name: "InvalidStateError".into(), message: "gone".into() };
        assert_eq!(ApiError::from(error).message, "InvalidStateError: gone");
    }

    #[test]
    fn a_gone_folder_says_so_by_name() {
        let error = ApiError::from(FolderError::FolderGone { name: "notes".into() });
        assert_eq!(
            error.message,
            "the folder \"notes\" is gone (moved or deleted): connect it again where it is now, or another folder"
        );
    }

    #[test]
    fn path_errors_keep_their_wording() {
        let error = ApiError::from(PathError::OutOfBounds);
        assert_eq!((error.status, error.message.as_str()), (403, "Out of Bounds"));
    }

    #[test]
    fn error_json_escapes_quotes() {
        let json = ApiError::new(400, "bad \"x\"").to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["error"], "bad \"x\"");
        assert_eq!(value["success"], false);
    }
}
