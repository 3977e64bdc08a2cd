//! Whether the connected folder itself is gone: moved or deleted on disk, or removed
//! from the origin's storage, while the browser kept its handle.
//!
//! The browser raises the same `NotFoundError` for a missing name and for a missing
//! folder, so the worker's folder asks only after a `NotFoundError` at the folder's top
//! level (or from a change), and at most once per request: every other request pays
//! nothing. Reading the folder's first entry fails with `NotFoundError` only when the
//! folder itself is gone (a permission, say, is asked for before any request).

use crate::promise::settle;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::FileSystemDirectoryHandle;

/// The question for one request's folder, asked once and shared by all who need it.
#[derive(Clone, Debug)]
pub struct RootCheck {
    root: FileSystemDirectoryHandle,
    answer: Rc<RefCell<Option<js_sys::Promise>>>,
}

impl RootCheck {
    /// The question for the folder behind `root`, not asked yet.
    pub fn new(root: FileSystemDirectoryHandle) -> RootCheck {
        RootCheck { root, answer: Rc::default() }
    }

    /// Whether the folder is gone, asked the first time.
    pub async fn is_gone(&self) -> bool {
        let answer = self
            .answer
            .borrow_mut()
            .get_or_insert_with(|| {
                let root = self.root.clone();
                future_to_promise(async move {
                    let gone = match root.values().next() {
                        Ok(first) => matches!(settle(first).await, Err(error) if error.name == "NotFoundError"),
                        Err(_) => false,
                    };
                    Ok(JsValue::from_bool(gone))
                })
            })
            .clone();
        JsFuture::from(answer).await.ok().and_then(|gone| gone.as_bool()).unwrap_or(false)
    }
}
