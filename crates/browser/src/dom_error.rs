//! JavaScript failures as Rust errors, keeping the `DOMException` name.

use owndir_core::FolderError;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// A rejected promise or thrown exception: its `name` (`NotFoundError`,
/// `TypeMismatchError`, `NotAllowedError`, `QuotaExceededError`, …) and `message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomError {
    /// The exception's name, or `"Error"` when it had none.
    pub name: String,
    /// The exception's message, or the value as a string.
    pub message: String,
}

impl DomError {
    /// An error of our own making.
    pub fn new(name: &str, message: impl Into<String>) -> DomError {
        DomError { name: name.to_owned(), message: message.into() }
    }

    /// As a JavaScript `Error` with the same name and message, which [`DomError::from`]
    /// reads back as it was: to pass a failure through a shared promise.
    pub fn to_js(&self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name(&self.name);
        error.into()
    }

    /// What this failure means for the folder.
    pub fn to_folder_error(&self) -> FolderError {
        match self.name.as_str() {
            "NotFoundError" => FolderError::NotFound,
            // Asked for a directory where a file is (or the other way round).
            "TypeMismatchError" => FolderError::NotADirectory,
            // About one entry (a link into a blocked location, say): the folder's own lost
            // permission is found by asking for it, not by a failed call.
            "QuotaExceededError" => FolderError::QuotaExceeded,
            _ => FolderError::Other { name: self.name.clone(), message: self.message.clone() },
        }
    }
}

fn string_property(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).ok()?.as_string()
}

impl From<JsValue> for DomError {
    fn from(value: JsValue) -> DomError {
        // DOMException and Error both carry `name` and `message`; read them by property
        // so that either (and plain thrown strings) keep what they say.
        match (string_property(&value, "name"), string_property(&value, "message")) {
            (Some(name), Some(message)) => DomError { name, message },
            _ => DomError {
                name: "Error".to_owned(),
                message: value.as_string().unwrap_or_else(|| format!("{value:?}")),
            },
        }
    }
}

impl From<DomError> for FolderError {
    fn from(error: DomError) -> FolderError {
        error.to_folder_error()
    }
}

impl From<idb::Error> for DomError {
    /// Named `IndexedDbError` whatever the browser's exception (so no IndexedDB failure
    /// reads as a missing file), with that exception's `name: message` as the message.
    /// idb's own texts (its `Display`) were ~1.2 KB of the worker's gzipped wasm.
    fn from(error: idb::Error) -> DomError {
        use idb::Error::*;
        let message = match &error {
            DomException(exception) => described(exception),
            AddFailed(value)
            | ClearFailed(value)
            | CountFailed(value)
            | CursorAdvanceFailed(value)
            | CursorContinueFailed(value)
            | CursorKeyNotFound(value)
            | CursorPrimaryKeyNotFound(value)
            | CursorValueNotFound(value)
            | DeleteFailed(value)
            | GetAllFailed(value)
            | GetAllKeysFailed(value)
            | GetFailed(value)
            | GetKeyFailed(value)
            | IndexCreateFailed(value)
            | IndexDeleteFailed(value)
            | IndexedDbDeleteFailed(value)
            | IndexedDbNotFound(value)
            | IndexedDbOpenFailed(value)
            | IndexNotFound(value)
            | KeyPathNotFound(value)
            | KeyRangeBoundNotFound(value)
            | KeyRangeCreateFailed(value)
            | KeyRangeIncludesFailed(value)
            | ObjectStoreCreateFailed(value)
            | ObjectStoreDeleteFailed(value)
            | ObjectStoreNotFound(value)
            | OpenCursorFailed(value)
            | OpenKeyCursorFailed(value)
            | RequestErrorNotFound(value)
            | RequestResultNotFound(value)
            | TransactionAbortError(value)
            | TransactionCommitError(value)
            | TransactionModeNotFound(value)
            | TransactionOpenFailed(value)
            | UnexpectedJsType(_, value)
            | UpdateFailed(value) => described(value),
            _ => "the request failed without an exception".to_owned(),
        };
        DomError::new("IndexedDbError", message)
    }
}

/// `String(value)`, as idb's texts showed a failure's value (a `DOMException` reads
/// `InvalidStateError: …`).
fn described(value: &JsValue) -> String {
    if value.is_undefined() || value.is_null() {
        return if value.is_null() { "null" } else { "undefined" }.to_owned();
    }
    value.unchecked_ref::<js_sys::Object>().to_string().into()
}

impl fmt::Display for DomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for DomError {}
