//! Directory listings and entry info in the FsNode shape (`info`, docs/http.md).

use crate::error::FolderError;
use crate::folder::{DirEntry, EntryKind, Folder, Metadata};
use crate::path::SafePath;
use serde::Serialize;

/// `mode` as Node's `fs.stat` reports it: a regular file, `0644`.
const FILE_MODE: u32 = 0o100_644;
/// `mode` as Node's `fs.stat` reports it: a directory, `0755`.
const DIR_MODE: u32 = 0o040_755;

/// Files written half way: Chrome's `createWritable()` swap files (left beside a file
/// when a write is cut off, PLATFORM.md) and sync engines' files in flight
/// ([`crate::sync_names`]): never shown, served, reported or changed.
pub fn is_hidden_artifact(name: &str) -> bool {
    crate::sync_names::is_temporary(name)
}

/// FsNode's `info` for one entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// True for a file.
    pub is_file: bool,
    /// True for a directory.
    pub is_directory: bool,
    /// Always false: the File System Access API has no links.
    pub is_sym_link: bool,
    /// Bytes; 0 for a directory.
    pub size: u64,
    /// Modification time, epoch ms. A directory's is 0 here until [`Info::set_modified`]
    /// gives it the time [`directory_time`] decides, as every answer does: never 0 there.
    pub mtime: u64,
    /// Change time, epoch ms: the platform has none, so it is the modification time.
    pub ctime: u64,
    /// Unix mode bits, as Node reports them.
    pub mode: u32,
    /// The media type for a file whose type is known; `None` (JSON `null`) for a
    /// directory and for a file of unknown type, as OwnDir reports them.
    pub mime: Option<&'static str>,
}

impl Info {
    /// Sets the times to `modified_ms`: for directories, whose times the folder keeps
    /// apart. There is no separate change time on this platform.
    pub fn set_modified(&mut self, modified_ms: u64) {
        (self.mtime, self.ctime) = (modified_ms, modified_ms);
    }

    /// The info of an entry called `name`.
    pub fn new(name: &str, meta: &Metadata) -> Info {
        match (meta.kind, meta.file) {
            (EntryKind::File, file) => {
                let file = file.unwrap_or(crate::folder::FileMeta { size: 0, modified_ms: 0 });
                Info {
                    is_file: true,
                    is_directory: false,
                    is_sym_link: false,
                    size: file.size,
                    mtime: file.modified_ms,
                    ctime: file.modified_ms,
                    mode: FILE_MODE,
                    mime: crate::mime::known(name),
                }
            }
            (EntryKind::Directory, _) => Info {
                is_file: false,
                is_directory: true,
                is_sym_link: false,
                size: 0,
                mtime: 0,
                ctime: 0,
                mode: DIR_MODE,
                mime: None,
            },
        }
    }
}

/// One row of a listing: the name, its kind (`"file"` or `"directory"`) and its info,
/// flattened (`{"name", "kind", "isFile", …}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListingEntry {
    /// The child's name.
    pub name: String,
    /// `"file"` or `"directory"`, for readers that prefer one field to two booleans.
    pub kind: &'static str,
    /// Its info.
    #[serde(flatten)]
    pub info: Info,
}

/// The listing of a directory: swap files hidden, sorted by code point (Rust's `str`
/// order, since UTF-8 byte order is code point order).
///
/// ```
/// use owndir_core::folder::{DirEntry, EntryKind, Metadata};
/// use owndir_core::listing::listing;
/// let dir = Metadata { kind: EntryKind::Directory, file: None };
/// let entries = vec![
///     DirEntry { name: "b".into(), meta: dir },
///     DirEntry { name: "a.crswap".into(), meta: dir },
///     DirEntry { name: "B".into(), meta: dir },
/// ];
/// let names: Vec<_> = listing(entries).into_iter().map(|entry| entry.name).collect();
/// assert_eq!(names, ["B", "b"]);
/// ```
pub fn listing(entries: Vec<DirEntry>) -> Vec<ListingEntry> {
    shown_in_order(entries, |entry| &entry.name)
        .into_iter()
        .map(|entry| ListingEntry {
            info: Info::new(&entry.name, &entry.meta),
            kind: kind_name(entry.meta.kind),
            name: entry.name,
        })
        .collect()
}

/// One row of `children&kind=1`: what a directory's iteration tells without opening
/// anything, in the field names of a [`ListingEntry`] (`{"name", "kind", "isFile",
/// "isDirectory"}`), so a reader of full listings reads these too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindEntry {
    /// The child's name.
    pub name: String,
    /// `"file"` or `"directory"`.
    pub kind: &'static str,
    /// True for a file.
    pub is_file: bool,
    /// True for a directory.
    pub is_directory: bool,
}

/// The rows `children&kind=1` gives: those of [`listing`], in its order, with only names
/// and kinds.
///
/// ```
/// use owndir_core::folder::EntryKind;
/// use owndir_core::listing::listing_kinds;
/// let rows = listing_kinds(vec![("b".into(), EntryKind::File), ("a".into(), EntryKind::Directory)]);
/// assert_eq!(serde_json::to_string(&rows).unwrap(),
///     r#"[{"name":"a","kind":"directory","isFile":false,"isDirectory":true},{"name":"b","kind":"file","isFile":true,"isDirectory":false}]"#);
/// ```
pub fn listing_kinds(names: Vec<(String, EntryKind)>) -> Vec<KindEntry> {
    shown_in_order(names, |(name, _)| name)
        .into_iter()
        .map(|(name, kind)| KindEntry {
            name,
            kind: kind_name(kind),
            is_file: kind == EntryKind::File,
            is_directory: kind == EntryKind::Directory,
        })
        .collect()
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
    }
}

/// The names `children` gives without `info`: those of [`listing`], in its order.
pub fn listing_names(names: Vec<String>) -> Vec<String> {
    shown_in_order(names, |name| name)
}

/// What a listing shows, in its order: no swap files, names by code point (UTF-8 byte
/// order is code point order).
fn shown_in_order<T>(mut items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
    items.retain(|item| !is_hidden_artifact(name(item)));
    crate::sort::sort_by(&mut items, |a, b| name(a).cmp(name(b)));
    items
}

/// The listing as JSON.
pub fn listing_json(rows: &[ListingEntry]) -> String {
    serde_json::to_string(rows).unwrap_or_else(|_| "[]".to_owned())
}

/// A directory's time, never 0: the folder's own, or, the first time a folder that keeps
/// none meets the directory, the newest time of what it holds (files, and directories
/// whose time is kept), else `now_ms`, kept from then on so it does not move.
pub async fn directory_time<F: Folder>(folder: &F, path: &SafePath, now_ms: u64) -> Result<u64, FolderError> {
    if let Some(time) = folder.directory_time(path).await?.filter(|time| *time > 0) {
        return Ok(time);
    }
    let mut newest = 0;
    for entry in folder.list(path).await? {
        let time = match entry.meta.file {
            Some(file) => file.modified_ms,
            None => match path.join(&entry.name) {
                Ok(child) => folder.directory_time(&child).await?.unwrap_or(0),
                Err(_) => 0,
            },
        };
        newest = newest.max(time);
    }
    let time = if newest > 0 { newest } else { now_ms };
    folder.keep_directory_time(path, time).await?;
    Ok(time)
}

/// The listing of the directory at `path` (`children` with info), directories' times
/// included (see [`directory_time`]).
pub async fn listing_with_times<F: Folder>(
    folder: &F,
    path: &SafePath,
    now_ms: u64,
) -> Result<Vec<ListingEntry>, FolderError> {
    let mut rows = listing(folder.list(path).await?);
    for row in rows.iter_mut().filter(|row| row.info.is_directory) {
        let Ok(child) = path.join(&row.name) else { continue };
        row.info.set_modified(directory_time(folder, &child, now_ms).await?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folder::FileMeta;

    #[test]
    fn file_info_has_the_fsnode_shape() {
        let meta = Metadata { kind: EntryKind::File, file: Some(FileMeta { size: 5, modified_ms: 1_700_000_000_000 }) };
        let json = serde_json::to_value(listing(vec![DirEntry { name: "a.txt".into(), meta }])).unwrap()[0].clone();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "a.txt", "kind": "file", "isFile": true, "isDirectory": false, "isSymLink": false,
                "size": 5, "mtime": 1_700_000_000_000u64, "ctime": 1_700_000_000_000u64,
                "mode": 33188, "mime": "text/plain"
            })
        );
    }

    #[test]
    fn directory_info_has_no_size_and_no_mime() {
        let meta = Metadata { kind: EntryKind::Directory, file: None };
        let json = serde_json::to_value(Info::new("docs", &meta)).unwrap();
        assert_eq!(json["size"], 0);
        assert_eq!(json["mime"], serde_json::Value::Null);
        assert_eq!(json["isDirectory"], true);
    }

    #[test]
    fn listing_sorts_by_code_point() {
        let meta = Metadata { kind: EntryKind::Directory, file: None };
        let names = ["é", "z", "Z", "a", "日", "😀", "_"];
        let entries = names.iter().map(|name| DirEntry { name: name.to_string(), meta }).collect();
        let sorted: Vec<_> = listing(entries).into_iter().map(|entry| entry.name).collect();
        assert_eq!(sorted, ["Z", "_", "a", "z", "é", "日", "😀"]);
    }
}
