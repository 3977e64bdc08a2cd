//! Registering the service worker and making sure it controls this page.

use crate::dom::window;
use owndir_browser::DomError;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RegistrationOptions, ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState, ServiceWorkerUpdateViaCache,
};

/// The message that lets a waiting worker take over (see `sw/src/shell.rs`).
const SKIP_WAITING: &str = "skip-waiting";

/// Where tabs ask each other whether one holds unsaved edits.
const EDITS_CHANNEL: &str = "owndir-edits";

thread_local! {
    /// Where this tab goes when the new worker takes over: `None` stays, `Some("")`
    /// reloads, `Some(href)` opens `href`.
    static ON_TAKEOVER: RefCell<Option<String>> = const { RefCell::new(None) };
    /// A new build waits.
    static UPDATE_WAITING: Cell<bool> = const { Cell::new(false) };
}

fn update_found() {
    UPDATE_WAITING.with(|waiting| waiting.set(true));
    crate::views::show_update_ready();
}

/// Answers other tabs asking whether this one holds unsaved edits.
pub fn answer_edit_questions() -> Result<(), DomError> {
    let channel = web_sys::BroadcastChannel::new(EDITS_CHANNEL)?;
    let replies = channel.clone();
    crate::dom::listen(&channel, "message", move |event: web_sys::MessageEvent| {
        if event.data().as_string().as_deref() == Some("ask") && crate::state::has_unsaved_edits() {
            let _ = replies.post_message(&"unsaved".into());
        }
    })?;
    // The channel must live as long as the page.
    std::mem::forget(channel);
    Ok(())
}

/// True when some other tab answers, within a moment, that it holds unsaved edits.
async fn another_tab_has_unsaved_edits() -> Result<bool, DomError> {
    let channel = web_sys::BroadcastChannel::new(EDITS_CHANNEL)?;
    let heard = std::rc::Rc::new(Cell::new(false));
    let flag = heard.clone();
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if event.data().as_string().as_deref() == Some("unsaved") {
            flag.set(true);
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel.post_message(&"ask".into())?;
    gloo_timers::future::TimeoutFuture::new(250).await;
    channel.close();
    Ok(heard.get())
}

/// With a new build waiting and no unsaved edits in any tab, takes the update at this
/// navigation: the new worker takes over and the page opens `href` in the new version.
/// False when the navigation should go on as usual.
pub async fn update_at_navigation(href: &str) -> bool {
    if !UPDATE_WAITING.with(Cell::get) || crate::state::has_unsaved_edits() {
        return false;
    }
    if another_tab_has_unsaved_edits().await.unwrap_or(true) {
        return false;
    }
    ON_TAKEOVER.with(|target| target.replace(Some(href.to_owned())));
    apply_update().await.is_ok()
}

/// Shows the update banner whenever a new build waits, now or later.
fn watch_for_updates(registration: &ServiceWorkerRegistration) {
    if registration.waiting().is_some() && window().navigator().service_worker().controller().is_some() {
        update_found();
    }
    let found = registration.clone();
    let on_update_found = Closure::<dyn Fn()>::new(move || {
        let Some(installing) = found.installing() else { return };
        let watched = installing.clone();
        let on_state = Closure::<dyn Fn()>::new(move || {
            // "installed" with a controller present means: an update, waiting.
            if watched.state() == ServiceWorkerState::Installed
                && window().navigator().service_worker().controller().is_some()
            {
                update_found();
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();
    let on_takeover = Closure::<dyn Fn()>::new(|| match ON_TAKEOVER.with(|target| target.borrow().clone()) {
        Some(href) if href.is_empty() => drop(window().location().reload()),
        Some(href) => drop(window().location().assign(&href)),
        None => {}
    });
    window().navigator().service_worker().set_oncontrollerchange(Some(on_takeover.as_ref().unchecked_ref()));
    on_takeover.forget();
}

/// The person agreed: let the waiting build take over, then reload into it.
pub async fn apply_update() -> Result<(), DomError> {
    let container = window().navigator().service_worker();
    let registration: ServiceWorkerRegistration = JsFuture::from(container.ready()?).await?.unchecked_into();
    let Some(waiting) = registration.waiting() else {
        window().location().reload()?;
        return Ok(());
    };
    ON_TAKEOVER.with(|target| {
        target.borrow_mut().get_or_insert_with(String::new);
    });
    ServiceWorker::post_message(&waiting, &SKIP_WAITING.into())?;
    Ok(())
}

/// Set for one reload, so that a page the worker will not control reloads once, not forever.
const RELOADED_FLAG: &str = "owndir-reloaded-for-worker";

/// Registers `/sw.js` for the whole origin and waits until it controls the page.
///
/// A first visit is taken over by `clients.claim()`. A shift-reload bypasses the worker
/// for this page load: then the page reloads itself once, normally.
pub async fn ensure_controlled() -> Result<(), DomError> {
    let container = window().navigator().service_worker();
    let options = RegistrationOptions::new();
    options.set_scope("/");
    // Check /sw.js past the HTTP cache, so a new build is found on the next visit.
    options.set_update_via_cache(ServiceWorkerUpdateViaCache::None);
    let registration: ServiceWorkerRegistration =
        JsFuture::from(container.register_with_options("/sw.js", &options)).await?.unchecked_into();
    JsFuture::from(container.ready()?).await?;
    watch_for_updates(&registration);
    if container.controller().is_some() {
        clear_reload_flag();
        return Ok(());
    }
    wait_for_controller(2_000).await?;
    if container.controller().is_some() {
        clear_reload_flag();
        return Ok(());
    }
    let session =
        window().session_storage()?.ok_or_else(|| DomError::new("NotSupportedError", "no session storage"))?;
    if session.get_item(RELOADED_FLAG)?.is_none() {
        session.set_item(RELOADED_FLAG, "1")?;
        window().location().reload()?;
        // The reload replaces this page; never go on rendering.
        std::future::pending::<()>().await;
    }
    Err(DomError::new("InvalidStateError", "the service worker does not control this page; reload it"))
}

fn clear_reload_flag() {
    if let Ok(Some(session)) = window().session_storage() {
        let _ = session.remove_item(RELOADED_FLAG);
    }
}

/// Resolves at the next `controllerchange`, or after `timeout_ms`.
async fn wait_for_controller(timeout_ms: i32) -> Result<(), DomError> {
    let container = window().navigator().service_worker();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let options = web_sys::AddEventListenerOptions::new();
        options.set_once(true);
        let _ = container.add_event_listener_with_callback_and_add_event_listener_options(
            "controllerchange",
            &resolve,
            &options,
        );
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, timeout_ms);
    });
    JsFuture::from(promise).await?;
    Ok(())
}
