//! OwnDir's own module format, run beside our `routes.js`: `.owndir/index.js` exports
//! `{ O: { middleware: [...], routes: [...] } }` (or a function that makes such an
//! object), each entry `[method, path, ...handlers]` with Express handlers
//! `function (req, res, next)`. What a request's handlers meet is decided here; the
//! worker builds `req` and `res` and calls them.

use crate::folder_routes::Params;
use crate::http::Method;
use crate::path::{SafePath, encode_component};

/// OwnDir's module of a folder, inside its `.owndir`.
pub const INDEX_FILE: &str = "index.js";

/// How a module's handlers are called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleFormat {
    /// Ours (`routes.js`): `handler(request, ctx)` answers with a `Response`.
    Fetch,
    /// OwnDir's (`index.js`): Express handlers `(req, res, next)`, `this` the module.
    Express,
}

/// The modules a folder's `.owndir` may hold, in the order their handlers run at each
/// stage: ours first, then OwnDir's.
pub const MODULE_FILES: [(&str, ModuleFormat); 2] =
    [(crate::folder_routes::ROUTES_FILE, ModuleFormat::Fetch), (INDEX_FILE, ModuleFormat::Express)];

/// How `req.body` is read, by the request's `Content-Type`, as Express's `json()`,
/// `text()` and `urlencoded()` parsers choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` or `*+json`: `JSON.parse` of the text (`{}` when empty).
    Json,
    /// `text/*`: the text.
    Text,
    /// `application/x-www-form-urlencoded`: an object, repeated names as arrays.
    Form,
    /// No body to read (a `GET`, a `HEAD`), or a type no parser takes: `req.body` is `{}`
    /// and the bytes stay on the request for the handler (`req.request`).
    None,
}

impl BodyKind {
    /// The parser for a request with `method` and `content_type`.
    ///
    /// ```
    /// use owndir_core::Method;
    /// use owndir_core::owndir_module::BodyKind;
    /// assert_eq!(BodyKind::of(&Method::Post, Some("application/json; charset=utf-8")), BodyKind::Json);
    /// assert_eq!(BodyKind::of(&Method::Post, Some("application/x-www-form-urlencoded")), BodyKind::Form);
    /// assert_eq!(BodyKind::of(&Method::Put, Some("text/plain")), BodyKind::Text);
    /// assert_eq!(BodyKind::of(&Method::Post, Some("image/png")), BodyKind::None);
    /// assert_eq!(BodyKind::of(&Method::Get, Some("application/json")), BodyKind::None);
    /// ```
    pub fn of(method: &Method, content_type: Option<&str>) -> BodyKind {
        if method.is_read() {
            return BodyKind::None;
        }
        let essence =
            content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => BodyKind::Json,
            "application/x-www-form-urlencoded" => BodyKind::Form,
            json if json.starts_with("application/") && json.ends_with("+json") => BodyKind::Json,
            text if text.starts_with("text/") => BodyKind::Text,
            _ => BodyKind::None,
        }
    }

    /// The name the worker's JavaScript goes by.
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::Json => "json",
            BodyKind::Text => "text",
            BodyKind::Form => "form",
            BodyKind::None => "none",
        }
    }
}

/// Where a handler of `level` stands, as Express tells it: `req.baseUrl` (the folder's URL
/// path, `""` at the root, as for a router mounted there) and `req.path` (the rest,
/// percent-encoded as in the URL; `relative` is [`crate::folder_routes::relative_path`]).
///
/// ```
/// use owndir_core::SafePath;
/// use owndir_core::owndir_module::express_place;
/// let level = SafePath::parse("my notes").unwrap();
/// assert_eq!(express_place(&level, "/a b/"), ("/my%20notes".to_owned(), "/a%20b/".to_owned()));
/// assert_eq!(express_place(&SafePath::root(), "/"), (String::new(), "/".to_owned()));
/// ```
pub fn express_place(level: &SafePath, relative: &str) -> (String, String) {
    let base_url = if level.is_root() { String::new() } else { level.to_url() };
    // The names of `relative` are a SafePath's, which never hold a `/`.
    let path = relative.split('/').map(encode_component).collect::<Vec<_>>().join("/");
    (base_url, path)
}

/// `req.params` from a pattern's capture: Express names a `*` capture `0`.
///
/// ```
/// use owndir_core::owndir_module::express_params;
/// let params = vec![("id".to_owned(), "7".to_owned()), ("*".to_owned(), "a/b".to_owned())];
/// assert_eq!(express_params(params), [("id".to_owned(), "7".to_owned()), ("0".to_owned(), "a/b".to_owned())]);
/// ```
pub fn express_params(params: Params) -> Params {
    params.into_iter().map(|(name, value)| (if name == "*" { "0".to_owned() } else { name }, value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_by_their_type_only_when_a_method_may_carry_one() {
        let cases = [
            (Method::Post, Some("application/json"), BodyKind::Json),
            (Method::Put, Some("Application/JSON ; charset=UTF-8"), BodyKind::Json),
            (Method::Post, Some("application/ld+json"), BodyKind::Json),
            (Method::Other("PATCH".into()), Some("application/merge-patch+json"), BodyKind::Json),
            (Method::Post, Some("text/csv"), BodyKind::Text),
            (Method::Delete, Some("application/x-www-form-urlencoded"), BodyKind::Form),
            (Method::Post, Some("multipart/form-data; boundary=x"), BodyKind::None),
            (Method::Post, None, BodyKind::None),
            (Method::Head, Some("text/plain"), BodyKind::None),
        ];
        for (method, content_type, expected) in cases {
            assert_eq!(BodyKind::of(&method, content_type), expected, "{method:?} {content_type:?}");
        }
    }

    #[test]
    fn the_place_is_the_folder_s_url_and_the_encoded_rest() {
        let level = SafePath::parse("a/日本").unwrap();
        assert_eq!(express_place(&level, "/x%y/z"), ("/a/%E6%97%A5%E6%9C%AC".to_owned(), "/x%25y/z".to_owned()));
    }

    #[test]
    fn routes_js_runs_before_index_js() {
        assert_eq!(MODULE_FILES.map(|(file, _)| file), ["routes.js", "index.js"]);
    }
}
