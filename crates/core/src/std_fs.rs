//! A folder on the native file system, for tests and native tools.

use crate::error::FolderError;
use crate::folder::{DirEntry, Entry, EntryKind, FileMeta, Folder, Metadata};
use crate::path::SafePath;
use std::io::ErrorKind;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

/// A folder rooted at a native directory. Its file bodies are the files' native paths.
/// Symbolic links are not followed out of the folder: a link is reported as missing,
/// as the browser's folders have none.
///
/// ```
/// use owndir_core::{block_on, Entry, Folder, SafePath, StdFolder};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("a.txt"), "hi").unwrap();
/// let folder = StdFolder::new(dir.path());
/// let entry = block_on(folder.lookup(&SafePath::parse("a.txt").unwrap())).unwrap();
/// assert!(matches!(entry, Some(Entry::File { meta, .. }) if meta.size == 2));
/// ```
#[derive(Clone, Debug)]
pub struct StdFolder {
    root: PathBuf,
}

impl StdFolder {
    /// The folder rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> StdFolder {
        StdFolder { root: root.into() }
    }

    /// The native path of a safe path: safe segments can only name things under `root`.
    pub fn native_path(&self, path: &SafePath) -> PathBuf {
        native_path(&self.root, path)
    }
}

/// `path` under the native directory `root`. Safe segments can only name things below it.
///
/// ```
/// use owndir_core::{SafePath, std_fs::native_path};
/// let native = native_path(std::path::Path::new("/srv"), &SafePath::parse("a/b c").unwrap());
/// assert_eq!(native, std::path::Path::new("/srv/a/b c"));
/// ```
pub fn native_path(root: &std::path::Path, path: &SafePath) -> PathBuf {
    let mut native = root.to_path_buf();
    native.extend(path.segments());
    native
}

fn metadata_of(meta: &std::fs::Metadata) -> Option<Metadata> {
    if meta.is_dir() {
        Some(Metadata { kind: EntryKind::Directory, file: None })
    } else if meta.is_file() {
        let modified_ms = meta
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_millis() as u64);
        Some(Metadata { kind: EntryKind::File, file: Some(FileMeta { size: meta.len(), modified_ms }) })
    } else {
        None
    }
}

fn folder_error(error: std::io::Error) -> FolderError {
    match error.kind() {
        ErrorKind::NotFound => FolderError::NotFound,
        ErrorKind::NotADirectory => FolderError::NotADirectory,
        ErrorKind::PermissionDenied => FolderError::PermissionDenied,
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => FolderError::QuotaExceeded,
        kind => FolderError::Other { name: format!("{kind:?}"), message: error.to_string() },
    }
}

fn system_time(epoch_ms: u64) -> std::time::SystemTime {
    UNIX_EPOCH + std::time::Duration::from_millis(epoch_ms)
}

/// Lookup that tells a file from a directory from nothing, without following links.
fn kind_at(native: &std::path::Path) -> Option<EntryKind> {
    let meta = std::fs::symlink_metadata(native).ok()?;
    if meta.is_dir() {
        Some(EntryKind::Directory)
    } else if meta.is_file() {
        Some(EntryKind::File)
    } else {
        None
    }
}

impl Folder for StdFolder {
    type Body = PathBuf;
    type Upload = Vec<u8>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<PathBuf>>, FolderError> {
        // Check every component, not only the last: a link in the middle of the path
        // would otherwise lead out of the folder.
        let mut native = self.root.clone();
        let mut meta = std::fs::metadata(&native).map_err(folder_error)?;
        for segment in path.segments() {
            native.push(segment);
            meta = match std::fs::symlink_metadata(&native) {
                Ok(meta) if meta.file_type().is_symlink() => return Ok(None),
                Ok(meta) => meta,
                Err(error) if matches!(error.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                    return Ok(None);
                }
                Err(error) => return Err(folder_error(error)),
            };
        }
        Ok(metadata_of(&meta).map(|meta| match meta.file {
            Some(file) => Entry::File { meta: file, body: native },
            None => Entry::Directory,
        }))
    }

    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        let mut entries = Vec::new();
        for child in std::fs::read_dir(self.native_path(path)).map_err(folder_error)? {
            let child = child.map_err(folder_error)?;
            let Ok(name) = child.file_name().into_string() else { continue };
            let Ok(meta) = child.metadata() else { continue };
            if let Some(meta) = metadata_of(&meta).filter(|_| !child.file_type().is_ok_and(|kind| kind.is_symlink())) {
                entries.push(DirEntry { name, meta });
            }
        }
        Ok(entries)
    }

    async fn write(&self, path: &SafePath, data: Vec<u8>, append: bool, _now_ms: u64) -> Result<(), FolderError> {
        let native = self.native_path(path);
        if kind_at(&native) == Some(EntryKind::Directory) {
            return Err(FolderError::NotADirectory);
        }
        if let Some(parent) = path.parent() {
            self.make_dir(&parent, 0).await?;
        }
        let mut content = if append { std::fs::read(&native).unwrap_or_default() } else { Vec::new() };
        content.extend_from_slice(&data);
        // Write beside, then rename over: the old content stays whole until the new is.
        let swap = native.with_file_name(format!(".{}.owndir-swap", path.name().unwrap_or("file")));
        std::fs::write(&swap, &content).map_err(folder_error)?;
        std::fs::rename(&swap, &native).map_err(|error| {
            let _ = std::fs::remove_file(&swap);
            folder_error(error)
        })
    }

    async fn make_dir(&self, path: &SafePath, _now_ms: u64) -> Result<(), FolderError> {
        let native = self.native_path(path);
        match std::fs::create_dir_all(&native) {
            Ok(()) => Ok(()),
            Err(_) if kind_at(&native) == Some(EntryKind::Directory) => Ok(()),
            Err(error) if matches!(error.kind(), ErrorKind::AlreadyExists | ErrorKind::NotADirectory) => {
                Err(FolderError::NotADirectory)
            }
            Err(error) => Err(folder_error(error)),
        }
    }

    async fn touch(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        let native = self.native_path(path);
        if kind_at(&native).is_none() {
            return self.write(path, Vec::new(), false, now_ms).await;
        }
        let file = std::fs::File::open(&native).map_err(folder_error)?;
        file.set_modified(system_time(now_ms)).map_err(folder_error)
    }

    async fn remove(&self, path: &SafePath) -> Result<(), FolderError> {
        let native = self.native_path(path);
        let removed = match kind_at(&native) {
            None => return Ok(()),
            Some(EntryKind::Directory) => std::fs::remove_dir_all(&native),
            Some(EntryKind::File) => std::fs::remove_file(&native),
        };
        removed.map_err(folder_error)
    }

    async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
        std::fs::rename(self.native_path(from), self.native_path(to)).map_err(folder_error)
    }

    async fn directory_time(&self, path: &SafePath) -> Result<Option<u64>, FolderError> {
        let meta = match std::fs::metadata(self.native_path(path)) {
            Ok(meta) if meta.is_dir() => meta,
            _ => return Ok(None),
        };
        Ok(meta.modified().ok().and_then(|time| time.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_millis() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ContentRequest, serve_content};
    use crate::http::ResponseBody;
    use crate::{MemoryFolder, block_on};

    /// A tree with awkward names, written both to disk and to memory.
    const FIXTURE: &[(&str, &[u8])] = &[
        ("hello.txt", b"hello"),
        ("with space/a b.txt", b"spaces"),
        ("sym#?%+/\"q'.md", b"symbols"),
        ("日本語/文書.txt", b"cjk"),
        ("emoji/😀.png", b"\x89PNG"),
        ("combining/e\u{301}.txt", b"combining"),
        ("noext", b"raw"),
    ];

    fn on_disk() -> (tempfile::TempDir, StdFolder) {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in FIXTURE {
            let native = dir.path().join(path);
            std::fs::create_dir_all(native.parent().unwrap()).unwrap();
            std::fs::write(native, bytes).unwrap();
        }
        let folder = StdFolder::new(dir.path());
        (dir, folder)
    }

    fn in_memory() -> MemoryFolder {
        let folder = MemoryFolder::new();
        for (path, bytes) in FIXTURE {
            folder.insert_file(path, bytes, 0);
        }
        folder
    }

    fn get(path: &str) -> ContentRequest<'_> {
        ContentRequest::get(path)
    }

    #[test]
    fn disk_and_memory_folders_answer_alike() {
        let (_dir, disk) = on_disk();
        let memory = in_memory();
        for (path, bytes) in FIXTURE {
            let url = SafePath::parse(path).unwrap().to_url();
            let from_disk = block_on(serve_content(&disk, &get(&url)));
            let from_memory = block_on(serve_content(&memory, &get(&url)));
            assert_eq!(from_disk.status, 200, "{path}");
            assert_eq!(from_memory.status, 200, "{path}");
            assert_eq!(from_disk.header("Content-Type"), from_memory.header("Content-Type"), "{path}");
            let ResponseBody::File(native, None) = from_disk.body else { panic!("{path}: no file body") };
            assert_eq!(std::fs::read(native).unwrap(), *bytes, "{path}");
            assert_eq!(from_memory.body, ResponseBody::File(bytes.to_vec(), None), "{path}");
        }
    }

    fn listing_names<B>(body: ResponseBody<B>) -> Vec<String> {
        let ResponseBody::Text(json) = body else { panic!("not a listing") };
        let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
        listing.as_array().unwrap().iter().map(|entry| entry["name"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn disk_listing_matches_memory_listing() {
        let (_dir, disk) = on_disk();
        let memory = in_memory();
        let request = ContentRequest { accepts_json: true, ..get("/") };
        let from_disk = listing_names(block_on(serve_content(&disk, &request)).body);
        let from_memory = listing_names(block_on(serve_content(&memory, &request)).body);
        assert_eq!(from_disk, from_memory);
        assert_eq!(from_disk.len(), 7);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_folder_are_not_followed() {
        let (dir, disk) = on_disk();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        assert_eq!(block_on(serve_content(&disk, &get("/link/secret"))).status, 404);
        assert_eq!(block_on(serve_content(&disk, &get("/link"))).status, 404);
    }
}
