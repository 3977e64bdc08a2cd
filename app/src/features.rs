//! What this browser can do, asked of the browser itself: the directory picker, dropped
//! folder handles, streamed request bodies.

use crate::dom::window;
use wasm_bindgen::JsValue;
use web_sys::{Request, RequestInit};

/// Whether this browser can open a folder from the device (Chrome desktop, Android 132+).
pub fn has_directory_picker() -> bool {
    js_sys::Reflect::has(&window(), &"showDirectoryPicker".into()).unwrap_or(false)
}

/// Whether a folder can be connected by dropping it here: a browser that gives a dropped
/// item's handle (Chrome, Edge), on a device one drags with (a desktop).
pub fn takes_dropped_folders() -> bool {
    let has_handles = js_sys::Reflect::get(&window(), &"DataTransferItem".into())
        .and_then(|class| js_sys::Reflect::get(&class, &"prototype".into()))
        .and_then(|prototype| js_sys::Reflect::has(&prototype, &"getAsFileSystemHandle".into()))
        .unwrap_or(false);
    // A phone's pointer is a finger: nothing to drag a folder from.
    let touch_only = window().match_media("(pointer: coarse)").ok().flatten().is_some_and(|query| query.matches());
    has_handles && !touch_only
}

/// Whether `fetch` can send a `ReadableStream` body (Chrome 105+). A browser that cannot
/// turns the stream into the text "[object ReadableStream]", which it labels `text/plain`:
/// a silent loss of the upload, so the caller sends the `Blob` instead.
pub fn can_stream_request_bodies() -> bool {
    let probe = || -> Result<bool, JsValue> {
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&web_sys::ReadableStream::new()?.into());
        js_sys::Reflect::set(&init, &"duplex".into(), &"half".into())?;
        let request = Request::new_with_str_and_init("/", &init)?;
        Ok(!request.headers().has("Content-Type")?)
    };
    probe().unwrap_or(false)
}
