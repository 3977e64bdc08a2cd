//! The file app's trash: what Delete does in the app. The FsNode API's `delete` still
//! removes for good (CONTRACT §3); the app instead moves an entry into `.trash/` at the
//! folder's top, under a name of its own, with a small JSON record beside it saying where
//! it came from and when it was deleted:
//!
//! ```text
//! .trash/1764409200000-report.txt              the file (or folder) itself
//! .trash/1764409200000-report.txt.trashinfo    {"original":"notes/report.txt","deleted":1764409200000,"isDirectory":false}
//! ```
//!
//! The name starts with the time of deletion, so expiry needs no reads, and two
//! deletions of the same name never meet. This module decides names, records, what is
//! in the trash, what has expired and where a restored entry goes; the page only moves.

use owndir_core::SafePath;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The trash folder's name, at the folder's top. A dotfile: hidden like the others.
pub const TRASH_DIR: &str = ".trash";
/// What a record's name adds to its entry's name.
pub const RECORD_SUFFIX: &str = ".trashinfo";
/// Days an entry stays in the trash before the app, when it next opens, removes it.
pub const KEEP_DAYS: u64 = 30;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The longest name part kept in a trash entry's name, in bytes. Chrome writes a file on
/// disk through `<name>.crswap`, so a written name may be 248 bytes at most; the record's
/// name is the entry's name plus [`RECORD_SUFFIX`] and the time in front of it.
const MAX_NAME_BYTES: usize = 200;

/// The record kept beside an entry in the trash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrashRecord {
    /// Where the entry was, relative to the folder's top, without a leading slash.
    pub original: String,
    /// When it was deleted, epoch ms.
    pub deleted: u64,
    /// True for a folder.
    #[serde(default)]
    pub is_directory: bool,
}

impl TrashRecord {
    /// A record read from the folder, kept only when its `original` is a safe path (a
    /// record is a file in the folder: anyone may have written it). The page reads the
    /// JSON with the browser's own parser (no JSON code in the page's wasm); its shape is
    /// `{"original":"a/b.txt","deleted":5,"isDirectory":false}`.
    pub fn checked(self) -> Option<TrashRecord> {
        self.original_path().map(|_| self)
    }

    /// Where the entry was.
    pub fn original_path(&self) -> Option<SafePath> {
        SafePath::parse(&self.original).ok().filter(|path| !path.is_root())
    }

    /// The entry's own name, as it was.
    pub fn name(&self) -> &str {
        self.original.rsplit('/').next().unwrap_or(&self.original)
    }
}

/// The trash folder.
pub fn trash_dir() -> SafePath {
    SafePath::parse(TRASH_DIR).unwrap_or_default()
}

/// True for the trash folder and anything in it: deleting those is for good.
///
/// ```
/// use owndir_core::SafePath;
/// assert!(owndir_view::trash::is_trash(&SafePath::parse(".trash/1-a.txt").unwrap()));
/// assert!(!owndir_view::trash::is_trash(&SafePath::parse("a/.trash").unwrap()));
/// ```
pub fn is_trash(path: &SafePath) -> bool {
    path.segments().first().is_some_and(|first| first == TRASH_DIR)
}

/// The name in the trash for an entry called `name` deleted at `deleted_ms`, none of
/// `taken` (the names already in the trash, and those chosen for this same deletion).
///
/// ```
/// use std::collections::BTreeSet;
/// let mut taken = BTreeSet::new();
/// let first = owndir_view::trash::item_name("a.txt", 7, &taken);
/// assert_eq!(first, "7-a.txt");
/// taken.insert(first);
/// assert_eq!(owndir_view::trash::item_name("a.txt", 7, &taken), "7-2-a.txt");
/// ```
pub fn item_name(name: &str, deleted_ms: u64, taken: &BTreeSet<String>) -> String {
    let mut end = name.len().min(MAX_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let name = &name[..end];
    let free = |candidate: &String| !taken.contains(candidate) && !taken.contains(&record_name(candidate));
    let first = format!("{deleted_ms}-{name}");
    if free(&first) {
        return first;
    }
    (2u64..).map(|n| format!("{deleted_ms}-{n}-{name}")).find(free).unwrap_or(first)
}

/// The record's name for the trash entry `item`.
pub fn record_name(item: &str) -> String {
    format!("{item}{RECORD_SUFFIX}")
}

/// When the trash entry `item` was deleted, from its name.
///
/// ```
/// assert_eq!(owndir_view::trash::deleted_at("1764409200000-a.txt"), Some(1764409200000));
/// assert_eq!(owndir_view::trash::deleted_at("notes.txt"), None);
/// ```
pub fn deleted_at(item: &str) -> Option<u64> {
    let (stamp, _) = item.split_once('-')?;
    if stamp.is_empty() || !stamp.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    stamp.parse().ok()
}

/// The trash's entries among the names in `.trash/`: each name with a record beside it.
/// A record without its entry, or an entry without its record, is not one.
///
/// ```
/// let names = ["1-a.txt", "1-a.txt.trashinfo", "2-b.trashinfo", "stray"].map(String::from);
/// assert_eq!(owndir_view::trash::items(&names), ["1-a.txt"]);
/// ```
pub fn items(names: &[String]) -> Vec<String> {
    let all = owndir_core::sort::set(names.iter().map(String::as_str));
    let mut found: Vec<String> = names
        .iter()
        .filter_map(|name| name.strip_suffix(RECORD_SUFFIX))
        .filter(|item| all.contains(item))
        .map(str::to_owned)
        .collect();
    owndir_core::sort::sort_by(&mut found, Ord::cmp);
    found
}

/// The names in `.trash/` to remove when the app opens at `now_ms`: entries deleted over
/// [`KEEP_DAYS`] days ago with their records, and records left without an entry as long.
/// Anything else in `.trash/` (a file someone put there) is not the app's to remove.
///
/// ```
/// let day = 24 * 60 * 60 * 1000;
/// let names = ["0-old.txt", "0-old.txt.trashinfo", "1-new.txt", "1-new.txt.trashinfo"].map(String::from);
/// assert_eq!(owndir_view::trash::expired(&names, 30 * day + 1), ["0-old.txt", "0-old.txt.trashinfo"]);
/// ```
pub fn expired(names: &[String], now_ms: u64) -> Vec<String> {
    let limit = now_ms.saturating_sub(KEEP_DAYS * DAY_MS);
    let old = |item: &str| deleted_at(item).is_some_and(|deleted| deleted < limit);
    let entries = items(names);
    names
        .iter()
        .filter(|name| match name.strip_suffix(RECORD_SUFFIX) {
            Some(item) => old(item),
            None => entries.contains(name) && old(name),
        })
        .cloned()
        .collect()
}

/// The `n`th name for an entry restored where its name is taken: `a (restored).txt`,
/// `a (restored 2).txt`, …
///
/// ```
/// assert_eq!(owndir_view::trash::restored_name("a.txt", 1), "a (restored).txt");
/// assert_eq!(owndir_view::trash::restored_name("box", 2), "box (restored 2)");
/// ```
pub fn restored_name(name: &str, n: u32) -> String {
    let suffix = if n <= 1 { " (restored)".to_owned() } else { format!(" (restored {n})") };
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem}{suffix}.{extension}"),
        _ => format!("{name}{suffix}"),
    }
}

/// Where an entry from the trash goes back: its old place, or when `taken` says that
/// name is used in its old folder, the first free restored name there.
///
/// ```
/// use owndir_core::SafePath;
/// let original = SafePath::parse("notes/a.txt").unwrap();
/// let target = owndir_view::trash::restore_target(&original, |name| name == "a.txt");
/// assert_eq!(target.to_string(), "notes/a (restored).txt");
/// ```
pub fn restore_target(original: &SafePath, taken: impl Fn(&str) -> bool) -> SafePath {
    let (Some(parent), Some(name)) = (original.parent(), original.name()) else { return original.clone() };
    if !taken(name) {
        return original.clone();
    }
    (1..=10_000u32)
        .filter_map(|n| parent.join(&restored_name(name, n)).ok())
        .find(|path| path.name().is_some_and(|candidate| !taken(candidate)))
        .unwrap_or_else(|| original.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json(text: &str) -> Option<TrashRecord> {
        serde_json::from_str::<TrashRecord>(text).ok()?.checked()
    }

    #[test]
    fn records_round_trip_and_refuse_unsafe_places() {
        let record = TrashRecord { original: "a b/café.md".into(), deleted: 1_764_409_200_000, is_directory: true };
        let stored = serde_json::to_string(&record).unwrap();
        assert_eq!(stored, r#"{"original":"a b/café.md","deleted":1764409200000,"isDirectory":true}"#);
        assert_eq!(from_json(&stored), Some(record.clone()));
        assert_eq!(record.name(), "café.md");
        for bad in [
            r#"{"original":"../etc/passwd","deleted":1}"#,
            r#"{"original":"","deleted":1}"#,
            r#"{"original":"a//b","deleted":1}"#,
            r#"{"deleted":1}"#,
            "not json",
        ] {
            assert_eq!(from_json(bad), None, "{bad}");
        }
        // Written by an older or newer app: unknown fields are fine, a missing kind is a file.
        let other = from_json(r#"{"original":"x","deleted":3,"extra":true}"#).unwrap();
        assert!(!other.is_directory);
    }

    #[test]
    fn two_deletions_of_one_name_never_collide() {
        let mut taken = BTreeSet::new();
        let mut chosen = Vec::new();
        for _ in 0..5 {
            let name = item_name("same.txt", 42, &taken);
            taken.insert(name.clone());
            chosen.push(name);
        }
        assert_eq!(chosen, ["42-same.txt", "42-2-same.txt", "42-3-same.txt", "42-4-same.txt", "42-5-same.txt"]);
        // A stray record of that name counts as taken too.
        let taken = BTreeSet::from(["9-x.trashinfo".to_owned()]);
        assert_eq!(item_name("x", 9, &taken), "9-2-x");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let long = "é".repeat(127);
        let name = item_name(&long, 1_764_409_200_000, &BTreeSet::new());
        assert!(record_name(&name).len() <= 248, "{}", name.len());
        assert!(SafePath::root().join(&record_name(&name)).is_ok());
        assert!(name.ends_with('é'));
    }

    #[test]
    fn entries_are_those_with_records() {
        let names = [
            "1-a.txt",
            "1-a.txt.trashinfo",
            "2-x.trashinfo", // the user's own file once called x.trashinfo …
            "2-x.trashinfo.trashinfo",
            "3-gone.txt.trashinfo",
            "4-norecord",
        ]
        .map(String::from);
        assert_eq!(items(&names), ["1-a.txt", "2-x.trashinfo"]);
    }

    #[test]
    fn only_what_is_over_thirty_days_old_expires() {
        let now = 100 * DAY_MS;
        let names = [
            format!("{}-old.txt", now - 31 * DAY_MS),
            format!("{}-old.txt.trashinfo", now - 31 * DAY_MS),
            format!("{}-edge.txt", now - 30 * DAY_MS),
            format!("{}-edge.txt.trashinfo", now - 30 * DAY_MS),
            format!("{}-fresh.txt", now - DAY_MS),
            format!("{}-fresh.txt.trashinfo", now - DAY_MS),
            format!("{}-orphan.txt.trashinfo", now - 40 * DAY_MS),
            "notes.txt".to_owned(),
            "2024-plan.txt".to_owned(),
        ];
        assert_eq!(expired(&names, now), [names[0].clone(), names[1].clone(), names[6].clone()]);
        assert!(expired(&names, 0).is_empty());
    }

    #[test]
    fn a_taken_place_gets_a_restored_name() {
        let original = SafePath::parse("a/b.tar.gz").unwrap();
        assert_eq!(restore_target(&original, |_| false), original);
        let taken = ["b.tar.gz", "b.tar (restored).gz"];
        let target = restore_target(&original, |name| taken.contains(&name));
        assert_eq!(target.to_string(), "a/b.tar (restored 2).gz");
        let hidden = SafePath::parse(".env").unwrap();
        assert_eq!(restore_target(&hidden, |name| name == ".env").to_string(), ".env (restored)");
    }

    #[test]
    fn the_trash_and_its_content_are_trash() {
        assert!(is_trash(&trash_dir()));
        assert!(!is_trash(&SafePath::root()));
        assert!(!is_trash(&SafePath::parse(".trashy").unwrap()));
    }
}
