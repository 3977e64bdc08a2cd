//! A few DOM helpers, and the page's one click listener.

use owndir_browser::DomError;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, Window};

/// The window. The page always has one.
pub fn window() -> Window {
    web_sys::window().expect("a page has a window")
}

/// The document.
pub fn document() -> Document {
    window().document().expect("a page has a document")
}

/// The element the app renders into.
pub fn root() -> Result<Element, DomError> {
    document().get_element_by_id("app").ok_or_else(|| DomError::new("NotFoundError", "no #app element"))
}

/// A new element with a class (none when empty).
pub fn element(tag: &str, class: &str) -> Result<Element, DomError> {
    let element = document().create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    Ok(element)
}

/// A new element holding `text`.
pub fn text_element(tag: &str, class: &str, text: &str) -> Result<Element, DomError> {
    let element = element(tag, class)?;
    element.set_text_content(Some(text));
    Ok(element)
}

/// A button that triggers `action` (see [`listen_for_actions`]).
pub fn action_button(label: &str, action: &str, class: &str) -> Result<Element, DomError> {
    let button = text_element("button", class, label)?;
    button.set_attribute("type", "button")?;
    button.set_attribute("data-action", action)?;
    Ok(button)
}

/// Routes every click on an element with `data-action` to `handler`, through one
/// listener on the body (the app and the update banner), so re-rendering never piles up
/// closures.
pub fn listen_for_actions(handler: fn(&str)) -> Result<(), DomError> {
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        let Ok(Some(actor)) = target.closest("[data-action]") else { return };
        if let Some(action) = actor.dyn_ref::<HtmlElement>().and_then(|actor| actor.dataset().get("action")) {
            event.prevent_default();
            handler(&action);
        }
    });
    let body = document().body().ok_or_else(|| DomError::new("NotFoundError", "no body"))?;
    body.add_event_listener_with_callback("click", closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}
