//! Browser glue shared by the service worker (`sw/`) and the page (`app/`).
//!
//! Both sides meet in IndexedDB: the page stores the folder handle the user chose,
//! and the worker reads it from there once per start (it is stopped at will, so it
//! never holds anything only in memory); the page tells the workers when it changes it.

pub mod dom_error;
pub mod folder_store;
pub mod permission;

pub use dom_error::DomError;
pub use folder_store::FolderRecord;
