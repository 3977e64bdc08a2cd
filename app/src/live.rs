//! Following changes made elsewhere (another tab, another app, the disk itself) through
//! the FsNode `sub` stream (docs/http.md): the listing redraws, an open file says so.

use crate::{listing, text_file};
use owndir_core::SafePath;
use owndir_core::fs_api::FsCall;
use owndir_core::watch::EventFilter;
use owndir_view::location::api_url;
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use web_sys::{EventSource, MessageEvent};

/// How long to gather changes before one redraw.
const SETTLE_MS: u32 = 150;
/// How long to wait before reopening a stream the browser closed.
const REOPEN_MS: u32 = 1_000;

struct Watch {
    directory: SafePath,
    file: Option<SafePath>,
    source: EventSource,
    last_event_id: String,
    // Kept alive with the source; dropped (and so detached) with it.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
    /// A directory to follow once its names are in ([`watch_after_names`]).
    static DEFERRED: RefCell<Option<SafePath>> = const { RefCell::new(None) };
    static REFRESH_PENDING: Cell<bool> = const { Cell::new(false) };
}

#[derive(Deserialize)]
struct Change {
    path: String,
}

/// Follows `directory` (and `file` in it, when one is open), replacing what was followed.
pub fn watch(directory: &SafePath, file: Option<&SafePath>) {
    stop();
    open(directory.clone(), file.cloned(), String::new());
}

/// Follows `directory` from when [`names_are_in`] says so, replacing what was followed.
/// The worker's first snapshot of the subtree opens every file, and the listing's names
/// should not wait for it; a change made before the snapshot is in the sizes' listing,
/// which the listing asks for after its names too.
pub fn watch_after_names(directory: &SafePath) {
    stop();
    DEFERRED.with(|deferred| deferred.replace(Some(directory.clone())));
}

/// `directory`'s names are in: follow it, if it is still what the page means to follow.
pub fn names_are_in(directory: &SafePath) {
    if DEFERRED.with(|deferred| deferred.borrow_mut().take_if(|deferred| deferred == directory).is_some()) {
        open(directory.clone(), None, String::new());
    }
}

/// Stops following.
pub fn stop() {
    DEFERRED.with(|deferred| deferred.take());
    if let Some(watch) = WATCH.with(|watch| watch.borrow_mut().take()) {
        watch.source.close();
    }
}

fn open(directory: SafePath, file: Option<SafePath>, since: String) {
    // Only the directory's own entries matter to a listing (and to a file open in it):
    // `depth=0` spares the worker a look at the whole subtree every few seconds.
    let sub = FsCall::Sub { events: EventFilter::all(), since: since.parse().ok(), depth: Some(0) };
    let Ok(source) = EventSource::new(&api_url(&directory, &sub)) else { return };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let id = event.last_event_id();
        WATCH.with(|watch| {
            if let Some(watch) = watch.borrow_mut().as_mut() {
                watch.last_event_id = id;
            }
        });
        let Some(data) = event.data().as_string() else { return };
        let Ok(parsed) = js_sys::JSON::parse(&data) else { return };
        let Ok(change) = serde_wasm_bindgen::from_value::<Change>(parsed) else { return };
        let Ok(path) = SafePath::parse(&change.path) else { return };
        on_change(path);
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| reopen_if_closed());
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let watch = Watch { directory, file, source, last_event_id: since, _on_message: on_message, _on_error: on_error };
    WATCH.with(|slot| slot.borrow_mut().replace(watch));
}

/// Chrome closes an `EventSource` for good when a worker-made stream breaks (the worker
/// stopped); reopen it from the last event seen, so nothing is missed.
fn reopen_if_closed() {
    let closed = WATCH
        .with(|watch| watch.borrow().as_ref().is_some_and(|watch| watch.source.ready_state() == EventSource::CLOSED));
    if !closed {
        return;
    }
    gloo_timers::callback::Timeout::new(REOPEN_MS, || {
        let Some(watch) = WATCH.with(|watch| watch.borrow_mut().take()) else { return };
        if watch.source.ready_state() == EventSource::CLOSED {
            open(watch.directory, watch.file, watch.last_event_id);
        } else {
            WATCH.with(|slot| slot.borrow_mut().replace(watch));
        }
    })
    .forget();
}

fn on_change(path: SafePath) {
    let (directory, file) =
        WATCH.with(|watch| watch.borrow().as_ref().map(|watch| (watch.directory.clone(), watch.file.clone())).unzip());
    let (Some(directory), file) = (directory, file.flatten()) else { return };
    if file.as_ref() == Some(&path) {
        wasm_bindgen_futures::spawn_local(text_file::changed_on_disk(path));
        return;
    }
    // A sync conflict on screen follows its other version too (the other device may
    // resolve it, or write again).
    if let Some(file) = &file
        && path.parent().as_ref() == Some(&directory)
        && crate::state::with(|app| {
            app.file
                .as_ref()
                .and_then(|open| open.conflict.as_ref())
                .is_some_and(|conflict| path.name() == Some(conflict.pair.other()))
        })
    {
        wasm_bindgen_futures::spawn_local(text_file::changed_on_disk(file.clone()));
        return;
    }
    if file.is_none()
        && path.parent().as_ref() == Some(&directory)
        && !REFRESH_PENDING.with(|pending| pending.replace(true))
    {
        gloo_timers::callback::Timeout::new(SETTLE_MS, || {
            REFRESH_PENDING.with(|pending| pending.set(false));
            wasm_bindgen_futures::spawn_local(listing::refresh());
        })
        .forget();
    }
}
