//! A write that collides with another program replacing the same file (issue 16).
//!
//! A sync engine (Syncthing, Dropbox…) replaces a file by renaming its finished copy over
//! it. When that happens while the worker writes the same file, Chrome may answer the
//! write's `createWritable()` or `close()` with `InvalidStateError` or
//! `NoModificationAllowedError` (the swap file is dropped, the file on disk is the
//! engine's, whole); on Linux it was seen instead to commit ours and find the engine's
//! version in place right after (the worker's size check then reports
//! [`FolderError::ReplacedMeanwhile`]). Such a write is
//! tried once more, after the request's own conditions (`If-Match`…) are checked again
//! against the file now there, so a write made for the old version never replaces the
//! engine's new one. A second collision is [`FolderError::ChangedWhileWriting`] (`409`):
//! the request's body is still the client's, the file is the engine's: nothing was lost.

use crate::error::{ApiError, FolderError};
use crate::folder::{Entry, FileMeta, Folder};
use crate::path::SafePath;
use crate::read_only::write_error;

/// True when a failed write is the platform saying the file changed under it (another
/// program replaced or locked it), as opposed to a failure of the disk or of the request.
///
/// ```
/// use owndir_core::FolderError;
/// use owndir_core::write_retry::is_collision;
/// let other = |name: &str| FolderError::Other { name: name.into(), message: String::new() };
/// assert!(is_collision(&other("InvalidStateError")));
/// assert!(is_collision(&other("NoModificationAllowedError")));
/// assert!(!is_collision(&other("NotReadableError")));
/// assert!(is_collision(&FolderError::ReplacedMeanwhile));
/// assert!(!is_collision(&FolderError::QuotaExceeded));
/// ```
pub fn is_collision(error: &FolderError) -> bool {
    match error {
        FolderError::ReplacedMeanwhile => true,
        FolderError::Other { name, .. } => name == "InvalidStateError" || name == "NoModificationAllowedError",
        _ => false,
    }
}

/// What to do after write attempt number `attempt` (0 for the first) failed with `error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterFailedWrite {
    /// Check the request's conditions again and write once more.
    Retry,
    /// Answer with this error.
    Fail(FolderError),
}

/// The retry decision: a collision is retried once; a second one becomes
/// [`FolderError::ChangedWhileWriting`]; anything else fails as it is.
///
/// ```
/// use owndir_core::FolderError;
/// use owndir_core::write_retry::{AfterFailedWrite, after_failed_write};
/// let busy = FolderError::Other { name: "InvalidStateError".into(), message: String::new() };
/// assert_eq!(after_failed_write(busy.clone(), 0), AfterFailedWrite::Retry);
/// assert_eq!(after_failed_write(busy, 1), AfterFailedWrite::Fail(FolderError::ChangedWhileWriting));
/// ```
pub fn after_failed_write(error: FolderError, attempt: u32) -> AfterFailedWrite {
    match error {
        error if is_collision(&error) && attempt == 0 => AfterFailedWrite::Retry,
        error if is_collision(&error) => AfterFailedWrite::Fail(FolderError::ChangedWhileWriting),
        error => AfterFailedWrite::Fail(error),
    }
}

/// Writes `upload` to `path`, trying once more after a collision. `check` holds the
/// request's conditions on what is at `path` (`None` for nothing there, the file's
/// metadata for a file); it runs again before the second try, so a `412` is answered
/// when the file the other program put there is not the version the request expected.
pub(crate) async fn write_retrying<F: Folder>(
    folder: &F,
    path: &SafePath,
    upload: F::Upload,
    append: bool,
    now_ms: u64,
    check: impl Fn(Option<FileMeta>) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let mut attempt = 0;
    loop {
        let error = match folder.write(path, upload.clone(), append, now_ms).await {
            Ok(()) => return Ok(()),
            Err(error) => error,
        };
        match after_failed_write(error, attempt) {
            AfterFailedWrite::Retry => {
                let now_there = match folder.lookup(path).await? {
                    Some(Entry::File { meta, .. }) => Some(meta),
                    _ => None,
                };
                check(now_there)?;
                attempt += 1;
            }
            AfterFailedWrite::Fail(error) => return Err(write_error(path, error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryFolder, block_on};
    use std::cell::Cell;

    /// A memory folder whose first `collisions` writes fail as Chrome's do when another
    /// program replaces the file meanwhile; `replaced_with` is what that program wrote.
    struct Contested {
        inner: MemoryFolder,
        collisions: Cell<u32>,
        replaced_with: &'static [u8],
        name: &'static str,
    }

    impl Folder for Contested {
        type Body = Vec<u8>;
        type Upload = Vec<u8>;

        async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<Vec<u8>>>, FolderError> {
            self.inner.lookup(path).await
        }
        async fn list(&self, path: &SafePath) -> Result<Vec<crate::folder::DirEntry>, FolderError> {
            self.inner.list(path).await
        }
        async fn write(&self, path: &SafePath, data: Vec<u8>, append: bool, now: u64) -> Result<(), FolderError> {
            if self.collisions.get() > 0 {
                self.collisions.set(self.collisions.get() - 1);
                // The other program's version lands; ours is dropped whole.
                self.inner.insert_file(&path.to_string(), self.replaced_with, now + 1_000);
                return Err(FolderError::Other { name: self.name.into(), message: "changed".into() });
            }
            self.inner.write(path, data, append, now).await
        }
        async fn make_dir(&self, path: &SafePath, now: u64) -> Result<(), FolderError> {
            self.inner.make_dir(path, now).await
        }
        async fn touch(&self, path: &SafePath, now: u64) -> Result<(), FolderError> {
            self.inner.touch(path, now).await
        }
        async fn remove(&self, path: &SafePath) -> Result<(), FolderError> {
            self.inner.remove(path).await
        }
        async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
            self.inner.rename(from, to).await
        }
        async fn directory_time(&self, path: &SafePath) -> Result<Option<u64>, FolderError> {
            self.inner.directory_time(path).await
        }
    }

    fn contested(collisions: u32, name: &'static str) -> Contested {
        let inner = MemoryFolder::new();
        inner.insert_file("notes.md", b"old", 1_000);
        Contested { inner, collisions: Cell::new(collisions), replaced_with: b"theirs", name }
    }

    fn content(folder: &Contested) -> Vec<u8> {
        match block_on(folder.lookup(&SafePath::parse("notes.md").unwrap())).unwrap() {
            Some(Entry::File { body, .. }) => body,
            _ => panic!("notes.md is gone"),
        }
    }

    fn anything(_: Option<FileMeta>) -> Result<(), ApiError> {
        Ok(())
    }

    #[test]
    fn one_collision_is_retried_and_the_write_lands() {
        for name in ["InvalidStateError", "NoModificationAllowedError"] {
            let folder = contested(1, name);
            let path = SafePath::parse("notes.md").unwrap();
            block_on(write_retrying(&folder, &path, b"mine".to_vec(), false, 5_000, anything)).unwrap();
            assert_eq!(content(&folder), b"mine", "{name}");
        }
    }

    #[test]
    fn two_collisions_are_409_and_the_other_version_is_whole() {
        let folder = contested(2, "InvalidStateError");
        let path = SafePath::parse("notes.md").unwrap();
        let error = block_on(write_retrying(&folder, &path, b"mine".to_vec(), false, 5_000, anything)).unwrap_err();
        assert_eq!(error.status, 409);
        assert_eq!(error.message, "the file changed while it was being written; nothing was lost");
        assert_eq!(content(&folder), b"theirs");
    }

    #[test]
    fn the_retry_checks_the_requests_condition_again() {
        // The request was made for the old version (size 3): the new one must not be replaced.
        let folder = contested(1, "InvalidStateError");
        let path = SafePath::parse("notes.md").unwrap();
        let for_old_version = |meta: Option<FileMeta>| match meta {
            Some(meta) if meta.size == 3 => Ok(()),
            _ => Err(ApiError::new(412, "notes.md has changed")),
        };
        let error = block_on(write_retrying(&folder, &path, b"mine".to_vec(), false, 5_000, for_old_version));
        assert_eq!(error.unwrap_err().status, 412);
        assert_eq!(content(&folder), b"theirs");
    }

    #[test]
    fn a_version_put_in_place_right_after_the_commit_is_a_collision_too() {
        assert_eq!(after_failed_write(FolderError::ReplacedMeanwhile, 0), AfterFailedWrite::Retry);
        assert_eq!(
            after_failed_write(FolderError::ReplacedMeanwhile, 1),
            AfterFailedWrite::Fail(FolderError::ChangedWhileWriting)
        );
    }

    #[test]
    fn other_failures_are_not_retried() {
        assert_eq!(
            after_failed_write(FolderError::QuotaExceeded, 0),
            AfterFailedWrite::Fail(FolderError::QuotaExceeded)
        );
        let unreadable = FolderError::Other { name: "NotReadableError".into(), message: String::new() };
        assert_eq!(after_failed_write(unreadable.clone(), 0), AfterFailedWrite::Fail(unreadable));
    }
}
