//! Whether the connected folder itself is gone: moved or deleted on disk, or removed
//! from the origin's storage, while the browser kept its handle.
//!
//! The browser raises the same `NotFoundError` for a missing name and for a missing
//! folder, so the worker's folder asks only after a `NotFoundError` at the folder's top
//! level (or from a change), and at most once per request: every other request pays
//! nothing. Reading the folder's first entry tells for sure (it fails with
//! `NotFoundError` only when the folder is gone), but Chrome reads the whole directory
//! for it: 0.7–2.4 s for 10,000 files on disk. Asking for a name seen at the folder's
//! top level lately takes about a millisecond, so that comes first; only when that
//! name is gone too is the folder read.

use crate::promise::settle;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{FileSystemDirectoryHandle, FileSystemHandle, FileSystemHandleKind};

/// A name seen at the top level of a folder.
#[derive(Clone)]
struct Seen {
    root: FileSystemDirectoryHandle,
    name: String,
    directory: bool,
}

thread_local! {
    /// The name this worker saw last at its folder's top level.
    static SEEN: RefCell<Option<Seen>> = const { RefCell::new(None) };
}

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

    /// `name` (a directory when `directory`) was found at the folder's top level.
    pub fn saw(&self, name: &str, directory: bool) {
        let seen = Seen { root: self.root.clone(), name: name.to_owned(), directory };
        SEEN.with(|known| known.borrow_mut().replace(seen));
    }

    /// Whether the folder is gone, asked the first time.
    pub async fn is_gone(&self) -> bool {
        let answer = self
            .answer
            .borrow_mut()
            .get_or_insert_with(|| {
                let check = self.clone();
                future_to_promise(async move { Ok(JsValue::from_bool(check.ask().await)) })
            })
            .clone();
        JsFuture::from(answer).await.ok().and_then(|gone| gone.as_bool()).unwrap_or(false)
    }

    async fn ask(&self) -> bool {
        if self.seen_name_is_there().await {
            return false;
        }
        let Ok(first) = self.root.values().next() else { return false };
        match settle(first).await {
            Err(error) => error.name == "NotFoundError",
            Ok(next) => {
                let next: js_sys::IteratorNext = next.unchecked_into();
                if let Ok(handle) = next.value().dyn_into::<FileSystemHandle>() {
                    self.saw(&handle.name(), handle.kind() == FileSystemHandleKind::Directory);
                }
                false
            }
        }
    }

    /// Whether the name seen last at this folder's top level is still there.
    async fn seen_name_is_there(&self) -> bool {
        let Some(seen) = SEEN.with(|known| known.borrow().clone()) else { return false };
        if settle(self.root.is_same_entry(&seen.root)).await.ok().and_then(|same| same.as_bool()) != Some(true) {
            return false;
        }
        let asked = if seen.directory {
            self.root.get_directory_handle(&seen.name)
        } else {
            self.root.get_file_handle(&seen.name)
        };
        settle(asked).await.is_ok()
    }
}
