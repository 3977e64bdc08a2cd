//! The worker's life: `install` fills this build's shell cache, `activate` drops other
//! builds' caches and takes the open pages, a page's `message` lets a waiting update take
//! over (or says the folder record changed), and a successor's announcement retires this worker's event streams.

use crate::build_info::{CACHE_PREFIX, cache_name, shell_urls};
use crate::global_scope;
use owndir_browser::folder_store;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{Cache, ExtendableEvent, Request, RequestCache, RequestInit};

fn log_error(context: &str, error: &JsValue) {
    web_sys::console::error_2(&format!("owndir: {context}").into(), error);
}

/// `install`: put this build's shell in its cache. A first install takes over at once; an
/// update waits until the page says so (the person clicked Reload), so it never swaps
/// the app under an open tab.
pub fn on_install(event: &ExtendableEvent) {
    let work = future_to_promise(async {
        let scope = global_scope();
        let cache: Cache = JsFuture::from(scope.caches()?.open(&cache_name())).await?.unchecked_into();
        let requests = js_sys::Array::<Request>::new_typed();
        for url in shell_urls() {
            // Past any HTTP cache: the shell must be this build's files.
            let init = RequestInit::new();
            init.set_cache(RequestCache::Reload);
            requests.push(&Request::new_with_str_and_init(&url, &init)?);
        }
        JsFuture::from(cache.add_all_with_request_sequence(&requests)).await?;
        Ok(JsValue::UNDEFINED)
    });
    if let Err(error) = event.wait_until(&work) {
        log_error("install failed", &error);
    }
}

/// The message a page sends to let a waiting update take over.
pub const SKIP_WAITING: &str = "skip-waiting";

/// `message`: a page agreed to the update.
pub fn on_message(event: &web_sys::ExtendableMessageEvent) {
    let data = event.data().as_string();
    if data.as_deref() == Some(folder_store::CHANGED) {
        // The page changed the folder record: read it again, then say so.
        folder_store::forget_remembered();
        if let Ok(port) = event.ports().get(0).dyn_into::<web_sys::MessagePort>()
            && let Err(error) = port.post_message(&JsValue::from_str(folder_store::CHANGED))
        {
            log_error("cannot answer folder-changed", &error);
        }
        return;
    }
    if data.as_deref() == Some(SKIP_WAITING) {
        let work = future_to_promise(async {
            // The worker being replaced must first end its event streams (watch::retire).
            // It may be stopped now and started again by a page's next request, which
            // would open a stream again and hold this activation: say it until activated.
            let channel = web_sys::BroadcastChannel::new(WORKERS_CHANNEL)?;
            let announcement: JsValue = format!("{TAKING_OVER}{}", crate::build_info::version()).into();
            channel.post_message(&announcement)?;
            JsFuture::from(global_scope().skip_waiting()?).await?;
            for _ in 0..ANNOUNCEMENTS {
                gloo_timers::future::TimeoutFuture::new(ANNOUNCE_EVERY_MS).await;
                if ACTIVATED.with(Cell::get) {
                    break;
                }
                channel.post_message(&announcement)?;
            }
            channel.close();
            Ok(JsValue::UNDEFINED)
        });
        if let Err(error) = event.wait_until(&work) {
            log_error("skipWaiting failed", &error);
        }
    }
}

/// How often, and how many times, a worker that was told to take over says so.
const ANNOUNCE_EVERY_MS: u32 = 500;
const ANNOUNCEMENTS: u32 = 60;

thread_local! {
    /// Set once this worker's `activate` has run.
    static ACTIVATED: Cell<bool> = const { Cell::new(false) };
}

/// Where workers of different builds of this origin speak to each other.
const WORKERS_CHANNEL: &str = "owndir-workers";
/// `taking-over:<version>`: a build is about to replace the active worker.
const TAKING_OVER: &str = "taking-over:";

/// Listens for a newer build taking over from this worker, for as long as it runs.
pub fn listen_for_successor() {
    let Ok(channel) = web_sys::BroadcastChannel::new(WORKERS_CHANNEL) else { return };
    let own = crate::build_info::version();
    let on_message =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let data = message.data().as_string().unwrap_or_default();
            if data.strip_prefix(TAKING_OVER).is_some_and(|version| version != own) {
                crate::watch::retire();
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both live as long as the worker.
    on_message.forget();
    std::mem::forget(channel);
}

/// `activate`: delete other builds' caches and control the open pages.
pub fn on_activate(event: &ExtendableEvent) {
    let work = future_to_promise(async {
        let scope = global_scope();
        let caches = scope.caches()?;
        let current = cache_name();
        let names: js_sys::Array = JsFuture::from(caches.keys()).await?.unchecked_into();
        for name in names.iter().filter_map(|name| name.as_string()) {
            if name.starts_with(CACHE_PREFIX) && name != current {
                JsFuture::from(caches.delete(&name)).await?;
            }
        }
        JsFuture::from(scope.clients().claim()).await?;
        ACTIVATED.with(|activated| activated.set(true));
        Ok(JsValue::UNDEFINED)
    });
    if let Err(error) = event.wait_until(&work) {
        log_error("activate failed", &error);
    }
}
