//! The `fetch` listener: which requests the worker answers, and how.

use crate::connection;
use crate::folder_routes::WorkerHandlers;
use crate::{global_scope, respond, shell};
use owndir_browser::DomError;
use owndir_core::conditional::RequestHeaders;
use owndir_core::webdav::{self, Change};
use owndir_core::{
    Answer, ApiError, ContentRequest, HttpResponse, Method, RequestPath, ResponseBody, Route, serve_content_with,
};
use wasm_bindgen_futures::future_to_promise;
use web_sys::{FetchEvent, Request, RequestMode, Response, Url};

/// Answers every same-origin request; others go to the network untouched. The choice
/// is made synchronously, and `respondWith` is called inside the event, as required.
pub fn on_fetch(event: &FetchEvent) {
    let request = event.request();
    let Ok(url) = Url::new(&request.url()) else { return };
    if url.origin() != global_scope().location().origin() {
        return;
    }
    let answer = future_to_promise(async move {
        let response = match answer(&request, &url).await {
            Ok(response) => response,
            Err(error) => {
                web_sys::console::error_1(&format!("owndir: {} failed: {error}", url.pathname()).into());
                respond::error(&ApiError::new(500, format!("internal error: {error}")))?
            }
        };
        // One place for every route, handlers' own answers included.
        Ok(respond::with_security_headers(response).await?.into())
    });
    if let Err(error) = event.respond_with(&answer) {
        web_sys::console::error_2(&"owndir: respondWith failed".into(), &error);
    }
}

async fn answer(request: &Request, url: &Url) -> Result<Response, DomError> {
    let path = url.pathname();
    match Route::of(&path) {
        Route::Status => {
            let connection = connection::current().await?;
            let report = connection.report();
            let response = owndir_core::HttpResponse::json(200, report.to_json());
            Ok(respond::to_web(response).await?)
        }
        Route::AppAsset => Ok(shell::asset(request).await?),
        Route::Browse(_) => Ok(shell::app_page(200).await?),
        Route::Fs(rest) => crate::fs_api::answer(request, url, rest).await,
        Route::FsnodeJs => Ok(shell::asset(request).await?),
        Route::Zip(rest) => crate::zip::answer(rest, &url.search()).await,
        Route::UnknownRuntime => Ok(respond::error(&ApiError::new(404, format!("no runtime route {path}")))?),
        Route::Content(_) => content(request, url, &path).await,
    }
}

async fn content(request: &Request, url: &Url, path: &str) -> Result<Response, DomError> {
    let is_navigation = request.mode() == RequestMode::Navigate;
    let connection = connection::current().await?;
    let folder = match connection.folder() {
        Ok(folder) => folder,
        // The app explains how to connect; everything else is told plainly.
        Err(_) if is_navigation => return Ok(shell::app_page(200).await?),
        Err(error) => return Ok(respond::error(&error)?),
    };
    let headers = request.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let (range, if_range, if_match) = (header("Range"), header("If-Range"), header("If-Match"));
    let (if_none_match, if_modified_since) = (header("If-None-Match"), header("If-Modified-Since"));
    let if_unmodified_since = header("If-Unmodified-Since");
    let (origin, sec_fetch_site) = (header("Origin"), header("Sec-Fetch-Site"));
    let own_origin = global_scope().location().origin();
    let search = url.search();
    let content_request = ContentRequest {
        method: Method::parse(&request.method()),
        url_path: path,
        query: search.strip_prefix('?'),
        accepts_json: header("Accept").is_some_and(|accept| accept.contains("application/json")),
        is_navigation,
        headers: RequestHeaders {
            range: range.as_deref(),
            if_range: if_range.as_deref(),
            if_match: if_match.as_deref(),
            if_none_match: if_none_match.as_deref(),
            if_modified_since: if_modified_since.as_deref(),
            if_unmodified_since: if_unmodified_since.as_deref(),
        },
        now_ms: js_sys::Date::now() as u64,
        origin: origin.as_deref(),
        sec_fetch_site: sec_fetch_site.as_deref(),
        own_origin: &own_origin,
    };
    // A read begins at once every lookup its answer may need (`HandleFolder::prefetch`).
    if content_request.method.is_read()
        && let Ok(parsed) = RequestPath::from_url_path(path)
    {
        folder.prefetch(&parsed.path);
    }
    let handlers = WorkerHandlers::new(&folder, request, own_origin.clone());
    match serve_content_with(&folder, &content_request, &handlers).await {
        Answer::Core(HttpResponse { status, body: ResponseBody::AppPage, .. }) => Ok(shell::app_page(status).await?),
        Answer::Core(response) => Ok(respond::to_web(response).await?),
        Answer::Handler(response) => Ok(response),
        Answer::Change(change) => {
            let folder = match connection.folder_to_change() {
                Ok(folder) => folder,
                Err(error) => return Ok(respond::error(&error)?),
            };
            let upload = match change {
                Change::Put(_) => match crate::fs_api::request_body(request).await {
                    Ok(body) => Some(body),
                    Err(error) => return Ok(respond::error(&error)?),
                },
                Change::Delete(_) => None,
            };
            let response = crate::fs_api::one_at_a_time(webdav::apply(
                &folder,
                &change,
                &content_request.change_request(),
                upload,
            ))
            .await;
            crate::watch::changed();
            Ok(respond::to_web(response).await?)
        }
    }
}
