//! An in-memory folder, for tests and examples.

use crate::error::FolderError;
use crate::folder::{DirEntry, Entry, EntryKind, FileMeta, Folder, Metadata};
use crate::path::SafePath;
use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Node {
    File { bytes: Vec<u8>, modified_ms: u64 },
    Directory { modified_ms: u64 },
}

impl Node {
    fn metadata(&self) -> Metadata {
        match self {
            Node::File { bytes, modified_ms } => Metadata {
                kind: EntryKind::File,
                file: Some(FileMeta { size: bytes.len() as u64, modified_ms: *modified_ms }),
            },
            Node::Directory { .. } => Metadata { kind: EntryKind::Directory, file: None },
        }
    }
}

/// A folder held in memory. Its file bodies are copies of the bytes; uploads are bytes.
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
        self.insert_parents(&path, modified_ms);
        self.nodes.borrow_mut().insert(path, Node::File { bytes: bytes.to_vec(), modified_ms });
    }

    /// Makes a directory at `path` and its parents.
    ///
    /// # Panics
    /// When `path` is not a safe path: this is for fixtures written by tests.
    pub fn insert_dir(&self, path: &str) {
        let path = SafePath::parse(path).expect("fixture paths are safe");
        self.insert_parents(&path, 0);
        self.nodes.borrow_mut().insert(path, Node::Directory { modified_ms: 0 });
    }

    /// The bytes of the file at `path`, if there is one.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        let path = SafePath::parse(path).ok()?;
        match self.nodes.borrow().get(&path) {
            Some(Node::File { bytes, .. }) => Some(bytes.clone()),
            _ => None,
        }
    }

    fn insert_parents(&self, path: &SafePath, modified_ms: u64) {
        let mut nodes = self.nodes.borrow_mut();
        let mut parent = path.parent();
        while let Some(dir) = parent {
            if dir.is_root() {
                break;
            }
            parent = dir.parent();
            nodes.entry(dir).or_insert(Node::Directory { modified_ms });
        }
    }

    /// Fails with `NotADirectory` when a file stands where a parent of `path` must be.
    fn check_parents(&self, path: &SafePath) -> Result<(), FolderError> {
        let nodes = self.nodes.borrow();
        let mut parent = path.parent();
        while let Some(dir) = parent {
            if let Some(Node::File { .. }) = nodes.get(&dir) {
                return Err(FolderError::NotADirectory);
            }
            parent = dir.parent();
        }
        Ok(())
    }

    fn is_under(path: &SafePath, ancestor: &SafePath) -> bool {
        path.segments().starts_with(ancestor.segments())
    }
}

impl Folder for MemoryFolder {
    type Body = Vec<u8>;
    type Upload = Vec<u8>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<Vec<u8>>>, FolderError> {
        if path.is_root() {
            return Ok(Some(Entry::Directory));
        }
        Ok(self.nodes.borrow().get(path).map(|node| match node {
            Node::File { bytes, modified_ms } => Entry::File {
                meta: FileMeta { size: bytes.len() as u64, modified_ms: *modified_ms },
                body: bytes.clone(),
            },
            Node::Directory { .. } => Entry::Directory,
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
            .filter_map(|(child, node)| Some(DirEntry { name: child.name()?.to_owned(), meta: node.metadata() }))
            .collect();
        Ok(children)
    }

    async fn write(&self, path: &SafePath, data: Vec<u8>, append: bool, now_ms: u64) -> Result<(), FolderError> {
        self.check_parents(path)?;
        let mut bytes = match self.nodes.borrow().get(path) {
            Some(Node::Directory { .. }) => return Err(FolderError::NotADirectory),
            Some(Node::File { bytes, .. }) if append => bytes.clone(),
            _ => Vec::new(),
        };
        bytes.extend_from_slice(&data);
        self.insert_parents(path, now_ms);
        self.nodes.borrow_mut().insert(path.clone(), Node::File { bytes, modified_ms: now_ms });
        Ok(())
    }

    async fn make_dir(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        if path.is_root() {
            return Ok(());
        }
        self.check_parents(path)?;
        match self.nodes.borrow().get(path) {
            Some(Node::File { .. }) => return Err(FolderError::NotADirectory),
            Some(Node::Directory { .. }) => return Ok(()),
            None => {}
        }
        self.insert_parents(path, now_ms);
        self.nodes.borrow_mut().insert(path.clone(), Node::Directory { modified_ms: now_ms });
        Ok(())
    }

    async fn touch(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        if path.is_root() {
            return Ok(());
        }
        let existing = self.nodes.borrow_mut().get_mut(path).map(|node| match node {
            Node::File { modified_ms, .. } | Node::Directory { modified_ms } => *modified_ms = now_ms,
        });
        match existing {
            Some(()) => Ok(()),
            None => self.write(path, Vec::new(), false, now_ms).await,
        }
    }

    async fn remove(&self, path: &SafePath) -> Result<(), FolderError> {
        self.nodes.borrow_mut().retain(|key, _| !MemoryFolder::is_under(key, path));
        Ok(())
    }

    async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
        let mut nodes = self.nodes.borrow_mut();
        if !nodes.contains_key(from) {
            return Err(FolderError::NotFound);
        }
        let moved: Vec<(SafePath, Node)> = nodes
            .iter()
            .filter(|(key, _)| MemoryFolder::is_under(key, from))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, node) in moved {
            nodes.remove(&key);
            let mut renamed = to.clone();
            for name in &key.segments()[from.segments().len()..] {
                renamed.push(name).map_err(|_| FolderError::NotFound)?;
            }
            nodes.insert(renamed, node);
        }
        Ok(())
    }

    async fn directory_time(&self, path: &SafePath) -> Result<Option<u64>, FolderError> {
        Ok(match self.nodes.borrow().get(path) {
            Some(Node::Directory { modified_ms }) => Some(*modified_ms),
            _ => None,
        })
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
