//! How single-file apps save themselves: `OPTIONS`, `PUT` and `DELETE` on content paths,
//! as a WebDAV server answers them (docs/http.md).
//!
//! TiddlyWiki's "put" saver (`core/modules/savers/put.js`) is the client this is for: it
//! sends `OPTIONS` to its own URL and saves only when the answer is `2xx` with a `DAV`
//! header, reads the `ETag` with `HEAD`, and saves with a `PUT` of the whole file and
//! `If-Match`, where `412` means "changed on the server". These run only after a folder's
//! own handlers passed the request on (`content::serve_content_with` answers
//! `Answer::Change`); the platform then runs [`apply`] with the request body,
//! one change at a time.

use crate::conditional::{Precondition, RequestHeaders, etag, evaluate, http_date};
use crate::error::ApiError;
use crate::folder::{Entry, Folder};
use crate::http::{HttpResponse, Method, ResponseBody, refuse_cross_site};
use crate::path::SafePath;
use crate::read_only::{cannot_write, is_read_only, shown};
use crate::write_retry::write_retrying;

/// What a content path allows, for `Allow`.
pub const ALLOW_WRITABLE: &str = "GET, HEAD, OPTIONS, PUT, DELETE";
/// What a read-only content path (`.owndir`, swap files) allows.
pub const ALLOW_READ_ONLY: &str = "GET, HEAD, OPTIONS";

/// The methods `path` takes.
pub fn allowed(path: &SafePath) -> &'static str {
    if path.is_root() || is_read_only(path) { ALLOW_READ_ONLY } else { ALLOW_WRITABLE }
}

fn empty<B>(status: u16) -> HttpResponse<B> {
    HttpResponse { status, headers: Vec::new(), body: ResponseBody::Empty }
}

/// `OPTIONS`: `200` with `Allow` and `DAV: 1` (RFC 4918 §10.1), which is what tells a
/// saver that it may `PUT` here.
pub fn options<B>(path: &SafePath) -> HttpResponse<B> {
    HttpResponse {
        status: 200,
        headers: vec![("Allow", allowed(path).to_owned()), ("DAV", "1".to_owned()), ("Content-Length", "0".to_owned())],
        body: ResponseBody::Empty,
    }
}

/// `405` for a method a content path does not take.
pub fn not_allowed<B>(path: &SafePath) -> HttpResponse<B> {
    let mut response = HttpResponse::error(&ApiError::new(405, format!("allowed here: {}", allowed(path))));
    response.set_header("Allow", allowed(path).to_owned());
    response
}

/// A change to a content path that the folder's handlers passed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `PUT`: replace or create the file with the request body.
    Put(SafePath),
    /// `DELETE`: remove the file, or the directory when it is empty.
    Delete(SafePath),
}

/// Who asks for a change, and on what conditions (from the content request:
/// `ContentRequest::change_request`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeRequest<'a> {
    /// A navigation: a form or a link, possibly from another site.
    pub is_navigation: bool,
    /// The `Origin` header, where the browser let the worker see it.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header, where the browser let the worker see it.
    pub sec_fetch_site: Option<&'a str>,
    /// This app's origin: changes from any other are refused.
    pub own_origin: &'a str,
    /// `If-Match`, `If-None-Match`, `If-Unmodified-Since`.
    pub headers: RequestHeaders<'a>,
    /// The time now, epoch ms.
    pub now_ms: u64,
}

/// Runs a change with the request body `upload` (for `PUT`).
pub async fn apply<F: Folder>(
    folder: &F,
    change: &Change,
    request: &ChangeRequest<'_>,
    upload: F::Upload,
) -> HttpResponse<F::Body> {
    let result = match change {
        Change::Put(path) => put(folder, path, request, upload).await,
        Change::Delete(path) => delete(folder, path, request).await,
    };
    result.unwrap_or_else(|error| HttpResponse::error(&error))
}

/// The checks every change passes first: same site, not read-only, not the root.
fn check(path: &SafePath, request: &ChangeRequest<'_>) -> Result<(), ApiError> {
    refuse_cross_site(request.is_navigation, request.origin, request.sec_fetch_site, request.own_origin)?;
    if path.is_root() || is_read_only(path) {
        return Err(cannot_write(path));
    }
    Ok(())
}

/// `If-Match` and `If-None-Match` for a change: any failed or matched condition is `412`
/// (RFC 9110 §13.1.2: `If-None-Match` on a method other than `GET`/`HEAD`).
fn precondition(
    path: &SafePath,
    existing: Option<crate::FileMeta>,
    headers: &RequestHeaders<'_>,
) -> Result<(), ApiError> {
    // Only the conditions that apply to a change (RFC 9110 §13.2.2): not the GET-only ones.
    let headers = RequestHeaders {
        if_match: headers.if_match,
        if_none_match: headers.if_none_match,
        if_unmodified_since: headers.if_unmodified_since,
        ..Default::default()
    };
    let failed = match existing {
        Some(meta) => evaluate(&headers, meta) != Precondition::Proceed,
        // Nothing there: `If-Match` (even `*`) fails; `If-None-Match: *` holds.
        None => headers.if_match.is_some(),
    };
    if failed { Err(ApiError::new(412, format!("{} has changed", shown(path)))) } else { Ok(()) }
}

async fn put<F: Folder>(
    folder: &F,
    path: &SafePath,
    request: &ChangeRequest<'_>,
    upload: F::Upload,
) -> Result<HttpResponse<F::Body>, ApiError> {
    check(path, request)?;
    let existing = match folder.lookup(path).await? {
        Some(Entry::Directory) => return Err(ApiError::new(409, format!("{} is a directory", shown(path)))),
        Some(Entry::File { meta, .. }) => Some(meta),
        None => None,
    };
    precondition(path, existing, &request.headers)?;
    if existing.is_none()
        && let Some(parent) = path.parent()
        && !matches!(folder.lookup(&parent).await?, Some(Entry::Directory))
    {
        // RFC 4918 §9.7.1: no intermediate collections are made.
        return Err(ApiError::new(409, format!("{} does not exist: make the folder first", shown(&parent))));
    }
    write_retrying(folder, path, upload, false, request.now_ms, |now_there| {
        precondition(path, now_there, &request.headers)
    })
    .await?;
    let status = if existing.is_some() { 204 } else { 201 };
    let mut response = empty(status);
    if let Some(Entry::File { meta, .. }) = folder.lookup(path).await? {
        response.set_header("ETag", etag(meta));
        response.set_header("Last-Modified", http_date(meta.modified_ms));
    }
    Ok(response)
}

async fn delete<F: Folder>(
    folder: &F,
    path: &SafePath,
    request: &ChangeRequest<'_>,
) -> Result<HttpResponse<F::Body>, ApiError> {
    check(path, request)?;
    match folder.lookup(path).await? {
        None => return Err(ApiError::new(404, format!("{} not found", shown(path)))),
        Some(Entry::File { meta, .. }) => precondition(path, Some(meta), &request.headers)?,
        Some(Entry::Directory) => {
            let children = folder.list_names(path).await?;
            if !children.is_empty() {
                return Err(ApiError::new(409, format!("{} is not empty", shown(path))));
            }
        }
    }
    folder.remove(path).await.map_err(ApiError::from)?;
    Ok(empty(204))
}

/// Whether a method is one of the changes [`apply`] runs.
pub fn change_for(method: &Method, path: &SafePath) -> Option<Change> {
    match method {
        Method::Put => Some(Change::Put(path.clone())),
        Method::Delete => Some(Change::Delete(path.clone())),
        _ => None,
    }
}
