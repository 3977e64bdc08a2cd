//! The platform-free core of owndir-sw.
//!
//! Everything here is plain Rust: no wasm-bindgen, web-sys or js-sys. It decides what a
//! request gets (status, headers, which bytes) and leaves moving the bytes to the
//! platform, which implements [`Folder`] (the service worker over the File System Access
//! API; [`MemoryFolder`] and [`StdFolder`] here for tests and native tools).

pub mod body_length;
pub mod calendar;
pub mod conditional;
pub mod content;
pub mod disk_names;
pub mod error;
pub mod file_answer;
pub mod folder;
pub mod folder_cases;
pub mod folder_routes;
pub mod fs_api;
pub mod fs_call;
pub mod html;
pub mod http;
pub mod listing;
pub mod memory;
pub mod mime;
pub mod module_files;
pub mod owndir_module;
pub mod path;
pub mod range;
pub mod read_only;
pub mod route;
pub mod sort;
pub mod status;
#[cfg(not(target_arch = "wasm32"))]
pub mod std_fs;
pub mod subscribers;
pub mod sync_names;
pub mod watch;
pub mod webdav;
pub mod write_retry;
pub mod zip;

pub use content::{Answer, ContentRequest, serve_content, serve_content_with};
pub use error::{ApiError, FolderError};
pub use folder::{Entry, EntryKind, FileMeta, Folder, Metadata};
pub use http::{HttpResponse, Method, ResponseBody};
pub use memory::MemoryFolder;
pub use path::{PathError, RequestPath, SafePath};
pub use route::Route;
pub use status::{Access, Permission, Source, StatusReport};
#[cfg(not(target_arch = "wasm32"))]
pub use std_fs::StdFolder;

/// Polls a future that never waits on anything outside itself to completion.
///
/// The memory and `std::fs` folders finish every future at its first poll, so native
/// tests and tools drive them without an async runtime.
///
/// ```
/// assert_eq!(owndir_core::block_on(async { 1 + 1 }), 2);
/// ```
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}
