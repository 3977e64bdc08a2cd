//! Registering the service worker and making sure it controls this page.

use crate::dom::window;
use owndir_browser::DomError;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RegistrationOptions, ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState, ServiceWorkerUpdateViaCache,
};

/// The message that lets a waiting worker take over (see `sw/src/shell.rs`).
const SKIP_WAITING: &str = "skip-waiting";

thread_local! {
    /// This tab asked for the update, so it reloads when the new worker takes over.
    static RELOAD_ON_TAKEOVER: Cell<bool> = const { Cell::new(false) };
}

/// Shows the update banner whenever a new build waits, now or later.
fn watch_for_updates(registration: &ServiceWorkerRegistration) {
    if registration.waiting().is_some() && window().navigator().service_worker().controller().is_some() {
        crate::views::show_update_ready();
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
                crate::views::show_update_ready();
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();
    let on_takeover = Closure::<dyn Fn()>::new(|| {
        if RELOAD_ON_TAKEOVER.with(Cell::get) {
            let _ = window().location().reload();
        }
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
    RELOAD_ON_TAKEOVER.with(|reload| reload.set(true));
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
