//! Uploads: files and whole folders, by picker or drag and drop, each streamed to the
//! worker with a progress bar per file and one for all.
//!
//! The body is a stream the page counts as the worker pulls it, so the bars show what the
//! worker has taken, not what the page has queued. Each file is one FsNode `write`, which
//! the worker pipes into a swap file: an upload cut off leaves the old file whole.

use crate::api;
use crate::dialogs::{self, Choice};
use crate::dom::{add, body, document, element, text_element};
use crate::views::{log, show_error};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::human_size;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{DragEvent, Element, File, HtmlInputElement, HtmlProgressElement, ReadableStream};

/// A file to upload and where it goes, relative to the target directory.
struct Upload {
    relative: String,
    file: File,
}

/// Opens the browser's file (or folder) picker and uploads what is chosen into `directory`;
/// `after` runs once the uploads ended.
pub fn pick(directory: SafePath, folders: bool, after: fn()) {
    let picked = (|| -> Result<(), DomError> {
        let input: HtmlInputElement = element("input", "visually-hidden")?.unchecked_into();
        input.set_type("file");
        input.set_multiple(true);
        input.set_id("upload-input");
        if folders {
            // Chrome, Edge, Safari and Firefox all take the prefixed name.
            input.set_attribute("webkitdirectory", "")?;
        }
        let picker = input.clone();
        crate::dom::listen_while_shown(&input, "change", move |_: web_sys::Event| {
            let mut uploads = Vec::new();
            if let Some(files) = picker.files() {
                for index in 0..files.length() {
                    let Some(file) = files.item(index) else { continue };
                    let relative = relative_path(&file);
                    uploads.push(Upload { relative, file });
                }
            }
            picker.remove();
            spawn_local(upload_all(directory.clone(), uploads, after));
        });
        // Left in the page until chosen: Chrome needs it attached for tests and some pickers.
        if let Some(old) = document().get_element_by_id("upload-input") {
            old.remove();
        }
        body()?.append_child(&input)?;
        input.click();
        Ok(())
    })();
    log(picked);
}

/// `folder/sub/name` for a file from a folder picker, the name otherwise.
fn relative_path(file: &File) -> String {
    js_sys::Reflect::get(file, &"webkitRelativePath".into())
        .ok()
        .and_then(|path| path.as_string())
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| file.name())
}

/// Makes `area` take dropped files and folders; `after` runs once their uploads ended.
pub fn accept_drops(area: &Element, after: fn()) -> Result<(), DomError> {
    let target = area.clone();
    crate::dom::listen_while_shown(area, "dragover", move |event: DragEvent| {
        event.prevent_default();
        let _ = target.class_list().add_1("dropping");
    });
    let target = area.clone();
    crate::dom::listen_while_shown(area, "dragleave", move |event: DragEvent| {
        let inside = event
            .related_target()
            .and_then(|node| node.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|node| target.contains(Some(&node)));
        if !inside {
            let _ = target.class_list().remove_1("dropping");
        }
    });
    let target = area.clone();
    crate::dom::listen_while_shown(area, "drop", move |event: DragEvent| {
        event.prevent_default();
        let _ = target.class_list().remove_1("dropping");
        let Some(directory) = crate::state::with(|app| app.directory.clone()) else { return };
        let Some(transfer) = event.data_transfer() else { return };
        // Entries must be taken during the event; reading them may go on after.
        let items = transfer.items();
        let mut entries = Vec::new();
        for index in 0..items.length() {
            if let Some(entry) = items.get(index).and_then(|item| item.webkit_get_as_entry().ok().flatten()) {
                entries.push(entry);
            }
        }
        let files = transfer.files();
        spawn_local(async move {
            let mut uploads = Vec::new();
            if entries.is_empty()
                && let Some(files) = files
            {
                for index in 0..files.length() {
                    if let Some(file) = files.item(index) {
                        uploads.push(Upload { relative: file.name(), file });
                    }
                }
            }
            for entry in entries {
                if let Err(error) = collect(entry, String::new(), &mut uploads).await {
                    show_error(&format!("Could not read what was dropped: {error}"));
                    return;
                }
            }
            upload_all(directory, uploads, after).await;
        });
    });
    Ok(())
}

/// The files under a dropped entry, with their paths.
async fn collect(entry: web_sys::FileSystemEntry, prefix: String, into: &mut Vec<Upload>) -> Result<(), DomError> {
    let mut pending = vec![(entry, prefix)];
    while let Some((entry, prefix)) = pending.pop() {
        let path = format!("{prefix}{}", entry.name());
        if entry.is_file() {
            let entry: web_sys::FileSystemFileEntry = entry.unchecked_into();
            let file = js_sys::Promise::new(&mut |resolve, reject| {
                entry.file_with_callback_and_callback(&resolve, &reject);
            });
            let file: File = JsFuture::from(file).await?.unchecked_into();
            into.push(Upload { relative: path, file });
            continue;
        }
        let directory: web_sys::FileSystemDirectoryEntry = entry.unchecked_into();
        let reader = directory.create_reader();
        // `readEntries` hands out a batch at a time; an empty batch means the end.
        loop {
            let batch = js_sys::Promise::new(&mut |resolve, reject| {
                if let Err(error) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                    let _ = reject.call1(&JsValue::NULL, &error);
                }
            });
            let batch: js_sys::Array = JsFuture::from(batch).await?.unchecked_into();
            if batch.length() == 0 {
                break;
            }
            for child in batch.iter() {
                pending.push((child.unchecked_into(), format!("{path}/")));
            }
        }
    }
    Ok(())
}

/// The progress panel's parts.
struct Panel {
    panel: Element,
    title: Element,
    overall: HtmlProgressElement,
    list: Element,
}

fn panel(count: usize, total: f64) -> Result<Panel, DomError> {
    if let Some(old) = document().get_element_by_id("uploads") {
        old.remove();
    }
    let panel = element("section", "uploads")?;
    panel.set_id("uploads");
    panel.set_attribute("aria-label", "Uploads")?;
    let title = text_element(
        "p",
        "uploads-title",
        &format!("Uploading {count} file{} ({})", if count == 1 { "" } else { "s" }, human_size(total as u64)),
    )?;
    add(&panel, &title)?;
    let overall: HtmlProgressElement = element("progress", "overall")?.unchecked_into();
    overall.set_max(total.max(1.0));
    overall.set_value(0.0);
    overall.set_attribute("aria-label", "All files")?;
    add(&panel, &overall)?;
    let list = element("ul", "upload-list")?;
    add(&panel, &list)?;
    body()?.append_child(&panel)?;
    Ok(Panel { panel, title, overall, list })
}

async fn upload_all(directory: SafePath, uploads: Vec<Upload>, after: fn()) {
    if uploads.is_empty() {
        return;
    }
    // Check every target before anything is sent.
    let mut targets = Vec::with_capacity(uploads.len());
    for upload in &uploads {
        match SafePath::parse(&upload.relative).ok().and_then(|relative| join_all(&directory, &relative)) {
            Some(path) => targets.push(path),
            None => return show_error(&format!("“{}” cannot be stored under that name.", upload.relative)),
        }
    }
    let existing: BTreeSet<String> =
        crate::state::with(|app| owndir_core::sort::set(app.entries.iter().map(|entry| entry.name.clone())));
    let replaced: Vec<&str> = uploads
        .iter()
        .filter(|upload| !upload.relative.contains('/') && existing.contains(&upload.relative))
        .map(|upload| upload.relative.as_str())
        .collect();
    if !replaced.is_empty() {
        let message = format!("These files already exist here and would be replaced: {}.", replaced.join(", "));
        let yes = Choice { value: "replace", label: "Replace them", class: "danger" };
        if !dialogs::confirm("Replace existing files?", &message, yes).await {
            return;
        }
    }
    let total: f64 = uploads.iter().map(|upload| upload.file.size()).sum();
    let panel = match panel(uploads.len(), total) {
        Ok(panel) => panel,
        Err(error) => return show_error(&format!("Could not start the upload: {error}")),
    };
    let done_before = Rc::new(Cell::new(0.0));
    let mut made = BTreeSet::new();
    let mut failures = Vec::new();
    for (upload, path) in uploads.iter().zip(&targets) {
        let Ok(row) = file_row(&panel.list, &upload.relative, upload.file.size()) else { continue };
        if let Some(parent) = path.parent().filter(|parent| !parent.is_root() && !made.contains(parent)) {
            if let Err(failure) = api::make_dir(&parent).await {
                failures.push(format!("{}: {failure}", upload.relative));
                continue;
            }
            made.insert(parent);
        }
        let result = if !crate::features::can_stream_request_bodies() {
            // Firefox and Safari cannot send a stream (they would send its name as text):
            // the file goes whole, and its bar fills when it is written.
            api::write(path, upload.file.as_ref(), None).await
        } else {
            match counted_stream(&upload.file, &row, &panel.overall, done_before.clone()) {
                Ok(stream) => api::write(path, &stream, None).await,
                Err(error) => Err(error.into()),
            }
        };
        done_before.set(done_before.get() + upload.file.size());
        panel.overall.set_value(done_before.get());
        match result {
            Ok(()) => {
                row.set_value(upload.file.size().max(1.0));
                let _ = row.parent_element().map(|item| item.class_list().add_1("done"));
            }
            Err(failure) => {
                let _ = row.parent_element().map(|item| item.class_list().add_1("failed"));
                failures.push(format!("{}: {failure}", upload.relative));
            }
        }
    }
    let uploaded = uploads.len() - failures.len();
    panel.title.set_text_content(Some(&format!("Uploaded {uploaded} of {} files", uploads.len())));
    let _ = panel.panel.class_list().add_1("finished");
    let close = crate::dom::action_button("Close", "close-uploads", "quiet");
    if let Ok(close) = close {
        let _ = panel.panel.append_child(&close);
    }
    if !failures.is_empty() {
        show_error(&format!("Some files were not uploaded: {}", failures.join("; ")));
    }
    after();
}

fn join_all(directory: &SafePath, relative: &SafePath) -> Option<SafePath> {
    let mut path = directory.clone();
    for segment in relative.segments() {
        path = path.join(segment).ok()?;
    }
    (!relative.is_root()).then_some(path)
}

fn file_row(list: &Element, name: &str, size: f64) -> Result<HtmlProgressElement, DomError> {
    let item = element("li", "")?;
    add(&item, &text_element("span", "upload-name", &format!("{name} ({})", human_size(size as u64)))?)?;
    let bar: HtmlProgressElement = element("progress", "")?.unchecked_into();
    bar.set_max(size.max(1.0));
    bar.set_value(0.0);
    bar.set_attribute("aria-label", name)?;
    item.append_child(&bar)?;
    list.append_child(&item)?;
    Ok(bar)
}

/// The file's bytes as a stream whose reads move the file's bar and the overall one.
fn counted_stream(
    file: &File,
    bar: &HtmlProgressElement,
    overall: &HtmlProgressElement,
    done_before: Rc<Cell<f64>>,
) -> Result<JsValue, DomError> {
    let reader: web_sys::ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let sent = Rc::new(Cell::new(0.0));
    let (bar, overall) = (bar.clone(), overall.clone());
    let pull = Closure::<dyn FnMut(web_sys::ReadableStreamDefaultController) -> js_sys::Promise>::new(
        move |controller: web_sys::ReadableStreamDefaultController| {
            let (reader, sent, bar, overall, done_before) =
                (reader.clone(), sent.clone(), bar.clone(), overall.clone(), done_before.clone());
            wasm_bindgen_futures::future_to_promise(async move {
                let result = JsFuture::from(reader.read()).await?;
                let done = js_sys::Reflect::get(&result, &"done".into())?.is_truthy();
                if done {
                    controller.close()?;
                    return Ok(JsValue::UNDEFINED);
                }
                let chunk = js_sys::Reflect::get(&result, &"value".into())?;
                let length = chunk.unchecked_ref::<js_sys::Uint8Array>().length() as f64;
                controller.enqueue_with_chunk(&chunk)?;
                sent.set(sent.get() + length);
                bar.set_value(sent.get());
                overall.set_value(done_before.get() + sent.get());
                Ok(JsValue::UNDEFINED)
            })
        },
    );
    let source = js_sys::Object::new();
    js_sys::Reflect::set(&source, &"pull".into(), pull.as_ref())?;
    // Lives as long as the stream; one per uploaded file.
    pull.forget();
    Ok(ReadableStream::new_with_underlying_source(&source)?.into())
}

/// Closes the finished panel.
pub fn close_panel() {
    if let Some(panel) = document().get_element_by_id("uploads") {
        panel.remove();
    }
}
