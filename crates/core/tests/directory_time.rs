//! Directory times in a folder that keeps none (the browser's): never 0, the newest time
//! of what the directory holds when first met, kept from then on.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::folder::{DirEntry, Entry, EntryKind, Folder};
use owndir_core::listing::{directory_time, listing_with_times};
use owndir_core::{FolderError, MemoryFolder, SafePath, block_on};
use std::cell::RefCell;
use std::collections::HashMap;

/// A memory folder that, like the browser, keeps no directory times but those kept for it.
struct NoClock {
    inner: MemoryFolder,
    kept: RefCell<HashMap<String, u64>>,
}

impl NoClock {
    fn new(files: &[(&str, u64)], dirs: &[&str]) -> NoClock {
        let inner = MemoryFolder::new();
        for (path, time) in files {
            inner.insert_file(path, b"x", *time);
        }
        for path in dirs {
            inner.insert_dir(path);
        }
        NoClock { inner, kept: RefCell::default() }
    }
}

impl Folder for NoClock {
    type Body = Vec<u8>;
    type Upload = Vec<u8>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<Vec<u8>>>, FolderError> {
        self.inner.lookup(path).await
    }
    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        self.inner.list(path).await
    }
    async fn list_names(&self, path: &SafePath) -> Result<Vec<(String, EntryKind)>, FolderError> {
        self.inner.list_names(path).await
    }
    async fn write(&self, path: &SafePath, data: Vec<u8>, append: bool, now: u64) -> Result<(), FolderError> {
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
        Ok(self.kept.borrow().get(&path.to_string()).copied())
    }
    async fn keep_directory_time(&self, path: &SafePath, time_ms: u64) -> Result<(), FolderError> {
        self.kept.borrow_mut().insert(path.to_string(), time_ms);
        Ok(())
    }
}

fn path(text: &str) -> SafePath {
    SafePath::parse(text).unwrap()
}

const NOW: u64 = 1_800_000_000_000;

#[test]
fn a_directory_first_met_takes_its_newest_file_time_and_keeps_it() {
    let folder = NoClock::new(&[("docs/a.txt", 1_000), ("docs/b.txt", 3_000), ("docs/c.txt", 2_000)], &[]);
    assert_eq!(block_on(directory_time(&folder, &path("docs"), NOW)).unwrap(), 3_000);
    // A newer file later does not move the kept time: it is the directory's own now.
    block_on(folder.write(&path("docs/d.txt"), b"d".to_vec(), false, 9_000)).unwrap();
    assert_eq!(block_on(directory_time(&folder, &path("docs"), NOW)).unwrap(), 3_000);
}

#[test]
fn an_empty_directory_first_met_takes_now() {
    let folder = NoClock::new(&[], &["empty"]);
    assert_eq!(block_on(directory_time(&folder, &path("empty"), NOW)).unwrap(), NOW);
    assert_eq!(block_on(directory_time(&folder, &path("empty"), NOW + 5)).unwrap(), NOW);
}

#[test]
fn a_kept_subdirectory_time_counts_as_an_entry() {
    let folder = NoClock::new(&[("outer/a.txt", 1_000)], &["outer/inner"]);
    block_on(folder.keep_directory_time(&path("outer/inner"), 5_000)).unwrap();
    assert_eq!(block_on(directory_time(&folder, &path("outer"), NOW)).unwrap(), 5_000);
}

#[test]
fn a_listing_never_shows_a_directory_at_time_zero() {
    let folder = NoClock::new(&[("top.txt", 10), ("docs/a.txt", 2_000)], &["empty"]);
    let rows = block_on(listing_with_times(&folder, &SafePath::root(), NOW)).unwrap();
    let times: Vec<_> = rows.iter().map(|row| (row.name.as_str(), row.info.mtime, row.info.ctime)).collect();
    assert_eq!(times, [("docs", 2_000, 2_000), ("empty", NOW, NOW), ("top.txt", 10, 10)]);
}
