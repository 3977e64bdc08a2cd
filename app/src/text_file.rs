//! A text file: shown (Markdown rendered, code with line numbers), edited with Save and the
//! unsaved marker, the three ways out of a conflict (`412`), and following changes on disk.

use crate::api;
use crate::dialogs::{self, Choice};
use crate::dom::{action_button, add, by_id, document, element, text_element};
use crate::extras::{self, Extras};
use crate::file_frame::{download_offer, show_missing, status, toolbar, viewer};
use crate::state;
use crate::views::{log, toast};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::FileKind;
use owndir_view::location::file_href;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlTextAreaElement};

/// Draws the text file at `path`: in the editor when `editing`.
pub async fn show_text(path: &SafePath, kind: FileKind, editing: bool) -> Result<(), DomError> {
    // Markdown is rendered by the second wasm: it loads while the file is read.
    let extras = (kind == FileKind::Markdown && !editing).then(extras::load);
    let (text, etag) = match api::read_text(path).await {
        Ok(read) => read,
        Err(failure) => return show_missing(path, &failure),
    };
    if !state::shows_file(path) {
        return Ok(());
    }
    // A NUL near the start means this "text" is binary after all.
    if text.chars().take(8_000).any(|c| c == '\0') {
        return download_offer(path, text.len() as f64, "This file is not text.");
    }
    state::update(|app| {
        if let Some(file) = app.file.as_mut().filter(|file| &file.path == path) {
            (file.etag, file.saved_text, file.dirty, file.editing) = (etag, text.clone(), false, editing);
            file.conflict = None;
        }
    });
    match extras {
        Some(extras) => draw_markdown(path, extras, &text).await,
        None if editing => draw_editor(path, &text),
        None => draw_view(path, &text),
    }
}

async fn draw_markdown(path: &SafePath, extras: Extras, text: &str) -> Result<(), DomError> {
    let rendered = extras.render_markdown(text, &path.parent().unwrap_or_default()).await;
    // Another page may have been opened while the renderer loaded.
    if !state::shows_file(path) {
        return Ok(());
    }
    match rendered {
        Ok(html) => {
            toolbar(&[("Edit", "edit", "primary")], path)?;
            let article = element("article", "markdown")?;
            article.set_inner_html(&html);
            add(&viewer()?, &article)
        }
        // Not rendered (the second wasm could not load): the text itself, as any text file.
        Err(error) => {
            draw_view(path, text)?;
            status(&format!("Shown as text: the Markdown view could not load ({error})."));
            Ok(())
        }
    }
}

fn draw_view(path: &SafePath, text: &str) -> Result<(), DomError> {
    toolbar(&[("Edit", "edit", "primary")], path)?;
    let viewer = viewer()?;
    if FileKind::is_folder_page(path) {
        offer_page(path, &viewer)?;
    }
    // Numbers in their own column, so copying the text copies no numbers.
    let code = element("div", "code")?;
    let lines = text.lines().count().max(1);
    let numbers: String = (1..=lines).map(|n| format!("{n}\n")).collect();
    let gutter = text_element("pre", "gutter", &numbers)?;
    gutter.set_attribute("aria-hidden", "true")?;
    add(&code, &gutter)?;
    add(&code, &text_element("pre", "text", text)?)?;
    add(&viewer, &code)
}

/// An HTML page of the folder is shown as source; opening it as a page is the person's
/// choice, told once what that page can do.
fn offer_page(path: &SafePath, viewer: &Element) -> Result<(), DomError> {
    let open = text_element("a", "button secondary", "Open as page")?;
    open.set_attribute("href", &path.to_url())?;
    open.set_id("open-as-page");
    if let Some(actions) = by_id("file-toolbar")?.query_selector(".actions")? {
        actions.insert_before(&open, actions.first_child().as_ref())?;
    }
    let note = text_element(
        "p",
        "page-note",
        "Opened as a page, this file runs with this folder's rights: it can read, change and delete any file here. Open only pages you trust.",
    )?;
    add(viewer, &note)
}

fn draw_editor(path: &SafePath, text: &str) -> Result<(), DomError> {
    toolbar(&[("Save", "save", "primary"), ("Done", "done-editing", "secondary")], path)?;
    let viewer = viewer()?;
    let editor: HtmlTextAreaElement = element("textarea", "editor")?.unchecked_into();
    editor.set_id("editor");
    editor.set_value(text);
    editor.set_attribute("spellcheck", "false")?;
    editor.set_attribute("aria-label", &format!("Contents of {}", path.name().unwrap_or_default()))?;
    crate::dom::listen_while_shown(&editor, "input", |_: web_sys::Event| mark_dirty());
    add(&viewer, &editor)?;
    let _ = editor.focus();
    status("");
    Ok(())
}

fn editor_text() -> Option<String> {
    document().get_element_by_id("editor").map(|editor| editor.unchecked_into::<HtmlTextAreaElement>().value())
}

/// Compares the editor with the saved text and shows the marker.
fn mark_dirty() {
    let Some(text) = editor_text() else { return };
    let dirty = state::update(|app| {
        let file = app.file.as_mut()?;
        file.dirty = file.saved_text != text;
        Some((file.dirty, file.path.name().unwrap_or_default().to_owned()))
    });
    let Some((dirty, name)) = dirty else { return };
    document().set_title(&format!("{}{name} — OwnDir", if dirty { "● " } else { "" }));
    status(if dirty { "Unsaved changes" } else { "" });
    if let Some(root) = document().get_element_by_id("app") {
        let _ = root.class_list().toggle_with_force("dirty", dirty);
    }
}

/// Handles the file page's actions.
pub fn on_action(action: &str) {
    let Some(file) = state::with(|app| app.file.clone()) else { return };
    match action {
        "edit" => {
            state::update(|app| app.file.as_mut().map(|file| file.editing = true));
            log(draw_editor(&file.path, &file.saved_text));
        }
        "done-editing" => wasm_bindgen_futures::spawn_local(async move {
            if crate::dialogs::may_leave().await {
                reload(&file.path).await;
            }
        }),
        "save" => wasm_bindgen_futures::spawn_local(save(false)),
        "reload-file" => wasm_bindgen_futures::spawn_local(async move {
            if crate::dialogs::may_leave().await {
                reload(&file.path).await;
            }
        }),
        _ => {}
    }
}

/// Saves the editor's text (Save button, Ctrl/Cmd+S). With `force`, over whatever is there.
pub async fn save(force: bool) {
    let (Some(file), Some(text)) = (state::with(|app| app.file.clone()), editor_text()) else { return };
    if !file.editing {
        return;
    }
    state::update(|app| app.file.as_mut().map(|file| file.saving = true));
    status("Saving…");
    let if_match = if force { None } else { file.etag.as_deref() };
    let written = api::write(&file.path, &JsValue::from_str(&text), if_match).await;
    let etag = match &written {
        Ok(()) => api::etag(&file.path).await.ok().flatten(),
        Err(_) => None,
    };
    state::update(|app| {
        if let Some(open) = app.file.as_mut().filter(|open| open.path == file.path) {
            open.saving = false;
            if written.is_ok() {
                (open.etag, open.saved_text) = (etag, text.clone());
            }
        }
    });
    match written {
        Ok(()) => {
            mark_dirty();
            status("Saved");
        }
        Err(failure) if failure.status == 412 => resolve_conflict(&file.path, &text).await,
        Err(failure) => {
            status("Not saved");
            crate::views::show_error(&format!("Could not save: {failure}. Your text is still in the editor."));
        }
    }
}

/// The file changed since it was opened: never lose either version.
async fn resolve_conflict(path: &SafePath, mine: &str) {
    status("Not saved: the file changed on disk");
    let choices = [
        Choice { value: "copy", label: "Save mine as a copy", class: "primary" },
        Choice { value: "overwrite", label: "Overwrite theirs", class: "danger" },
        Choice { value: "theirs", label: "Reload theirs", class: "secondary" },
    ];
    let message = "Someone changed this file after you opened it. Keep both by saving yours as a copy, \
                   replace theirs with yours, or drop your changes and load theirs.";
    match dialogs::choose("The file changed on disk", message, &choices).await.as_deref() {
        Some("overwrite") => Box::pin(save(true)).await,
        Some("theirs") => reload(path).await,
        Some("copy") => save_copy(path, mine).await,
        _ => status("Not saved: the file changed on disk. Save again to choose what to do."),
    }
}

async fn save_copy(path: &SafePath, mine: &str) {
    let (Some(directory), Some(name)) = (path.parent(), path.name()) else { return };
    for n in 1..100 {
        let Ok(copy) = directory.join(&owndir_view::names::copy_name(name, n)) else { return };
        if !matches!(api::kind(&copy).await, Ok(None)) {
            continue;
        }
        match api::write(&copy, &JsValue::from_str(mine), None).await {
            Ok(()) => {
                state::update(|app| app.file.as_mut().map(|file| file.dirty = false));
                toast(&format!("Saved your version as “{}”", copy.name().unwrap_or_default()));
                crate::dom::follow_link(&format!("{}?edit", file_href(&copy)));
            }
            Err(failure) => crate::views::show_error(&format!("Could not save a copy: {failure}.")),
        }
        return;
    }
}

async fn reload(path: &SafePath) {
    let kind = FileKind::of(path.name().unwrap_or_default());
    log(show_text(path, kind, false).await);
    mark_dirty();
    status("");
}

/// The open file changed on disk (the `sub` stream said so).
pub async fn changed_on_disk(path: SafePath) {
    let Some(file) = state::with(|app| app.file.clone()).filter(|file| file.path == path) else { return };
    if file.saving {
        return;
    }
    if file.loading {
        // Reported before the first drawing is done (the file this page just created, say):
        // look again once it is, against the version it shows. Reloading now would draw
        // over it, and drop the editor it was opened for.
        gloo_timers::callback::Timeout::new(200, move || wasm_bindgen_futures::spawn_local(changed_on_disk(path)))
            .forget();
        return;
    }
    let now = api::etag(&path).await.ok().flatten();
    if let Some(conflict) = &file.conflict {
        // Either version changed: compare again. The conflict may be gone (resolved on
        // another device): the file shows, the one left when the copy opened is gone.
        match crate::conflict_view::find(&path).await {
            Some(pair) => {
                log(crate::conflict_view::show(conflict.directory.clone(), pair).await);
                status("Updated: a version changed on disk.");
            }
            None if now.is_none() => {
                if let Ok(original) = conflict.directory.join(&conflict.pair.original) {
                    crate::dom::follow_link(&file_href(&original));
                }
            }
            None => {
                reload(&path).await;
                status("Updated: the conflict was resolved on disk.");
            }
        }
        return;
    }
    if now.is_some() && now == file.etag {
        return;
    }
    if now.is_none() {
        status("This file was deleted or moved on disk.");
        return;
    }
    if !FileKind::of(path.name().unwrap_or_default()).is_editable() {
        return;
    }
    if file.dirty || file.editing {
        let shown = (|| -> Result<(), DomError> {
            let status = by_id("file-status")?;
            status.set_text_content(Some("This file changed on disk. "));
            add(&status, &action_button("Load the new version", "reload-file", "quiet")?)?;
            Ok(())
        })();
        log(shown);
    } else {
        reload(&path).await;
        status("Updated: the file changed on disk.");
    }
}
