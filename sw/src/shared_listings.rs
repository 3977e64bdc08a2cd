//! Listings under way in this worker, which the `sub` poller may join: while the page
//! lists a big folder, the poller asking for the same directory waits for that listing
//! rather than opening every file again. A request never joins one (it must see what was
//! there when it arrived: a listing begun before it may have passed files made since),
//! and no listing begun before a change through the worker is joined after it, so a page
//! reading back what it just did sees it.

use crate::promise::settle;
use owndir_core::folder::DirEntry;
use owndir_core::{FolderError, SafePath};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::FileSystemDirectoryHandle;

/// What a listing gives.
pub type Listed = Result<Vec<DirEntry>, FolderError>;

/// A listing under way.
#[derive(Clone)]
struct Listing {
    root: FileSystemDirectoryHandle,
    path: SafePath,
    /// [`Listings::changes`] when it began.
    changes: u64,
    /// Resolves when it is over.
    done: js_sys::Promise,
    /// Where it leaves its result for those waiting on it.
    result: Rc<RefCell<Option<Listed>>>,
}

/// What this worker knows of its listings.
#[derive(Default)]
struct Listings {
    under_way: Vec<Listing>,
    /// Changes through this worker that are over.
    changes: u64,
}

thread_local! {
    static LISTINGS: RefCell<Listings> = RefCell::default();
}

/// A change through the worker is over: no listing begun before it is joined again.
pub fn change_over() {
    LISTINGS.with(|listings| listings.borrow_mut().changes += 1);
}

/// The result of a listing of `path` in the folder at `root` that was under way, once it
/// is over; `None` when there was none to join (or it was cut off).
pub async fn join(root: &FileSystemDirectoryHandle, path: &SafePath) -> Result<Option<Listed>, FolderError> {
    let candidates: Vec<Listing> = LISTINGS.with(|listings| {
        let listings = listings.borrow();
        let changes = listings.changes;
        listings
            .under_way
            .iter()
            .filter(|listing| listing.path == *path && listing.changes == changes)
            .cloned()
            .collect()
    });
    for listing in candidates {
        if settle(root.is_same_entry(&listing.root)).await?.as_bool() == Some(true) {
            let _ = JsFuture::from(listing.done.clone()).await;
            return Ok(listing.result.borrow().clone());
        }
    }
    Ok(None)
}

/// Runs `list`, the listing of `path` in the folder at `root`, where the poller can join it.
pub async fn announced(
    root: &FileSystemDirectoryHandle,
    path: &SafePath,
    list: impl Future<Output = Listed>,
) -> Listed {
    let mut resolve = None;
    let done = js_sys::Promise::new(&mut |given, _| resolve = Some(given));
    let result: Rc<RefCell<Option<Listed>>> = Rc::default();
    LISTINGS.with(|listings| {
        let mut listings = listings.borrow_mut();
        let changes = listings.changes;
        let listing = Listing { root: root.clone(), path: path.clone(), changes, done, result: result.clone() };
        listings.under_way.push(listing);
    });
    // Whatever happens to this future, the listing leaves the table and its waiters wake.
    let _announced = Announced { result: result.clone(), resolve };
    let listed = list.await;
    result.borrow_mut().replace(listed.clone());
    listed
}

/// Takes a listing out of [`LISTINGS`] and wakes its waiters when dropped.
struct Announced {
    result: Rc<RefCell<Option<Listed>>>,
    resolve: Option<js_sys::Function>,
}

impl Drop for Announced {
    fn drop(&mut self) {
        LISTINGS.with(|listings| {
            listings.borrow_mut().under_way.retain(|listing| !Rc::ptr_eq(&listing.result, &self.result))
        });
        if let Some(resolve) = self.resolve.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}
