//! Searching the folder by name, and inside text files: what matches, which folders are
//! walked, which files are read, and the line shown for a match. The page walks the
//! folder through the FsNode API a directory at a time and asks this module about each
//! entry.

use crate::FileKind;
use crate::entry::{Entry, Lowercase};

/// The largest file read when searching inside files: past it, a "text" file is more
/// likely a log or a data dump than something a person wrote.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;
/// The longest line excerpt shown for a match inside a file, in characters.
const EXCERPT_CHARS: usize = 120;

/// What is searched for: the words typed, each of which must appear (any case, as
/// its `lowercase` has it).
#[derive(Clone, Debug)]
pub struct Query {
    words: Vec<String>,
    lowercase: Lowercase,
}

impl Query {
    /// The query for what was typed; `None` when nothing was.
    ///
    /// ```
    /// let query = owndir_view::search::Query::new("  Tax 2024 ", str::to_lowercase).unwrap();
    /// assert!(query.matches("tax-return-2024.pdf"));
    /// assert!(!query.matches("tax-return-2023.pdf"));
    /// assert!(owndir_view::search::Query::new("   ", str::to_lowercase).is_none());
    /// ```
    pub fn new(typed: &str, lowercase: Lowercase) -> Option<Query> {
        let words: Vec<String> = typed.split_whitespace().map(lowercase).collect();
        if words.is_empty() { None } else { Some(Query { words, lowercase }) }
    }

    /// True when every word is in `text`, ignoring case.
    pub fn matches(&self, text: &str) -> bool {
        let text = (self.lowercase)(text);
        self.words.iter().all(|word| text.contains(word.as_str()))
    }

    /// The first line of `text` holding every word, with its number (from 1) and an
    /// excerpt short enough for a results row, cut around the first word.
    ///
    /// ```
    /// let query = owndir_view::search::Query::new("milk", str::to_lowercase).unwrap();
    /// assert_eq!(query.matching_line("eggs\n- Milk, 2 l\n"), Some((2, "- Milk, 2 l".to_owned())));
    /// ```
    pub fn matching_line(&self, text: &str) -> Option<(usize, String)> {
        let (index, line) = text.lines().enumerate().find(|(_, line)| self.matches(line))?;
        Some((index + 1, self.excerpt(line.trim())))
    }

    fn excerpt(&self, line: &str) -> String {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() <= EXCERPT_CHARS {
            return line.to_owned();
        }
        // Where the first word starts, in characters of the lower-cased line: of the line
        // too, but for the few characters that lower-case to two (`İ`), which only moves
        // the excerpt a little.
        let lowered = (self.lowercase)(line);
        let at = lowered.find(self.words[0].as_str()).map_or(0, |byte| lowered[..byte].chars().count());
        let start = at.saturating_sub(EXCERPT_CHARS / 3).min(chars.len() - EXCERPT_CHARS);
        let end = start + EXCERPT_CHARS;
        let mut excerpt = String::new();
        if start > 0 {
            excerpt.push('…');
        }
        excerpt.extend(&chars[start..end]);
        if end < chars.len() {
            excerpt.push('…');
        }
        excerpt
    }
}

/// Whether the search goes into this directory: hidden ones only with "Show hidden".
pub fn walks_into(entry: &Entry, show_hidden: bool) -> bool {
    entry.is_directory && (show_hidden || !entry.is_hidden())
}

/// Whether this entry can be a result: hidden ones only with "Show hidden".
pub fn may_show(entry: &Entry, show_hidden: bool) -> bool {
    show_hidden || !entry.is_hidden()
}

/// Whether the search reads this file to look inside: text, code and Markdown up to
/// [`MAX_TEXT_BYTES`].
///
/// ```
/// use owndir_view::Entry;
/// let note = Entry { name: "todo.md".into(), is_directory: false, size: 120, mtime: 1 };
/// assert!(owndir_view::search::reads_inside(&note));
/// let photo = Entry { name: "cat.jpg".into(), ..note };
/// assert!(!owndir_view::search::reads_inside(&photo));
/// ```
pub fn reads_inside(entry: &Entry) -> bool {
    !entry.is_directory
        && entry.size > 0
        && entry.size <= MAX_TEXT_BYTES
        && matches!(FileKind::of(&entry.name), FileKind::Markdown | FileKind::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, is_directory: bool, size: u64) -> Entry {
        Entry { name: name.into(), is_directory, size, mtime: 1 }
    }

    #[test]
    fn names_match_every_word_in_any_case() {
        let query = Query::new("ÉTÉ photo", str::to_lowercase).unwrap();
        assert!(query.matches("Photos de l’été.zip"));
        assert!(!query.matches("été.zip"));
        assert!(Query::new("日本", str::to_lowercase).unwrap().matches("旅行-日本.jpg"));
    }

    #[test]
    fn long_lines_are_cut_around_the_match() {
        let line = format!("{}needle{}", "a".repeat(300), "b".repeat(300));
        let (number, excerpt) =
            Query::new("NEEDLE", str::to_lowercase).unwrap().matching_line(&format!("x\n{line}")).unwrap();
        assert_eq!(number, 2);
        assert!(excerpt.contains("needle"), "{excerpt}");
        assert!(excerpt.starts_with('…') && excerpt.ends_with('…'));
        assert!(excerpt.chars().count() <= EXCERPT_CHARS + 2);
        // At the end of a line too, and with characters wider than a byte.
        let line = format!("{}ünïcode", "é".repeat(400));
        let (_, excerpt) = Query::new("ÜNÏ", str::to_lowercase).unwrap().matching_line(&line).unwrap();
        assert!(excerpt.ends_with("ünïcode"), "{excerpt}");
        assert_eq!(Query::new("nothing", str::to_lowercase).unwrap().matching_line("a\nb"), None);
    }

    #[test]
    fn hidden_entries_only_with_show_hidden() {
        let hidden = entry(".git", true, 0);
        assert!(!walks_into(&hidden, false));
        assert!(walks_into(&hidden, true));
        assert!(!walks_into(&entry("a.txt", false, 1), true));
        assert!(!may_show(&entry(".env", false, 1), false));
        assert!(may_show(&entry(".env", false, 1), true));
    }

    #[test]
    fn only_text_files_up_to_the_limit_are_read() {
        assert!(reads_inside(&entry("main.rs", false, MAX_TEXT_BYTES)));
        assert!(!reads_inside(&entry("huge.log", false, MAX_TEXT_BYTES + 1)));
        assert!(!reads_inside(&entry("empty.txt", false, 0)));
        assert!(!reads_inside(&entry("notes", true, 0)));
        assert!(!reads_inside(&entry("movie.mp4", false, 10)));
    }
}
