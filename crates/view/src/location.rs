//! Which URL shows which path. Directories live at their own URL (`/notes/`), or under
//! `/@/browse/` when the page was opened there (docs/http.md; the file app whatever frame
//! the folder has). Files are always viewed under `/@/browse/`, since their own URL
//! serves the file itself.

use owndir_core::fs_api::FsCall;
use owndir_core::{PathError, RequestPath, SafePath};

/// Where the file app always answers (docs/http.md).
pub const BROWSE_PREFIX: &str = "/@/browse";

/// What a page URL shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The path inside the folder.
    pub path: SafePath,
    /// True when the URL named a directory (ends in `/`).
    pub is_directory: bool,
    /// True under `/@/browse/`.
    pub browse: bool,
}

impl Location {
    /// The location of a page's `pathname` (percent-encoded).
    ///
    /// ```
    /// use owndir_view::Location;
    /// let shown = Location::from_pathname("/@/browse/notes/caf%C3%A9.md").unwrap();
    /// assert_eq!(shown.path.to_string(), "notes/café.md");
    /// assert!(shown.browse && !shown.is_directory);
    /// ```
    pub fn from_pathname(pathname: &str) -> Result<Location, PathError> {
        let (rest, browse) = match pathname.strip_prefix(BROWSE_PREFIX) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => (rest, true),
            _ => (pathname, false),
        };
        let parsed = RequestPath::from_url_path(rest)?;
        Ok(Location { is_directory: parsed.trailing_slash || parsed.path.is_root(), path: parsed.path, browse })
    }

    /// The URL that shows directory `path`, in the same mode as this location.
    pub fn dir_href(&self, path: &SafePath) -> String {
        dir_href(path, self.browse)
    }
}

/// The URL that shows directory `path`: its own URL, or under `/@/browse/`.
///
/// ```
/// use owndir_core::SafePath;
/// let notes = SafePath::parse("my notes").unwrap();
/// assert_eq!(owndir_view::location::dir_href(&notes, false), "/my%20notes/");
/// assert_eq!(owndir_view::location::dir_href(&notes, true), "/@/browse/my%20notes/");
/// ```
pub fn dir_href(path: &SafePath, browse: bool) -> String {
    if browse { format!("{BROWSE_PREFIX}{}", path.to_dir_url()) } else { path.to_dir_url() }
}

/// The URL that shows file `path` in the file app.
///
/// ```
/// use owndir_core::SafePath;
/// let file = SafePath::parse("a/b #1.md").unwrap();
/// assert_eq!(owndir_view::location::file_href(&file), "/@/browse/a/b%20%231.md");
/// ```
pub fn file_href(path: &SafePath) -> String {
    format!("{BROWSE_PREFIX}{}", path.to_url())
}

/// The FsNode API URL for `call` on `path` (docs/http.md).
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_core::fs_api::FsCall;
/// let file = SafePath::parse("a/b c.txt").unwrap();
/// assert_eq!(owndir_view::location::api_url(&file, &FsCall::Write { append: false }), "/@/fs/a/b%20c.txt?call=write");
/// assert_eq!(owndir_view::location::api_url(&SafePath::root(), &FsCall::Children { info: true, kind: false }), "/@/fs/?call=children&info=1");
/// ```
pub fn api_url(path: &SafePath, call: &FsCall) -> String {
    format!("/@/fs{}?{}", path.to_url(), call.to_query())
}

/// The URL that downloads directory `path` as a zip (the worker streams it).
///
/// ```
/// use owndir_core::SafePath;
/// assert_eq!(owndir_view::location::zip_href(&SafePath::parse("a b").unwrap()), "/@/zip/a%20b/");
/// ```
pub fn zip_href(path: &SafePath) -> String {
    format!("/@/zip{}", path.to_dir_url())
}

/// The URL that downloads the entries `names` of directory `path` as one zip.
///
/// ```
/// use owndir_core::SafePath;
/// let names = ["a b.txt".to_owned(), "c&d".to_owned()];
/// assert_eq!(
///     owndir_view::location::zip_selection_href(&SafePath::parse("x").unwrap(), &names),
///     "/@/zip/x/?name=a%20b%2Etxt&name=c%26d"
/// );
/// ```
pub fn zip_selection_href<'a>(path: &SafePath, names: impl IntoIterator<Item = &'a String>) -> String {
    let query: Vec<String> = names
        .into_iter()
        .map(|name| format!("name={}", percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)))
        .collect();
    format!("{}?{}", zip_href(path), query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(pathname: &str) -> Location {
        Location::from_pathname(pathname).unwrap()
    }

    #[test]
    fn plain_and_browse_urls_name_the_same_paths() {
        let cases = [
            ("/", "", true, false),
            ("/notes/", "notes", true, false),
            ("/notes", "notes", false, false),
            ("/@/browse", "", true, true),
            ("/@/browse/", "", true, true),
            ("/@/browse/notes/", "notes", true, true),
            ("/@/browse/notes/a%20b.md", "notes/a b.md", false, true),
            ("/@/browsed/x", "@/browsed/x", false, false),
        ];
        for (pathname, path, is_directory, browse) in cases {
            let shown = location(pathname);
            assert_eq!(
                (shown.path.to_string().as_str(), shown.is_directory, shown.browse),
                (path, is_directory, browse),
                "{pathname}"
            );
        }
    }

    #[test]
    fn hostile_urls_are_refused() {
        for pathname in ["/@/browse/%2e%2e/x", "/a//b", "/a/%00", "/a%2Fb/"] {
            assert!(Location::from_pathname(pathname).is_err(), "{pathname}");
        }
    }

    #[test]
    fn hrefs_round_trip_through_locations() {
        for name in ["plain", "sp ace", "h#sh", "q?m", "per%cent", "plus+", "quo\"te", "café", "日本"] {
            let path = SafePath::parse(&format!("dir/{name}")).unwrap();
            let dir = location(&dir_href(&path, false));
            assert_eq!((dir.path.clone(), dir.is_directory, dir.browse), (path.clone(), true, false));
            let browsed = location(&dir_href(&path, true));
            assert_eq!((browsed.path.clone(), browsed.browse), (path.clone(), true));
            let file = location(&file_href(&path));
            assert_eq!((file.path, file.is_directory, file.browse), (path, false, true));
        }
    }
}
