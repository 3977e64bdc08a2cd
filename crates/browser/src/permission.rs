//! Read-write permission on a handle.

use crate::dom_error::DomError;
use owndir_core::Permission;
use web_sys::{FileSystemHandle, FileSystemHandlePermissionDescriptor, FileSystemPermissionMode};
fn read_write() -> FileSystemHandlePermissionDescriptor {
    let descriptor = FileSystemHandlePermissionDescriptor::new();
    descriptor.set_mode(FileSystemPermissionMode::Readwrite);
    descriptor
}

fn parse(state: js_sys::JsString) -> Permission {
    Permission::parse(&String::from(state)).unwrap_or(Permission::Denied)
}

/// The current read-write permission. Works in the worker as well as the page.
pub async fn query(handle: &FileSystemHandle) -> Result<Permission, DomError> {
    Ok(parse(handle.query_permission_with_descriptor(&read_write()).await?))
}

/// Asks for read-write permission: page only, inside a user gesture (click).
pub async fn request(handle: &FileSystemHandle) -> Result<Permission, DomError> {
    Ok(parse(handle.request_permission_with_descriptor(&read_write()).await?))
}
