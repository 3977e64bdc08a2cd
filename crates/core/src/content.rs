//! Folder content: `GET`/`HEAD` on any path outside `/@/` (docs/http.md).
//!
//! OwnDir's order for a path P:
//! 1. static mounts, root first: for each ancestor D of P, `D/.owndir/static/<rest of P>`
//!    (a file, or a directory's `index.html`);
//! 2. the file at P (with `Range` and conditional requests);
//! 3. a directory at P: `301` to the trailing slash, the listing for `Accept:
//!    application/json`, otherwise the frame (the nearest static `index.html`, or the app);
//! 4. nothing: a navigation gets the frame with `404`, anything else a `404` error.

use crate::conditional::RequestHeaders;
// The validators live with the conditions that compare them; named here too, where the
// content's answers are made.
pub use crate::conditional::{etag, http_date};
use crate::error::{ApiError, FolderError};
use crate::file_answer::{file_answer, file_response};
use crate::folder::{Entry, Folder};
use crate::folder_routes::{FolderHandlers, Handled, NoHandlers, Stage, levels, relative_path};
use crate::http::{HttpResponse, Method, ResponseBody};
use crate::listing::{listing_json, listing_with_times};
use crate::path::{RequestPath, SafePath};
use crate::webdav::{self, Change, change_for};

pub use crate::read_only::OWNDIR;
/// The static mount inside [`OWNDIR`].
pub const STATIC: &str = "static";

/// What the core needs to know of a content request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRequest<'a> {
    /// The method.
    pub method: Method,
    /// The URL path, still percent-encoded.
    pub url_path: &'a str,
    /// The query string without `?`, kept on redirects.
    pub query: Option<&'a str>,
    /// The request's `Accept` asks for JSON (a directory then answers with its listing).
    pub accepts_json: bool,
    /// The request is a navigation (`mode: "navigate"`): it gets the frame where there
    /// is no file.
    pub is_navigation: bool,
    /// `Range` and the conditional headers.
    pub headers: RequestHeaders<'a>,
    /// The time now, epoch ms: a directory a listing meets for the first time in a folder
    /// that keeps no directory times may get it (see [`crate::listing::directory_time`]).
    pub now_ms: u64,
    /// The `Origin` header, where the browser let the worker see it (for changes).
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header, where the browser let the worker see it.
    pub sec_fetch_site: Option<&'a str>,
    /// This app's origin (`http://127.0.0.1:8080`): changes from any other are refused.
    pub own_origin: &'a str,
}

impl<'a> ContentRequest<'a> {
    /// What a change of this request ([`Answer::Change`]) is decided on.
    pub fn change_request(&self) -> webdav::ChangeRequest<'a> {
        webdav::ChangeRequest {
            is_navigation: self.is_navigation,
            origin: self.origin,
            sec_fetch_site: self.sec_fetch_site,
            own_origin: self.own_origin,
            headers: self.headers,
            now_ms: self.now_ms,
        }
    }

    /// A plain `GET` of `url_path`: no query, no special headers.
    ///
    /// ```
    /// let request = owndir_core::ContentRequest::get("/a.txt");
    /// assert_eq!(request.method, owndir_core::Method::Get);
    /// ```
    pub fn get(url_path: &'a str) -> ContentRequest<'a> {
        ContentRequest {
            method: Method::Get,
            url_path,
            query: None,
            accepts_json: false,
            is_navigation: false,
            headers: RequestHeaders::default(),
            now_ms: 0,
            origin: None,
            sec_fetch_site: None,
            own_origin: "",
        }
    }
}

/// Answers a content request from `folder`, which has no handlers of its own.
///
/// ```
/// use owndir_core::{block_on, ContentRequest, MemoryFolder, ResponseBody, serve_content};
/// let folder = MemoryFolder::new();
/// folder.insert_file("hello.txt", b"hi", 1_700_000_000_000);
/// let response = block_on(serve_content(&folder, &ContentRequest::get("/hello.txt")));
/// assert_eq!(response.status, 200);
/// assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
/// assert_eq!(response.body, ResponseBody::File(b"hi".to_vec(), None));
/// ```
pub async fn serve_content<F: Folder>(folder: &F, request: &ContentRequest<'_>) -> HttpResponse<F::Body> {
    match serve_content_with(folder, request, &NoHandlers).await {
        Answer::Core(response) => response,
        Answer::Handler(never) => match never {},
        // No body comes with this call: a `PUT` writes an empty file.
        Answer::Change(change) => {
            crate::webdav::apply(folder, &change, &request.change_request(), F::Upload::default()).await
        }
    }
}

/// Who answered a request: the core (a file, a redirect, a listing, the frame, an error)
/// or one of the folder's own handlers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer<B, R> {
    /// The core's answer, for the platform to send.
    Core(HttpResponse<B>),
    /// A folder handler's own response.
    Handler(R),
    /// A `PUT` or `DELETE` the folder's handlers passed on: the platform runs it with
    /// [`crate::webdav::apply`], giving it the request body.
    Change(Change),
}

/// Answers a content request in OwnDir's order, with the folders' own handlers:
///
/// 1. for each level (the root, then each folder down to P itself): the level's static
///    mount (`D/.owndir/static/<rest of P>`), then the level's middleware;
/// 2. the file at P (a directory: the `301` to its slash, or its JSON listing);
/// 3. the routes of each level, from P back up to the root;
/// 4. the frame (a directory navigation), or not found (a navigation gets the frame with
///    `404`).
///
/// The file comes before routes so that a catch-all route cannot hide a file. Methods
/// other than `GET` and `HEAD` skip the mounts and the file; what no handler took ends in
/// the built-in `OPTIONS`, `PUT` and `DELETE` of [`crate::webdav`], or `405`.
///
/// A handler that fails gives its request the `500` that names the place. A level whose
/// module cannot load ([`Handled::Unloadable`]) is passed over on the way down, so its
/// folder's mounts, files and listings are still served; a request that reaches its
/// routes gets the `500`.
pub async fn serve_content_with<F: Folder, H: FolderHandlers>(
    folder: &F,
    request: &ContentRequest<'_>,
    handlers: &H,
) -> Answer<F::Body, H::Response> {
    let parsed = match RequestPath::from_url_path(request.url_path) {
        Ok(parsed) => parsed,
        Err(error) => return Answer::Core(HttpResponse::error(&error.into())),
    };
    let answer = match answer(folder, request, handlers, parsed).await {
        Ok(answer) => answer,
        // The app page says the folder is gone and offers to connect it again.
        Err(FolderError::FolderGone { .. }) if request.is_navigation => Answer::Core(app_page(503)),
        Err(error) => Answer::Core(HttpResponse::error(&error.into())),
    };
    match answer {
        Answer::Core(response) if request.method == Method::Head => Answer::Core(response.without_body()),
        answer => answer,
    }
}

async fn answer<F: Folder, H: FolderHandlers>(
    folder: &F,
    request: &ContentRequest<'_>,
    handlers: &H,
    parsed: RequestPath,
) -> Result<Answer<F::Body, H::Response>, FolderError> {
    let RequestPath { path, trailing_slash } = parsed;
    let reads = request.method.is_read();
    let levels = levels(&path);
    let mounts = static_mount_candidates(&path);
    for (depth, level) in levels.iter().enumerate() {
        if let Some(mount) = mounts.get(depth).filter(|_| reads)
            && let Some(response) = static_mount(folder, request, &path, mount, trailing_slash).await?
        {
            return Ok(Answer::Core(response));
        }
        let relative = relative_path(level, &path, trailing_slash);
        match handlers.run(level, Stage::Middleware, &relative).await? {
            Handled::Answered(response) => return Ok(Answer::Handler(response)),
            Handled::Failed(failure) => return Ok(Answer::Core(failure.to_response(request.is_navigation))),
            // A module that cannot load keeps its folder's mounts, files and listings
            // served: only the requests that reach its routes learn of it.
            Handled::Unloadable(_) | Handled::Passed => {}
        }
    }
    let entry = if reads { folder.lookup(&path).await? } else { None };
    match entry {
        // `/file.txt/` names a directory that is not there, as nginx and ServeDir say.
        Some(Entry::File { meta, body }) if !trailing_slash => {
            return Ok(Answer::Core(file_answer(&request.method, &request.headers, &path, meta, body)));
        }
        Some(Entry::Directory) if !trailing_slash => {
            return Ok(Answer::Core(redirect(&path.to_dir_url(), request.query)));
        }
        Some(Entry::Directory) if request.accepts_json => {
            let rows = listing_with_times(folder, &path, request.now_ms).await?;
            return Ok(Answer::Core(HttpResponse::json(200, listing_json(&rows))));
        }
        _ => {}
    }
    for level in levels.iter().rev() {
        let relative = relative_path(level, &path, trailing_slash);
        match handlers.run(level, Stage::Routes, &relative).await? {
            Handled::Answered(response) => return Ok(Answer::Handler(response)),
            Handled::Failed(failure) | Handled::Unloadable(failure) => {
                return Ok(Answer::Core(failure.to_response(request.is_navigation)));
            }
            Handled::Passed => {}
        }
    }
    if !reads {
        return Ok(match (&request.method, change_for(&request.method, &path)) {
            (Method::Options, _) => Answer::Core(webdav::options(&path)),
            (_, Some(change)) => Answer::Change(change),
            _ => Answer::Core(webdav::not_allowed(&path)),
        });
    }
    Ok(Answer::Core(match entry {
        Some(Entry::Directory) => frame(folder, Some(path), 200).await?,
        _ => not_found(folder, request, &path).await?,
    }))
}

/// The static mount `mount` (a candidate for `path`): its file, or its directory's
/// `index.html` (after a `301` to the slash).
async fn static_mount<F: Folder>(
    folder: &F,
    request: &ContentRequest<'_>,
    path: &SafePath,
    mount: &SafePath,
    trailing_slash: bool,
) -> Result<Option<HttpResponse<F::Body>>, FolderError> {
    match folder.lookup(mount).await? {
        Some(Entry::File { meta, body }) if !trailing_slash => {
            Ok(Some(file_answer(&request.method, &request.headers, mount, meta, body)))
        }
        Some(Entry::Directory) => {
            let index = join(mount, "index.html");
            Ok(match folder.lookup(&index).await? {
                Some(Entry::File { meta, body }) if trailing_slash => {
                    Some(file_answer(&request.method, &request.headers, &index, meta, body))
                }
                Some(Entry::File { .. }) => Some(redirect(&path.to_dir_url(), request.query)),
                _ => None,
            })
        }
        _ => Ok(None),
    }
}

fn join(path: &SafePath, name: &str) -> SafePath {
    path.join(name).expect("a constant plain name")
}

/// `D/.owndir/static/<rest>` for every proper ancestor D of `path`, root first.
///
/// ```
/// use owndir_core::{SafePath, content::static_mount_candidates};
/// let candidates = static_mount_candidates(&SafePath::parse("a/b").unwrap());
/// let candidates: Vec<String> = candidates.iter().map(ToString::to_string).collect();
/// assert_eq!(candidates, [".owndir/static/a/b", "a/.owndir/static/b"]);
/// ```
pub fn static_mount_candidates(path: &SafePath) -> Vec<SafePath> {
    let segments = path.segments();
    // Each candidate is built name by name in place: a deep URL costs its depth squared
    // (the size of the answer), not cubed as with `join`, which copies the path each time.
    (0..segments.len())
        .map(|depth| {
            let mut mount = SafePath::root();
            let names = segments[..depth].iter().map(String::as_str).chain([OWNDIR, STATIC]);
            for name in names.chain(segments[depth..].iter().map(String::as_str)) {
                mount.push(name).expect("names of a SafePath and constants are plain names");
            }
            mount
        })
        .collect()
}

/// The frame for `directory`: the nearest `D/.owndir/static/index.html` from the
/// directory up to the root, or the app's page.
async fn frame<F: Folder>(
    folder: &F,
    directory: Option<SafePath>,
    status: u16,
) -> Result<HttpResponse<F::Body>, FolderError> {
    let mut next = directory;
    while let Some(dir) = next {
        let index = join(&join(&join(&dir, OWNDIR), STATIC), "index.html");
        if let Some(Entry::File { meta, body }) = folder.lookup(&index).await? {
            let mut page = file_response(&index, meta, body);
            page.status = status;
            return Ok(page);
        }
        next = dir.parent();
    }
    Ok(app_page(status))
}

/// The app's own page, which the platform serves from its cache.
fn app_page<B>(status: u16) -> HttpResponse<B> {
    HttpResponse {
        status,
        headers: vec![("Content-Type", "text/html; charset=utf-8".to_owned())],
        body: ResponseBody::AppPage,
    }
}

async fn not_found<F: Folder>(
    folder: &F,
    request: &ContentRequest<'_>,
    path: &SafePath,
) -> Result<HttpResponse<F::Body>, FolderError> {
    if request.is_navigation {
        frame(folder, path.parent(), 404).await
    } else {
        Ok(HttpResponse::error(&ApiError::new(404, format!("{} not found", path.to_url()))))
    }
}

fn redirect<B>(location: &str, query: Option<&str>) -> HttpResponse<B> {
    let location = match query {
        Some(query) if !query.is_empty() => format!("{location}?{query}"),
        _ => location.to_owned(),
    };
    HttpResponse { status: 301, headers: vec![("Location", location)], body: ResponseBody::Empty }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conditional::LAST_HTTP_DATE_MS;
    use crate::{MemoryFolder, block_on};

    const MTIME: u64 = 1_700_000_000_000;

    fn fixture() -> MemoryFolder {
        let folder = MemoryFolder::new();
        folder.insert_file("hello.txt", b"hello", MTIME);
        folder.insert_file("docs/a b.md", b"# A", MTIME);
        folder.insert_file("docs/.hidden", b"", MTIME);
        folder.insert_file("docs/x.crswap", b"partial", MTIME);
        folder.insert_file("日本/😀.png", b"\x89PNG", MTIME);
        folder.insert_dir("empty");
        folder
    }

    fn get(path: &str) -> ContentRequest<'_> {
        ContentRequest::get(path)
    }

    fn serve(request: ContentRequest<'_>) -> HttpResponse<Vec<u8>> {
        block_on(serve_content(&fixture(), &request))
    }

    fn json_error(response: &HttpResponse<Vec<u8>>) -> serde_json::Value {
        match &response.body {
            ResponseBody::Text(text) => serde_json::from_str(text).unwrap(),
            other => panic!("expected a JSON body, got {other:?}"),
        }
    }

    #[test]
    fn a_deep_url_is_answered_quickly_and_past_max_depth_is_414() {
        // Found by the `path` fuzz target: 389 names took 2.5 s, 2000 took 4 minutes
        // (the static mount candidates were built in time cubed in the depth).
        let deepest = "/a".repeat(crate::path::MAX_DEPTH);
        let navigation = ContentRequest { is_navigation: true, ..get(&deepest) };
        let start = std::time::Instant::now();
        assert_eq!(serve(navigation).status, 404);
        // Generous for a debug build on a busy machine; the cubic version took seconds.
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
        let too_deep = format!("{deepest}/a");
        assert_eq!(serve(get(&too_deep)).status, 414);
        assert_eq!(serve(get(&"/a".repeat(1_000_000))).status, 414);
    }

    #[test]
    fn http_dates_match_httpdate() {
        use std::time::{Duration, UNIX_EPOCH};
        // From 1970 to 9999 every 11 days and a bit (so every weekday, month and time of
        // day comes round), the leap days around 2000 and 2100, and the last second.
        let mut times: Vec<u64> = (0..=LAST_HTTP_DATE_MS).step_by(11 * 86_400_000 + 3_661_001).collect();
        times.extend([951_782_400_000, 951_868_799_999, 4_107_456_000_000, 4_107_542_400_000, LAST_HTTP_DATE_MS]);
        for ms in times {
            let time = UNIX_EPOCH + Duration::from_millis(ms / 1000 * 1000);
            assert_eq!(http_date(ms), httpdate::fmt_http_date(time), "{ms}");
        }
    }

    #[test]
    fn a_file_dated_past_year_9999_is_served_with_the_last_http_date() {
        // Found by `cargo xtask fuzz range`: httpdate panicked on such a time.
        let folder = MemoryFolder::new();
        folder.insert_file("far.txt", b"x", u64::MAX);
        folder.insert_file("edge.txt", b"x", LAST_HTTP_DATE_MS + 1_000);
        for path in ["/far.txt", "/edge.txt"] {
            let response = block_on(serve_content(&folder, &get(path)));
            assert_eq!(response.status, 200, "{path}");
            assert_eq!(response.header("Last-Modified"), Some("Fri, 31 Dec 9999 23:59:59 GMT"), "{path}");
        }
        assert_eq!(http_date(LAST_HTTP_DATE_MS), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn a_file_is_served_with_its_headers() {
        let response = serve(get("/hello.txt"));
        assert_eq!(response.status, 200);
        assert_eq!(response.body, ResponseBody::File(b"hello".to_vec(), None));
        assert_eq!(response.header("Content-Type"), Some("text/plain; charset=utf-8"));
        assert_eq!(response.header("Content-Length"), Some("5"));
        assert_eq!(response.header("Last-Modified"), Some("Tue, 14 Nov 2023 22:13:20 GMT"));
        assert_eq!(response.header("ETag"), Some("\"5-18bcfe56800\""));
        assert_eq!(response.header("Accept-Ranges"), Some("bytes"));
    }

    #[test]
    fn head_sends_the_headers_alone() {
        let response = serve(ContentRequest { method: Method::Head, ..get("/hello.txt") });
        assert_eq!(response.status, 200);
        assert_eq!(response.body, ResponseBody::Empty);
        assert_eq!(response.header("Content-Length"), Some("5"));
    }

    #[test]
    fn awkward_names_are_found_by_their_encoded_url() {
        assert_eq!(serve(get("/docs/a%20b.md")).body, ResponseBody::File(b"# A".to_vec(), None));
        let emoji = serve(get("/%E6%97%A5%E6%9C%AC/%F0%9F%98%80.png"));
        assert_eq!(emoji.status, 200);
        assert_eq!(emoji.header("Content-Type"), Some("image/png"));
    }

    #[test]
    fn a_missing_file_is_404_with_a_json_error() {
        let response = serve(get("/nope.txt"));
        assert_eq!(response.status, 404);
        assert_eq!(json_error(&response)["error"], "/nope.txt not found");
        assert_eq!(json_error(&response)["success"], false);
    }

    #[test]
    fn a_missing_file_under_a_file_is_404() {
        assert_eq!(serve(get("/hello.txt/x")).status, 404);
    }

    #[test]
    fn a_file_with_a_trailing_slash_is_404() {
        assert_eq!(serve(get("/hello.txt/")).status, 404);
    }

    #[test]
    fn a_missing_navigation_gets_the_frame_with_404() {
        let response = serve(ContentRequest { is_navigation: true, ..get("/nope/") });
        assert_eq!((response.status, response.body), (404, ResponseBody::AppPage));
    }

    #[test]
    fn a_directory_without_slash_redirects_keeping_the_query() {
        let response = serve(ContentRequest { query: Some("x=1"), ..get("/docs") });
        assert_eq!(response.status, 301);
        assert_eq!(response.header("Location"), Some("/docs/?x=1"));
        let encoded = serve(get("/%E6%97%A5%E6%9C%AC"));
        assert_eq!(encoded.header("Location"), Some("/%E6%97%A5%E6%9C%AC/"));
    }

    #[test]
    fn a_directory_navigation_gets_the_frame() {
        let response = serve(ContentRequest { is_navigation: true, ..get("/docs/") });
        assert_eq!((response.status, response.body), (200, ResponseBody::AppPage));
    }

    #[test]
    fn a_directory_asked_for_json_gets_its_listing_without_swap_files() {
        let response = serve(ContentRequest { accepts_json: true, ..get("/docs/") });
        assert_eq!(response.status, 200);
        let listing = json_error(&response);
        let names: Vec<&str> = listing.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names, [".hidden", "a b.md"]);
        assert_eq!(listing[1]["size"], 3);
        assert_eq!(listing[1]["mime"], "text/markdown");
    }

    #[test]
    fn the_root_lists_files_and_directories() {
        let response = serve(ContentRequest { accepts_json: true, ..get("/") });
        let listing = json_error(&response);
        let rows: Vec<(&str, bool)> = listing
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["name"].as_str().unwrap(), e["isDirectory"].as_bool().unwrap()))
            .collect();
        assert_eq!(rows, [("docs", true), ("empty", true), ("hello.txt", false), ("日本", true)]);
    }

    #[test]
    fn hostile_paths_are_refused_before_the_folder_is_asked() {
        assert_eq!(serve(get("/%2e%2e/etc/passwd")).status, 403);
        assert_eq!(json_error(&serve(get("/..")))["error"], "Out of Bounds");
        assert_eq!(serve(get("/docs/..")).status, 400);
        assert_eq!(serve(get("/a%00b")).status, 400);
        assert_eq!(serve(get("//hello.txt")).status, 400);
    }

    #[test]
    fn methods_no_handler_took_and_no_saver_uses_are_405_with_allow() {
        // PUT, DELETE and OPTIONS are the saver's (crates/core/tests/webdav.rs).
        for method in [Method::Post, Method::Other("PATCH".into())] {
            let response = serve(ContentRequest { method, ..get("/hello.txt") });
            assert_eq!(response.status, 405);
            assert_eq!(response.header("Allow"), Some("GET, HEAD, OPTIONS, PUT, DELETE"));
        }
    }
}
