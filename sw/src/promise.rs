//! Awaiting the browser's promises, with failures as [`DomError`]s.

use owndir_browser::DomError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, FileSystemHandle};

/// The promise's value, or its rejection as a [`DomError`].
pub async fn settle(promise: js_sys::Promise) -> Result<JsValue, DomError> {
    JsFuture::from(promise).await.map_err(DomError::from)
}

/// The promise's value as a `T`, checked.
pub async fn settle_as<T: JsCast>(promise: js_sys::Promise) -> Result<T, DomError> {
    settle(promise)
        .await?
        .dyn_into::<T>()
        .map_err(|value| DomError::new("TypeError", format!("unexpected value {value:?}")))
}

/// The handles in `directory`, in the browser's order.
pub async fn children(directory: &FileSystemDirectoryHandle) -> Result<Vec<FileSystemHandle>, DomError> {
    let iterator = directory.values();
    let mut children = Vec::new();
    loop {
        // An iterator result is a plain object: no class to check it against.
        let next: js_sys::IteratorNext = settle(iterator.next()?).await?.unchecked_into();
        if next.done() {
            return Ok(children);
        }
        children.push(next.value().unchecked_into());
    }
}
