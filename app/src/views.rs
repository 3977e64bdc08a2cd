//! What the page shows: the start page, Reconnect, a folder listing, errors.

use crate::connect::has_directory_picker;
use crate::dom::{action_button, document, element, root, text_element};
use crate::listing::{self, ListingError, Row};
use owndir_browser::{DomError, FolderRecord};
use owndir_core::SafePath;
use web_sys::Element;

fn render(children: &[Element]) -> Result<(), DomError> {
    let root = root()?;
    root.set_inner_html("");
    for child in children {
        root.append_child(child)?;
    }
    Ok(())
}

fn log(result: Result<(), DomError>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("owndir: cannot render: {error}").into());
    }
}

fn header(folder: Option<&str>) -> Result<Element, DomError> {
    let bar = element("header", "bar")?;
    let brand = text_element("a", "brand", "OwnDir")?;
    brand.set_attribute("href", "/")?;
    add(&bar, &brand)?;
    if let Some(name) = folder {
        add(&bar, &text_element("span", "folder-name", name)?)?;
        add(&bar, &action_button("Switch folder", "switch-folder", "quiet")?)?;
    }
    Ok(bar)
}

/// The start page: the two ways to connect (CONTRACT §1).
pub fn show_start(notice: Option<&str>) {
    log(start_page(notice));
}

fn start_page(notice: Option<&str>) -> Result<(), DomError> {
    document().set_title("OwnDir — connect a folder");
    let main = element("section", "connect")?;
    add(&main, &text_element("h1", "", "Connect a folder")?)?;
    add(
        &main,
        &text_element(
            "p",
            "lead",
            "OwnDir serves a folder to the web apps inside it, from this browser alone: no server, and it keeps working offline.",
        )?,
    )?;
    if let Some(notice) = notice {
        add(&main, &notice_element(notice)?)?;
    }
    let choices = element("div", "choices")?;
    let picker = element("div", "choice")?;
    let open = action_button("Open folder", "open-folder", "primary")?;
    add(&picker, &open)?;
    if has_directory_picker() {
        add(&picker, &text_element("p", "hint", "Pick a folder on this device. Nothing is uploaded.")?)?;
    } else {
        open.set_attribute("disabled", "")?;
        add(
            &picker,
            &text_element(
                "p",
                "hint",
                "This browser cannot open folders from the device. Use browser storage instead.",
            )?,
        )?;
    }
    let storage = element("div", "choice")?;
    add(&storage, &action_button("Use browser storage", "use-browser-storage", "secondary")?)?;
    add(
        &storage,
        &text_element("p", "hint", "A private folder inside this browser. Works everywhere, phones included.")?,
    )?;
    add(&choices, &picker)?;
    add(&choices, &storage)?;
    add(&main, &choices)?;
    render(&[header(None)?, main])
}

/// The browser wants the user to grant the stored folder again.
pub fn show_reconnect(name: &str) {
    log(reconnect_page(name));
}

fn reconnect_page(name: &str) -> Result<(), DomError> {
    document().set_title("OwnDir — reconnect");
    let main = element("section", "connect")?;
    add(&main, &text_element("h1", "", "Reconnect your folder")?)?;
    add(
        &main,
        &text_element(
            "p",
            "lead",
            &format!("The browser asks again before OwnDir may open “{name}”. One click and you are back."),
        )?,
    )?;
    let choices = element("div", "choices")?;
    add(&choices, &action_button("Reconnect", "reconnect", "primary")?)?;
    add(&choices, &action_button("Choose another folder", "switch-folder", "secondary")?)?;
    add(&main, &choices)?;
    render(&[header(None)?, main])
}

/// The directory at the URL's path, listed through the worker.
pub async fn show_folder(record: &FolderRecord) {
    let directory = match listing::current_directory() {
        Ok(directory) => directory,
        Err(error) => return log(folder_page(record, &SafePath::root(), Err(error.to_string()))),
    };
    let rows = listing::fetch(&directory).await.map_err(|error| match error {
        ListingError::Answered { status: 404, .. } => format!("There is nothing at {directory}/ in this folder."),
        ListingError::Answered { message, .. } => message,
        ListingError::Failed(error) => format!("The folder could not be read: {error}"),
    });
    log(folder_page(record, &directory, rows));
}

fn folder_page(record: &FolderRecord, directory: &SafePath, rows: Result<Vec<Row>, String>) -> Result<(), DomError> {
    let title = directory.name().unwrap_or(&record.name);
    document().set_title(&format!("{title} — OwnDir"));
    let main = element("section", "folder")?;
    add(&main, &breadcrumbs(&record.name, directory)?)?;
    match rows {
        Ok(rows) if rows.is_empty() => {
            add(&main, &text_element("p", "empty", "This folder is empty.")?)?;
        }
        Ok(rows) => {
            add(&main, &table(directory, &rows)?)?;
        }
        Err(message) => {
            add(&main, &notice_element(&message)?)?;
        }
    }
    render(&[header(Some(&record.name))?, main])
}

fn breadcrumbs(folder_name: &str, directory: &SafePath) -> Result<Element, DomError> {
    let nav = element("nav", "crumbs")?;
    nav.set_attribute("aria-label", "Folder path")?;
    let mut path = SafePath::root();
    let root = text_element("a", "", folder_name)?;
    root.set_attribute("href", "/")?;
    add(&nav, &root)?;
    for segment in directory.segments() {
        path = path.join(segment).map_err(|error| DomError::new("TypeError", error.to_string()))?;
        add(&nav, &text_element("span", "separator", "/")?)?;
        let link = text_element("a", "", segment)?;
        link.set_attribute("href", &path.to_dir_url())?;
        add(&nav, &link)?;
    }
    if let Some(last) = nav.last_element_child() {
        last.set_attribute("aria-current", "page")?;
    }
    Ok(nav)
}

fn table(directory: &SafePath, rows: &[Row]) -> Result<Element, DomError> {
    let table = element("table", "listing")?;
    let head = element("thead", "")?;
    let head_row = element("tr", "")?;
    for (label, class) in [("Name", "name"), ("Size", "size"), ("Modified", "modified")] {
        add(&head_row, &text_element("th", class, label)?)?;
    }
    add(&head, &head_row)?;
    add(&table, &head)?;
    let body = element("tbody", "")?;
    // Folders first, each group in the worker's code-point order.
    let ordered = rows.iter().filter(|row| row.is_directory).chain(rows.iter().filter(|row| !row.is_directory));
    for row in ordered {
        let Ok(path) = directory.join(&row.name) else { continue };
        let tr = element("tr", if row.is_directory { "dir" } else { "file" })?;
        let name_cell = element("td", "name")?;
        let link = text_element("a", "", &row.name)?;
        link.set_attribute("href", &if row.is_directory { path.to_dir_url() } else { path.to_url() })?;
        // Drawn by CSS: emoji differ per platform and may be missing altogether.
        let icon = element("span", "icon")?;
        icon.set_attribute("aria-hidden", "true")?;
        add(&name_cell, &icon)?;
        add(&name_cell, &link)?;
        add(&tr, &name_cell)?;
        let size = if row.is_directory { String::new() } else { listing::human_size(row.size) };
        add(&tr, &text_element("td", "size", &size)?)?;
        add(&tr, &text_element("td", "modified", &listing::human_time(row.mtime))?)?;
        add(&body, &tr)?;
    }
    add(&table, &body)?;
    Ok(table)
}

fn notice_element(message: &str) -> Result<Element, DomError> {
    let notice = text_element("p", "notice", message)?;
    notice.set_attribute("role", "alert")?;
    Ok(notice)
}

/// Shows an error above whatever is on screen.
pub fn show_error(message: &str) {
    web_sys::console::warn_1(&format!("owndir: {message}").into());
    let shown = (|| -> Result<(), DomError> {
        let root = root()?;
        let notice = notice_element(message)?;
        root.insert_before(&notice, root.first_child().as_ref())?;
        Ok(())
    })();
    log(shown);
}

fn add(parent: &Element, child: &Element) -> Result<(), DomError> {
    parent.append_child(child)?;
    Ok(())
}

/// The bar that says a new version waits, with a Reload button. It sits outside the app's
/// root, so views re-rendering leave it alone.
pub fn show_update_ready() {
    let shown = (|| -> Result<(), DomError> {
        if document().get_element_by_id("update-ready").is_some() {
            return Ok(());
        }
        let bar = element("div", "update-ready")?;
        bar.set_id("update-ready");
        bar.set_attribute("role", "status")?;
        add(&bar, &text_element("span", "", "A new version is ready")?)?;
        add(&bar, &action_button("Reload", "apply-update", "primary")?)?;
        let body = document().body().ok_or_else(|| DomError::new("NotFoundError", "no body"))?;
        body.append_child(&bar)?;
        Ok(())
    })();
    log(shown);
}
