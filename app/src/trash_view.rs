//! The Trash view, at the trash folder's own URL (`/.trash/`): what was deleted in the
//! app, where it was and when, with Restore for each and Empty trash for all.

use crate::dialogs::{self, Choice};
use crate::dom::{action_button, add, app_link, data, document, element, text_element};
use crate::state;
use crate::trash::{self, InTrash};
use crate::views::{self, header, log, notice_element, render};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::location::dir_href;
use owndir_view::trash::KEEP_DAYS;
use owndir_view::{human_size, human_time};
use web_sys::Element;

/// Shows the trash.
pub async fn show() {
    state::update(|app| {
        app.directory = Some(owndir_view::trash::trash_dir());
        app.entries.clear();
        app.selected.clear();
    });
    document().set_title("Trash — OwnDir");
    log(skeleton());
    draw().await;
}

fn skeleton() -> Result<(), DomError> {
    let main = element("section", "folder trash")?;
    main.set_id("folder");
    let browse = state::with(|app| app.browse_mode);
    let nav = element("nav", "crumbs")?;
    nav.set_attribute("aria-label", "Folder path")?;
    let folder_name = state::with(|app| app.record.as_ref().map(|record| record.name.clone())).unwrap_or_default();
    add(&nav, &app_link(&folder_name, &dir_href(&SafePath::root(), browse), "")?)?;
    add(&nav, &text_element("span", "separator", "/")?)?;
    let current = text_element("span", "current", "Trash")?;
    current.set_attribute("aria-current", "page")?;
    add(&nav, &current)?;
    add(&main, &nav)?;
    let bar = element("div", "toolbar")?;
    let intro = text_element(
        "p",
        "hint trash-intro",
        &format!("What you delete waits here for {KEEP_DAYS} days, then goes for good."),
    )?;
    add(&bar, &intro)?;
    let empty = action_button("Empty trash", "empty-trash", "danger")?;
    empty.set_id("empty-trash");
    add(&bar, &empty)?;
    add(&main, &bar)?;
    let listing = element("div", "listing-area")?;
    listing.set_id("listing");
    listing.set_attribute("aria-busy", "true")?;
    add(&main, &listing)?;
    render(&[header()?, main])
}

/// Draws the trash's entries again.
pub async fn redraw() {
    draw().await;
}

async fn draw() {
    let found = trash::list().await;
    let Some(area) = document().get_element_by_id("listing") else { return };
    let drawn = (|| -> Result<(), DomError> {
        area.set_inner_html("");
        area.remove_attribute("aria-busy")?;
        let items = match found {
            Ok(items) => items,
            Err(failure) => {
                add(&area, &notice_element(&format!("The trash could not be read: {failure}."))?)?;
                return Ok(());
            }
        };
        if let Some(button) = document().get_element_by_id("empty-trash") {
            if items.is_empty() {
                button.set_attribute("disabled", "")?;
            } else {
                button.remove_attribute("disabled")?;
            }
        }
        if items.is_empty() {
            add(&area, &text_element("p", "empty", "The trash is empty.")?)?;
            return Ok(());
        }
        add(&area, &table(&items)?)?;
        Ok(())
    })();
    log(drawn);
}

fn table(items: &[InTrash]) -> Result<Element, DomError> {
    let (table, body) = views::table_with_columns(
        "listing trash-listing",
        &[("Name", "name"), ("Deleted", "modified"), ("", "actions")],
    )?;
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
    for item in items {
        let row = element("tr", if item.record.is_directory { "dir" } else { "file" })?;
        row.set_attribute("data-item", &item.item)?;
        let name = element("td", "name")?;
        let label = element("span", "entry")?;
        let icon = element("span", if item.record.is_directory { "icon folder" } else { "icon" })?;
        icon.set_attribute("aria-hidden", "true")?;
        add(&label, &icon)?;
        add(&label, &text_element("span", "label", item.record.name())?)?;
        add(&name, &label)?;
        // Where it was, under the name: the place to which Restore puts it back.
        let parent = item.record.original_path().and_then(|path| path.parent()).unwrap_or_default();
        let origin = if parent.is_root() { "the top".to_owned() } else { format!("/{parent}") };
        let meta = element("span", "trash-meta")?;
        if !item.record.is_directory {
            add(&meta, &text_element("span", "", &format!("{} · ", human_size(item.entry.size)))?)?;
        }
        add(&meta, &text_element("span", "", "from ")?)?;
        add(&meta, &text_element("span", "origin", &origin)?)?;
        add(&name, &meta)?;
        add(&row, &name)?;
        add(&row, &text_element("td", "modified", &human_time(item.record.deleted, offset))?)?;
        let actions = element("td", "actions")?;
        let restore = action_button("Restore", "restore", "secondary")?;
        restore.set_attribute("data-item", &item.item)?;
        restore.set_attribute("aria-label", &format!("Restore {}", item.record.name()))?;
        add(&actions, &restore)?;
        add(&row, &actions)?;
        add(&body, &row)?;
    }
    Ok(table)
}

/// Restore and Empty trash.
pub fn on_action(action: &str, actor: &Element) {
    match action {
        "restore" => {
            let Some(item) = data(actor, "item") else { return };
            wasm_bindgen_futures::spawn_local(async move {
                match trash::restore(&item).await {
                    Ok(path) => views::toast(&format!("Restored to /{path}")),
                    Err(failure) => views::show_error(&format!("Could not restore: {failure}.")),
                }
                draw().await;
            });
        }
        "empty-trash" => wasm_bindgen_futures::spawn_local(async {
            let yes = Choice { value: "empty", label: "Empty trash", class: "danger" };
            let message = "Everything in the trash will be deleted for good. This cannot be undone.";
            if !dialogs::confirm("Empty the trash?", message, yes).await {
                return;
            }
            if let Err(failure) = trash::empty().await {
                views::show_error(&format!("Could not empty the trash: {failure}."));
            }
            draw().await;
        }),
        _ => {}
    }
}
