//! The owndir service worker.
//!
//! `sw.js` (assembled by `cargo xtask build`) holds the wasm-bindgen glue, this crate's
//! wasm as bytes, and one line that instantiates it synchronously. So the listeners
//! below are added during the script's first evaluation, as Chrome requires (a worker
//! whose listeners come after an async start never receives fetches), and a cold or
//! offline start needs nothing from the network.

mod build_info;
mod connection;
mod fetch;
#[cfg(test)]
mod folder_cases_in_worker;
mod folder_gone;
mod folder_modules;
mod folder_routes;
mod folder_writes;
mod fs_api;
mod handle_folder;
mod lifecycle;
mod promise;
mod reads_first;
mod respond;
mod shared_calls;
mod shared_listings;
mod shell;
mod watch;
mod zip;

use wasm_bindgen::prelude::*;
use web_sys::{ExtendableEvent, FetchEvent, ServiceWorkerGlobalScope};

// Talc instead of the standard dlmalloc: the same job in a few KB less of wasm.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Adds the worker's listeners. Runs inside `initSync`, during first evaluation.
// Not in the worker's own tests: their runner's worker must not answer fetches.
#[cfg_attr(not(test), wasm_bindgen(start))]
pub fn start() {
    let scope = global_scope();
    listen(&scope, "install", |event: ExtendableEvent| lifecycle::on_install(&event));
    listen(&scope, "activate", |event: ExtendableEvent| lifecycle::on_activate(&event));
    listen(&scope, "fetch", |event: FetchEvent| fetch::on_fetch(&event));
    listen(&scope, "message", |event: web_sys::ExtendableMessageEvent| lifecycle::on_message(&event));
    lifecycle::listen_for_successor();
}

fn listen<E: JsCast + 'static>(scope: &ServiceWorkerGlobalScope, kind: &str, handler: impl Fn(E) + 'static) {
    let closure = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| handler(event.unchecked_into::<E>()));
    if let Err(error) = scope.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()) {
        web_sys::console::error_2(&format!("owndir: cannot listen to {kind}").into(), &error);
    }
    // The listeners live as long as the worker.
    closure.forget();
}

/// Bytes of wasm linear memory: what the tests and the benchmark watch while the worker
/// streams a large file (`wasm_bindgen.wasmMemoryBytes()` in the worker).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// The worker's global scope.
pub(crate) fn global_scope() -> ServiceWorkerGlobalScope {
    js_sys::global().unchecked_into()
}
