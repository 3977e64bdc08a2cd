//! `/@/zip/<P>/`: a directory as a zip download, streamed. The archive is made as the
//! browser pulls it, one piece per pull (a header, one 1 MB slice of a file, a
//! descriptor), so a folder of any size passes through a few MB of memory.

use crate::connection::{self, Connection};
use crate::handle_folder::HandleFolder;
use crate::promise::settle;
use crate::respond;
use owndir_browser::DomError;
use owndir_core::zip::{ZipItem, ZipWriter, plan, plan_selected, selected_names};
use owndir_core::{ApiError, Entry, EntryKind, Folder, RequestPath};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{File, ReadableStream, ReadableStreamDefaultController, Response};

/// Bytes read from a file per pull.
const CHUNK: f64 = 1024.0 * 1024.0;
thread_local! {
    /// Zip's CRC-32, computed with one 1 KB table: crc32fast's sixteen tables are faster
    /// but were 16 KB of incompressible data in the worker's wasm (most of its download).
    /// The table is made on the first zip rather than stored: its 1 KB of bits was ~1 KB
    /// of the gzipped wasm, the loop that makes it far less.
    static CRC32: &'static crc::Crc<u32, crc::Table<1>> =
        Box::leak(Box::new(crc::Crc::<u32, crc::Table<1>>::new(&crc::CRC_32_ISO_HDLC)));
}

/// Answers `/@/zip` + `rest` (the directory's URL path); `search` may select some of its
/// entries (`?name=a&name=b`).
pub async fn answer(rest: &str, search: &str) -> Result<Response, DomError> {
    let path = match RequestPath::from_url_path(rest) {
        Ok(parsed) => parsed.path,
        Err(error) => return Ok(respond::error(&error.into())?),
    };
    let connection = connection::current().await?;
    let folder_name = match &connection {
        Connection::Chosen(record, ..) => record.name.clone(),
        Connection::NotChosen => String::new(),
    };
    let folder = match connection.folder() {
        Ok(folder) => folder,
        Err(error) => return Ok(respond::error(&error)?),
    };
    match folder.lookup(&path).await {
        Ok(Some(Entry::Directory)) => {}
        Ok(_) => return Ok(respond::error(&ApiError::new(404, format!("{path} is not a directory")))?),
        Err(error) => return Ok(respond::error(&error.into())?),
    }
    let top = path.name().map(str::to_owned).unwrap_or(folder_name);
    let selected = selected_names(search);
    let planned = if selected.is_empty() {
        plan(&folder, &path, &top).await
    } else {
        plan_selected(&folder, &path, &top, &selected).await
    };
    let items = match planned {
        Ok(items) => items,
        Err(error) => return Ok(respond::error(&error.into())?),
    };
    let archive = Archive { folder, items: items.into(), writer: Some(ZipWriter::default()), reading: None };
    let stream = stream(archive)?;
    let disposition = format!("attachment; filename*=UTF-8''{}.zip", owndir_core::path::encode_component(&top));
    let init = respond::init(
        200,
        [
            ("Content-Type", "application/zip"),
            ("Content-Disposition", disposition.as_str()),
            ("Cache-Control", "no-store"),
        ],
    )?;
    Ok(Response::new_with_opt_readable_stream_and_init(Some(&stream), &init)?)
}

/// Where the archive stands between pulls.
struct Archive {
    folder: HandleFolder,
    items: VecDeque<ZipItem>,
    writer: Option<ZipWriter>,
    reading: Option<Reading>,
}

/// The file whose bytes are being sent.
struct Reading {
    file: File,
    offset: f64,
    crc: crc::Digest<'static, u32, crc::Table<1>>,
}

fn stream(archive: Archive) -> Result<ReadableStream, DomError> {
    // Taken out for each pull and put back after, so no borrow is held across an await;
    // a stream never pulls again before the last pull settled.
    let state = Rc::new(RefCell::new(Some(archive)));
    let pull = Closure::<dyn FnMut(ReadableStreamDefaultController) -> js_sys::Promise>::new(
        move |controller: ReadableStreamDefaultController| {
            let state = state.clone();
            future_to_promise(async move {
                let Some(mut archive) = state.borrow_mut().take() else { return Ok(JsValue::UNDEFINED) };
                match archive.step(&controller).await {
                    Ok(true) => {}
                    Ok(false) => drop(state.borrow_mut().replace(archive)),
                    // The download fails visibly instead of ending as a short, broken zip.
                    Err(error) => controller.error_with_e(&JsValue::from_str(&error.to_string())),
                }
                Ok(JsValue::UNDEFINED)
            })
        },
    );
    let source = js_sys::Object::new();
    js_sys::Reflect::set(&source, &"pull".into(), pull.as_ref())?;
    // The closure lives as long as the stream, which the browser may keep for the
    // download's whole life; it is small and leaves with the worker.
    pull.forget();
    Ok(ReadableStream::new_with_underlying_source(&source)?)
}

impl Archive {
    /// Sends the next piece; true once the archive is complete and the stream closed.
    async fn step(&mut self, controller: &ReadableStreamDefaultController) -> Result<bool, DomError> {
        let Some(writer) = self.writer.as_mut() else { return Ok(true) };
        if let Some(reading) = self.reading.as_mut() {
            let size = reading.file.size();
            if reading.offset < size {
                let end = (reading.offset + CHUNK).min(size);
                let slice = reading.file.slice_with_f64_and_f64(reading.offset, end)?;
                let bytes = js_sys::Uint8Array::new(&settle(slice.array_buffer()).await?);
                reading.crc.update(&bytes.to_vec());
                reading.offset = end;
                controller.enqueue_with_chunk(&bytes)?;
                return Ok(false);
            }
            let written = reading.offset as u64;
            let crc = self.reading.take().map(|reading| reading.crc.finalize()).unwrap_or(0);
            enqueue(controller, &writer.finish_file(crc, written))?;
            return Ok(false);
        }
        loop {
            let Some(item) = self.items.pop_front() else {
                let end = self.writer.take().map(ZipWriter::finish).unwrap_or_default();
                enqueue(controller, &end)?;
                controller.close()?;
                return Ok(true);
            };
            if item.kind == EntryKind::Directory {
                enqueue(controller, &writer.add_directory(&item.name, item.modified_ms))?;
                return Ok(false);
            }
            // A file deleted since the plan was made is left out.
            if let Ok(Some(Entry::File { meta, body })) = self.folder.lookup(&item.path).await {
                enqueue(controller, &writer.start_file(&item.name, meta.size, meta.modified_ms))?;
                self.reading = Some(Reading { file: body, offset: 0.0, crc: CRC32.with(|crc| crc.digest()) });
                return Ok(false);
            }
        }
    }
}

fn enqueue(controller: &ReadableStreamDefaultController, bytes: &[u8]) -> Result<(), DomError> {
    controller.enqueue_with_chunk(&js_sys::Uint8Array::from(bytes))?;
    Ok(())
}
