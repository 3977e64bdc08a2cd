//! JavaScript failures as Rust errors, keeping the `DOMException` name.

use owndir_core::FolderError;
use std::fmt;
use wasm_bindgen::JsValue;

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
    fn from(error: idb::Error) -> DomError {
        DomError::new("IndexedDbError", error.to_string())
    }
}

impl fmt::Display for DomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for DomError {}
