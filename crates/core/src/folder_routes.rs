//! A folder's own handlers, from `D/.owndir/routes.js`: which of them a request meets,
//! and in what order (the order itself is in `content::serve_content_with`).
//!
//! As in OwnDir, a module exports `{ middleware: [...], routes: [...] }`, each entry
//! `[method, pattern, handler]`, the pattern relative to the folder that holds the module.
//! Middleware runs on the way down the path (root first), routes on the way back up
//! (deepest first), and the file itself comes between them, so a catch-all route can never
//! hide a file.

use crate::error::{ApiError, FolderError};
use crate::http::{HttpResponse, Method, ResponseBody};
use crate::path::SafePath;

/// The module of a folder's handlers, inside its `.owndir`.
pub const ROUTES_FILE: &str = "routes.js";

/// Which of a folder's handler lists a step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// On the way down, before child folders, static mounts below and the file.
    Middleware,
    /// On the way back up, after the file, before the frame or `404`.
    Routes,
}

/// What a level's handlers did with a request at one stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handled<R> {
    /// None answered (none matched, or each passed on): the request goes on.
    Passed,
    /// A handler answered.
    Answered(R),
    /// A handler that the request reached failed: it threw, its promise rejected, it
    /// called `next(error)`, or it answered with something that is not an answer. The
    /// request gets the `500` naming the place, at either stage.
    Failed(HandlerFailure),
    /// A module of the level cannot be loaded (a syntax error, an exception at load, a
    /// malformed entry), so nobody knows which requests its handlers would take. Its
    /// middleware is passed over, so the folder's mounts, files and listings are still
    /// served; a request that reaches its routes gets the `500`.
    Unloadable(HandlerFailure),
}

/// The handlers of every folder on a request's path. The service worker implements it
/// over the `routes.js` and `index.js` modules it evaluates; [`NoHandlers`] is a folder
/// without any.
#[allow(async_fn_in_trait)] // Futures are not Send: wasm in a worker is single-threaded.
pub trait FolderHandlers {
    /// What a handler answers with (a web `Response` in the worker).
    type Response;

    /// Runs `level`'s `stage` handlers that match the request, in their order, until one
    /// answers; `relative` is the request path relative to `level` (see [`relative_path`]).
    /// A handler's own failure is a [`Handled`] value, not an error: errors are the
    /// folder's own (a lookup that failed).
    async fn run(&self, level: &SafePath, stage: Stage, relative: &str)
    -> Result<Handled<Self::Response>, FolderError>;
}

/// No folder handlers at all: the plain OwnDir order of static mounts, file and frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHandlers;

impl FolderHandlers for NoHandlers {
    type Response = std::convert::Infallible;

    async fn run(&self, _: &SafePath, _: Stage, _: &str) -> Result<Handled<Self::Response>, FolderError> {
        Ok(Handled::Passed)
    }
}

/// The folders a request passes on its way down: the root, then each prefix of `path`,
/// `path` itself last.
///
/// ```
/// use owndir_core::{SafePath, folder_routes::levels};
/// let levels: Vec<String> = levels(&SafePath::parse("a/b").unwrap()).iter().map(ToString::to_string).collect();
/// assert_eq!(levels, ["", "a", "a/b"]);
/// ```
pub fn levels(path: &SafePath) -> Vec<SafePath> {
    let mut levels = vec![SafePath::root()];
    for name in path.segments() {
        let next = levels.last().and_then(|last| last.join(name).ok()).expect("segments of a SafePath are plain names");
        levels.push(next);
    }
    levels
}

/// The request path as a handler of `level` sees it: `/` and the rest of the path, with
/// the trailing slash the request had (`/` for the level itself).
///
/// ```
/// use owndir_core::{SafePath, folder_routes::relative_path};
/// let path = SafePath::parse("notes/api/log").unwrap();
/// assert_eq!(relative_path(&SafePath::parse("notes").unwrap(), &path, false), "/api/log");
/// assert_eq!(relative_path(&SafePath::root(), &path, true), "/notes/api/log/");
/// assert_eq!(relative_path(&path, &path, true), "/");
/// ```
pub fn relative_path(level: &SafePath, path: &SafePath, trailing_slash: bool) -> String {
    let rest = &path.segments()[level.segments().len().min(path.segments().len())..];
    let mut relative = format!("/{}", rest.join("/"));
    if trailing_slash && !rest.is_empty() {
        relative.push('/');
    }
    relative
}

/// Why a handler entry was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// The method is not an HTTP method name nor `all`.
    UnknownMethod(String),
    /// A `*` that is not the whole last segment.
    MisplacedWildcard(String),
    /// A `:` with no parameter name after it.
    UnnamedParameter(String),
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::UnknownMethod(method) => write!(formatter, "unknown method {method:?}"),
            PatternError::MisplacedWildcard(pattern) => {
                write!(formatter, "pattern {pattern:?}: `*` may only be the last segment")
            }
            PatternError::UnnamedParameter(pattern) => write!(formatter, "pattern {pattern:?}: `:` needs a name"),
        }
    }
}

impl std::error::Error for PatternError {}

/// The methods an entry answers: one, or `all`. `get` answers `HEAD` too, as in Express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MethodFilter {
    /// Every method.
    All,
    /// One method, upper-cased.
    Only(String),
}

impl MethodFilter {
    /// Parses `get`, `post`, … or `all`, case-insensitively.
    ///
    /// ```
    /// use owndir_core::{Method, folder_routes::MethodFilter};
    /// let get = MethodFilter::parse("get").unwrap();
    /// assert!(get.allows(&Method::Head));
    /// assert!(!get.allows(&Method::Post));
    /// assert!(MethodFilter::parse("all").unwrap().allows(&Method::Delete));
    /// assert!(MethodFilter::parse("fetch me").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<MethodFilter, PatternError> {
        let upper = name.trim().to_ascii_uppercase();
        if upper == "ALL" || upper == "*" {
            return Ok(MethodFilter::All);
        }
        // RFC 9110 §9.1: a method is a token.
        let is_token = !upper.is_empty() && upper.bytes().all(|byte| byte.is_ascii_alphabetic() || byte == b'-');
        if is_token { Ok(MethodFilter::Only(upper)) } else { Err(PatternError::UnknownMethod(name.to_owned())) }
    }

    /// Whether a request with `method` reaches the entry.
    pub fn allows(&self, method: &Method) -> bool {
        let name = method.as_str();
        match self {
            MethodFilter::All => true,
            MethodFilter::Only(only) => only == name || (only == "GET" && name == "HEAD"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter(String),
    Rest,
}

/// A route pattern: `/`-separated segments, each a literal name, a `:name` parameter
/// (one segment), or a last `*` (the rest, zero or more segments). A trailing slash on
/// either side does not matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    segments: Vec<Segment>,
}

/// What a matched pattern captured: `(name, value)` in pattern order; the rest of a `*`
/// is named `*`.
pub type Params = Vec<(String, String)>;

fn names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|name| !name.is_empty())
}

impl Pattern {
    /// Parses a pattern.
    ///
    /// ```
    /// use owndir_core::folder_routes::Pattern;
    /// let pattern = Pattern::parse("/notes/:id").unwrap();
    /// assert_eq!(pattern.matches("/notes/7"), Some(vec![("id".to_owned(), "7".to_owned())]));
    /// assert_eq!(pattern.matches("/notes/7/edit"), None);
    /// let rest = Pattern::parse("/files/*").unwrap();
    /// assert_eq!(rest.matches("/files/a/b.txt"), Some(vec![("*".to_owned(), "a/b.txt".to_owned())]));
    /// ```
    pub fn parse(pattern: &str) -> Result<Pattern, PatternError> {
        let parts: Vec<&str> = names(pattern).collect();
        let mut segments = Vec::with_capacity(parts.len());
        for (index, part) in parts.iter().enumerate() {
            let segment = if *part == "*" {
                if index + 1 != parts.len() {
                    return Err(PatternError::MisplacedWildcard(pattern.to_owned()));
                }
                Segment::Rest
            } else if part.contains('*') {
                return Err(PatternError::MisplacedWildcard(pattern.to_owned()));
            } else if let Some(name) = part.strip_prefix(':') {
                if name.is_empty() {
                    return Err(PatternError::UnnamedParameter(pattern.to_owned()));
                }
                Segment::Parameter(name.to_owned())
            } else {
                Segment::Literal((*part).to_owned())
            };
            segments.push(segment);
        }
        Ok(Pattern { segments })
    }

    /// The parameters when `relative` (a path as [`relative_path`] makes it, decoded)
    /// matches, else `None`.
    pub fn matches(&self, relative: &str) -> Option<Params> {
        self.matches_with(relative, None)
    }

    /// [`Pattern::matches`] with literal names compared regardless of case, as Express
    /// routers compare them by default (OwnDir's `index.js` handlers): both lowered by
    /// `lowercase`, `str::to_lowercase` or the platform's own (the worker's is the
    /// browser's `toLowerCase`: Rust's brings 16 KB of Unicode tables into the wasm).
    ///
    /// ```
    /// use owndir_core::folder_routes::Pattern;
    /// let pattern = Pattern::parse("/api/:id").unwrap();
    /// let params = Some(vec![("id".to_owned(), "Seven".to_owned())]);
    /// assert_eq!(pattern.matches_ignoring_case("/API/Seven", &str::to_lowercase), params);
    /// assert_eq!(pattern.matches("/API/Seven"), None);
    /// ```
    pub fn matches_ignoring_case(&self, relative: &str, lowercase: &dyn Fn(&str) -> String) -> Option<Params> {
        self.matches_with(relative, Some(lowercase))
    }

    fn matches_with(&self, relative: &str, lowercase: Option<&dyn Fn(&str) -> String>) -> Option<Params> {
        let mut given = names(relative);
        let mut params = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Rest => {
                    let rest: Vec<&str> = given.by_ref().collect();
                    params.push(("*".to_owned(), rest.join("/")));
                    return Some(params);
                }
                Segment::Literal(literal) => {
                    let name = given.next()?;
                    let same = match lowercase {
                        None => name == literal,
                        Some(lowercase) => lowercase(name) == lowercase(literal),
                    };
                    if !same {
                        return None;
                    }
                }
                Segment::Parameter(name) => params.push((name.clone(), given.next()?.to_owned())),
            }
        }
        given.next().is_none().then_some(params)
    }
}

/// A folder's module or handler that failed: a syntax error, an exception, a rejected
/// promise, a malformed entry, or an answer that is not a `Response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerFailure {
    /// The module's path in the folder (`notes/.owndir/routes.js`).
    pub file: String,
    /// Line and column in that file, where known.
    pub at: Option<(u32, u32)>,
    /// What went wrong, as the error said it.
    pub message: String,
}

impl HandlerFailure {
    /// `/<file>:<line>:<column>`, or `/<file>` where the place is unknown.
    pub fn place(&self) -> String {
        match self.at {
            Some((line, column)) => format!("/{}:{line}:{column}", self.file),
            None => format!("/{}", self.file),
        }
    }

    /// The `500` the request gets: a small page for a navigation, the API's JSON error
    /// otherwise. Either names the file and line.
    ///
    /// ```
    /// use owndir_core::folder_routes::HandlerFailure;
    /// let failure = HandlerFailure { file: "n/.owndir/routes.js".into(), at: Some((3, 9)), message: "SyntaxError: Unexpected token ';'".into() };
    /// let response = failure.to_response::<()>(false);
    /// assert_eq!(response.status, 500);
    /// assert_eq!(response.header("Content-Type"), Some(owndir_core::http::JSON));
    /// ```
    pub fn to_response<B>(&self, is_navigation: bool) -> HttpResponse<B> {
        let summary = format!("{}: {}", self.place(), self.message);
        if !is_navigation {
            return HttpResponse::error(&ApiError::new(500, format!("a folder handler failed at {summary}")));
        }
        let page = format!(
            "<!doctype html>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n\
             <title>500: a folder handler failed</title>\n<h1>A folder handler failed</h1>\n\
             <p>At <code>{}</code>:</p>\n<pre>{}</pre>\n",
            crate::html::escape(&self.place()),
            crate::html::escape(&self.message)
        );
        HttpResponse {
            status: 500,
            headers: vec![("Content-Type", "text/html; charset=utf-8".to_owned())],
            body: ResponseBody::Text(page),
        }
    }
}

/// Where a handler's failure happened, found in its error's stack: the first
/// `<file>:<line>:<column>` frame that names `file`.
///
/// ```
/// use owndir_core::folder_routes::locate_in_stack;
/// let stack = "TypeError: x is null\n    at get (http://h/n/.owndir/routes.js:12:7)\n    at run (sw.js:1:2)";
/// assert_eq!(locate_in_stack(stack, "http://h/n/.owndir/routes.js"), Some((12, 7)));
/// assert_eq!(locate_in_stack(stack, "http://h/other.js"), None);
/// ```
pub fn locate_in_stack(stack: &str, file: &str) -> Option<(u32, u32)> {
    let mut rest = stack;
    while let Some(found) = rest.find(file) {
        let after = &rest[found + file.len()..];
        let mut numbers = after
            .strip_prefix(':')
            .map(|tail| tail.split(|c: char| !c.is_ascii_digit()).take(2).map(|number| number.parse::<u32>().ok()));
        if let Some(numbers) = numbers.as_mut()
            && let (Some(Some(line)), Some(Some(column))) = (numbers.next(), numbers.next())
        {
            return Some((line, column));
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> SafePath {
        SafePath::parse(text).unwrap()
    }

    #[test]
    fn patterns_match_literals_parameters_and_the_rest() {
        type Case<'a> = (&'a str, &'a str, Option<&'a [(&'a str, &'a str)]>);
        let cases: &[Case] = &[
            ("/", "/", Some(&[])),
            ("", "/", Some(&[])),
            ("/", "/a", None),
            ("/api/log", "/api/log", Some(&[])),
            ("/api/log", "/api/log/", Some(&[])),
            ("api/log/", "/api/log", Some(&[])),
            ("/api/log", "/api", None),
            ("/api/log", "/API/log", None),
            ("/:a/:b", "/x/y z", Some(&[("a", "x"), ("b", "y z")])),
            ("/:a", "/", None),
            ("*", "/", Some(&[("*", "")])),
            ("/*", "/a/b/c", Some(&[("*", "a/b/c")])),
            ("/f/:name/*", "/f/n", Some(&[("name", "n"), ("*", "")])),
            ("/f/:name/*", "/f/n/1/2", Some(&[("name", "n"), ("*", "1/2")])),
            ("/日本/:x", "/日本/😀", Some(&[("x", "😀")])),
        ];
        for (pattern, relative, expected) in cases {
            let expected =
                expected.map(|pairs| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>());
            assert_eq!(Pattern::parse(pattern).unwrap().matches(relative), expected, "{pattern} ~ {relative}");
        }
    }

    #[test]
    fn malformed_patterns_are_refused_with_the_reason() {
        assert_eq!(Pattern::parse("/*/x"), Err(PatternError::MisplacedWildcard("/*/x".into())));
        assert_eq!(Pattern::parse("/a*"), Err(PatternError::MisplacedWildcard("/a*".into())));
        assert_eq!(Pattern::parse("/:/x"), Err(PatternError::UnnamedParameter("/:/x".into())));
        assert_eq!(MethodFilter::parse("g et"), Err(PatternError::UnknownMethod("g et".into())));
        assert_eq!(MethodFilter::parse(""), Err(PatternError::UnknownMethod("".into())));
    }

    #[test]
    fn methods_match_by_name_and_get_takes_head() {
        let post = MethodFilter::parse("POST").unwrap();
        assert!(post.allows(&Method::Post));
        assert!(!post.allows(&Method::Get));
        let patch = MethodFilter::parse("patch").unwrap();
        assert!(patch.allows(&Method::Other("PATCH".into())));
        assert!(!MethodFilter::parse("head").unwrap().allows(&Method::Get));
    }

    #[test]
    fn levels_run_from_the_root_to_the_path() {
        assert_eq!(levels(&SafePath::root()), [SafePath::root()]);
        assert_eq!(levels(&path("a/b/c")).len(), 4);
    }

    #[test]
    fn relative_paths_keep_the_trailing_slash() {
        let target = path("a/b");
        assert_eq!(relative_path(&SafePath::root(), &target, false), "/a/b");
        assert_eq!(relative_path(&path("a"), &target, true), "/b/");
        assert_eq!(relative_path(&target, &target, false), "/");
        assert_eq!(relative_path(&SafePath::root(), &SafePath::root(), true), "/");
    }

    #[test]
    fn a_failure_page_names_the_place_and_escapes_the_message() {
        let failure =
            HandlerFailure { file: "a/.owndir/routes.js".into(), at: Some((2, 5)), message: "Error: <b>&</b>".into() };
        let page = failure.to_response::<()>(true);
        assert_eq!((page.status, page.header("Content-Type")), (500, Some("text/html; charset=utf-8")));
        let ResponseBody::Text(html) = page.body else { panic!("a page") };
        assert!(html.contains("<code>/a/.owndir/routes.js:2:5</code>"), "{html}");
        assert!(html.contains("Error: &lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
        let json = failure.to_response::<()>(false);
        let ResponseBody::Text(json) = json.body else { panic!("json") };
        assert!(json.contains("/a/.owndir/routes.js:2:5: Error: <b>&</b>"), "{json}");
    }

    #[test]
    fn a_stack_frame_is_found_after_other_mentions_of_the_file() {
        let file = "http://127.0.0.1:9/a/.owndir/routes.js";
        let stack = format!("Error: bad {file}\n    at x ({file}:4:2)");
        assert_eq!(locate_in_stack(&stack, file), Some((4, 2)));
        assert_eq!(locate_in_stack("no frames", file), None);
    }
}
