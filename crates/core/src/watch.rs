//! Change events for `sub` (docs/http.md): a tree's snapshot taken through a [`Folder`],
//! what changed between two snapshots, and how each change is sent as a server-sent event.
//!
//! The browser has no file watching in service workers, so the worker takes snapshots
//! (kind, size, modification time per path) and compares them: right after each change
//! made through the API, and every second while anyone listens, for changes made outside.

use crate::error::FolderError;
use crate::folder::{EntryKind, FileMeta, Folder, Metadata};
use crate::listing::is_hidden_artifact;
use crate::path::SafePath;
use serde::Serialize;
use std::collections::BTreeMap;

/// The kinds of change, as chokidar (OwnDir's watcher) names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// A file appeared.
    Add,
    /// A directory appeared.
    AddDir,
    /// A file's size or time changed.
    Change,
    /// A file went away.
    Unlink,
    /// A directory went away.
    UnlinkDir,
}

impl ChangeKind {
    const ALL: [ChangeKind; 5] =
        [ChangeKind::Add, ChangeKind::AddDir, ChangeKind::Change, ChangeKind::Unlink, ChangeKind::UnlinkDir];

    /// The event's name.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Add => "add",
            ChangeKind::AddDir => "addDir",
            ChangeKind::Change => "change",
            ChangeKind::Unlink => "unlink",
            ChangeKind::UnlinkDir => "unlinkDir",
        }
    }
}

/// One change: what happened, and where (relative to the folder's root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// Where.
    pub path: SafePath,
}

/// What a snapshot knows of one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EntryState {
    /// A directory.
    Directory,
    /// A file, with its size and modification time.
    File {
        /// Bytes.
        size: u64,
        /// Epoch ms.
        modified_ms: u64,
    },
}

impl EntryState {
    /// The state of an entry from its metadata.
    pub fn of(meta: &Metadata) -> EntryState {
        match meta.file {
            Some(FileMeta { size, modified_ms }) => EntryState::File { size, modified_ms },
            None => EntryState::Directory,
        }
    }
}

/// Every entry under a directory, by path, in path order (parents before children).
pub type Snapshot = BTreeMap<SafePath, EntryState>;

/// The changes that turn `old` into `new`: removals deepest first, then additions and
/// changes parents first, so replaying them in order is always possible.
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_core::watch::{ChangeKind, EntryState, Snapshot, diff};
/// let mut old = Snapshot::new();
/// old.insert(SafePath::parse("a.txt").unwrap(), EntryState::File { size: 1, modified_ms: 1 });
/// let mut new = old.clone();
/// new.insert(SafePath::parse("a.txt").unwrap(), EntryState::File { size: 2, modified_ms: 2 });
/// assert_eq!(diff(&old, &new)[0].kind, ChangeKind::Change);
/// ```
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut changes: Vec<Change> = old
        .iter()
        .rev()
        .filter(|(path, _)| !new.contains_key(*path))
        .map(|(path, state)| Change {
            kind: if *state == EntryState::Directory { ChangeKind::UnlinkDir } else { ChangeKind::Unlink },
            path: path.clone(),
        })
        .collect();
    for (path, state) in new {
        let kind = match (old.get(path), state) {
            (None, EntryState::Directory) => ChangeKind::AddDir,
            (None, EntryState::File { .. }) => ChangeKind::Add,
            (Some(before), now) if before == now => continue,
            // A file that became a directory, or the other way: gone, then new.
            (Some(EntryState::Directory), EntryState::File { .. }) => {
                changes.push(Change { kind: ChangeKind::UnlinkDir, path: path.clone() });
                ChangeKind::Add
            }
            (Some(EntryState::File { .. }), EntryState::Directory) => {
                changes.push(Change { kind: ChangeKind::Unlink, path: path.clone() });
                ChangeKind::AddDir
            }
            (Some(_), _) => ChangeKind::Change,
        };
        changes.push(Change { kind, path: path.clone() });
    }
    changes
}

/// A watched directory and how deep below it: what one look at the folder covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    /// The directory.
    pub path: SafePath,
    /// Levels of subdirectories looked into (`0`: the directory's own entries only);
    /// `None`: the whole subtree.
    pub depth: Option<u64>,
}

impl Watched {
    /// The name its snapshot and its events are stored under: the path, then `//depth`
    /// when the depth is limited (a path never holds `//`).
    ///
    /// ```
    /// use owndir_core::SafePath;
    /// use owndir_core::watch::Watched;
    /// let docs = SafePath::parse("docs").unwrap();
    /// assert_eq!(Watched { path: docs.clone(), depth: None }.key(), "docs");
    /// assert_eq!(Watched { path: docs, depth: Some(0) }.key(), "docs//0");
    /// ```
    pub fn key(&self) -> String {
        match self.depth {
            None => self.path.to_string(),
            Some(depth) => format!("{}//{depth}", self.path),
        }
    }
}

/// Every entry at or under `watched`'s directory in `folder`, to its depth, but the files
/// half written that nobody is shown. A watched directory that is gone (or is a file) has
/// nothing in it.
///
/// ```
/// use owndir_core::{MemoryFolder, SafePath, block_on};
/// use owndir_core::watch::{EntryState, Watched, snapshot};
/// let folder = MemoryFolder::new();
/// folder.insert_file("docs/a.txt", b"hi", 5);
/// let tree = Watched { path: SafePath::root(), depth: None };
/// let taken = block_on(snapshot(&folder, &tree)).unwrap();
/// assert_eq!(taken.get(&SafePath::parse("docs").unwrap()), Some(&EntryState::Directory));
/// assert_eq!(taken.len(), 2);
/// let own_entries = Watched { path: SafePath::root(), depth: Some(0) };
/// assert_eq!(block_on(snapshot(&folder, &own_entries)).unwrap().len(), 1);
/// ```
pub async fn snapshot<F: Folder>(folder: &F, watched: &Watched) -> Result<Snapshot, FolderError> {
    let mut snapshot = Snapshot::new();
    let mut pending = vec![(watched.path.clone(), 0)];
    while let Some((directory, level)) = pending.pop() {
        let entries = match folder.list(&directory).await {
            Ok(entries) => entries,
            Err(FolderError::NotFound | FolderError::NotADirectory) => continue,
            Err(error) => return Err(error),
        };
        let deeper = watched.depth.is_none_or(|depth| level < depth);
        for entry in entries.into_iter().filter(|entry| !is_hidden_artifact(&entry.name)) {
            let Ok(path) = directory.join(&entry.name) else { continue };
            if deeper && entry.meta.kind == EntryKind::Directory {
                pending.push((path.clone(), level + 1));
            }
            snapshot.insert(path, EntryState::of(&entry.meta));
        }
    }
    Ok(snapshot)
}

/// Which kinds a subscriber wants: `events=add,change`, or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFilter(Vec<ChangeKind>);

impl EventFilter {
    /// Every kind.
    pub fn all() -> EventFilter {
        EventFilter(ChangeKind::ALL.to_vec())
    }

    /// Reads the `events` parameter. Unknown names are an error, so typos do not silently
    /// subscribe to nothing.
    ///
    /// ```
    /// use owndir_core::watch::{ChangeKind, EventFilter};
    /// let filter = EventFilter::parse(Some("add, unlink")).unwrap();
    /// assert!(filter.wants(ChangeKind::Add) && !filter.wants(ChangeKind::Change));
    /// assert!(EventFilter::parse(None).unwrap().wants(ChangeKind::Change));
    /// assert!(EventFilter::parse(Some("all")).unwrap().wants(ChangeKind::UnlinkDir));
    /// assert!(EventFilter::parse(Some("created")).is_err());
    /// ```
    pub fn parse(events: Option<&str>) -> Result<EventFilter, String> {
        let names: Vec<&str> =
            events.unwrap_or_default().split(',').map(str::trim).filter(|name| !name.is_empty()).collect();
        // A list that names nothing (`events=`, `events=,`) is the default, all kinds, not
        // a subscription to nothing (`events=,` did that until the `routes` fuzz target).
        // `all` is OwnDir's name (chokidar's) for the same.
        if names.is_empty() || names.contains(&"all") {
            return Ok(EventFilter::all());
        }
        names
            .into_iter()
            .map(|name| {
                ChangeKind::ALL
                    .into_iter()
                    .find(|kind| kind.name() == name)
                    .ok_or_else(|| format!("unknown event {name}: use all, add, addDir, change, unlink or unlinkDir"))
            })
            .collect::<Result<_, _>>()
            .map(EventFilter)
    }

    /// The `events` parameter that asks for this filter: `None` for all kinds.
    ///
    /// ```
    /// use owndir_core::watch::EventFilter;
    /// assert_eq!(EventFilter::parse(Some("change,add")).unwrap().to_param().as_deref(), Some("change,add"));
    /// assert_eq!(EventFilter::all().to_param(), None);
    /// ```
    pub fn to_param(&self) -> Option<String> {
        if *self == EventFilter::all() {
            return None;
        }
        Some(self.0.iter().map(|kind| kind.name()).collect::<Vec<_>>().join(","))
    }

    /// Whether this kind is wanted.
    pub fn wants(&self, kind: ChangeKind) -> bool {
        self.0.contains(&kind)
    }

    /// Whether a subscriber at `subscribed` with this filter gets `change`: the kind is
    /// wanted and the change is at or under the subscribed path.
    pub fn accepts(&self, subscribed: &SafePath, change: &Change) -> bool {
        self.wants(change.kind) && change.path.segments().starts_with(subscribed.segments())
    }
}

#[derive(Serialize)]
struct EventData<'a> {
    event: &'static str,
    path: &'a str,
}

/// The change as JSON: `{"event": "add", "path": "docs/a.txt"}`.
pub fn event_json(change: &Change) -> String {
    let path = change.path.to_string();
    serde_json::to_string(&EventData { event: change.kind.name(), path: &path }).unwrap_or_default()
}

/// One server-sent event carrying `data` under `id` (its place in the event log, which a
/// reconnecting `EventSource` sends back as `Last-Event-ID`).
///
/// ```
/// assert_eq!(owndir_core::watch::sse_event(7, "{}"), "id: 7\ndata: {}\n\n");
/// ```
pub fn sse_event(id: u64, data: &str) -> String {
    format!("id: {id}\ndata: {data}\n\n")
}

/// A snapshot as JSON, to keep between worker starts: `[[path, state], …]`, where a state
/// is `"Directory"` or `{"File": {"size": 3, "modified_ms": 9}}`.
pub fn snapshot_to_json(snapshot: &Snapshot) -> String {
    let entries: Vec<(String, EntryState)> = snapshot.iter().map(|(path, state)| (path.to_string(), *state)).collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
}

/// A snapshot back from the entries of [`snapshot_to_json`], once the caller parsed the
/// JSON (the worker uses the browser's `JSON.parse`: serde_json's reader is a fifth of its
/// wasm); `None` when a path is not safe.
pub fn snapshot_from_entries(entries: impl IntoIterator<Item = (String, EntryState)>) -> Option<Snapshot> {
    // Inserted one by one: collecting into the map sorts first (a stable sort and a bulk
    // build, ~6 KB of the worker's wasm) what is already in order.
    let mut snapshot = Snapshot::new();
    for (path, state) in entries {
        snapshot.insert(SafePath::parse(&path).ok()?, state);
    }
    Some(snapshot)
}

/// A change back from the two fields of [`event_json`], parsed as for
/// [`snapshot_from_entries`].
pub fn change_from_fields(event: &str, path: &str) -> Option<Change> {
    let kind = ChangeKind::ALL.into_iter().find(|kind| kind.name() == event)?;
    Some(Change { kind, path: SafePath::parse(path).ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folder_cases::TestableFolder;
    use crate::{MemoryFolder, StdFolder, block_on};

    async fn tree_taken_and_compared<F: TestableFolder>(folder: &F) -> Result<(), String> {
        let write = |at: &'static str| async move {
            folder.write(&path(at), F::upload(b"x"), false, 1_700_000_000_000).await.map_err(|error| error.to_string())
        };
        write("w/a.txt").await?;
        write("w/d/b.txt").await?;
        write("other.txt").await?;
        let watched = Watched { path: path("w"), depth: None };
        let before = super::snapshot(folder, &watched).await.map_err(|error| error.to_string())?;
        let paths: Vec<String> = before.keys().map(SafePath::to_string).collect();
        if paths != ["w/a.txt", "w/d", "w/d/b.txt"] {
            return Err(format!("{paths:?}"));
        }
        folder.remove(&path("w/d")).await.map_err(|error| error.to_string())?;
        write("w/c.txt").await?;
        let after = super::snapshot(folder, &watched).await.map_err(|error| error.to_string())?;
        let changes = names(&diff(&before, &after));
        if changes != ["unlink w/d/b.txt", "unlinkDir w/d", "add w/c.txt"] {
            return Err(format!("{changes:?}"));
        }
        // A watched directory that is gone, or a file, has nothing in it.
        for gone in ["w/d", "other.txt"] {
            let gone = Watched { path: path(gone), depth: None };
            let taken = super::snapshot(folder, &gone).await.map_err(|error| error.to_string())?;
            if !taken.is_empty() {
                return Err(format!("{gone:?}: {taken:?}"));
            }
        }
        // A limited depth: the directory's own entries, then one level of subdirectories.
        write("w/d2/e/f.txt").await?;
        let own = ["w/a.txt", "w/c.txt", "w/d2"];
        for (depth, wanted) in [(Some(0), own.to_vec()), (Some(1), [&own[..], &["w/d2/e"]].concat())] {
            let limited = Watched { path: path("w"), depth };
            let taken = super::snapshot(folder, &limited).await.map_err(|error| error.to_string())?;
            let paths: Vec<String> = taken.keys().map(SafePath::to_string).collect();
            if paths != wanted {
                return Err(format!("depth {depth:?}: {paths:?}"));
            }
        }
        Ok(())
    }

    #[test]
    fn snapshots_of_a_tree_tell_what_changed_in_memory_and_on_disk() {
        assert_eq!(block_on(tree_taken_and_compared(&MemoryFolder::new())), Ok(()), "in memory");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(block_on(tree_taken_and_compared(&StdFolder::new(dir.path()))), Ok(()), "on disk");
    }

    #[test]
    fn a_snapshot_leaves_out_files_half_written() {
        let folder = MemoryFolder::new();
        folder.insert_file("a.txt", b"x", 1);
        folder.insert_file("a.txt.crswap", b"x", 1);
        let taken = block_on(super::snapshot(&folder, &Watched { path: SafePath::root(), depth: None })).unwrap();
        assert_eq!(taken.keys().map(SafePath::to_string).collect::<Vec<_>>(), ["a.txt"]);
    }

    fn path(text: &str) -> SafePath {
        SafePath::parse(text).unwrap()
    }

    fn file(size: u64, modified_ms: u64) -> EntryState {
        EntryState::File { size, modified_ms }
    }

    fn snapshot(entries: &[(&str, EntryState)]) -> Snapshot {
        entries.iter().map(|(name, state)| (path(name), *state)).collect()
    }

    fn names(changes: &[Change]) -> Vec<String> {
        changes.iter().map(|change| format!("{} {}", change.kind.name(), change.path)).collect()
    }

    #[test]
    fn additions_come_parents_first() {
        let new = snapshot(&[("d", EntryState::Directory), ("d/e", EntryState::Directory), ("d/e/f.txt", file(1, 1))]);
        assert_eq!(names(&diff(&Snapshot::new(), &new)), ["addDir d", "addDir d/e", "add d/e/f.txt"]);
    }

    #[test]
    fn removals_come_deepest_first() {
        let old = snapshot(&[("d", EntryState::Directory), ("d/f.txt", file(1, 1))]);
        assert_eq!(names(&diff(&old, &Snapshot::new())), ["unlink d/f.txt", "unlinkDir d"]);
    }

    #[test]
    fn a_new_size_or_time_is_a_change() {
        let old = snapshot(&[("a", file(1, 1)), ("b", file(1, 1)), ("c", file(1, 1))]);
        let new = snapshot(&[("a", file(2, 1)), ("b", file(1, 2)), ("c", file(1, 1))]);
        assert_eq!(names(&diff(&old, &new)), ["change a", "change b"]);
    }

    #[test]
    fn a_file_replaced_by_a_directory_is_unlinked_then_added() {
        let old = snapshot(&[("x", file(1, 1))]);
        let new = snapshot(&[("x", EntryState::Directory)]);
        assert_eq!(names(&diff(&old, &new)), ["unlink x", "addDir x"]);
    }

    #[test]
    fn filters_take_kinds_and_the_subtree() {
        let filter = EventFilter::parse(Some("add")).unwrap();
        let added = Change { kind: ChangeKind::Add, path: path("docs/a.txt") };
        assert!(filter.accepts(&path("docs"), &added));
        assert!(filter.accepts(&SafePath::root(), &added));
        assert!(!filter.accepts(&path("other"), &added));
        assert!(!filter.accepts(&path("doc"), &added), "a name prefix is not a parent");
        assert!(!filter.accepts(&path("docs"), &Change { kind: ChangeKind::Unlink, ..added.clone() }));
    }

    #[test]
    fn a_list_naming_no_kind_means_every_kind() {
        // `events=,` subscribed to nothing before the `routes` fuzz target found it.
        for events in [None, Some(""), Some(" "), Some(","), Some(" , ,")] {
            let filter = EventFilter::parse(events).unwrap();
            assert!(ChangeKind::ALL.into_iter().all(|kind| filter.wants(kind)), "{events:?}");
        }
        assert_eq!(EventFilter::parse(Some(",add,")), EventFilter::parse(Some("add")));
    }

    #[test]
    fn snapshots_round_trip_as_json() {
        let tree = snapshot(&[("d", EntryState::Directory), ("d/ü x.txt", file(3, 9))]);
        let json = snapshot_to_json(&tree);
        assert_eq!(json, r#"[["d","Directory"],["d/ü x.txt",{"File":{"size":3,"modified_ms":9}}]]"#);
        // Read back as the worker does, field by field.
        let parsed: Vec<(String, serde_json::Value)> = serde_json::from_str(&json).unwrap();
        let entries = parsed.into_iter().map(|(path, state)| {
            let state = match &state["File"] {
                serde_json::Value::Null => EntryState::Directory,
                file => EntryState::File {
                    size: file["size"].as_u64().unwrap(),
                    modified_ms: file["modified_ms"].as_u64().unwrap(),
                },
            };
            (path, state)
        });
        assert_eq!(snapshot_from_entries(entries), Some(tree));
    }

    #[test]
    fn unsafe_paths_make_no_snapshot() {
        assert_eq!(snapshot_from_entries([("../x".to_owned(), EntryState::Directory)]), None);
    }

    #[test]
    fn events_round_trip_as_json() {
        let change = Change { kind: ChangeKind::UnlinkDir, path: path("a b/ü") };
        assert_eq!(event_json(&change), r#"{"event":"unlinkDir","path":"a b/ü"}"#);
        assert_eq!(change_from_fields("unlinkDir", "a b/ü"), Some(change));
        assert_eq!(change_from_fields("rename", "a"), None);
    }
}
