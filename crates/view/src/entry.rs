//! A listing's entries: the order people expect, and what a filter leaves.

use serde::Deserialize;
use std::cmp::Ordering;

/// Lower-cases text, to compare names and words ignoring case: `str::to_lowercase`
/// natively; the page passes the browser's `toLowerCase`, so that its wasm carries no
/// Unicode case tables of its own.
pub type Lowercase = fn(&str) -> String;

/// One entry of a directory listing, as the worker sends it (`children&info=1`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The entry's name.
    pub name: String,
    /// True for a directory.
    pub is_directory: bool,
    /// Bytes (0 for a directory).
    #[serde(default)]
    pub size: u64,
    /// Modification time, epoch ms (0 when unknown).
    #[serde(default)]
    pub mtime: u64,
}

impl Entry {
    /// Dotfiles (`.owndir` among them) are hidden unless asked for, as in a file manager.
    pub fn is_hidden(&self) -> bool {
        self.name.starts_with('.')
    }
}

/// The column a listing is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// By name, numbers in names compared as numbers (`file2` before `file10`).
    #[default]
    Name,
    /// By size.
    Size,
    /// By modification time.
    Modified,
}

impl SortKey {
    /// The key's name in the page (`data-sort`) and in saved settings.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Modified => "modified",
        }
    }

    /// The key named `name`, if any.
    pub fn parse(name: &str) -> Option<SortKey> {
        [SortKey::Name, SortKey::Size, SortKey::Modified].into_iter().find(|key| key.as_str() == name)
    }
}

/// Ascending or descending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Smallest, oldest or A first.
    #[default]
    Ascending,
    /// Largest, newest or Z first.
    Descending,
}

impl SortOrder {
    /// The other order.
    pub fn flipped(self) -> SortOrder {
        match self {
            SortOrder::Ascending => SortOrder::Descending,
            SortOrder::Descending => SortOrder::Ascending,
        }
    }

    /// The `aria-sort` value.
    pub fn aria(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }
}

/// The entries to show, in order: folders first, then files, each sorted by `key`
/// (ties broken by name); hidden entries only with `show_hidden`; only names containing
/// `filter` (ignoring case, as `lowercase` has it) when it is not empty.
///
/// ```
/// use owndir_view::{Entry, SortKey, SortOrder, arrange};
/// let entry = |name: &str, is_directory| Entry { name: name.into(), is_directory, size: 0, mtime: 0 };
/// let entries = [entry("file10", false), entry(".git", true), entry("file2", false), entry("docs", true)];
/// let shown = arrange(&entries, SortKey::Name, SortOrder::Ascending, "", false, str::to_lowercase);
/// let names: Vec<_> = shown.iter().map(|entry| entry.name.as_str()).collect();
/// assert_eq!(names, ["docs", "file2", "file10"]);
/// ```
pub fn arrange<'a>(
    entries: &'a [Entry],
    key: SortKey,
    order: SortOrder,
    filter: &str,
    show_hidden: bool,
    lowercase: Lowercase,
) -> Vec<&'a Entry> {
    let filter = lowercase(filter.trim());
    // Each name lower-cased once, not at every comparison.
    let mut shown: Vec<(&Entry, String)> = entries
        .iter()
        .filter(|entry| show_hidden || !entry.is_hidden())
        .map(|entry| (entry, lowercase(&entry.name)))
        .filter(|(_, lower)| filter.is_empty() || lower.contains(&filter))
        .collect();
    owndir_core::sort::sort_by(&mut shown, |(a, a_lower), (b, b_lower)| {
        let by_name = || natural_cmp_lowered(&a.name, a_lower, &b.name, b_lower);
        let by_key = match key {
            SortKey::Name => by_name(),
            SortKey::Size => a.size.cmp(&b.size).then_with(by_name),
            SortKey::Modified => a.mtime.cmp(&b.mtime).then_with(by_name),
        };
        let by_key = if order == SortOrder::Descending { by_key.reverse() } else { by_key };
        // Folders stay on top whatever the order, as in every file manager.
        b.is_directory.cmp(&a.is_directory).then(by_key)
    });
    shown.into_iter().map(|(entry, _)| entry).collect()
}

/// Compares names as people read them: letters ignoring case (as `lowercase` has it),
/// runs of digits by value; equal-looking names fall back to code point order so the
/// order is total.
pub fn natural_cmp(a: &str, b: &str, lowercase: Lowercase) -> Ordering {
    natural_cmp_lowered(a, &lowercase(a), b, &lowercase(b))
}

/// [`natural_cmp`] of `a` and `b`, given them lower-cased.
fn natural_cmp_lowered(a: &str, a_lower: &str, b: &str, b_lower: &str) -> Ordering {
    // Slices of the names, not copies: a big folder's sort makes ~130,000 comparisons.
    let (mut left, mut right) = (a_lower, b_lower);
    loop {
        match (left.chars().next(), right.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let ((x_digits, x_rest), (y_digits, y_rest)) = (split_digits(left), split_digits(right));
                let (x_value, y_value) = (x_digits.trim_start_matches('0'), y_digits.trim_start_matches('0'));
                let by_value = x_value.len().cmp(&y_value.len()).then_with(|| x_value.cmp(y_value));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (left, right) = (x_rest, y_rest);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (left, right) = (&left[x.len_utf8()..], &right[y.len_utf8()..]);
            }
        }
    }
}

/// The run of ASCII digits `text` begins with, and the rest.
fn split_digits(text: &str) -> (&str, &str) {
    text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, is_directory: bool, size: u64, mtime: u64) -> Entry {
        Entry { name: name.into(), is_directory, size, mtime }
    }

    fn names(entries: &[&Entry]) -> Vec<String> {
        entries.iter().map(|entry| entry.name.clone()).collect()
    }

    fn sample() -> Vec<Entry> {
        vec![
            entry("b.txt", false, 300, 3),
            entry("A.txt", false, 100, 2),
            entry("zeta", true, 0, 9),
            entry(".hidden", false, 5, 1),
            entry("alpha", true, 0, 1),
            entry("c.bin", false, 200, 5),
        ]
    }

    #[test]
    fn folders_come_first_then_names_ignoring_case() {
        let entries = sample();
        let shown = arrange(&entries, SortKey::Name, SortOrder::Ascending, "", false, str::to_lowercase);
        assert_eq!(names(&shown), ["alpha", "zeta", "A.txt", "b.txt", "c.bin"]);
    }

    #[test]
    fn descending_keeps_folders_first() {
        let entries = sample();
        let shown = arrange(&entries, SortKey::Name, SortOrder::Descending, "", false, str::to_lowercase);
        assert_eq!(names(&shown), ["zeta", "alpha", "c.bin", "b.txt", "A.txt"]);
    }

    #[test]
    fn size_and_time_sort_each_way() {
        let entries = sample();
        let by_size = arrange(&entries, SortKey::Size, SortOrder::Descending, "", false, str::to_lowercase);
        assert_eq!(names(&by_size), ["zeta", "alpha", "b.txt", "c.bin", "A.txt"]);
        let by_time = arrange(&entries, SortKey::Modified, SortOrder::Ascending, "", false, str::to_lowercase);
        assert_eq!(names(&by_time), ["alpha", "zeta", "A.txt", "b.txt", "c.bin"]);
    }

    #[test]
    fn dotfiles_show_only_when_asked() {
        let entries = sample();
        assert!(
            !names(&arrange(&entries, SortKey::Name, SortOrder::Ascending, "", false, str::to_lowercase))
                .contains(&".hidden".into())
        );
        assert!(
            names(&arrange(&entries, SortKey::Name, SortOrder::Ascending, "", true, str::to_lowercase))
                .contains(&".hidden".into())
        );
    }

    #[test]
    fn the_filter_matches_part_of_a_name_ignoring_case() {
        let entries = sample();
        assert_eq!(
            names(&arrange(&entries, SortKey::Name, SortOrder::Ascending, " TXT ", false, str::to_lowercase)),
            ["A.txt", "b.txt"]
        );
        assert!(arrange(&entries, SortKey::Name, SortOrder::Ascending, "nothing", true, str::to_lowercase).is_empty());
    }

    #[test]
    fn numbers_in_names_compare_by_value() {
        let mut list = vec!["file10", "file2", "File1", "file02", "file", "a100b", "a20b"];
        list.sort_by(|a, b| natural_cmp(a, b, str::to_lowercase));
        assert_eq!(list, ["a20b", "a100b", "file", "File1", "file02", "file2", "file10"]);
    }

    #[test]
    fn the_order_is_total_for_names_equal_but_for_case() {
        assert_eq!(natural_cmp("a", "A", str::to_lowercase), "a".cmp("A"));
        assert_ne!(natural_cmp("Readme", "README", str::to_lowercase), Ordering::Equal);
    }

    #[test]
    fn entries_read_from_the_worker_listing() {
        let json = r#"[{"name":"a b","kind":"file","isFile":true,"isDirectory":false,"isSymLink":false,
            "size":12,"mtime":1700000000000,"ctime":1,"mode":33188,"mime":"text/plain"}]"#;
        let entries: Vec<Entry> = serde_json::from_str(json).unwrap();
        assert_eq!(entries, [entry("a b", false, 12, 1_700_000_000_000)]);
    }

    #[test]
    fn sort_keys_round_trip_through_their_names() {
        for key in [SortKey::Name, SortKey::Size, SortKey::Modified] {
            assert_eq!(SortKey::parse(key.as_str()), Some(key));
        }
        assert_eq!(SortKey::parse("colour"), None);
    }
}

#[cfg(test)]
mod wire {
    use super::Entry;
    use owndir_core::folder::{DirEntry, EntryKind, FileMeta, Metadata};
    use owndir_core::listing::{listing, listing_kinds};

    /// The listing the worker sends (the core's `Serialize`) is the listing the app reads
    /// (this crate's `Deserialize`): nothing else ties the two.
    #[test]
    fn the_core_listing_reads_back_as_entries() {
        let file =
            Metadata { kind: EntryKind::File, file: Some(FileMeta { size: 1234, modified_ms: 1_700_000_000_000 }) };
        let directory = Metadata { kind: EntryKind::Directory, file: None };
        let mut sent = listing(vec![
            DirEntry { name: "notes.md".into(), meta: file },
            DirEntry { name: "photos".into(), meta: directory },
        ]);
        sent[1].info.set_modified(1_600_000_000_000);
        let wire = serde_json::to_string(&sent).unwrap();
        let read: Vec<Entry> = serde_json::from_str(&wire).unwrap();
        let expected: Vec<Entry> = sent
            .iter()
            .map(|entry| Entry {
                name: entry.name.clone(),
                is_directory: entry.info.is_directory,
                size: entry.info.size,
                mtime: entry.info.mtime,
            })
            .collect();
        assert_eq!(read, expected);
        assert_eq!(
            (read[0].is_directory, read[0].size, read[0].mtime, read[1].is_directory, read[1].mtime),
            (false, 1234, 1_700_000_000_000, true, 1_600_000_000_000)
        );
    }

    /// The names-first listing (`children&kind=1`) reads as entries too, kinds right, with
    /// no size or time yet.
    #[test]
    fn the_core_kind_listing_reads_back_as_entries() {
        let sent = listing_kinds(vec![("photos".into(), EntryKind::Directory), ("notes.md".into(), EntryKind::File)]);
        let read: Vec<Entry> = serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
        let entry = |name: &str, is_directory| Entry { name: name.into(), is_directory, size: 0, mtime: 0 };
        assert_eq!(read, [entry("notes.md", false), entry("photos", true)]);
    }
}
