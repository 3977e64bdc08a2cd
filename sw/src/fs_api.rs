//! `/@/fs/<P>?call=…`: the FsNode API over the connected folder (docs/http.md).

use crate::promise::settle_as;
use crate::{connection, global_scope, respond};
use owndir_browser::DomError;
use owndir_core::fs_api::{FsCall, FsRequest, serve_fs};
use owndir_core::watch::Watched;
use owndir_core::{ApiError, Method, body_length};
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestMode, Response, Url};

thread_local! {
    /// Settles when the mutation before the next one is done.
    static LAST_MUTATION: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Runs mutations one at a time. Every tab's requests meet in this one worker, so two
/// writes racing with the same `If-Match` are checked and written in turn: the second
/// then sees the first one's new ETag and gets its `412`.
pub async fn one_at_a_time<T>(work: impl Future<Output = T>) -> T {
    let mut release = None;
    let done = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    if let Some(previous) = LAST_MUTATION.with(|last| last.replace(Some(done))) {
        let _ = JsFuture::from(previous).await;
    }
    let result = work.await;
    if let Some(release) = release {
        let _ = release.call0(&JsValue::UNDEFINED);
    }
    result
}

/// The whole request body as a `Blob`, which every browser can give (Firefox has no
/// `Request.body` stream) and Chrome keeps on disk when it is large. A body that cannot
/// be read, or that is shorter than its `Content-Length`, is the request's own `400`:
/// never an empty write.
pub async fn request_body(request: &Request) -> Result<web_sys::Blob, ApiError> {
    let unreadable = |error: DomError| ApiError::new(400, format!("the request body could not be read ({error})"));
    let promise = request.blob().map_err(|error| unreadable(error.into()))?;
    let body: web_sys::Blob = settle_as(promise).await.map_err(unreadable)?;
    let declared = request.headers().get("Content-Length").ok().flatten();
    body_length::check(declared.as_deref(), body.size() as u64)?;
    Ok(body)
}

/// Answers an API request; `rest` is the URL path after `/@/fs`.
pub async fn answer(request: &Request, url: &Url, rest: &str) -> Result<Response, DomError> {
    let headers = request.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let (origin, sec_fetch_site, if_match) = (header("Origin"), header("Sec-Fetch-Site"), header("If-Match"));
    let own_origin = global_scope().location().origin();
    let search = url.search();
    let api_request = FsRequest {
        method: Method::parse(&request.method()),
        path: rest,
        query: search.strip_prefix('?'),
        is_navigation: request.mode() == RequestMode::Navigate,
        origin: origin.as_deref(),
        sec_fetch_site: sec_fetch_site.as_deref(),
        own_origin: &own_origin,
        if_match: if_match.as_deref(),
        now_ms: js_sys::Date::now() as u64,
    };
    let operation = match api_request.parse() {
        Ok(operation) => operation,
        Err(error) => return Ok(respond::error(&error)?),
    };
    let connection = connection::current().await?;
    let folder = if operation.call.is_mutating() { connection.folder_to_change() } else { connection.folder() };
    let folder = match folder {
        Ok(folder) => folder,
        Err(error) => return Ok(respond::error(&error)?),
    };
    let response = if let FsCall::Sub { events, since, depth } = &operation.call {
        // An EventSource that reconnects says where it stopped.
        let last_event_id = header("Last-Event-ID").and_then(|id| id.trim().parse().ok()).or(*since);
        let watched = Watched { path: operation.path, depth: *depth };
        return crate::watch::subscribe(watched, events.clone(), last_event_id).await;
    } else if operation.call.is_mutating() {
        let upload = match operation.call {
            FsCall::Write { .. } => match request_body(request).await {
                Ok(body) => Some(body),
                Err(error) => return Ok(respond::error(&error)?),
            },
            _ => None,
        };
        let response = one_at_a_time(serve_fs(&folder, &operation, &api_request, upload)).await;
        crate::watch::changed();
        response
    } else {
        serve_fs(&folder, &operation, &api_request, None).await
    };
    Ok(respond::to_web(response).await?)
}
