//! One file: finds its kind and shows it (text through the text screen, images with
//! previous/next, audio, video, PDF), or offers it as a download.

use crate::api;
use crate::dom::{add, by_id, document, element, window};
use crate::file_frame::{download_offer, show_missing, skeleton, toolbar, viewer};
use crate::state::{self, OpenFile};
use crate::text_file;
use crate::views::log;
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::FileKind;
use owndir_view::location::file_href;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Text larger than this is offered as a download rather than drawn.
const MAX_TEXT_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// Shows the file at `path`.
pub async fn show(path: SafePath) {
    let name = path.name().unwrap_or_default().to_owned();
    let directory = path.parent().unwrap_or_default();
    state::update(|app| {
        app.directory = Some(directory.clone());
        app.file = Some(OpenFile { path: path.clone(), loading: true, ..OpenFile::default() });
    });
    document().set_title(&format!("{name} — OwnDir"));
    log(skeleton(&directory, &name));
    let size = match api::send("HEAD", &path.to_url(), None, &[("Cache-Control", "no-cache")]).await {
        Ok(response) => {
            let length = response.headers().get("Content-Length").ok().flatten();
            // Parsed as an integer, as the header is: float parsing brings its tables.
            length.and_then(|length| length.parse::<u64>().ok()).map_or(0.0, |length| length as f64)
        }
        Err(failure) => {
            loaded(&path);
            return log(show_missing(&path, &failure));
        }
    };
    if !state::shows_file(&path) {
        return;
    }
    // A file in a sync conflict (or its conflict copy) shows the two versions to choose from.
    let conflict = crate::conflict_view::find(&path).await;
    if !state::shows_file(&path) {
        return;
    }
    if let Some(pair) = conflict {
        let drawn = crate::conflict_view::show(directory, pair).await;
        loaded(&path);
        return log(drawn);
    }
    let kind = FileKind::of(&name);
    let wants_editor = window().location().search().unwrap_or_default().contains("edit");
    let drawn = match kind {
        FileKind::Markdown | FileKind::Text if size <= MAX_TEXT_BYTES => {
            text_file::show_text(&path, kind, wants_editor).await
        }
        FileKind::Image => photo(&path, &name).await,
        FileKind::Audio => media(&path, "audio", &name),
        FileKind::Video => media(&path, "video", &name),
        FileKind::Pdf => media(&path, "iframe", &name),
        _ => download_offer(&path, size, "There is no preview for this kind of file."),
    };
    loaded(&path);
    log(drawn);
}

/// `path` is drawn: changes reported from now on are compared with what is shown.
fn loaded(path: &SafePath) {
    state::update(|app| app.file.as_mut().filter(|file| file.path == *path).map(|file| file.loading = false));
}

fn media(path: &SafePath, tag: &str, name: &str) -> Result<(), DomError> {
    toolbar(&[], path)?;
    let viewer = viewer()?;
    let shown = element(tag, &format!("media {tag}"))?;
    shown.set_attribute("src", &path.to_url())?;
    match tag {
        "img" => shown.set_attribute("alt", name)?,
        "iframe" => shown.set_attribute("title", name)?,
        _ => {
            shown.set_attribute("controls", "")?;
            shown.set_attribute("preload", "metadata")?;
        }
    }
    add(&viewer, &shown)
}

/// An image, full size in the view, with links to the images before and after it in
/// its folder's listing order (arrow keys and swipes follow them: [`step_photo`]).
async fn photo(path: &SafePath, name: &str) -> Result<(), DomError> {
    media(path, "img", name)?;
    let directory = path.parent().unwrap_or_default();
    if state::with(|app| app.entries_of.as_ref() != Some(&directory))
        && let Ok(entries) = api::children(&directory).await
    {
        state::update(|app| {
            app.entries = entries;
            app.entries_of = Some(directory.clone());
        });
    }
    // The person may have moved on while the folder was read.
    if state::with(|app| app.file.as_ref().map(|file| &file.path) != Some(path)) {
        return Ok(());
    }
    let (previous, next) = state::with(|app| {
        let shown = owndir_view::arrange(
            &app.entries,
            app.sort,
            app.order,
            &app.filter,
            app.show_hidden,
            crate::dom::lowercase,
        );
        let shown: Vec<owndir_view::Entry> = shown.into_iter().cloned().collect();
        let (previous, next) = owndir_view::photos::neighbours(&shown, name);
        (previous.map(str::to_owned), next.map(str::to_owned))
    });
    let viewer = by_id("viewer")?;
    viewer.class_list().add_1("photo")?;
    if let Some(image) = viewer.query_selector("img.media")? {
        image.class_list().add_1("photo")?;
    }
    for (neighbour, id, label, arrow) in
        [(previous, "photo-previous", "Previous", "‹"), (next, "photo-next", "Next", "›")]
    {
        let Some(neighbour) = neighbour else { continue };
        let Ok(target) = directory.join(&neighbour) else { continue };
        let link = crate::dom::app_link(arrow, &file_href(&target), &format!("photo-step {id}"))?;
        link.set_id(id);
        link.set_attribute("aria-label", &format!("{label}: {neighbour}"))?;
        link.set_attribute("title", &neighbour)?;
        add(&viewer, &link)?;
    }
    Ok(())
}

/// Goes to the previous (`step` < 0) or next image, when an image is on screen.
pub fn step_photo(step: i32) -> bool {
    let id = if step < 0 { "photo-previous" } else { "photo-next" };
    let Some(href) = document().get_element_by_id(id).and_then(|link| link.get_attribute("href")) else {
        return false;
    };
    crate::dom::follow_link(&href);
    true
}

thread_local! {
    /// Where a pointer went down on the image, for telling a swipe.
    static SWIPE_START: std::cell::Cell<Option<(i32, f64, f64)>> = const { std::cell::Cell::new(None) };
}

/// Swipes on an image go to its neighbours. One pair of listeners for the page's life,
/// on the body, since the image is drawn anew for each file.
pub fn listen_for_swipes() -> Result<(), DomError> {
    let body = crate::dom::body()?;
    crate::dom::listen(&body, "pointerdown", |event: web_sys::PointerEvent| {
        let on_photo = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .is_some_and(|target| target.closest("#viewer.photo").ok().flatten().is_some());
        let start = on_photo.then(|| (event.pointer_id(), event.client_x(), event.client_y()));
        SWIPE_START.with(|start_at| start_at.set(start));
    })?;
    crate::dom::listen(&body, "pointerup", |event: web_sys::PointerEvent| {
        let Some((pointer, x, y)) = SWIPE_START.with(|start| start.take()) else { return };
        if pointer != event.pointer_id() {
            return;
        }
        let step = owndir_view::photos::swipe_step(event.client_x() - x, event.client_y() - y);
        if step != 0 {
            event.prevent_default();
            step_photo(step);
        }
    })?;
    crate::dom::listen(&body, "pointercancel", |_: web_sys::PointerEvent| SWIPE_START.with(|start| start.set(None)))
}
