//! `sub`: server-sent change events, with nothing lost across worker restarts.
//!
//! Service workers cannot watch files, so while anyone listens the worker snapshots each
//! watched directory every second (and at once after a change through the API), compares
//! it with the last snapshot and logs the differences in IndexedDB with increasing ids.
//! Snapshots and the log outlive the worker: an `EventSource` whose stream was cut (the
//! worker stopped, or the stream's 4-minute end below) reconnects with `Last-Event-ID`
//! and is sent what it missed.
//!
//! The core takes the snapshots, tells the differences and keeps the subscribers' books
//! (`owndir_core::watch`, `owndir_core::subscribers`); this file holds the streams, the
//! poller's timer and the log in IndexedDB.

use crate::connection;
use crate::handle_folder::HandleFolder;
use owndir_browser::{DomError, folder_store};
use owndir_core::subscribers::{Subscriber, Subscribers};
use owndir_core::watch::{
    Change, EntryState, EventFilter, Snapshot, Watched, change_from_fields, diff, event_json, snapshot,
    snapshot_from_entries, sse_event,
};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{ReadableStream, ReadableStreamDefaultController, Response};

/// How often to look for changes made outside the API.
const POLL_MS: i32 = 1_000;
/// The longest rest between looks, however big the tree.
const MAX_POLL_MS: i32 = 30_000;
/// Streams end before Chrome's 5-minute cut of any event, so the client reconnects cleanly.
const STREAM_LIFETIME_MS: f64 = 240_000.0;
/// What an `EventSource` waits before reconnecting (1 s), sent first: the response's
/// first bytes also tell the page the stream is open.
const RETRY: &str = "retry: 1000\n\n";

/// What the watcher keeps while the worker lives.
#[derive(Default)]
struct Watcher {
    subscribers: Subscribers<ReadableStreamDefaultController>,
    /// Resolves the poller's current rest early.
    wake: Option<js_sys::Function>,
}

thread_local! {
    static WATCHER: RefCell<Watcher> = RefCell::default();
}

/// `f` of the watcher. Never held across an `await`, nor while a stream is closed.
fn watcher<T>(f: impl FnOnce(&mut Watcher) -> T) -> T {
    WATCHER.with(|watcher| f(&mut watcher.borrow_mut()))
}

/// A newer build is taking over. Chrome activates it only once this worker's responses
/// are done, and an event stream is done only when closed: close them all now, and turn
/// new ones away so their pages reconnect, to the new worker once it is active.
pub fn retire() {
    for stream in watcher(|watcher| watcher.subscribers.retire()) {
        let _ = stream.close();
    }
}

fn send(controller: &ReadableStreamDefaultController, text: &str) -> bool {
    let chunk = js_sys::Uint8Array::from(text.as_bytes());
    controller.enqueue_with_chunk(&chunk).is_ok()
}

/// Opens an event stream for changes at or under `watched`'s directory, to its depth.
pub async fn subscribe(
    watched: Watched,
    filter: EventFilter,
    last_event_id: Option<u64>,
) -> Result<Response, DomError> {
    if watcher(|watcher| watcher.subscribers.is_retiring()) {
        return retiring_answer();
    }
    let id = watcher(|watcher| watcher.subscribers.new_id());
    let source = js_sys::Object::new();
    // `start` runs inside the constructor; keep the controller it is given.
    let captured = std::rc::Rc::new(RefCell::new(None::<ReadableStreamDefaultController>));
    let keep = captured.clone();
    let start = Closure::once_into_js(move |given: ReadableStreamDefaultController| {
        keep.borrow_mut().replace(given);
    });
    js_sys::Reflect::set(&source, &"start".into(), &start)?;
    let cancel = Closure::once_into_js(move |_: JsValue| watcher(|watcher| watcher.subscribers.remove(id)));
    js_sys::Reflect::set(&source, &"cancel".into(), &cancel)?;
    let stream = ReadableStream::new_with_underlying_source(&source)?;
    let controller = captured.borrow_mut().take().ok_or_else(|| DomError::new("InvalidStateError", "no controller"))?;

    let root = watched.key();
    let since = match last_event_id {
        Some(id) => id,
        None => folder_store::last_event_id().await?,
    };
    send(&controller, RETRY);
    // Replay until the log has nothing newer: a poll may log events while this awaits,
    // and the subscriber only joins the live deliveries once it has caught up.
    let mut last_sent = since;
    loop {
        let missed = folder_store::events_after(&root, last_sent).await?;
        let delivering = watcher(|watcher| watcher.subscribers.is_delivering());
        if missed.is_empty() && !delivering {
            break;
        }
        for (event_id, data) in missed {
            if stored_change(&data).is_some_and(|change| filter.accepts(&watched.path, &change)) {
                send(&controller, &sse_event(event_id, &data));
            }
            last_sent = event_id;
        }
        if delivering {
            gloo_timers::future::TimeoutFuture::new(10).await;
        }
    }
    // A successor may have announced itself while this caught up: `retire` closed the
    // streams it knew of, and one added now would hold the old worker open for minutes.
    if watcher(|watcher| watcher.subscribers.is_retiring()) {
        return retiring_answer();
    }
    let ends_at_ms = js_sys::Date::now() + STREAM_LIFETIME_MS;
    let subscriber = Subscriber { id, watched, filter, stream: controller, last_sent, ends_at_ms };
    watcher(|watcher| watcher.subscribers.add(subscriber));
    changed();

    let init = crate::respond::init(
        200,
        [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache")],
    )?;
    Ok(Response::new_with_opt_readable_stream_and_init(Some(&stream), &init)?)
}

/// The `503` a retiring worker gives a new stream: its page reconnects, to the successor.
fn retiring_answer() -> Result<Response, DomError> {
    let replaced = owndir_core::ApiError::new(503, "a new version of the app is taking over: reconnect");
    Ok(crate::respond::error(&replaced)?)
}

/// Something may have changed: look now (if anyone listens).
pub fn changed() {
    if watcher(|watcher| watcher.subscribers.is_empty()) {
        return;
    }
    if !watcher(|watcher| watcher.subscribers.start_polling()) {
        if let Some(wake) = watcher(|watcher| watcher.wake.take()) {
            let _ = wake.call0(&JsValue::UNDEFINED);
        }
        return;
    }
    spawn_local(async {
        while watcher(|watcher| watcher.subscribers.keep_polling()) {
            let started = js_sys::Date::now();
            if let Err(error) = poll().await {
                web_sys::console::warn_1(&format!("owndir: watching failed: {error}").into());
            }
            end_old_streams();
            // A big tree takes long to look at (every file is opened for its size and
            // time): rest four times as long as the look took, so watching never takes
            // more than a fifth of the folder's time from the requests.
            let took = (js_sys::Date::now() - started) as i32;
            rest(POLL_MS.max(took.saturating_mul(4)).min(MAX_POLL_MS)).await;
        }
    });
}

/// The poller's rest: `ms`, or until [`changed`] wakes it.
async fn rest(ms: i32) {
    crate::promise::sleep(ms, |resolve| {
        watcher(|watcher| watcher.wake.replace(resolve.clone()));
    })
    .await;
    watcher(|watcher| watcher.wake.take());
}

fn end_old_streams() {
    let now = js_sys::Date::now();
    for stream in watcher(|watcher| watcher.subscribers.end_expired(now)) {
        let _ = stream.close();
    }
}

async fn poll() -> Result<(), DomError> {
    let Ok(folder) = connection::current().await?.folder() else { return Ok(()) };
    let folder = folder.joining_earlier_listings();
    let roots = watcher(|watcher| watcher.subscribers.watched());
    watcher(|watcher| watcher.subscribers.set_delivering(true));
    let result = poll_roots(&folder, roots).await;
    watcher(|watcher| watcher.subscribers.set_delivering(false));
    result
}

async fn poll_roots(folder: &HandleFolder, roots: Vec<Watched>) -> Result<(), DomError> {
    for root in roots {
        let current = snapshot(folder, &root).await.map_err(|error| DomError::new("WatchError", error.to_string()))?;
        let key = root.key();
        let previous = folder_store::snapshot(&key).await?.and_then(|json| stored_snapshot(&json));
        folder_store::set_snapshot(&key, &owndir_core::watch::snapshot_to_json(&current)).await?;
        // The first look is the baseline: nothing to compare with yet.
        let Some(previous) = previous else { continue };
        let changes = diff(&previous, &current);
        if changes.is_empty() {
            continue;
        }
        let data: Vec<String> = changes.iter().map(event_json).collect();
        let ids = folder_store::append_events(&key, &data).await?;
        watcher(|watcher| watcher.subscribers.deliver(&root, &changes, &ids, &data, send));
    }
    Ok(())
}

// What the core wrote as JSON is read back with the browser's `JSON.parse`: serde_json's
// reader would be a fifth of the worker's wasm.

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A logged event (`event_json`); `None` when unreadable.
fn stored_change(json: &str) -> Option<Change> {
    let event = js_sys::JSON::parse(json).ok()?;
    change_from_fields(&field(&event, "event").as_string()?, &field(&event, "path").as_string()?)
}

/// A stored snapshot (`snapshot_to_json`); `None` when unreadable.
fn stored_snapshot(json: &str) -> Option<Snapshot> {
    let entries: js_sys::Array = js_sys::JSON::parse(json).ok()?.dyn_into().ok()?;
    let entries = entries.iter().map(|entry| {
        let state = js_sys::Reflect::get_u32(&entry, 1).ok()?;
        let state = if state.as_string().as_deref() == Some("Directory") {
            EntryState::Directory
        } else {
            let file = field(&state, "File");
            EntryState::File {
                size: field(&file, "size").as_f64()? as u64,
                modified_ms: field(&file, "modified_ms").as_f64()? as u64,
            }
        };
        Some((js_sys::Reflect::get_u32(&entry, 0).ok()?.as_string()?, state))
    });
    snapshot_from_entries(entries.collect::<Option<Vec<_>>>()?)
}
