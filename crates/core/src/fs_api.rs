//! The FsNode API: `/@/fs/<P>?call=<method>` (docs/http.md).
//!
//! [`FsRequest::parse`] decides whether a request may run at all (the call, read by [`FsCall`],
//! its method, where it comes from, `.owndir`); [`serve_fs`] runs it against a [`Folder`].

use crate::conditional::{Precondition, RequestHeaders, evaluate};
use crate::error::{ApiError, FolderError};
use crate::folder::{Entry, EntryKind, FileMeta, Folder, Metadata};
use crate::http::{HttpResponse, Method, ResponseBody, refuse_cross_site};
use crate::listing::{Info, directory_time, listing_kinds, listing_names, listing_with_times};
use crate::path::{PathError, RequestPath, SafePath};
use crate::range::ByteRange;
use crate::read_only::{cannot_write, is_read_only, shown};
use crate::write_retry::write_retrying;
use serde::Serialize;

pub use crate::fs_call::FsCall;

/// What the platform knows of an API request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsRequest<'a> {
    /// The method.
    pub method: Method,
    /// The URL path after `/@/fs`, still percent-encoded (`""`, `/`, `/docs/a.txt`).
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: Option<&'a str>,
    /// A navigation: a form or a link, possibly from another site.
    pub is_navigation: bool,
    /// The `Origin` header, where the browser let the worker see it.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header, where the browser let the worker see it.
    pub sec_fetch_site: Option<&'a str>,
    /// This app's origin (`http://127.0.0.1:8080`).
    pub own_origin: &'a str,
    /// The `If-Match` header (for `write`).
    pub if_match: Option<&'a str>,
    /// The time now, epoch ms.
    pub now_ms: u64,
}

/// A request that passed [`FsRequest::parse`]: the path and the call to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsOperation {
    /// The path in the folder.
    pub path: SafePath,
    /// The call.
    pub call: FsCall,
}

impl FsRequest<'_> {
    /// Checks the request and reads its call.
    ///
    /// ```
    /// use owndir_core::Method;
    /// use owndir_core::fs_api::{FsCall, FsRequest};
    /// let request = FsRequest {
    ///     method: Method::Get, path: "/docs", query: Some("call=children&info=1"),
    ///     is_navigation: false, origin: None, sec_fetch_site: None,
    ///     own_origin: "http://127.0.0.1:8080", if_match: None, now_ms: 0,
    /// };
    /// let operation = request.parse().unwrap();
    /// assert_eq!(operation.call, FsCall::Children { info: true, kind: false });
    /// assert_eq!(operation.path.to_string(), "docs");
    /// ```
    pub fn parse(&self) -> Result<FsOperation, ApiError> {
        let path = RequestPath::from_url_path(self.path)?.path;
        let call = FsCall::from_query(self.query.unwrap_or_default())?;
        if !call.allows(&self.method) {
            let message = match self.method {
                Method::Get | Method::Head => "this call changes the folder: use POST".to_owned(),
                _ => "this call only reads: use GET".to_owned(),
            };
            return Err(ApiError::new(405, message));
        }
        if call.is_mutating() {
            self.check_same_origin()?;
            if path.is_root() && matches!(call, FsCall::Write { .. } | FsCall::Delete | FsCall::Move { .. }) {
                return Err(cannot_write(&path));
            }
            if is_read_only(&path) {
                return Err(cannot_write(&path));
            }
        }
        Ok(FsOperation { path, call })
    }

    /// Another site must never change the folder. A service worker only sees the fetches
    /// of its own pages, so a cross-site request reaches it as a navigation (a form POST,
    /// a link): those are refused for every mutating call. `Origin` and `Sec-Fetch-Site`
    /// are checked too, where the browser shows them to the worker.
    fn check_same_origin(&self) -> Result<(), ApiError> {
        refuse_cross_site(self.is_navigation, self.origin, self.sec_fetch_site, self.own_origin)
    }
}

#[derive(Serialize)]
struct PathAnswer<'a> {
    path: &'a str,
}

fn path_answer<B>(path: &SafePath) -> HttpResponse<B> {
    let json = serde_json::to_string(&PathAnswer { path: &path.to_string() }).unwrap_or_default();
    HttpResponse::json(200, json)
}

fn json<B, T: Serialize>(value: &T) -> HttpResponse<B> {
    HttpResponse::json(200, serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()))
}

/// Runs a checked operation. `upload` is the request body, for `write`.
pub async fn serve_fs<F: Folder>(
    folder: &F,
    operation: &FsOperation,
    request: &FsRequest<'_>,
    upload: F::Upload,
) -> HttpResponse<F::Body> {
    match run(folder, operation, request, upload).await {
        Ok(response) => response,
        Err(error) => HttpResponse::error(&error),
    }
}

async fn run<F: Folder>(
    folder: &F,
    operation: &FsOperation,
    request: &FsRequest<'_>,
    upload: F::Upload,
) -> Result<HttpResponse<F::Body>, ApiError> {
    let path = &operation.path;
    let now = request.now_ms;
    match &operation.call {
        FsCall::Info => info(folder, path, now).await,
        FsCall::Children { info, kind } => children(folder, path, *info, *kind, now).await,
        FsCall::Read { start, end } => read(folder, path, *start, *end).await,
        FsCall::Write { append } => {
            let check = |existing: Option<FileMeta>| match existing {
                Some(meta)
                    if evaluate(&RequestHeaders { if_match: request.if_match, ..Default::default() }, meta)
                        == Precondition::Failed =>
                {
                    Err(ApiError::new(412, format!("{} has changed", shown(path))))
                }
                None if request.if_match.is_some() => {
                    Err(ApiError::new(412, format!("{} does not exist", shown(path))))
                }
                _ => Ok(()),
            };
            match folder.lookup(path).await? {
                Some(Entry::Directory) => return Err(cannot_write(path)),
                Some(Entry::File { meta, .. }) => check(Some(meta))?,
                None => check(None)?,
            }
            write_retrying(folder, path, upload, *append, now, check).await?;
            Ok(path_answer(path))
        }
        FsCall::Touch => {
            // As `touch` and OwnDir: a missing parent is not made (`makeDir` does that).
            if let Some(parent) = path.parent()
                && !matches!(folder.lookup(&parent).await?, Some(Entry::Directory))
            {
                return Err(unable("touch", path, FolderError::NotFound));
            }
            folder.touch(path, now).await.map_err(|error| unable("touch", path, error))?;
            Ok(path_answer(path))
        }
        FsCall::MakeDir => {
            folder.make_dir(path, now).await.map_err(|error| unable("mkDir", path, error))?;
            Ok(path_answer(path))
        }
        FsCall::Move { to, overwrite } => {
            let destination = move_entry(folder, path, to, *overwrite, now).await?;
            Ok(path_answer(&destination))
        }
        FsCall::Delete => {
            folder.remove(path).await?;
            Ok(path_answer(path))
        }
        // The platform answers `sub` itself: it is a stream, not one answer.
        FsCall::Sub { .. } => Err(ApiError::new(500, "sub is answered by the platform")),
    }
}

/// OwnDir's `500 "unable to <verb> <P>"`, but for a name the disk refuses, which says
/// why, and a folder that is gone, which is the folder-wide `503`.
fn unable(verb: &str, path: &SafePath, error: FolderError) -> ApiError {
    match error {
        FolderError::NameRefused { .. } | FolderError::FolderGone { .. } => error.into(),
        _ => ApiError::new(500, format!("unable to {verb} {}", shown(path))),
    }
}

async fn info<F: Folder>(folder: &F, path: &SafePath, now_ms: u64) -> Result<HttpResponse<F::Body>, ApiError> {
    let name = path.name().unwrap_or_default();
    match folder.lookup(path).await? {
        None => Ok(HttpResponse::json(200, "null".to_owned())),
        Some(Entry::File { meta, .. }) => {
            Ok(json(&Info::new(name, &Metadata { kind: EntryKind::File, file: Some(meta) })))
        }
        Some(Entry::Directory) => {
            let time = directory_time(folder, path, now_ms).await?;
            let mut info = Info::new(name, &Metadata { kind: EntryKind::Directory, file: None });
            info.set_modified(time);
            Ok(json(&info))
        }
    }
}

async fn children<F: Folder>(
    folder: &F,
    path: &SafePath,
    with_info: bool,
    with_kind: bool,
    now_ms: u64,
) -> Result<HttpResponse<F::Body>, ApiError> {
    let not_a_directory = |error| match error {
        FolderError::NotFound | FolderError::NotADirectory => {
            ApiError::new(404, format!("{} is not a directory", shown(path)))
        }
        other => other.into(),
    };
    if !with_info {
        let names = folder.list_names(path).await.map_err(not_a_directory)?;
        if with_kind {
            return Ok(json(&listing_kinds(names)));
        }
        return Ok(json(&listing_names(names.into_iter().map(|(name, _)| name).collect())));
    }
    Ok(json(&listing_with_times(folder, path, now_ms).await.map_err(not_a_directory)?))
}

async fn read<F: Folder>(
    folder: &F,
    path: &SafePath,
    start: Option<u64>,
    end: Option<u64>,
) -> Result<HttpResponse<F::Body>, ApiError> {
    let Some(Entry::File { meta, body }) = folder.lookup(path).await? else {
        return Err(ApiError::new(404, format!("{} is not a file", shown(path))));
    };
    let first = start.unwrap_or(0);
    let last = end.unwrap_or(u64::MAX).min(meta.size.saturating_sub(1));
    if start.zip(end).is_some_and(|(start, end)| start > end) {
        return Err(ApiError::new(400, "start is after end"));
    }
    let mut response = crate::file_answer::file_response(path, meta, body);
    if first > 0 || last + 1 < meta.size {
        let length = if first >= meta.size { 0 } else { last - first + 1 };
        response.set_header("Content-Length", length.to_string());
        response.body = match response.body {
            // Nothing to send: an empty range of the file.
            ResponseBody::File(_, _) if length == 0 => ResponseBody::Text(String::new()),
            ResponseBody::File(file, _) => ResponseBody::File(file, Some(ByteRange { start: first, end: last })),
            other => other,
        };
    }
    Ok(response)
}

/// Where `to` points from `path`: absolute from the root, or relative to `path`'s parent;
/// `..` above the root stays at the root, as FsNode's `walk` does.
pub fn resolve_destination(path: &SafePath, to: &str) -> Result<SafePath, ApiError> {
    let mut destination = if to.starts_with('/') { SafePath::root() } else { path.parent().unwrap_or_default() };
    // In place: `parent`/`join` copy the path at each name, quadratic in a long `to`.
    for segment in to.split('/').filter(|segment| !segment.is_empty() && *segment != ".") {
        if segment == ".." {
            destination.pop();
        } else {
            destination.push(segment).map_err(ApiError::from)?;
        }
    }
    Ok(destination)
}

async fn move_entry<F: Folder>(
    folder: &F,
    path: &SafePath,
    to: &str,
    overwrite: bool,
    now: u64,
) -> Result<SafePath, ApiError> {
    if folder.lookup(path).await?.is_none() {
        return Err(ApiError::new(404, format!("{} not found", shown(path))));
    }
    let mut destination = resolve_destination(path, to)?;
    // Like `mv`: into an existing directory, keeping the name.
    if let Some(Entry::Directory) = folder.lookup(&destination).await?
        && let Some(name) = path.name()
        && destination != *path
    {
        destination = destination.join(name).map_err(ApiError::from)?;
    }
    if destination == *path {
        return Ok(destination);
    }
    // A destination no URL could reach again is refused like a URL that deep.
    if destination.segments().len() > crate::path::MAX_DEPTH {
        return Err(PathError::TooDeep.into());
    }
    if destination.is_root() || is_read_only(&destination) {
        return Err(cannot_write(&destination));
    }
    if destination.segments().starts_with(path.segments()) {
        return Err(ApiError::new(400, format!("cannot move {} into itself", shown(path))));
    }
    match folder.lookup(&destination).await? {
        Some(Entry::File { .. }) if overwrite => folder.remove(&destination).await?,
        Some(Entry::File { .. }) => {
            return Err(ApiError::new(409, format!("existing file found at {}", shown(&destination))));
        }
        // OwnDir's `rename` would replace an empty folder and fail on a full one; neither
        // merging nor losing a folder is what a move should do.
        Some(Entry::Directory) => {
            return Err(ApiError::new(409, format!("existing folder found at {}", shown(&destination))));
        }
        None => {}
    }
    if let Some(parent) = destination.parent() {
        folder.make_dir(&parent, now).await.map_err(|error| match error {
            FolderError::NameRefused { .. } | FolderError::FolderGone { .. } => error.into(),
            _ => cannot_write(&destination),
        })?;
    }
    folder.rename(path, &destination).await?;
    Ok(destination)
}
