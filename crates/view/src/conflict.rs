//! Conflict copies: the file a sync engine left beside another when two devices changed it
//! apart (`notes.sync-conflict-20261129-101010-ABCDEFG.md` beside `notes.md`), which the
//! listing marks, and the two texts side by side as a line diff (issue 16).
//!
//! Which names are conflict copies is the core's list (`owndir_core::sync_names`); this
//! module decides what the file app shows of them.

use crate::kind::FileKind;
use owndir_core::sync_names::conflict_original;
use serde::{Deserialize, Serialize};
use similar::DiffOp;
use similar::algorithms::{Capture, Replace, myers};
use std::collections::{BTreeMap, BTreeSet};

/// The listing's mark on a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A file with this many conflict copies beside it.
    HasCopies(usize),
    /// A conflict copy of the file named here (which may be gone).
    CopyOf(String),
}

impl Mark {
    /// The badge's tooltip: what the mark means and what to do.
    ///
    /// ```
    /// use owndir_view::conflict::Mark;
    /// assert_eq!(Mark::HasCopies(1).title(), "Two devices changed this file: open it to choose which version to keep");
    /// ```
    pub fn title(&self) -> String {
        match self {
            Mark::HasCopies(1) => "Two devices changed this file: open it to choose which version to keep".to_owned(),
            Mark::HasCopies(n) => {
                format!("Devices changed this file apart, {n} times: open it to choose which versions to keep")
            }
            Mark::CopyOf(original) => {
                format!("The other version of “{original}”, kept by the sync tool: open it to choose one")
            }
        }
    }
}

/// The marks of a directory's names: each conflict copy, and each file with copies beside
/// it. Names that are neither are absent.
///
/// ```
/// use owndir_view::conflict::{Mark, marks};
/// let names = ["a.txt", "a.sync-conflict-20261129-101010-ABCDEFG.txt", "b.txt"];
/// let marks = marks(names);
/// assert_eq!(marks.get("a.txt"), Some(&Mark::HasCopies(1)));
/// assert_eq!(marks.get("a.sync-conflict-20261129-101010-ABCDEFG.txt"), Some(&Mark::CopyOf("a.txt".into())));
/// assert_eq!(marks.get("b.txt"), None);
/// ```
pub fn marks<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, Mark> {
    let names = owndir_core::sort::set(names);
    let mut marks = BTreeMap::new();
    for name in &names {
        let Some(original) = conflict_original(name) else { continue };
        if names.contains(original.as_str()) {
            match marks.entry(original.clone()).or_insert(Mark::HasCopies(0)) {
                Mark::HasCopies(count) => *count += 1,
                // A copy of a copy: the name is marked as the copy it is.
                Mark::CopyOf(_) => {}
            }
        }
        marks.insert((*name).to_owned(), Mark::CopyOf(original));
    }
    marks
}

/// A file and one conflict copy of it, both present: what the conflict view compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The file's name (`notes.md`): where the kept version is written.
    pub original: String,
    /// The conflict copy's name: deleted once a version is kept.
    pub copy: String,
    /// True when the person opened the copy: it is then "this one", the original "the other".
    pub opened_copy: bool,
    /// How many more copies of the same file wait after this one.
    pub more: usize,
}

impl Pair {
    /// The name of the file opened ("this one").
    pub fn this(&self) -> &str {
        if self.opened_copy { &self.copy } else { &self.original }
    }

    /// The name of its counterpart ("the other").
    pub fn other(&self) -> &str {
        if self.opened_copy { &self.original } else { &self.copy }
    }
}

/// The pair to show when `name` is opened among `siblings` (its directory's names):
/// a copy with its original, or an original with its oldest copy (Syncthing's stamp sorts
/// by time). `None` when `name` is in no conflict.
///
/// ```
/// use owndir_view::conflict::pair;
/// let names = ["a.txt", "a.sync-conflict-20261129-101010-ABCDEFG.txt"];
/// let opened = pair("a.txt", names).unwrap();
/// assert_eq!((opened.this(), opened.other()), ("a.txt", "a.sync-conflict-20261129-101010-ABCDEFG.txt"));
/// assert!(pair("b.txt", names).is_none());
/// ```
pub fn pair<'a>(name: &str, siblings: impl IntoIterator<Item = &'a str>) -> Option<Pair> {
    let siblings = owndir_core::sort::set(siblings);
    // Either side gone (deleted or resolved elsewhere): no conflict left to show.
    if !siblings.contains(name) {
        return None;
    }
    if let Some(original) = conflict_original(name) {
        let copies = copies_of(&original, &siblings);
        return siblings.contains(original.as_str()).then(|| Pair {
            more: copies.len().saturating_sub(1),
            original,
            copy: name.to_owned(),
            opened_copy: true,
        });
    }
    let copies = copies_of(name, &siblings);
    let copy = copies.first()?;
    Some(Pair { original: name.to_owned(), copy: (*copy).to_owned(), opened_copy: false, more: copies.len() - 1 })
}

fn copies_of<'a>(original: &str, siblings: &BTreeSet<&'a str>) -> Vec<&'a str> {
    siblings.iter().copied().filter(|name| conflict_original(name).as_deref() == Some(original)).collect()
}

/// Files compared line by line at most this big (each side): past it a diff says little,
/// and Myers' diff of two texts with nothing in common costs (lines of both)² steps, which
/// at ~5,000 lines a side is a fraction of a second in the page. The view then offers the
/// choice without the diff.
pub const MAX_DIFF_BYTES: u64 = 256 * 1024;

/// Whether the two versions of `name`, of these sizes, are compared line by line: text
/// (by its name) and neither over [`MAX_DIFF_BYTES`]. Text holding a NUL is binary after
/// all: see [`looks_binary`].
///
/// ```
/// use owndir_view::conflict::is_diffable;
/// assert!(is_diffable("notes.md", 100, 120));
/// assert!(!is_diffable("photo.jpg", 100, 120));
/// assert!(!is_diffable("log.txt", 100, 2 * 1024 * 1024));
/// ```
pub fn is_diffable(name: &str, this_size: u64, other_size: u64) -> bool {
    FileKind::of(name).is_editable() && this_size <= MAX_DIFF_BYTES && other_size <= MAX_DIFF_BYTES
}

/// True when text read from a file holds a NUL near its start: it is binary.
pub fn looks_binary(text: &str) -> bool {
    text.chars().take(8_000).any(|c| c == '\0')
}

/// How a row of the side-by-side diff differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The same line on both sides.
    Same,
    /// A line on each side, different.
    Changed,
    /// A line on the left only.
    LeftOnly,
    /// A line on the right only.
    RightOnly,
}

impl Change {
    /// The row's class in the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Changed => "changed",
            Change::LeftOnly => "left-only",
            Change::RightOnly => "right-only",
        }
    }
}

/// One line of one side: its number (from 1) and its text without the line ending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The line's number in its file, from 1.
    pub number: usize,
    /// The text, without `\n` or `\r\n`.
    pub text: String,
}

/// A row of the side-by-side view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Row {
    /// A line on either side or both.
    Lines {
        /// The left file's line, if any.
        left: Option<Line>,
        /// The right file's line, if any.
        right: Option<Line>,
        /// How they differ.
        change: Change,
    },
    /// This many unchanged lines, not drawn.
    Folded(usize),
}

/// Unchanged lines kept around each change; longer unchanged runs are folded.
pub const CONTEXT_LINES: usize = 3;

/// `left` and `right` side by side, line by line (Myers' diff, as `git diff`): unchanged
/// lines beside each other, a changed block's lines paired in order, what one side has
/// alone beside a gap. Unchanged runs longer than twice [`CONTEXT_LINES`] are folded.
///
/// ```
/// use owndir_view::conflict::{Change, Row, side_by_side};
/// let rows = side_by_side("a\nb\nc\n", "a\nB\nc\n");
/// let changes: Vec<Change> = rows.iter().filter_map(|row| match row {
///     Row::Lines { change, .. } => Some(*change),
///     Row::Folded(_) => None,
/// }).collect();
/// assert_eq!(changes, [Change::Same, Change::Changed, Change::Same]);
/// ```
pub fn side_by_side(left: &str, right: &str) -> Vec<Row> {
    // Lines with their endings, as `git diff` compares them.
    let old: Vec<&str> = left.split_inclusive('\n').collect();
    let new: Vec<&str> = right.split_inclusive('\n').collect();
    // Myers alone, called directly: `TextDiff` would bring every algorithm into the page.
    let mut found = Replace::new(Capture::new());
    let Ok(()) = myers::diff(&mut found, &old, 0..old.len(), &new, 0..new.len());
    let (old, new) = (old.as_slice(), new.as_slice());
    let line = |lines: &[&str], index: usize| Line { number: index + 1, text: without_ending(lines[index]).to_owned() };
    let mut rows = Vec::new();
    for op in found.into_inner().into_ops() {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                let run: Vec<Row> = (0..len)
                    .map(|i| Row::Lines {
                        left: Some(line(old, old_index + i)),
                        right: Some(line(new, new_index + i)),
                        change: Change::Same,
                    })
                    .collect();
                rows.push(run);
            }
            DiffOp::Delete { old_index, old_len, .. } => rows.push(paired(old, old_index, old_len, new, 0, 0)),
            DiffOp::Insert { new_index, new_len, .. } => rows.push(paired(old, 0, 0, new, new_index, new_len)),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                rows.push(paired(old, old_index, old_len, new, new_index, new_len))
            }
        }
    }
    fold(rows)
}

/// A changed block: its lines paired in order, the longer side's rest beside gaps.
fn paired(old: &[&str], old_index: usize, old_len: usize, new: &[&str], new_index: usize, new_len: usize) -> Vec<Row> {
    (0..old_len.max(new_len))
        .map(|i| {
            let left = (i < old_len)
                .then(|| Line { number: old_index + i + 1, text: without_ending(old[old_index + i]).to_owned() });
            let right = (i < new_len)
                .then(|| Line { number: new_index + i + 1, text: without_ending(new[new_index + i]).to_owned() });
            let change = match (&left, &right) {
                (Some(_), Some(_)) => Change::Changed,
                (Some(_), None) => Change::LeftOnly,
                _ => Change::RightOnly,
            };
            Row::Lines { left, right, change }
        })
        .collect()
}

/// Joins the blocks, folding the middle of each unchanged run longer than the context
/// it keeps (all of it before the first change and after the last, but the context).
fn fold(blocks: Vec<Vec<Row>>) -> Vec<Row> {
    let last = blocks.len().saturating_sub(1);
    let mut rows = Vec::new();
    for (index, block) in blocks.into_iter().enumerate() {
        let unchanged = matches!(block.first(), Some(Row::Lines { change: Change::Same, .. }));
        let keep_before = if index == 0 { 0 } else { CONTEXT_LINES };
        let keep_after = if index == last { 0 } else { CONTEXT_LINES };
        if !unchanged || block.len() <= keep_before + keep_after + 1 || last == 0 {
            rows.extend(block);
            continue;
        }
        let hidden = block.len() - keep_before - keep_after;
        let mut block = block.into_iter();
        rows.extend(block.by_ref().take(keep_before));
        rows.push(Row::Folded(hidden));
        rows.extend(block.skip(hidden));
    }
    rows
}

fn without_ending(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// How many rows differ (changed, or on one side only).
pub fn differing_rows(rows: &[Row]) -> usize {
    rows.iter().filter(|row| matches!(row, Row::Lines { change, .. } if *change != Change::Same)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COPY: &str = "notes.sync-conflict-20261129-101010-ABCDEFG.md";
    const LATER_COPY: &str = "notes.sync-conflict-20261129-111111-HIJKLMN.md";

    fn changes(rows: &[Row]) -> Vec<Option<Change>> {
        rows.iter()
            .map(|row| match row {
                Row::Lines { change, .. } => Some(*change),
                Row::Folded(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_file_and_its_copies_are_marked_and_strangers_are_not() {
        let marks = marks(["notes.md", COPY, LATER_COPY, "todo.md", "orphan.sync-conflict-20261129-101010-X.txt"]);
        assert_eq!(marks.get("notes.md"), Some(&Mark::HasCopies(2)));
        assert_eq!(marks.get(COPY), Some(&Mark::CopyOf("notes.md".into())));
        assert_eq!(marks.get(LATER_COPY), Some(&Mark::CopyOf("notes.md".into())));
        assert_eq!(marks.get("todo.md"), None);
        // A copy whose original is gone is still marked: it is still the other version.
        assert_eq!(marks.get("orphan.sync-conflict-20261129-101010-X.txt"), Some(&Mark::CopyOf("orphan.txt".into())));
        assert_eq!(marks.get("orphan.txt"), None);
    }

    #[test]
    fn dropbox_copies_are_marked_too() {
        let marks = marks(["plan.txt", "plan (Ann's conflicted copy 2026-11-29).txt"]);
        assert_eq!(marks.get("plan.txt"), Some(&Mark::HasCopies(1)));
    }

    #[test]
    fn opening_the_original_pairs_it_with_its_oldest_copy() {
        let pair = pair("notes.md", ["notes.md", LATER_COPY, COPY]).unwrap();
        assert_eq!(pair, Pair { original: "notes.md".into(), copy: COPY.into(), opened_copy: false, more: 1 });
        assert_eq!((pair.this(), pair.other()), ("notes.md", COPY));
    }

    #[test]
    fn opening_a_copy_pairs_it_with_its_original() {
        let pair = pair(LATER_COPY, ["notes.md", LATER_COPY, COPY]).unwrap();
        assert_eq!(pair.copy, LATER_COPY);
        assert_eq!((pair.this(), pair.other()), (LATER_COPY, "notes.md"));
        assert_eq!(pair.more, 1);
    }

    #[test]
    fn a_copy_without_its_original_is_no_pair() {
        assert_eq!(pair(COPY, [COPY]), None);
        assert_eq!(pair("notes.md", ["notes.md"]), None);
        // Nor a file or a copy that is gone, though the other is there.
        assert_eq!(pair("notes.md", [COPY]), None);
        assert_eq!(pair(COPY, ["notes.md"]), None);
    }

    #[test]
    fn text_is_compared_and_binary_or_big_files_are_not() {
        assert!(is_diffable("notes.md", 10, 10));
        assert!(is_diffable("Makefile.txt", MAX_DIFF_BYTES, 0));
        assert!(!is_diffable("notes.md", MAX_DIFF_BYTES + 1, 0));
        assert!(!is_diffable("song.mp3", 10, 10));
        assert!(looks_binary("PK\u{3}\u{4}\0\0"));
        assert!(!looks_binary("plain text"));
    }

    #[test]
    fn changed_lines_sit_side_by_side_with_their_numbers() {
        let rows = side_by_side("one\ntwo\nthree\n", "one\nTWO\nthree\nfour\n");
        assert_eq!(
            changes(&rows),
            [Some(Change::Same), Some(Change::Changed), Some(Change::Same), Some(Change::RightOnly)]
        );
        let Row::Lines { left, right, .. } = &rows[1] else { panic!("a fold") };
        assert_eq!(left, &Some(Line { number: 2, text: "two".into() }));
        assert_eq!(right, &Some(Line { number: 2, text: "TWO".into() }));
        let Row::Lines { left, right, .. } = &rows[3] else { panic!("a fold") };
        assert_eq!((left, right), (&None, &Some(Line { number: 4, text: "four".into() })));
        assert_eq!(differing_rows(&rows), 2);
    }

    #[test]
    fn a_longer_block_on_one_side_leaves_gaps_on_the_other() {
        let rows = side_by_side("a\nx\nb\n", "a\ny1\ny2\ny3\nb\n");
        assert_eq!(
            changes(&rows),
            [
                Some(Change::Same),
                Some(Change::Changed),
                Some(Change::RightOnly),
                Some(Change::RightOnly),
                Some(Change::Same)
            ]
        );
        let rows = side_by_side("a\ngone\nb\n", "a\nb\n");
        assert_eq!(changes(&rows), [Some(Change::Same), Some(Change::LeftOnly), Some(Change::Same)]);
    }

    #[test]
    fn long_unchanged_runs_are_folded_around_the_change() {
        let left: String = (1..=40).map(|n| format!("line {n}\n")).collect();
        let right = left.replace("line 20\n", "line twenty\n");
        let rows = side_by_side(&left, &right);
        // 19 unchanged lines before: 16 folded, 3 kept; then the change; 3 kept, 17 folded.
        assert_eq!(rows.first(), Some(&Row::Folded(16)));
        assert_eq!(rows.last(), Some(&Row::Folded(17)));
        assert_eq!(rows.len(), 1 + 3 + 1 + 3 + 1);
        let Row::Lines { left, .. } = &rows[1] else { panic!("a fold") };
        assert_eq!(left.as_ref().map(|line| line.number), Some(17));
    }

    #[test]
    fn identical_texts_are_one_unfolded_run_and_endings_are_not_text() {
        let rows = side_by_side("a\r\nb\r\n", "a\r\nb\r\n");
        assert_eq!(changes(&rows), [Some(Change::Same), Some(Change::Same)]);
        let Row::Lines { left, .. } = &rows[0] else { panic!("a fold") };
        assert_eq!(left.as_ref().map(|line| line.text.as_str()), Some("a"));
        assert_eq!(differing_rows(&rows), 0);
    }

    #[test]
    fn a_missing_last_newline_is_a_change_of_that_line_only() {
        let rows = side_by_side("a\nb", "a\nb\n");
        assert_eq!(changes(&rows)[0], Some(Change::Same));
        assert_eq!(differing_rows(&rows), 1);
    }

    #[test]
    fn empty_against_text_is_all_one_side() {
        assert_eq!(changes(&side_by_side("", "a\nb\n")), [Some(Change::RightOnly), Some(Change::RightOnly)]);
        assert!(side_by_side("", "").is_empty());
    }
}
