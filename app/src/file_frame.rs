//! The frame every file page shares: the path, a toolbar with Download, a status line and
//! the viewer, plus the two answers that are not a view (missing, download only).

use crate::api::ApiFailure;
use crate::dom::{action_button, add, by_id, element, text_element};
use crate::state;
use crate::views::{header, notice_element, render};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::human_size;
use web_sys::Element;

/// Draws the empty frame for the file `name` in `directory`.
pub fn skeleton(directory: &SafePath, name: &str) -> Result<(), DomError> {
    let main = element("section", "file")?;
    add(&main, &crate::views::crumbs(directory, Some(name))?)?;
    let bar = element("div", "toolbar")?;
    bar.set_id("file-toolbar");
    add(&main, &bar)?;
    let status = element("p", "file-status")?;
    status.set_id("file-status");
    status.set_attribute("role", "status")?;
    add(&main, &status)?;
    let viewer = element("div", "viewer")?;
    viewer.set_id("viewer");
    viewer.set_attribute("aria-busy", "true")?;
    add(&main, &viewer)?;
    render(&[header()?, main])
}

/// The viewer, emptied and no longer busy.
pub fn viewer() -> Result<Element, DomError> {
    let viewer = by_id("viewer")?;
    viewer.set_inner_html("");
    viewer.remove_attribute("aria-busy")?;
    Ok(viewer)
}

/// The toolbar: `buttons` as (label, action, class), then Download.
pub fn toolbar(buttons: &[(&str, &str, &str)], path: &SafePath) -> Result<(), DomError> {
    let bar = by_id("file-toolbar")?;
    bar.set_inner_html("");
    let actions = element("div", "actions")?;
    for (label, action, class) in buttons {
        add(&actions, &action_button(label, action, class)?)?;
    }
    let download = text_element("a", "button quiet", "Download")?;
    download.set_attribute("href", &path.to_url())?;
    download.set_attribute("download", path.name().unwrap_or_default())?;
    add(&actions, &download)?;
    add(&bar, &actions)?;
    Ok(())
}

/// The status line under the toolbar.
pub fn status(message: &str) {
    if let Ok(status) = by_id("file-status") {
        status.set_text_content(Some(message));
    }
}

/// The file could not be read: says why, with a way back to its folder.
pub fn show_missing(path: &SafePath, failure: &ApiFailure) -> Result<(), DomError> {
    let viewer = viewer()?;
    let message = if failure.status == 404 {
        format!("There is no file at /{path}. It may have been moved or deleted.")
    } else {
        format!("The file could not be read: {failure}.")
    };
    add(&viewer, &notice_element(&message)?)?;
    let parent = path.parent().unwrap_or_default();
    add(
        &viewer,
        &crate::dom::app_link(
            "Back to the folder",
            &owndir_view::location::dir_href(&parent, state::with(|app| app.browse_mode)),
            "",
        )?,
    )?;
    Ok(())
}

/// No view for this file: offers it as a download, saying `why`.
pub fn download_offer(path: &SafePath, size: f64, why: &str) -> Result<(), DomError> {
    toolbar(&[], path)?;
    let viewer = viewer()?;
    let offer = element("div", "download-offer")?;
    add(&offer, &text_element("p", "", why)?)?;
    let link = text_element(
        "a",
        "button primary",
        &format!("Download {} ({})", path.name().unwrap_or_default(), human_size(size as u64)),
    )?;
    link.set_attribute("href", &path.to_url())?;
    link.set_attribute("download", path.name().unwrap_or_default())?;
    add(&offer, &link)?;
    add(&viewer, &offer)
}
