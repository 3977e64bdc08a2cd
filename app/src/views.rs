//! What every screen shares: the start and Reconnect pages, the header, breadcrumbs,
//! errors and toasts, the update bar.

use crate::dom::{action_button, add, app_link, body, document, element, root, text_element};
use crate::features::{has_directory_picker, takes_dropped_folders};
use crate::state;
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_core::Source;
use owndir_view::location::dir_href;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

/// What browser storage is called in the app.
pub const BROWSER_STORAGE_NAME: &str = "Browser storage";

/// Replaces what the app shows.
pub fn render(children: &[Element]) -> Result<(), DomError> {
    let root = root()?;
    root.set_inner_html("");
    for child in children {
        root.append_child(child)?;
    }
    crate::dom::forget_detached_listeners();
    Ok(())
}

/// Logs a failure to draw (there is nowhere else to show it).
pub fn log(result: Result<(), DomError>) {
    if let Err(error) = result {
        web_sys::console::error_1(&format!("owndir: cannot render: {error}").into());
    }
}

/// The bar at the top: the brand, the connected folder, how much browser storage it uses.
pub fn header() -> Result<Element, DomError> {
    let bar = element("header", "bar")?;
    let brand = crate::dom::app_link("OwnDir", "/", "brand")?;
    add(&bar, &brand)?;
    if let Some(record) = crate::state::with(|app| app.record.clone()) {
        let folder = text_element("span", "folder-name", &record.name)?;
        folder.set_attribute("title", "The connected folder")?;
        add(&bar, &folder)?;
        if record.source == Source::Opfs {
            let usage = element("span", "usage")?;
            usage.set_id("storage-usage");
            add(&bar, &usage)?;
            wasm_bindgen_futures::spawn_local(show_storage_usage());
        }
        if !crate::state::with(|app| app.writable) {
            let badge = text_element("span", "badge read-only", "Read-only")?;
            badge.set_attribute("title", "The browser lets OwnDir read this folder but not change it yet")?;
            add(&bar, &badge)?;
            add(&bar, &action_button("Allow writing", "allow-writing", "primary")?)?;
        }
        add(&bar, &action_button("Switch folder", "switch-folder", "quiet")?)?;
    }
    Ok(bar)
}

/// Draws the header again where it is (after write access changed, say).
pub fn refresh_header() {
    let Some(old) = document().query_selector("header.bar").ok().flatten() else { return };
    match header() {
        Ok(new) => log(old.replace_with_with_node_1(&new).map_err(DomError::from)),
        Err(error) => log(Err(error)),
    }
}

/// Fills in "12 MB of 2.0 GB used" for browser storage, and whether the browser may
/// clear it (until `navigator.storage.persist()` is granted, it may).
async fn show_storage_usage() {
    let storage = crate::dom::window().navigator().storage();
    let persisted = match storage.persisted() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|answer| answer.as_bool()).unwrap_or(false),
        Err(_) => false,
    };
    let Ok(promise) = storage.estimate() else { return };
    let Ok(estimate) = JsFuture::from(promise).await else { return };
    let number = |name: &str| js_sys::Reflect::get(&estimate, &name.into()).ok().and_then(|value| value.as_f64());
    let (Some(usage), Some(quota)) = (number("usage"), number("quota")) else { return };
    if let Some(shown) = document().get_element_by_id("storage-usage") {
        let text =
            format!("{} of {} used", owndir_view::human_size(usage as u64), owndir_view::human_size(quota as u64));
        shown.set_text_content(Some(&text));
    }
    if !persisted {
        log(show_storage_at_risk());
    }
}

thread_local! {
    /// `persist()` was granted in this page. Its answer can come between the look at
    /// `persisted()` and the warning being drawn: the warning must not then appear.
    static STORAGE_KEPT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The warning beside the usage: the browser may clear its storage under pressure.
fn show_storage_at_risk() -> Result<(), DomError> {
    let Some(usage) = document().get_element_by_id("storage-usage") else { return Ok(()) };
    if STORAGE_KEPT.get() || document().get_element_by_id("storage-at-risk").is_some() {
        return Ok(());
    }
    let warning = text_element("span", "at-risk", "may be cleared by the browser")?;
    warning.set_id("storage-at-risk");
    warning.set_attribute(
        "title",
        "The browser has not agreed to keep this storage: it may clear it when space runs low. Export a zip to keep a copy.",
    )?;
    usage.after_with_node_1(&warning)?;
    Ok(())
}

/// The browser agreed to keep browser storage: the warning goes.
pub fn show_storage_kept() {
    STORAGE_KEPT.set(true);
    if let Some(warning) = document().get_element_by_id("storage-at-risk") {
        warning.remove();
    }
}

/// The start page: the two ways to connect (docs/http.md).
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
    if let Some(record) = crate::state::with(|app| app.record.clone()) {
        add(&main, &text_element("p", "hint", &format!("Connected now: {}.", record.name))?)?;
    }
    let choices = element("div", "choices")?;
    let picker = element("div", "choice")?;
    let open = action_button("Open folder", "open-folder", "primary")?;
    add(&picker, &open)?;
    if has_directory_picker() {
        let hint = if takes_dropped_folders() {
            "Pick a folder on this device, or drop a folder here. Nothing is uploaded."
        } else {
            "Pick a folder on this device. Nothing is uploaded."
        };
        add(&picker, &text_element("p", "hint", hint)?)?;
    } else {
        open.set_attribute("disabled", "")?;
        add(
            &picker,
            &text_element(
                "p",
                "hint",
                "This browser cannot open folders from the device. Use browser storage instead: you can import files and folders into it, and export it as a zip.",
            )?,
        )?;
    }
    let storage = element("div", "choice")?;
    add(&storage, &action_button("Use browser storage", "use-browser-storage", "secondary")?)?;
    add(
        &storage,
        &text_element(
            "p",
            "hint",
            &format!(
                "“{BROWSER_STORAGE_NAME}”: a private folder inside this browser. Works everywhere, phones included."
            ),
        )?,
    )?;
    add(&choices, &picker)?;
    add(&choices, &storage)?;
    add(&main, &choices)?;
    render(&[header_without_folder()?, main])
}

fn header_without_folder() -> Result<Element, DomError> {
    let bar = element("header", "bar")?;
    add(&bar, &crate::dom::app_link("OwnDir", "/", "brand")?)?;
    Ok(bar)
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
    if takes_dropped_folders() {
        add(&main, &text_element("p", "hint", "Or drop the folder (or another one) here.")?)?;
    }
    let choices = element("div", "choices")?;
    add(&choices, &action_button("Reconnect", "reconnect", "primary")?)?;
    add(&choices, &action_button("Choose another folder", "switch-folder", "secondary")?)?;
    add(&main, &choices)?;
    render(&[header_without_folder()?, main])
}

/// The path as links, root first; `file` is the last, unlinked name when a file is shown.
pub fn crumbs(directory: &SafePath, file: Option<&str>) -> Result<Element, DomError> {
    let nav = element("nav", "crumbs")?;
    nav.set_attribute("aria-label", "Folder path")?;
    let browse = state::with(|app| app.browse_mode);
    let folder_name = state::with(|app| app.record.as_ref().map(|record| record.name.clone())).unwrap_or_default();
    let mut path = SafePath::root();
    add(&nav, &app_link(&folder_name, &dir_href(&path, browse), "")?)?;
    for segment in directory.segments() {
        path = path.join(segment).map_err(|error| DomError::new("TypeError", error.to_string()))?;
        add(&nav, &text_element("span", "separator", "/")?)?;
        add(&nav, &app_link(segment, &dir_href(&path, browse), "")?)?;
    }
    if let Some(file) = file {
        add(&nav, &text_element("span", "separator", "/")?)?;
        add(&nav, &text_element("span", "current", file)?)?;
    }
    if let Some(last) = nav.last_element_child() {
        last.set_attribute("aria-current", "page")?;
    }
    Ok(nav)
}

/// A message that the screen reader reads at once.
pub fn notice_element(message: &str) -> Result<Element, DomError> {
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
        notice.scroll_into_view();
        Ok(())
    })();
    log(shown);
}

/// A short, quiet message at the bottom of the screen that goes away by itself.
pub fn toast(message: &str) {
    let shown = (|| -> Result<(), DomError> {
        let toast = text_element("div", "toast", message)?;
        toast.set_attribute("role", "status")?;
        body()?.append_child(&toast)?;
        gloo_timers::callback::Timeout::new(4_000, move || toast.remove()).forget();
        Ok(())
    })();
    log(shown);
}

/// A toast with one button (`action`, see `dom::listen_for_actions`), kept longer so
/// there is time to press it. A new one replaces the last.
pub fn toast_with_action(message: &str, label: &str, action: &str) {
    dismiss_toasts();
    let shown = (|| -> Result<(), DomError> {
        let toast = element("div", "toast with-action")?;
        toast.set_attribute("role", "status")?;
        add(&toast, &text_element("span", "", message)?)?;
        add(&toast, &action_button(label, action, "toast-action")?)?;
        body()?.append_child(&toast)?;
        gloo_timers::callback::Timeout::new(8_000, move || toast.remove()).forget();
        Ok(())
    })();
    log(shown);
}

/// Takes the toasts off the screen.
pub fn dismiss_toasts() {
    if let Ok(toasts) = document().query_selector_all(".toast") {
        for index in 0..toasts.length() {
            if let Some(toast) = toasts.item(index).and_then(|node| node.dyn_into::<Element>().ok()) {
                toast.remove();
            }
        }
    }
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
        body()?.append_child(&bar)?;
        Ok(())
    })();
    log(shown);
}

/// A listing-style table with column headings (`(label, class)`), and its empty body.
pub fn table_with_columns(class: &str, columns: &[(&str, &str)]) -> Result<(Element, Element), DomError> {
    let table = element("table", class)?;
    let head = element("thead", "")?;
    let row = element("tr", "")?;
    for (label, column) in columns {
        let cell = text_element("th", column, label)?;
        cell.set_attribute("scope", "col")?;
        add(&row, &cell)?;
    }
    add(&head, &row)?;
    add(&table, &head)?;
    let body = element("tbody", "")?;
    add(&table, &body)?;
    Ok((table, body))
}
