//! The folder as a trait: what the core asks of a platform's file system.

use crate::error::FolderError;
use crate::path::SafePath;

/// Whether an entry is a file or a directory. There are no symbolic links in the
/// File System Access API, so there are none here either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
}

/// What is known of a file without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, in milliseconds since the Unix epoch.
    pub modified_ms: u64,
}

/// What is known of any entry. Directories have no size, and the browser keeps no
/// directory times, so theirs are `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// File or directory.
    pub kind: EntryKind,
    /// Size and time for a file; `None` for a directory.
    pub file: Option<FileMeta>,
}

/// One child of a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The child's name.
    pub name: String,
    /// Its kind, size and time.
    pub meta: Metadata,
}

/// What a path names: a file, with a handle to read it, or a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<B> {
    /// A file: its metadata and the platform's handle to its bytes (a `File` blob in the
    /// browser), which the platform streams without the core ever holding the content.
    File {
        /// Size and modification time.
        meta: FileMeta,
        /// The readable handle.
        body: B,
    },
    /// A directory.
    Directory,
}

/// A folder the runtime serves. The service worker implements it over a
/// `FileSystemDirectoryHandle`; [`crate::MemoryFolder`] and [`crate::StdFolder`] are the
/// native implementations for tests and tools.
///
/// Futures are deliberately not `Send`: wasm in a service worker is single-threaded.
#[allow(async_fn_in_trait)] // Send-ness of the futures is not wanted (see above).
pub trait Folder {
    /// The platform's handle to a file's bytes.
    type Body;

    /// The bytes a request brings to [`Folder::write`]: a `Blob` in the browser. The
    /// default is no bytes. Cloned to write once more after a collision
    /// (see the `write_retry` module): cheap for a `Blob`, a copy for the native folders' bytes.
    type Upload: Default + Clone;

    /// Looks up `path`: `Ok(None)` when nothing is there (or a parent is a file).
    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<Self::Body>>, FolderError>;

    /// The children of the directory at `path`, in no particular order.
    /// [`FolderError::NotFound`] when it does not exist, [`FolderError::NotADirectory`]
    /// when it is a file.
    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError>;

    /// The names and kinds of the children of `path`, without sizes and times: cheaper
    /// where the platform must open every file for those (the browser's `getFile`, about
    /// a quarter of a millisecond each). Errors as [`Folder::list`].
    async fn list_names(&self, path: &SafePath) -> Result<Vec<(String, EntryKind)>, FolderError> {
        Ok(self.list(path).await?.into_iter().map(|entry| (entry.name, entry.meta.kind)).collect())
    }

    /// Writes `data` to the file at `path` (replacing it, or appending when `append`),
    /// creating missing parent directories. All or nothing: a write that fails leaves
    /// the old content whole. `now_ms` is the time for folders that keep no clock.
    async fn write(&self, path: &SafePath, data: Self::Upload, append: bool, now_ms: u64) -> Result<(), FolderError>;

    /// Creates the directory at `path` and its missing parents; fine if it exists.
    /// [`FolderError::NotADirectory`] when a file is in the way.
    async fn make_dir(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError>;

    /// Creates an empty file at `path`, or advances the modification time of the file or
    /// directory there to `now_ms` (or the platform's own now).
    async fn touch(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError>;

    /// Removes what is at `path`, recursively; nothing there is fine.
    async fn remove(&self, path: &SafePath) -> Result<(), FolderError>;

    /// Moves the file or directory at `from` to `to`, which does not exist and whose parent
    /// does. A directory move that fails half way leaves `from` whole.
    async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError>;

    /// The directory's modification time in epoch ms, where one is known. The browser
    /// keeps none, so the worker keeps its own.
    async fn directory_time(&self, path: &SafePath) -> Result<Option<u64>, FolderError>;

    /// Keeps `time_ms` as the directory's time, for folders that keep no clock of their
    /// own (`listing::directory_time` decides it). Others ignore it.
    async fn keep_directory_time(&self, _path: &SafePath, _time_ms: u64) -> Result<(), FolderError> {
        Ok(())
    }
}
