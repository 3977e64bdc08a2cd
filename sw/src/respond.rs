//! The core's [`HttpResponse`] as a browser `Response`.

use owndir_core::http::SECURITY_HEADERS;
use owndir_core::{ApiError, HttpResponse, ResponseBody};
use wasm_bindgen::JsValue;
use web_sys::{File, Headers, Response, ResponseInit};

/// Builds the browser response. A file body is the `File` itself, so the browser
/// streams it from disk. The app page is not built here: it comes from the shell cache.
pub async fn to_web(response: HttpResponse<File>) -> Result<Response, JsValue> {
    let init = init(response.status, response.headers.iter().map(|(name, value)| (*name, value.as_str())))?;
    match &response.body {
        ResponseBody::Empty => Response::new_with_opt_str_and_init(None, &init),
        ResponseBody::Text(text) => Response::new_with_opt_str_and_init(Some(text), &init),
        ResponseBody::File(file, None) => Response::new_with_opt_blob_and_init(Some(file), &init),
        // A slice is another lazy view of the file on disk: still no copy.
        ResponseBody::File(file, Some(range)) => {
            let slice = file.slice_with_f64_and_f64(range.start as f64, range.end as f64 + 1.0)?;
            Response::new_with_opt_blob_and_init(Some(&slice), &init)
        }
        // The route that may answer with the app page (content) resolves it from the shell
        // cache first; see `fetch::content`.
        ResponseBody::AppPage => Err(JsValue::from_str("the app page is answered from the shell cache")),
    }
}

/// A JSON error response.
pub fn error(error: &ApiError) -> Result<Response, JsValue> {
    let init = init(error.status, [("Content-Type", owndir_core::http::JSON)])?;
    Response::new_with_opt_str_and_init(Some(&error.to_json()), &init)
}

/// The status and headers of a response.
pub fn init<'a>(status: u16, headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<ResponseInit, JsValue> {
    let all = Headers::new()?;
    for (name, value) in headers {
        all.append(name, value)?;
    }
    let init = ResponseInit::new();
    init.set_status(status);
    init.set_headers(&all);
    Ok(init)
}

/// `response` with [`SECURITY_HEADERS`] set. A response that came from the cache or the
/// network (it has a URL) is made anew from its body as a `Blob`: Chrome sends a cached
/// response from the cache itself, with the headers it was stored with, whatever the
/// worker set on it since; and a new response around its body *stream* would keep this
/// worker's fetch event open until the page read it all, which holds back an update.
pub async fn with_security_headers(response: Response) -> Result<Response, JsValue> {
    // A network error has no headers to give, and no status a new response could take.
    if response.status() == 0 {
        return Ok(response);
    }
    let headers = response.headers();
    if response.url().is_empty() {
        for (name, value) in SECURITY_HEADERS {
            headers.set(name, value)?;
        }
        return Ok(response);
    }
    let copied = Headers::new_with_headers(&headers)?;
    for (name, value) in SECURITY_HEADERS {
        copied.set(name, value)?;
    }
    let init = ResponseInit::new();
    init.set_status(response.status());
    init.set_status_text(&response.status_text());
    init.set_headers(&copied);
    // Statuses that carry no body may not be given one (Fetch, "null body status").
    if matches!(response.status(), 101 | 103 | 204 | 205 | 304) {
        return Response::new_with_opt_str_and_init(None, &init);
    }
    let body: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(response.blob()?).await?.into();
    Response::new_with_opt_blob_and_init(Some(&body), &init)
}
