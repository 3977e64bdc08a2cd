//! Which part of the runtime answers a URL path.

/// The prefix reserved for the runtime (docs/http.md): it never maps into the folder.
pub const RUNTIME_PREFIX: &str = "/@/";

/// Where a request goes, from its URL path (still percent-encoded).
///
/// ```
/// use owndir_core::Route;
/// assert_eq!(Route::of("/@/status"), Route::Status);
/// assert_eq!(Route::of("/@/app/style.css"), Route::AppAsset);
/// assert_eq!(Route::of("/@/browse/docs/"), Route::Browse("docs/"));
/// assert_eq!(Route::of("/docs/a.txt"), Route::Content("/docs/a.txt"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/@/status`: the connection state.
    Status,
    /// `/@/app/…`: the default app's own files, from the worker's cache.
    AppAsset,
    /// `/@/browse/<P>`: the default app showing `P`.
    Browse(&'a str),
    /// `/@/fs/<P>`: the FsNode API; the path after `/@/fs` (`""` or `/…`).
    Fs(&'a str),
    /// `/@/zip/<P>/`: directory `P` as a zip download; the path after `/@/zip`.
    Zip(&'a str),
    /// `/@/fsnode.js`: the client library, from the worker's cache.
    FsnodeJs,
    /// Any other path under `/@/`: no such runtime route.
    UnknownRuntime,
    /// A path in the folder.
    Content(&'a str),
}

impl<'a> Route<'a> {
    /// Classifies a URL path.
    pub fn of(url_path: &'a str) -> Route<'a> {
        let Some(rest) = url_path.strip_prefix(RUNTIME_PREFIX) else {
            return if url_path == "/@" { Route::UnknownRuntime } else { Route::Content(url_path) };
        };
        if rest == "status" {
            Route::Status
        } else if rest.starts_with("app/") {
            Route::AppAsset
        } else if let Some(path) = rest.strip_prefix("browse/") {
            Route::Browse(path)
        } else if rest == "browse" {
            Route::Browse("")
        } else if rest == "fs" || rest.starts_with("fs/") {
            Route::Fs(&rest[2..])
        } else if rest == "zip" || rest.starts_with("zip/") {
            Route::Zip(&rest[3..])
        } else if rest == "fsnode.js" {
            Route::FsnodeJs
        } else {
            Route::UnknownRuntime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_routes_never_reach_the_folder() {
        let cases = [
            ("/@/status", Route::Status),
            ("/@/app/index.html", Route::AppAsset),
            ("/@/app/icons/icon-192.png", Route::AppAsset),
            ("/@/browse", Route::Browse("")),
            ("/@/browse/", Route::Browse("")),
            ("/@/browse/a/b", Route::Browse("a/b")),
            ("/@/fs", Route::Fs("")),
            ("/@/fs/", Route::Fs("/")),
            ("/@/fs/a/b%20c", Route::Fs("/a/b%20c")),
            ("/@/fsx", Route::UnknownRuntime),
            ("/@/fsnode.js", Route::FsnodeJs),
            ("/@/zip/", Route::Zip("/")),
            ("/@/zip/a%20b/", Route::Zip("/a%20b/")),
            ("/@/zipper", Route::UnknownRuntime),
            ("/@/", Route::UnknownRuntime),
            ("/@", Route::UnknownRuntime),
            ("/@/statusx", Route::UnknownRuntime),
            ("/@/nothing", Route::UnknownRuntime),
        ];
        for (path, route) in cases {
            assert_eq!(Route::of(path), route, "{path}");
        }
    }

    #[test]
    fn other_paths_are_content() {
        for path in ["/", "/a", "/@x", "/a/@/status", "/%40/status"] {
            assert_eq!(Route::of(path), Route::Content(path), "{path}");
        }
    }
}
