//! The app shell: its files and the app page, served from this build's cache (filled and
//! pruned by `lifecycle.rs`).

use crate::build_info::cache_name;
use crate::global_scope;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CacheQueryOptions, Request, Response};

/// The app's page, served for directory navigations and `/@/browse/`.
pub const APP_PAGE: &str = "/@/app/index.html";

/// A shell file from this build's cache, or from the network if it is missing there.
pub async fn asset(request: &Request) -> Result<Response, JsValue> {
    if let Some(response) = cached(&request.url()).await? {
        return Ok(response);
    }
    JsFuture::from(global_scope().fetch_with_request(request)).await.map(JsCast::unchecked_into)
}

async fn cached(url: &str) -> Result<Option<Response>, JsValue> {
    // `caches.match` with a name, not `caches.open`: an old worker still answering a
    // request after its successor deleted its cache must not create that cache again.
    let options = CacheQueryOptions::new();
    options.set_cache_name(&cache_name());
    let found = JsFuture::from(global_scope().caches()?.match_with_str_and_options(url, &options)).await?;
    Ok(found.dyn_into::<Response>().ok())
}

/// The app's page with `status` (404 when it is to show "not found").
pub async fn app_page(status: u16) -> Result<Response, JsValue> {
    let page = match cached(APP_PAGE).await? {
        Some(page) => page,
        None => JsFuture::from(global_scope().fetch_with_str(APP_PAGE)).await?.unchecked_into(),
    };
    let body: web_sys::Blob = JsFuture::from(page.blob()?).await?.unchecked_into();
    let init = crate::respond::init(status, [("Content-Type", "text/html; charset=utf-8")])?;
    Response::new_with_opt_blob_and_init(Some(&body), &init)
}
