//! An in-memory folder, for tests and examples.

use crate::error::FolderError;
use crate::folder::{DirEntry, Entry, EntryKind, FileMeta, Folder, Metadata};
use crate::path::SafePath;
use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Node {
    File { bytes: Vec<u8>, modified_ms: u64 },
    Directory,
}

/// A folder held in memory. Its file bodies are copies of the bytes.
///
/// ```
/// use owndir_core::{block_on, Entry, Folder, MemoryFolder, SafePath};
/// let folder = MemoryFolder::new();
/// folder.insert_file("a/b.txt", b"x", 0);
/// let entry = block_on(folder.lookup(&SafePath::parse("a").unwrap())).unwrap();
/// assert_eq!(entry, Some(Entry::Directory));
/// ```
#[derive(Debug, Default)]
pub struct MemoryFolder {
    nodes: RefCell<BTreeMap<SafePath, Node>>,
}

impl MemoryFolder {
    /// An empty folder.
    pub fn new() -> MemoryFolder {
        MemoryFolder::default()
    }

    /// Puts a file at `path` (a decoded, `/`-separated path), creating its parents.
    ///
    /// # Panics
    /// When `path` is not a safe path: this is for fixtures written by tests.
    pub fn insert_file(&self, path: &str, bytes: &[u8], modified_ms: u64) {
        let path = SafePath::parse(path).expect("fixture paths are safe");
        self.insert_parents(&path);
        self.nodes.borrow_mut().insert(path, Node::File { bytes: bytes.to_vec(), modified_ms });
    }

    /// Makes a directory at `path` and its parents.
    ///
    /// # Panics
    /// When `path` is not a safe path: this is for fixtures written by tests.
    pub fn insert_dir(&self, path: &str) {
        let path = SafePath::parse(path).expect("fixture paths are safe");
        self.insert_parents(&path);
        self.nodes.borrow_mut().insert(path, Node::Directory);
    }

    fn insert_parents(&self, path: &SafePath) {
        let mut nodes = self.nodes.borrow_mut();
        let mut parent = path.parent();
        while let Some(dir) = parent {
            if dir.is_root() {
                break;
            }
            parent = dir.parent();
            nodes.insert(dir, Node::Directory);
        }
    }
}

impl Folder for MemoryFolder {
    type Body = Vec<u8>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<Vec<u8>>>, FolderError> {
        if path.is_root() {
            return Ok(Some(Entry::Directory));
        }
        Ok(self.nodes.borrow().get(path).map(|node| match node {
            Node::File { bytes, modified_ms } => Entry::File {
                meta: FileMeta { size: bytes.len() as u64, modified_ms: *modified_ms },
                body: bytes.clone(),
            },
            Node::Directory => Entry::Directory,
        }))
    }

    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        match self.lookup(path).await? {
            None => return Err(FolderError::NotFound),
            Some(Entry::File { .. }) => return Err(FolderError::NotADirectory),
            Some(Entry::Directory) => {}
        }
        let nodes = self.nodes.borrow();
        let children = nodes
            .iter()
            .filter(|(child, _)| child.parent().as_ref() == Some(path))
            .filter_map(|(child, node)| {
                let meta = match node {
                    Node::File { bytes, modified_ms } => Metadata {
                        kind: EntryKind::File,
                        file: Some(FileMeta { size: bytes.len() as u64, modified_ms: *modified_ms }),
                    },
                    Node::Directory => Metadata { kind: EntryKind::Directory, file: None },
                };
                Some(DirEntry { name: child.name()?.to_owned(), meta })
            })
            .collect();
        Ok(children)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;

    #[test]
    fn listing_a_file_is_not_a_directory() {
        let folder = MemoryFolder::new();
        folder.insert_file("a.txt", b"", 0);
        let result = block_on(folder.list(&SafePath::parse("a.txt").unwrap()));
        assert_eq!(result, Err(FolderError::NotADirectory));
    }

    #[test]
    fn listing_a_missing_directory_is_not_found() {
        let result = block_on(MemoryFolder::new().list(&SafePath::parse("nope").unwrap()));
        assert_eq!(result, Err(FolderError::NotFound));
    }

    #[test]
    fn listing_shows_direct_children_only() {
        let folder = MemoryFolder::new();
        folder.insert_file("a/b/c.txt", b"", 0);
        folder.insert_file("a/d.txt", b"", 0);
        let names: Vec<String> = block_on(folder.list(&SafePath::parse("a").unwrap()))
            .unwrap()
            .into_iter()
            .map(|entry| entry.name)
            .collect();
        assert_eq!(names, ["b", "d.txt"]);
    }
}
