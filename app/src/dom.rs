//! A few DOM helpers, and the page's listeners that route clicks and keys.

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

/// `text` lower-cased by the browser (`toLowerCase`), for `owndir_view`'s comparisons
/// that ignore case: Rust's own would bring its Unicode case tables into the page. ASCII
/// is lower-cased here, the same way, without a call to the browser for each name.
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    js_sys::JsString::from(text).to_lower_case().into()
}

/// The element the app renders into.
pub fn root() -> Result<Element, DomError> {
    by_id("app")
}

/// The element with `id`.
pub fn by_id(id: &str) -> Result<Element, DomError> {
    document().get_element_by_id(id).ok_or_else(|| DomError::new("NotFoundError", format!("no #{id} element")))
}

/// The page's body.
pub fn body() -> Result<HtmlElement, DomError> {
    document().body().ok_or_else(|| DomError::new("NotFoundError", "no body"))
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

/// A link inside the app: followed without reloading the page (see [`listen_for_actions`]).
pub fn app_link(text: &str, href: &str, class: &str) -> Result<Element, DomError> {
    let link = text_element("a", class, text)?;
    link.set_attribute("href", href)?;
    link.set_attribute("data-nav", "")?;
    Ok(link)
}

/// Appends `child` to `parent`.
pub fn add(parent: &Element, child: &Element) -> Result<(), DomError> {
    parent.append_child(child)?;
    Ok(())
}

/// Calls `handler` on every `event` at `target`, for the page's whole life (the window,
/// the document, the body: never an element a render replaces, see [`listen_while_shown`]). `Fn`, not
/// `FnMut`: a handler may cause the same event again (a click handler calling
/// `input.click()` re-enters the body's click listener), which an `FnMut` cannot allow.
pub fn listen<E: JsCast + 'static>(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl Fn(E) + 'static,
) -> Result<(), DomError> {
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| handler(event.unchecked_into()));
    target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}

/// Calls `handler` on every `event` at `target` while `target` is in the page: the first
/// render after it was taken out (see [`forget_detached_listeners`]) removes the listener
/// and frees its closure, so the elements a render throws away take their listeners with
/// them. For elements of a view; the window, document and body take [`listen`].
pub fn listen_while_shown<E: JsCast + 'static>(
    target: &web_sys::EventTarget,
    event: &'static str,
    handler: impl Fn(E) + 'static,
) {
    // Not gloo's default (passive): drop, dragover and submit handlers prevent the default.
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    let listener = gloo_events::EventListener::new_with_options(target, event, options, move |event| {
        handler(event.clone().unchecked_into());
    });
    VIEW_LISTENERS.with(|listeners| listeners.borrow_mut().push(listener));
}

/// Removes the listeners of elements no longer in the page. Every render calls it, after
/// the new view is in.
pub fn forget_detached_listeners() {
    VIEW_LISTENERS.with(|listeners| {
        listeners
            .borrow_mut()
            .retain(|listener| listener.target().dyn_ref::<web_sys::Node>().is_some_and(web_sys::Node::is_connected));
    });
}

/// How many listeners the views hold: flat however often views are redrawn.
pub fn view_listener_count() -> usize {
    VIEW_LISTENERS.with(|listeners| listeners.borrow().len())
}

thread_local! {
    /// The listeners of the view on screen (see [`listen_while_shown`]).
    static VIEW_LISTENERS: std::cell::RefCell<Vec<gloo_events::EventListener>> = const { std::cell::RefCell::new(Vec::new()) };

    /// How the page follows an app link: set by the wiring (`lib.rs`), so that screens
    /// can open a path without reaching up to the navigation.
    static FOLLOW_LINK: std::cell::Cell<Option<fn(&str)>> = const { std::cell::Cell::new(None) };
}

/// Follows an app link as a click on one would.
pub fn follow_link(href: &str) {
    if let Some(follow) = FOLLOW_LINK.with(std::cell::Cell::get) {
        follow(href);
    }
}

/// Routes every click on an element with `data-action` to `on_action` (with the element,
/// for its `data-*` arguments), and every click on an app link (`data-nav`) to
/// `on_link`, through one listener on the body, so re-rendering never piles up closures.
pub fn listen_for_actions(on_action: fn(&str, &Element), on_link: fn(&str)) -> Result<(), DomError> {
    FOLLOW_LINK.with(|follow| follow.set(Some(on_link)));
    listen(body()?.as_ref(), "click", move |event: web_sys::MouseEvent| {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        if let Ok(Some(actor)) = target.closest("[data-action]") {
            if let Some(action) = actor.dyn_ref::<HtmlElement>().and_then(|actor| actor.dataset().get("action")) {
                event.prevent_default();
                on_action(&action, &actor);
            }
            return;
        }
        // A modified click opens a new tab or window, as the person asked.
        if event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0 {
            return;
        }
        // Links inside rendered Markdown that point at the file app open in place too.
        if let Ok(Some(link)) = target.closest("a[data-nav], .markdown a[href^='/@/browse/']")
            && let Some(href) = link.get_attribute("href")
        {
            event.prevent_default();
            on_link(&href);
        }
    })
}

/// The `data-<name>` of `element`.
pub fn data(element: &Element, name: &str) -> Option<String> {
    element.dyn_ref::<HtmlElement>().and_then(|element| element.dataset().get(name))
}
