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

/// The handles in `directory`, in the browser's order, as one `Array`: the browser's own
/// `Array.fromAsync` walks the iterator, not a promise of ours for each entry (the names of
/// a 10,000-entry folder came ~50 ms sooner, in ~1.05x the plain-JS worker's time).
pub async fn children_array(directory: &FileSystemDirectoryHandle) -> Result<js_sys::Array, DomError> {
    settle_as(js_sys::Array::from_async(&directory.values())?.unchecked_into()).await
}

/// The handles in `directory`, one iterator step at a time, for the writes' copies and
/// removals: one rehearsal saw a move cut on disk answer 500 after they took
/// [`children_array`] (not seen again in three reruns), so they keep the long-tested way.
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

/// Waits `ms` milliseconds; `keep_wake` is handed the function that ends the wait early
/// (plain waits take `gloo_timers::future::TimeoutFuture`).
pub async fn sleep(ms: i32, keep_wake: impl FnOnce(&js_sys::Function)) {
    let mut keep_wake = Some(keep_wake);
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(keep_wake) = keep_wake.take() {
            keep_wake(&resolve);
        }
        let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = global.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}
