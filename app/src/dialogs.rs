//! Modal questions: a native `<dialog>` with a `method="dialog"` form, so focus, Escape
//! and Enter behave as the browser makes them behave everywhere.

use crate::api;
use crate::dom::{add, body, element, text_element};
use owndir_browser::DomError;
use owndir_core::SafePath;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlDialogElement, HtmlInputElement};

/// One button of a dialog.
#[derive(Clone, Copy, Debug)]
pub struct Choice<'a> {
    /// What the dialog returns when it is pressed.
    pub value: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its class (`primary`, `secondary`, `danger`).
    pub class: &'a str,
}

/// A dialog on screen.
struct Dialog {
    dialog: HtmlDialogElement,
    body: Element,
}

impl Dialog {
    fn new(title: &str, message: &str, choices: &[Choice<'_>]) -> Result<Dialog, DomError> {
        let dialog: HtmlDialogElement = element("dialog", "dialog")?.unchecked_into();
        let form = element("form", "")?;
        form.set_attribute("method", "dialog")?;
        let heading = text_element("h2", "", title)?;
        heading.set_id("dialog-title");
        dialog.set_attribute("aria-labelledby", "dialog-title")?;
        add(&form, &heading)?;
        if !message.is_empty() {
            add(&form, &text_element("p", "", message)?)?;
        }
        let dialog_body = element("div", "dialog-body")?;
        add(&form, &dialog_body)?;
        let buttons = element("div", if choices.len() > 1 { "dialog-buttons stacked" } else { "dialog-buttons" })?;
        // The first button is the default one (Enter), so the main choice comes first;
        // CSS puts it on the right.
        for choice in choices {
            let button = text_element("button", choice.class, choice.label)?;
            button.set_attribute("value", choice.value)?;
            add(&buttons, &button)?;
        }
        let cancel = text_element("button", "quiet", "Cancel")?;
        cancel.set_attribute("value", "")?;
        cancel.set_attribute("formnovalidate", "")?;
        add(&buttons, &cancel)?;
        add(&form, &buttons)?;
        dialog.append_child(&form)?;
        body()?.append_child(&dialog)?;
        Ok(Dialog { dialog, body: dialog_body })
    }

    /// Shows the dialog and waits until it closes; the pressed button's value, `None`
    /// for Cancel or Escape.
    async fn answer(&self) -> Result<Option<String>, DomError> {
        self.dialog.show_modal()?;
        self.closed().await
    }

    /// Waits until the shown dialog closes.
    async fn closed(&self) -> Result<Option<String>, DomError> {
        let dialog = self.dialog.clone();
        let closed = js_sys::Promise::new(&mut |resolve, _| {
            let options = web_sys::AddEventListenerOptions::new();
            options.set_once(true);
            let _ = dialog.add_event_listener_with_callback_and_add_event_listener_options("close", &resolve, &options);
        });
        JsFuture::from(closed).await?;
        let value = self.dialog.return_value();
        self.dialog.remove();
        Ok(if value.is_empty() { None } else { Some(value) })
    }
}

/// Asks a yes-or-no question; true for `yes`.
pub async fn confirm(title: &str, message: &str, yes: Choice<'_>) -> bool {
    let Ok(dialog) = Dialog::new(title, message, &[yes]) else { return false };
    matches!(dialog.answer().await, Ok(Some(_)))
}

/// Asks one of several choices; the chosen value.
pub async fn choose(title: &str, message: &str, choices: &[Choice<'_>]) -> Option<String> {
    let dialog = Dialog::new(title, message, choices).ok()?;
    dialog.answer().await.ok().flatten()
}

/// Asks for a name, starting from `initial`; `check` says why a name will not do, and
/// the question is asked again with that reason.
pub async fn ask_name(
    title: &str,
    label: &str,
    initial: &str,
    ok: &str,
    check: impl Fn(&str) -> Result<String, String>,
) -> Option<String> {
    let mut problem = String::new();
    let mut value = initial.to_owned();
    loop {
        let dialog = Dialog::new(title, &problem, &[Choice { value: "ok", label: ok, class: "primary" }]).ok()?;
        let field = (|| -> Result<HtmlInputElement, DomError> {
            let label_element = text_element("label", "field", label)?;
            let input: HtmlInputElement = element("input", "")?.unchecked_into();
            input.set_type("text");
            input.set_value(&value);
            input.set_required(true);
            input.set_attribute("autocomplete", "off")?;
            input.set_attribute("spellcheck", "false")?;
            label_element.append_child(&input)?;
            add(&dialog.body, &label_element)?;
            Ok(input)
        })()
        .ok()?;
        dialog.dialog.show_modal().ok()?;
        // Select the name without its extension, as file managers do.
        let stem = value.rfind('.').filter(|&at| at > 0).unwrap_or(value.len());
        let _ = field.focus();
        let _ = field.set_selection_range(0, value[..stem].encode_utf16().count() as u32);
        let answer = dialog.closed().await.ok().flatten();
        answer.as_ref()?;
        value = field.value();
        match check(&value) {
            Ok(name) => return Some(name),
            Err(reason) => problem = reason,
        }
    }
}

/// Lets the person pick a folder, browsing from `start`; `moving` (what is being moved)
/// cannot be entered. The chosen folder, `None` when cancelled.
pub async fn choose_folder(title: &str, start: SafePath, moving: SafePath) -> Option<SafePath> {
    let dialog = Dialog::new(title, "", &[Choice { value: "here", label: "Move here", class: "primary" }]).ok()?;
    let at = Rc::new(RefCell::new(start));
    let list = element("div", "folder-picker").ok()?;
    add(&dialog.body, &list).ok()?;
    let draw = {
        let (at, list, moving) = (at.clone(), list.clone(), moving.clone());
        move || {
            let (at, list, moving) = (at.clone(), list.clone(), moving.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let here = at.borrow().clone();
                let _ = draw_folders(&list, &here, &moving).await;
            });
        }
    };
    draw();
    let on_click = {
        let at = at.clone();
        Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
            let Ok(Some(button)) = target.closest("[data-folder]") else { return };
            event.prevent_default();
            let next = match button.get_attribute("data-folder").as_deref() {
                Some("..") => at.borrow().parent(),
                Some(name) => at.borrow().join(name).ok(),
                None => None,
            };
            if let Some(next) = next {
                at.replace(next);
                draw();
            }
        })
    };
    dialog.dialog.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref()).ok()?;
    let answer = dialog.answer().await.ok().flatten();
    drop(on_click);
    answer.map(|_| at.borrow().clone())
}

async fn draw_folders(list: &Element, here: &SafePath, moving: &SafePath) -> Result<(), DomError> {
    list.set_inner_html("");
    let shown = if here.is_root() { "The folder’s top".to_owned() } else { format!("/{here}") };
    add(list, &text_element("p", "picker-here", &format!("Into: {shown}"))?)?;
    if !here.is_root() {
        let up = text_element("button", "picker-folder up", "Up one level")?;
        up.set_attribute("type", "button")?;
        up.set_attribute("data-folder", "..")?;
        add(list, &up)?;
    }
    let entries = api::kinds(here).await.map_err(|failure| DomError::new("NetworkError", failure.message))?;
    let mut folders: Vec<_> = entries.iter().filter(|entry| entry.is_directory && !entry.is_hidden()).collect();
    owndir_core::sort::sort_by(&mut folders, |a, b| {
        owndir_view::entry::natural_cmp(&a.name, &b.name, crate::dom::lowercase)
    });
    for folder in folders {
        if here.join(&folder.name).is_ok_and(|path| &path == moving) {
            continue;
        }
        let button = text_element("button", "picker-folder", &folder.name)?;
        button.set_attribute("type", "button")?;
        button.set_attribute("data-folder", &folder.name)?;
        add(list, &button)?;
    }
    Ok(())
}

const DISCARD: Choice<'static> = Choice { value: "discard", label: "Discard changes", class: "danger" };

/// Asks before unsaved edits are dropped; true when there are none or the person agrees.
pub async fn may_leave() -> bool {
    !crate::state::has_unsaved_edits()
        || confirm("Discard unsaved changes?", "The file has changes that are not saved.", DISCARD).await
}
