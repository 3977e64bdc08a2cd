//! Directory walks and directory iterations under way in this worker, which requests
//! arriving meanwhile join: 16 reads at once in one directory need its walk (and its
//! `.owndir` probes) once, not 16 times; the file app's names and its live follower's
//! snapshot read a big directory once, not one after the other. The browser's file-system
//! backend serves its calls in turn, and a directory's iteration holds every other call
//! until it is over.
//!
//! Only calls still under way are shared; each leaves the table as it settles, so a
//! request never sees an answer from a call that finished before it arrived. A call is
//! joined only for the same root handle (the same record), and a change through this
//! worker empties the table as it starts and as it ends, so a request sees our own
//! changes at once.

use std::cell::RefCell;
use web_sys::FileSystemDirectoryHandle;

/// What is shared.
#[derive(Clone, Copy, PartialEq)]
pub enum Call {
    /// The walk down to the directory at the path: its handle.
    Walk,
    /// The iteration of the directory at the path: an array of its handles.
    Children,
}

/// A call under way.
struct UnderWay {
    call: Call,
    path: Vec<String>,
    /// The folder's root handle: another folder connected meanwhile has another.
    root: FileSystemDirectoryHandle,
    /// Which call a [`Settled`] takes out.
    id: u64,
    promise: js_sys::Promise,
}

/// A handful at a time (a read begins one walk per level), so a list is enough.
#[derive(Default)]
struct Calls {
    under_way: Vec<UnderWay>,
    next_id: u64,
}

thread_local! {
    static CALLS: RefCell<Calls> = RefCell::default();
}

/// Takes its call out of the table when dropped: the call's future holds it, so it goes
/// as the call settles (or is cut off).
pub struct Settled {
    id: u64,
}

impl Drop for Settled {
    fn drop(&mut self) {
        CALLS.with(|calls| calls.borrow_mut().under_way.retain(|call| call.id != self.id));
    }
}

/// The `call` for `path` in the folder at `root` that is under way, joined; otherwise the
/// one `begin` makes, shared until it settles. `begin`'s future must hold the [`Settled`]
/// it is given until it is over.
pub fn joined_or_begun(
    root: &FileSystemDirectoryHandle,
    call: Call,
    path: &[String],
    begin: impl FnOnce(Settled) -> js_sys::Promise,
) -> js_sys::Promise {
    let under_way = CALLS.with(|calls| {
        // The same handle object, not merely the same entry: the record is read once per
        // worker life, so its handle is one object until another folder is connected.
        let calls = calls.borrow();
        calls
            .under_way
            .iter()
            .find(|shared| shared.call == call && shared.path == path && shared.root == *root)
            .map(|shared| shared.promise.clone())
    });
    if let Some(promise) = under_way {
        return promise;
    }
    let id = CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        calls.next_id += 1;
        calls.next_id
    });
    // `future_to_promise` first polls in a later microtask, so the call is in the table
    // before it can settle.
    let promise = begin(Settled { id });
    CALLS.with(|calls| {
        let shared = UnderWay { call, path: path.to_vec(), root: root.clone(), id, promise: promise.clone() };
        calls.borrow_mut().under_way.push(shared);
    });
    promise
}

/// Forgets every call under way: a change through this worker is starting or over, and
/// what it makes or removes must be seen by every request after it.
pub fn forget() {
    CALLS.with(|calls| calls.borrow_mut().under_way.clear());
}
