//! Safe paths inside the folder (docs/http.md).
//!
//! A URL path is split on `/` *before* percent-decoding, so `%2F` can never create a
//! separator, then each segment is decoded and must be a plain name: not empty, not `.`
//! or `..`, no `\`, no control characters, at most 255 bytes. A URL names at most
//! [`MAX_DEPTH`] of them.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::fmt;

/// Longest segment the folder accepts, in bytes (the common file-system name limit).
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Most names a path may hold. Answering a path visits every ancestor (static mounts,
/// routes, frames), which costs the square of its depth: without a limit one 2 MB URL
/// (`/a/a/a/…`) held the worker for hours. No real tree is this deep (Linux's PATH_MAX,
/// 4096 bytes, allows 2048 names; macOS's 1024 bytes, 512). Checked where paths come in
/// (URLs, API parameters, a move's destination); joins inside the core may go a few names
/// deeper (`<P>/.owndir/static/index.html`).
pub const MAX_DEPTH: usize = 256;

/// Characters left as they are when a path is put back into a URL: the RFC 3986
/// unreserved set. Everything else, `+`, `#`, `?`, `%` and non-ASCII included, is encoded.
const SEGMENT_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why a path was refused.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// An empty segment other than the last one (`a//b`).
    EmptySegment,
    /// A `.` segment, or a `..` that stays inside the folder.
    DotSegment,
    /// A `..` that would leave the folder.
    OutOfBounds,
    /// A segment holding `/` once decoded (`%2F`).
    EncodedSlash,
    /// A segment holding `\`.
    Backslash,
    /// A segment holding NUL or another control character.
    ControlCharacter,
    /// A segment longer than [`MAX_SEGMENT_BYTES`].
    SegmentTooLong,
    /// A segment whose decoded bytes are not UTF-8.
    NotUtf8,
    /// A path with more than [`MAX_DEPTH`] names.
    TooDeep,
}

impl PathError {
    /// The HTTP status for this refusal: 403 for leaving the folder, 414 (URI Too Long)
    /// for a path deeper than [`MAX_DEPTH`], 400 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            PathError::OutOfBounds => 403,
            PathError::TooDeep => 414,
            _ => 400,
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::EmptySegment => "the path has an empty segment",
            PathError::DotSegment => "the path has a '.' or '..' segment",
            PathError::OutOfBounds => "Out of Bounds",
            PathError::EncodedSlash => "a path segment holds an encoded '/'",
            PathError::Backslash => "a path segment holds '\\'",
            PathError::ControlCharacter => "a path segment holds a control character",
            PathError::SegmentTooLong => "a path segment is longer than 255 bytes",
            PathError::NotUtf8 => "a path segment is not valid UTF-8",
            PathError::TooDeep => "the path has more than 256 names",
        })
    }
}

impl std::error::Error for PathError {}

/// A path inside the folder made only of plain names; the empty path is the root.
///
/// ```
/// use owndir_core::SafePath;
/// let path = SafePath::parse("docs/a b.txt").unwrap();
/// assert_eq!(path.segments(), ["docs", "a b.txt"]);
/// assert_eq!(path.to_string(), "docs/a b.txt");
/// assert_eq!(path.to_url(), "/docs/a%20b.txt");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SafePath {
    segments: Vec<String>,
}

/// A request's path as the URL gave it: the safe path and whether it ended in `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPath {
    /// The path inside the folder.
    pub path: SafePath,
    /// True when the URL named a directory (`/docs/`), and for the root.
    pub trailing_slash: bool,
}

impl RequestPath {
    /// Parses a URL path (still percent-encoded, with or without its leading `/`) of at
    /// most [`MAX_DEPTH`] names.
    ///
    /// ```
    /// use owndir_core::{PathError, RequestPath};
    /// let parsed = RequestPath::from_url_path("/docs/caf%C3%A9/").unwrap();
    /// assert_eq!(parsed.path.to_string(), "docs/café");
    /// assert!(parsed.trailing_slash);
    /// assert_eq!(RequestPath::from_url_path("/%2e%2e/etc").unwrap_err(), PathError::OutOfBounds);
    /// ```
    pub fn from_url_path(encoded: &str) -> Result<RequestPath, PathError> {
        let trimmed = encoded.strip_prefix('/').unwrap_or(encoded);
        if trimmed.is_empty() {
            return Ok(RequestPath { path: SafePath::root(), trailing_slash: true });
        }
        let raw_segments: Vec<&str> = trimmed.split('/').collect();
        let last = raw_segments.len() - 1;
        let mut segments = Vec::with_capacity(raw_segments.len());
        let mut trailing_slash = false;
        for (index, raw) in raw_segments.into_iter().enumerate() {
            if raw.is_empty() {
                if index == last {
                    trailing_slash = true;
                    continue;
                }
                return Err(PathError::EmptySegment);
            }
            let decoded = percent_decode_str(raw).decode_utf8().map_err(|_| PathError::NotUtf8)?;
            if decoded == ".." {
                // `..` is refused either way; say "Out of Bounds" when it would climb
                // above the root, as OwnDir does.
                return Err(if segments.is_empty() { PathError::OutOfBounds } else { PathError::DotSegment });
            }
            if decoded.contains('/') {
                return Err(PathError::EncodedSlash);
            }
            if segments.len() == MAX_DEPTH {
                return Err(PathError::TooDeep);
            }
            segments.push(check_name(&decoded)?.to_owned());
        }
        Ok(RequestPath { path: SafePath { segments }, trailing_slash })
    }
}

/// Checks that `name` is a plain file name (one segment, already decoded).
fn check_name(name: &str) -> Result<&str, PathError> {
    if name.is_empty() {
        Err(PathError::EmptySegment)
    } else if name == "." || name == ".." {
        Err(PathError::DotSegment)
    } else if name.contains('/') {
        Err(PathError::EncodedSlash)
    } else if name.contains('\\') {
        Err(PathError::Backslash)
    } else if name.chars().any(char::is_control) {
        Err(PathError::ControlCharacter)
    } else if name.len() > MAX_SEGMENT_BYTES {
        Err(PathError::SegmentTooLong)
    } else {
        Ok(name)
    }
}

impl SafePath {
    /// The folder's root.
    pub fn root() -> SafePath {
        SafePath::default()
    }

    /// Parses a decoded, `/`-separated path such as `docs/notes.md`. Leading and trailing
    /// slashes are allowed; anything else must be plain names, at most [`MAX_DEPTH`] of them.
    ///
    /// ```
    /// use owndir_core::{PathError, SafePath};
    /// assert!(SafePath::parse("").unwrap().is_root());
    /// assert_eq!(SafePath::parse("a/../b").unwrap_err(), PathError::DotSegment);
    /// ```
    pub fn parse(decoded: &str) -> Result<SafePath, PathError> {
        let trimmed = decoded.trim_start_matches('/');
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Ok(SafePath::root());
        }
        let mut segments = Vec::new();
        for segment in trimmed.split('/') {
            if segment == ".." && segments.is_empty() {
                return Err(PathError::OutOfBounds);
            }
            segments.push(check_name(segment)?.to_owned());
            if segments.len() > MAX_DEPTH {
                return Err(PathError::TooDeep);
            }
        }
        Ok(SafePath { segments })
    }

    /// The names from the root down.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// True for the folder's root.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The last name, or `None` for the root.
    pub fn name(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    /// The containing directory, or `None` for the root.
    pub fn parent(&self) -> Option<SafePath> {
        let (_, parent) = self.segments.split_last()?;
        Some(SafePath { segments: parent.to_vec() })
    }

    /// This path with one more name, which must be a plain name.
    ///
    /// ```
    /// use owndir_core::SafePath;
    /// let docs = SafePath::parse("docs").unwrap();
    /// assert_eq!(docs.join("a.txt").unwrap().to_string(), "docs/a.txt");
    /// assert!(docs.join("../x").is_err());
    /// ```
    pub fn join(&self, name: &str) -> Result<SafePath, PathError> {
        let mut joined = self.clone();
        joined.push(name)?;
        Ok(joined)
    }

    /// Adds one more name, which must be a plain name: [`SafePath::join`] in place, so a
    /// path built name by name costs its length, not its length squared.
    ///
    /// ```
    /// use owndir_core::SafePath;
    /// let mut path = SafePath::root();
    /// path.push("a").unwrap();
    /// assert!(path.push("..").is_err());
    /// assert_eq!(path.to_string(), "a");
    /// ```
    pub fn push(&mut self, name: &str) -> Result<(), PathError> {
        self.segments.push(check_name(name)?.to_owned());
        Ok(())
    }

    /// Removes the last name and returns it; `None` for the root.
    ///
    /// ```
    /// use owndir_core::SafePath;
    /// let mut path = SafePath::parse("a/b").unwrap();
    /// assert_eq!(path.pop().as_deref(), Some("b"));
    /// assert_eq!(path.to_string(), "a");
    /// ```
    pub fn pop(&mut self) -> Option<String> {
        self.segments.pop()
    }

    /// The absolute, percent-encoded URL path (`/` for the root).
    pub fn to_url(&self) -> String {
        let mut url = String::new();
        for segment in &self.segments {
            url.push('/');
            url.extend(utf8_percent_encode(segment, SEGMENT_ENCODE));
        }
        if url.is_empty() {
            url.push('/');
        }
        url
    }

    /// The URL path of this path as a directory, ending in `/`.
    pub fn to_dir_url(&self) -> String {
        let mut url = self.to_url();
        if !url.ends_with('/') {
            url.push('/');
        }
        url
    }
}

/// One name percent-encoded as in our URLs (and RFC 8187's `filename*`): letters, digits
/// and `-._~` stay, the rest is encoded.
///
/// ```
/// assert_eq!(owndir_core::path::encode_component("a b/ü"), "a%20b%2F%C3%BC");
/// ```
pub fn encode_component(name: &str) -> String {
    utf8_percent_encode(name, SEGMENT_ENCODE).to_string()
}

impl fmt::Display for SafePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<(String, bool), PathError> {
        RequestPath::from_url_path(url).map(|parsed| (parsed.path.to_string(), parsed.trailing_slash))
    }

    #[test]
    fn plain_paths_parse_with_and_without_trailing_slash() {
        let cases: &[(&str, &str, bool)] = &[
            ("/", "", true),
            ("", "", true),
            ("/a", "a", false),
            ("/a/", "a", true),
            ("/a/b/c.txt", "a/b/c.txt", false),
            ("a/b", "a/b", false),
        ];
        for (url, path, slash) in cases {
            assert_eq!(parse(url), Ok((path.to_string(), *slash)), "{url}");
        }
    }

    #[test]
    fn awkward_names_are_decoded() {
        let cases: &[(&str, &str)] = &[
            ("/a%20b.txt", "a b.txt"),
            ("/%23hash%3F.md", "#hash?.md"),
            ("/100%25", "100%"),
            ("/a+b", "a+b"),
            ("/%22quoted%22%27", "\"quoted\"'"),
            ("/caf%C3%A9", "café"),
            ("/%E6%97%A5%E6%9C%AC", "日本"),
            ("/%F0%9F%98%80.png", "😀.png"),
            ("/e%CC%81", "e\u{301}"),
            ("/50%zz", "50%zz"),
        ];
        for (url, name) in cases {
            assert_eq!(parse(url), Ok((name.to_string(), false)), "{url}");
        }
    }

    #[test]
    fn hostile_paths_are_refused() {
        let long = "a".repeat(256);
        let long_url = format!("/{long}");
        let cases: &[(&str, PathError)] = &[
            ("/..", PathError::OutOfBounds),
            ("/../etc/passwd", PathError::OutOfBounds),
            ("/%2e%2e/x", PathError::OutOfBounds),
            ("/%2E%2E", PathError::OutOfBounds),
            ("/a/..", PathError::DotSegment),
            ("/a/%2e%2e/b", PathError::DotSegment),
            ("/./a", PathError::DotSegment),
            ("/a/%2e", PathError::DotSegment),
            ("//a", PathError::EmptySegment),
            ("/a//b", PathError::EmptySegment),
            ("/a%2Fb", PathError::EncodedSlash),
            ("/a%2f..%2fb", PathError::EncodedSlash),
            ("/a%5Cb", PathError::Backslash),
            ("/a\\b", PathError::Backslash),
            ("/a%00b", PathError::ControlCharacter),
            ("/a%0Ab", PathError::ControlCharacter),
            ("/a%7F", PathError::ControlCharacter),
            ("/a%C2%85", PathError::ControlCharacter),
            ("/%FF", PathError::NotUtf8),
            ("/%C0%AE%C0%AE", PathError::NotUtf8),
            (&long_url, PathError::SegmentTooLong),
        ];
        for (url, error) in cases {
            assert_eq!(parse(url), Err(error.clone()), "{url}");
        }
    }

    #[test]
    fn paths_deeper_than_max_depth_are_refused() {
        let deepest = "/a".repeat(MAX_DEPTH);
        assert!(RequestPath::from_url_path(&deepest).is_ok());
        assert!(SafePath::parse(&deepest).is_ok());
        let deeper = "/a".repeat(MAX_DEPTH + 1);
        assert_eq!(RequestPath::from_url_path(&deeper), Err(PathError::TooDeep));
        assert_eq!(RequestPath::from_url_path(&format!("{deeper}/")), Err(PathError::TooDeep));
        assert_eq!(SafePath::parse(&deeper), Err(PathError::TooDeep));
    }

    #[test]
    fn a_255_byte_name_is_accepted() {
        let name = "é".repeat(127) + "a";
        assert_eq!(name.len(), 255);
        let url = SafePath::root().join(&name).unwrap().to_url();
        assert_eq!(parse(&url), Ok((name, false)));
    }

    #[test]
    fn a_url_deeper_than_max_depth_is_414() {
        // Found by the `path` fuzz target: a deep URL took seconds (cubed in its depth).
        let deepest = "/a".repeat(MAX_DEPTH);
        assert_eq!(RequestPath::from_url_path(&deepest).unwrap().path.segments().len(), MAX_DEPTH);
        assert_eq!(RequestPath::from_url_path(&format!("{deepest}/")).map(|parsed| parsed.trailing_slash), Ok(true));
        assert_eq!(RequestPath::from_url_path(&format!("{deepest}/a")), Err(PathError::TooDeep));
        assert_eq!(RequestPath::from_url_path(&"/a".repeat(1_000_000)), Err(PathError::TooDeep));
        assert_eq!(PathError::TooDeep.status(), 414);
    }

    #[test]
    fn push_and_pop_change_the_path_in_place() {
        let mut path = SafePath::parse("a").unwrap();
        path.push("b c").unwrap();
        assert_eq!(path.push("x/y"), Err(PathError::EncodedSlash));
        assert_eq!(path.to_string(), "a/b c");
        assert_eq!(path.pop().as_deref(), Some("b c"));
        assert_eq!(path.pop().as_deref(), Some("a"));
        assert_eq!(path.pop(), None);
        assert!(path.is_root());
    }

    #[test]
    fn out_of_bounds_is_403_and_the_rest_400() {
        assert_eq!(PathError::OutOfBounds.status(), 403);
        assert_eq!(PathError::DotSegment.status(), 400);
        assert_eq!(PathError::OutOfBounds.to_string(), "Out of Bounds");
    }

    #[test]
    fn to_url_round_trips_through_parsing() {
        for name in ["a b", "#?%+", "\"'", "日本語", "😀", "e\u{301}", "a;b=c&d", "@x"] {
            let path = SafePath::parse("dir").unwrap().join(name).unwrap();
            let parsed = RequestPath::from_url_path(&path.to_url()).unwrap();
            assert_eq!(parsed.path, path, "{name}");
        }
    }

    #[test]
    fn root_urls() {
        assert_eq!(SafePath::root().to_url(), "/");
        assert_eq!(SafePath::root().to_dir_url(), "/");
        assert_eq!(SafePath::parse("a").unwrap().to_dir_url(), "/a/");
    }

    #[test]
    fn parent_and_name() {
        let path = SafePath::parse("a/b/c").unwrap();
        assert_eq!(path.name(), Some("c"));
        assert_eq!(path.parent().unwrap().to_string(), "a/b");
        assert_eq!(SafePath::root().parent(), None);
    }

    #[test]
    fn decoded_parse_refuses_what_urls_refuse() {
        assert_eq!(SafePath::parse("../a"), Err(PathError::OutOfBounds));
        assert_eq!(SafePath::parse("a//b"), Err(PathError::EmptySegment));
        assert_eq!(SafePath::parse("a\\b"), Err(PathError::Backslash));
        assert_eq!(SafePath::parse("/a/b/").unwrap().to_string(), "a/b");
    }
}
