//! Reading a directory through the worker, as any folder app would.

use crate::dom::window;
use owndir_browser::DomError;
use owndir_core::{RequestPath, SafePath};
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Where the default app can also be opened, for any path (CONTRACT §5).
const BROWSE_PREFIX: &str = "/@/browse";

/// One entry of a listing, as the worker sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The entry's name.
    pub name: String,
    /// True for a directory.
    pub is_directory: bool,
    /// Bytes (0 for a directory).
    pub size: f64,
    /// Modification time, epoch ms (0 when unknown).
    pub mtime: f64,
}

/// Why a listing could not be shown.
#[derive(Debug)]
pub enum ListingError {
    /// The worker answered with an error status and message.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The worker's message.
        message: String,
    },
    /// The request itself failed.
    Failed(DomError),
}

impl From<DomError> for ListingError {
    fn from(error: DomError) -> ListingError {
        ListingError::Failed(error)
    }
}

impl From<wasm_bindgen::JsValue> for ListingError {
    fn from(error: wasm_bindgen::JsValue) -> ListingError {
        ListingError::Failed(error.into())
    }
}

/// The directory this page shows: the URL's path, or what follows `/@/browse`.
pub fn current_directory() -> Result<SafePath, owndir_core::PathError> {
    let pathname = window().location().pathname().unwrap_or_default();
    let path = pathname.strip_prefix(BROWSE_PREFIX).unwrap_or(&pathname);
    RequestPath::from_url_path(path).map(|parsed| parsed.path)
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// The entries of `directory`, from the worker (`Accept: application/json`).
pub async fn fetch(directory: &SafePath) -> Result<Vec<Row>, ListingError> {
    let init = RequestInit::new();
    let headers = web_sys::Headers::new()?;
    headers.append("Accept", "application/json")?;
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(&directory.to_dir_url(), &init)?;
    let response: Response = JsFuture::from(window().fetch_with_request(&request)).await?.dyn_into()?;
    let body = JsFuture::from(response.json()?).await?;
    if !response.ok() {
        let message = serde_wasm_bindgen::from_value::<ErrorBody>(body)
            .map(|body| body.error)
            .unwrap_or_else(|_| response.status_text());
        return Err(ListingError::Answered { status: response.status(), message });
    }
    serde_wasm_bindgen::from_value(body)
        .map_err(|error| ListingError::Failed(DomError::new("TypeError", format!("unexpected listing: {error}"))))
}

/// A size for people: `512 B`, `1.5 KB`, `20 MB`.
pub fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A local date and time, `2026-11-22 14:05`; empty when unknown.
pub fn human_time(epoch_ms: f64) -> String {
    if epoch_ms <= 0.0 {
        return String::new();
    }
    let date = js_sys::Date::new(&epoch_ms.into());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}
