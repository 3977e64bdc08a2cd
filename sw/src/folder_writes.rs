//! Changing the connected folder through the File System Access API.
//!
//! Writes go through `createWritable()`, which writes a swap file and replaces the file
//! only on `close()`: an error or an abort leaves the old content whole (PLATFORM.md).
//! Directories cannot be moved by the API, so a directory move copies, then deletes.

use crate::promise::{children, settle, settle_as};
use owndir_browser::DomError;
use owndir_core::FolderError;
use owndir_core::disk_names::{LONGEST_WRITABLE, NameRefusal};
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, File, FileSystemCreateWritableOptions, FileSystemDirectoryHandle, FileSystemFileHandle,
    FileSystemGetDirectoryOptions, FileSystemGetFileOptions, FileSystemHandleKind, FileSystemRemoveOptions,
    FileSystemWritableFileStream, WritableStream,
};

/// The directory at `segments`, created with its parents when missing.
pub async fn ensure_directory(
    root: &FileSystemDirectoryHandle,
    segments: &[String],
) -> Result<FileSystemDirectoryHandle, FolderError> {
    let create = FileSystemGetDirectoryOptions::new();
    create.set_create(true);
    let mut directory = root.clone();
    for name in segments {
        let promise = directory.get_directory_handle_with_options(name, &create);
        directory = settle_as(promise).await.map_err(|error| creating(name, error))?;
    }
    Ok(directory)
}

/// A failure to create `name`: Chrome answers a name it refuses on disk with a bare
/// `TypeError`, so the core's rules say which rule it broke.
fn creating(name: &str, error: DomError) -> FolderError {
    if error.name != "TypeError" {
        return error.into();
    }
    let why = owndir_core::disk_names::refusal(name).unwrap_or(owndir_core::disk_names::NameRefusal::Unknown);
    FolderError::NameRefused { name: name.to_owned(), why }
}

/// Writes `body` (or nothing) to `name` in `directory`, replacing or appending.
pub async fn write_file(
    directory: &FileSystemDirectoryHandle,
    name: &str,
    body: Option<Blob>,
    append: bool,
) -> Result<(), FolderError> {
    let existed = settle(directory.get_file_handle(name)).await.is_ok();
    let create = FileSystemGetFileOptions::new();
    create.set_create(true);
    let handle: FileSystemFileHandle = settle_as(directory.get_file_handle_with_options(name, &create))
        .await
        .map_err(|error| creating(name, error))?;
    let written = write_handle(&handle, body, append).await.map_err(|error| writing(name, error));
    if let Err(error) = &written
        && !existed
        && !owndir_core::write_retry::is_collision(error)
    {
        // A new file whose write failed should not stay behind, even empty. Not after a
        // collision: the file there now is another program's (a sync engine's), and the
        // core tries the write once more (`owndir_core::write_retry`).
        let _ = settle(directory.remove_entry(name)).await;
    }
    written
}

/// A failed write of `name`. On disk Chrome writes through a swap file `<name>.crswap`,
/// which it cannot make for a name of more than 248 bytes, and then says only
/// `InvalidStateError` ("the state had changed since it was read from disk").
fn writing(name: &str, error: FolderError) -> FolderError {
    match error {
        FolderError::Other { name: kind, .. } if kind == "InvalidStateError" && name.len() > LONGEST_WRITABLE => {
            FolderError::NameRefused { name: name.to_owned(), why: NameRefusal::TooLongToWrite }
        }
        other => other,
    }
}

/// How the body's bytes go into the writable.
#[derive(Clone, Copy, PartialEq)]
enum Transfer {
    /// `write(blob)`: one call, the fastest (issue 17).
    Whole,
    /// `blob.stream()` piped in: slower, but a full disk fails as `QuotaExceededError`.
    Streamed,
}

async fn write_handle(handle: &FileSystemFileHandle, body: Option<Blob>, append: bool) -> Result<(), FolderError> {
    match write_with(handle, body.as_ref(), append, Transfer::Whole).await {
        // Chrome reports a disk or quota that fills during a blob copy as NotReadableError;
        // streaming the same bytes names the real cause (and may well succeed).
        Err(FolderError::Other { name, .. }) if name == "NotReadableError" => {
            write_with(handle, body.as_ref(), append, Transfer::Streamed).await
        }
        written => written,
    }
}

async fn write_with(
    handle: &FileSystemFileHandle,
    body: Option<&Blob>,
    append: bool,
    transfer: Transfer,
) -> Result<(), FolderError> {
    let options = FileSystemCreateWritableOptions::new();
    options.set_keep_existing_data(append);
    let writable: FileSystemWritableFileStream = settle_as(handle.create_writable_with_options(&options)).await?;
    let old_size = if append { settle_as::<File>(handle.get_file()).await?.size() } else { 0.0 };
    let sent = body.map_or(0.0, Blob::size);
    if let Err(error) = fill(&writable, body, old_size, transfer).await {
        // Dropping the swap file leaves the old content whole.
        let _ = settle(WritableStream::abort(&writable)).await;
        return Err(error);
    }
    settle(WritableStream::close(&writable)).await?;
    // What is on disk now must be what was sent: a short write is a loud failure, never a
    // silently shorter file (issue 19).
    let file = settle_as::<File>(handle.get_file()).await?;
    let written = file.size();
    if written != old_size + sent {
        // Another program (a sync engine) may have renamed its own version over ours
        // right after the commit: not a short write of ours, a collision to retry.
        if !append && holds_other_bytes(&file, body).await? {
            return Err(FolderError::ReplacedMeanwhile);
        }
        return Err(FolderError::Other {
            name: "ShortWriteError".to_owned(),
            message: format!("{} bytes are on disk where {} were expected", written as u64, (old_size + sent) as u64),
        });
    }
    Ok(())
}

/// True when the file on disk does not begin as the body just written: it is another
/// program's. A short write of ours leaves a beginning of our bytes (or nothing).
async fn holds_other_bytes(file: &File, body: Option<&Blob>) -> Result<bool, FolderError> {
    const LOOK: f64 = 256.0;
    let Some(body) = body else { return Ok(file.size() > 0.0) };
    let ours = first_bytes(body, LOOK).await?;
    let theirs = match first_bytes(file, LOOK).await {
        Ok(theirs) => theirs,
        // Chrome refuses to read a `File` whose file changed since `getFile()`: another
        // program is writing it still.
        Err(FolderError::Other { name, .. }) if name == "NotReadableError" => return Ok(true),
        Err(error) => return Err(error),
    };
    Ok(!ours.starts_with(&theirs))
}

async fn first_bytes(blob: &Blob, count: f64) -> Result<Vec<u8>, FolderError> {
    let start = blob.slice_with_f64_and_f64(0.0, count).map_err(DomError::from)?;
    let buffer: js_sys::ArrayBuffer = settle_as(start.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Writes the whole blob in one call (Chrome keeps a large one on disk and copies it there
/// without passing it through this worker), after the old bytes when appending.
async fn fill(
    writable: &FileSystemWritableFileStream,
    body: Option<&Blob>,
    at: f64,
    transfer: Transfer,
) -> Result<(), FolderError> {
    if at > 0.0 {
        settle(writable.seek_with_f64(at).map_err(DomError::from)?).await?;
    }
    match body {
        Some(body) if transfer == Transfer::Whole => {
            settle(writable.write_with_blob(body).map_err(DomError::from)?).await?;
        }
        Some(body) => {
            // The writable stays open: close() below commits it, abort() drops it.
            let options = web_sys::StreamPipeOptions::new();
            options.set_prevent_close(true);
            settle(body.stream().pipe_to_with_options(writable, &options)).await?;
        }
        None => {}
    }
    Ok(())
}

/// Advances a file's modification time. An empty commit leaves the time alone, so the
/// file is truncated to its own size: a change of nothing that still counts as a write.
pub async fn touch_file(handle: &FileSystemFileHandle) -> Result<(), FolderError> {
    truncate_to_own_size(handle).await.map_err(|error| writing(&handle.name(), error))
}

async fn truncate_to_own_size(handle: &FileSystemFileHandle) -> Result<(), FolderError> {
    let file: File = settle_as(handle.get_file()).await?;
    let options = FileSystemCreateWritableOptions::new();
    options.set_keep_existing_data(true);
    let writable: FileSystemWritableFileStream = settle_as(handle.create_writable_with_options(&options)).await?;
    let truncate = writable.truncate_with_f64(file.size()).map_err(DomError::from)?;
    if let Err(error) = settle(truncate).await {
        let _ = settle(WritableStream::abort(&writable)).await;
        return Err(error.into());
    }
    settle(WritableStream::close(&writable)).await?;
    Ok(())
}

/// Removes `name` from `directory`, recursively; nothing there is fine.
pub async fn remove_entry(directory: &FileSystemDirectoryHandle, name: &str) -> Result<(), FolderError> {
    let options = FileSystemRemoveOptions::new();
    options.set_recursive(true);
    match settle(directory.remove_entry_with_options(name, &options)).await {
        Ok(_) => Ok(()),
        Err(error) if error.name == "NotFoundError" => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Moves a file with `FileSystemHandle.move(directory, name)` (not in web-sys yet).
pub async fn move_file(
    handle: &FileSystemFileHandle,
    to_directory: &FileSystemDirectoryHandle,
    to_name: &str,
) -> Result<(), FolderError> {
    let method = js_sys::Reflect::get(handle, &"move".into()).map_err(DomError::from)?;
    let method: js_sys::Function =
        method.dyn_into().map_err(|_| DomError::new("NotSupportedError", "this browser cannot move files"))?;
    let promise = method.call2(handle, to_directory, &to_name.into()).map_err(DomError::from)?;
    settle(promise.unchecked_into()).await.map_err(|error| creating(to_name, error))?;
    Ok(())
}

/// Moves every file of the directory `from` into the directory `to_name` of `to_parent`
/// (made where missing, joined where there), one `move()` each, keeping the tree's shape;
/// `from` is left holding empty directories. Chrome cannot move a directory (crbug
/// 40198034), and a copy would write every byte again (on disk, and wait for Safe
/// Browsing to check each binary file); a file's move is a rename. Run again after a
/// stop, it moves what is left.
pub async fn move_files(
    from: &FileSystemDirectoryHandle,
    to_parent: &FileSystemDirectoryHandle,
    to_name: &str,
) -> Result<(), FolderError> {
    // Listed before the target is made: were it inside `from`, it is not moved into itself.
    let moving = children(from).await?;
    let target = ensure_directory(to_parent, &[to_name.to_owned()]).await?;
    for child in moving {
        let name = child.name();
        if child.kind() == FileSystemHandleKind::Directory {
            Box::pin(move_files(child.unchecked_ref(), &target, &name)).await?;
        } else {
            move_file(child.unchecked_ref(), &target, &name).await?;
        }
    }
    Ok(())
}
