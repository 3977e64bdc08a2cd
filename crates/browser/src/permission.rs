//! Read and read-write permission on a handle.

use crate::dom_error::DomError;
use owndir_core::{Access, Permission};
use web_sys::{FileSystemHandle, FileSystemHandlePermissionDescriptor, FileSystemPermissionMode};

fn descriptor(mode: FileSystemPermissionMode) -> FileSystemHandlePermissionDescriptor {
    let descriptor = FileSystemHandlePermissionDescriptor::new();
    descriptor.set_mode(mode);
    descriptor
}

fn read_write() -> FileSystemHandlePermissionDescriptor {
    descriptor(FileSystemPermissionMode::Readwrite)
}

fn parse(state: js_sys::JsString) -> Permission {
    Permission::parse(&String::from(state)).unwrap_or(Permission::Denied)
}

/// Fails where the browser has no permission methods on handles (Firefox, Safari: they
/// only have the origin's own storage), rather than calling what is not there, which
/// stops the wasm for good.
fn ensure_method(handle: &FileSystemHandle, name: &str) -> Result<(), DomError> {
    if js_sys::Reflect::has(handle, &name.into()).unwrap_or(false) {
        Ok(())
    } else {
        Err(DomError::new("NotSupportedError", format!("this browser has no {name} on folders")))
    }
}

/// The current read-write permission. Works in the worker as well as the page.
pub async fn query(handle: &FileSystemHandle) -> Result<Permission, DomError> {
    ensure_method(handle, "queryPermission")?;
    Ok(parse(handle.query_permission_with_descriptor(&read_write()).await?))
}

/// What the browser allows now, read and write asked apart: a dropped folder is
/// readable before anyone allowed writing. Works in the worker as well as the page.
pub async fn access(handle: &FileSystemHandle) -> Result<(Access, Permission), DomError> {
    let read_write = query(handle).await?;
    if read_write == Permission::Granted {
        return Ok((Access::ReadWrite, read_write));
    }
    let read = parse(handle.query_permission_with_descriptor(&descriptor(FileSystemPermissionMode::Read)).await?);
    Ok((Access::from_permissions(read, read_write), read_write))
}

/// Asks for read-write permission: page only, inside a user gesture (click).
pub async fn request(handle: &FileSystemHandle) -> Result<Permission, DomError> {
    ensure_method(handle, "requestPermission")?;
    Ok(parse(handle.request_permission_with_descriptor(&read_write()).await?))
}
