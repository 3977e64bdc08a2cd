//! The folder through the FsNode API (docs/http.md), as any folder app reaches it.

use crate::dom::window;
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_core::fs_api::FsCall;
use owndir_view::Entry;
use owndir_view::location::api_url;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestInit, Response};

/// Why a call failed: the worker's status and message, or status 0 when the request
/// itself failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status, 0 when there was no answer.
    pub status: u16,
    /// What went wrong, for people.
    pub message: String,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<JsValue> for ApiFailure {
    fn from(error: JsValue) -> ApiFailure {
        ApiFailure { status: 0, message: DomError::from(error).to_string() }
    }
}

impl From<DomError> for ApiFailure {
    fn from(error: DomError) -> ApiFailure {
        ApiFailure { status: 0, message: error.to_string() }
    }
}

/// A call's result.
pub type ApiResult<T> = Result<T, ApiFailure>;

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// Sends a request and fails on any status but 2xx, with the worker's message.
pub async fn send(method: &str, url: &str, body: Option<&JsValue>, headers: &[(&str, &str)]) -> ApiResult<Response> {
    send_with(method, url, body, headers, None).await
}

/// [`send`], which `signal` can abort (the request then fails with status 0).
pub async fn send_with(
    method: &str,
    url: &str,
    body: Option<&JsValue>,
    headers: &[(&str, &str)],
    signal: Option<&AbortSignal>,
) -> ApiResult<Response> {
    let init = RequestInit::new();
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    init.set_method(method);
    let all = Headers::new()?;
    for (name, value) in headers {
        all.append(name, value)?;
    }
    init.set_headers(&all);
    if let Some(body) = body {
        init.set_body(body);
        if body.is_instance_of::<web_sys::ReadableStream>() {
            // A streamed body must say so (Fetch "duplex"); web-sys has no setter yet.
            js_sys::Reflect::set(&init, &"duplex".into(), &"half".into())?;
        }
    }
    let request = Request::new_with_str_and_init(url, &init)?;
    let response: Response = JsFuture::from(window().fetch_with_request(&request)).await?.dyn_into()?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let message = match JsFuture::from(response.json()?).await {
        Ok(body) => serde_wasm_bindgen::from_value::<ErrorBody>(body).map(|body| body.error).ok(),
        Err(_) => None,
    };
    Err(ApiFailure { status, message: message.unwrap_or_else(|| format!("{status} {}", response.status_text())) })
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> ApiResult<T> {
    let body = JsFuture::from(response.json()?).await?;
    serde_wasm_bindgen::from_value(body)
        .map_err(|error| ApiFailure { status: 0, message: format!("unexpected answer: {error}") })
}

/// Runs an FsNode `call` on `path`, with the method the call is sent with.
async fn fs_call(
    path: &SafePath,
    call: FsCall,
    body: Option<&JsValue>,
    headers: &[(&str, &str)],
) -> ApiResult<Response> {
    send(call.method().as_str(), &api_url(path, &call), body, headers).await
}

/// The entries of `directory`.
pub async fn children(directory: &SafePath) -> ApiResult<Vec<Entry>> {
    json(fs_call(directory, FsCall::Children { info: true, kind: false }, None, &[]).await?).await
}

/// The entries of `directory`, in a request `signal` can abort.
pub async fn children_until(directory: &SafePath, signal: &AbortSignal) -> ApiResult<Vec<Entry>> {
    let call = FsCall::Children { info: true, kind: false };
    json(send_with(call.method().as_str(), &api_url(directory, &call), None, &[], Some(signal)).await?).await
}

/// The entries of `directory` with names and kinds only, sizes and times 0: the worker
/// opens no file for them, so a big folder or a cold disk answers at once.
pub async fn kinds(directory: &SafePath) -> ApiResult<Vec<Entry>> {
    json(fs_call(directory, FsCall::Children { info: false, kind: true }, None, &[]).await?).await
}

/// [`kinds`], in a request `signal` can abort.
pub async fn kinds_until(directory: &SafePath, signal: &AbortSignal) -> ApiResult<Vec<Entry>> {
    let call = FsCall::Children { info: false, kind: true };
    json(send_with(call.method().as_str(), &api_url(directory, &call), None, &[], Some(signal)).await?).await
}

/// The size and time of what is at `path` (`None` when nothing is), in a request
/// `signal` can abort when given.
pub async fn size_and_time(path: &SafePath, signal: Option<&AbortSignal>) -> ApiResult<Option<(u64, u64)>> {
    #[derive(Deserialize)]
    struct Info {
        size: u64,
        mtime: u64,
    }
    let call = FsCall::Info;
    let response = send_with(call.method().as_str(), &api_url(path, &call), None, &[], signal).await?;
    let info: Option<Info> = json(response).await?;
    Ok(info.map(|info| (info.size, info.mtime)))
}

/// A file's text, in a request `signal` can abort.
pub async fn text_until(path: &SafePath, signal: &AbortSignal) -> ApiResult<String> {
    let response = send_with("GET", &path.to_url(), None, &[("Cache-Control", "no-cache")], Some(signal)).await?;
    Ok(JsFuture::from(response.text()?).await?.as_string().unwrap_or_default())
}

/// The names in `directory` (no sizes or times: the worker opens no file for them).
pub async fn names(directory: &SafePath) -> ApiResult<Vec<String>> {
    json(fs_call(directory, FsCall::Children { info: false, kind: false }, None, &[]).await?).await
}

/// What is at `path`: `Some(true)` a directory, `Some(false)` a file, `None` nothing.
pub async fn kind(path: &SafePath) -> ApiResult<Option<bool>> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Info {
        is_directory: bool,
    }
    let info: Option<Info> = json(fs_call(path, FsCall::Info, None, &[]).await?).await?;
    Ok(info.map(|info| info.is_directory))
}

/// A file's text and its `ETag`, read from its own URL.
pub async fn read_text(path: &SafePath) -> ApiResult<(String, Option<String>)> {
    let response = send("GET", &path.to_url(), None, &[("Cache-Control", "no-cache")]).await?;
    let etag = response.headers().get("ETag").ok().flatten();
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    Ok((text, etag))
}

/// A file's current `ETag`, `None` when it is gone.
pub async fn etag(path: &SafePath) -> ApiResult<Option<String>> {
    match send("HEAD", &path.to_url(), None, &[("Cache-Control", "no-cache")]).await {
        Ok(response) => Ok(response.headers().get("ETag").ok().flatten()),
        Err(failure) if failure.status == 404 => Ok(None),
        Err(failure) => Err(failure),
    }
}

/// Replaces the file at `path` with `body` (a string, `Blob` or `ReadableStream`); with
/// `if_match`, only if the file is still that version (`412` otherwise).
pub async fn write(path: &SafePath, body: &JsValue, if_match: Option<&str>) -> ApiResult<()> {
    let headers: Vec<(&str, &str)> = if_match.map(|tag| ("If-Match", tag)).into_iter().collect();
    fs_call(path, FsCall::Write { append: false }, Some(body), &headers).await.map(drop)
}

/// Deletes the file at `path` (its own URL, `DELETE`), only if it is still that version.
pub async fn delete_version(path: &SafePath, if_match: &str) -> ApiResult<()> {
    send("DELETE", &path.to_url(), None, &[("If-Match", if_match)]).await.map(drop)
}

/// A file's bytes as a `Blob` and its `ETag`.
pub async fn read_blob(path: &SafePath) -> ApiResult<(web_sys::Blob, Option<String>)> {
    let response = send("GET", &path.to_url(), None, &[("Cache-Control", "no-cache")]).await?;
    let etag = response.headers().get("ETag").ok().flatten();
    let blob = JsFuture::from(response.blob()?).await?.dyn_into()?;
    Ok((blob, etag))
}

/// Creates an empty file.
pub async fn touch(path: &SafePath) -> ApiResult<()> {
    fs_call(path, FsCall::Touch, None, &[]).await.map(drop)
}

/// Creates a directory and its missing parents.
pub async fn make_dir(path: &SafePath) -> ApiResult<()> {
    fs_call(path, FsCall::MakeDir, None, &[]).await.map(drop)
}

/// Moves `path` to `to` (absolute from the root); into `to` when it is a directory.
pub async fn move_to(path: &SafePath, to: &SafePath) -> ApiResult<()> {
    fs_call(path, FsCall::Move { to: format!("/{to}"), overwrite: false }, None, &[]).await.map(drop)
}

/// Deletes `path`, recursively.
pub async fn delete(path: &SafePath) -> ApiResult<()> {
    fs_call(path, FsCall::Delete, None, &[]).await.map(drop)
}
