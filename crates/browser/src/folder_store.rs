//! The connected folder's record in IndexedDB, shared by the page and the worker.

use crate::dom_error::DomError;
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use owndir_core::Source;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::FileSystemDirectoryHandle;

const DATABASE: &str = "owndir";
/// Version 2 added [`DIRECTORY_TIMES`].
const VERSION: u32 = 2;
const STORE: &str = "folder";
const CURRENT: &str = "current";
/// Directory modification times, keyed by path: the browser keeps none.
const DIRECTORY_TIMES: &str = "directoryTimes";

/// The folder the user chose: where it comes from, what to call it, and its handle.
/// Handles are structured-cloneable, so the record stores them as they are.
#[derive(Clone, Debug)]
pub struct FolderRecord {
    /// Picker or browser storage.
    pub source: Source,
    /// A name to show.
    pub name: String,
    /// The directory handle.
    pub handle: FileSystemDirectoryHandle,
}

thread_local! {
    // One connection per page or worker, opened on first use: opening costs far more
    // than a read, and the worker reads the record on every request.
    static CONNECTION: RefCell<Option<Rc<Database>>> = const { RefCell::new(None) };
}

async fn open() -> Result<Rc<Database>, DomError> {
    if let Some(database) = CONNECTION.with(|connection| connection.borrow().clone()) {
        return Ok(database);
    }
    let mut database = open_new().await?;
    // A newer schema elsewhere (another tab, a new build) asks us to let go; the browser
    // may also close the connection itself. Either way, open afresh next time.
    let forget = |_| CONNECTION.with(|connection| connection.borrow_mut().take().map(|database| database.close()));
    database.on_version_change(move |event| {
        forget(event);
    });
    database.on_close(move |event| {
        forget(event);
    });
    let database = Rc::new(database);
    CONNECTION.with(|connection| connection.borrow_mut().replace(database.clone()));
    Ok(database)
}

async fn open_new() -> Result<Database, DomError> {
    let factory = Factory::new()?;
    let mut request = factory.open(DATABASE, Some(VERSION))?;
    request.on_upgrade_needed(|event| {
        if let Ok(database) = event.database() {
            // Stores keyed out of line. A failure here aborts the upgrade and surfaces as
            // the open request's error.
            let existing = database.store_names();
            for store in [STORE, DIRECTORY_TIMES] {
                if !existing.iter().any(|name| name == store) {
                    let _ = database.create_object_store(store, ObjectStoreParams::new());
                }
            }
        }
    });
    Ok(request.await?)
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Picker => "picker",
        Source::Opfs => "opfs",
    }
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The stored record, or `None` when no folder was chosen (or the record is unreadable).
pub async fn load() -> Result<Option<FolderRecord>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let value = transaction.object_store(STORE)?.get(JsValue::from_str(CURRENT))?.await?;
    let Some(value) = value else { return Ok(None) };
    let source = match get(&value, "source").as_string().as_deref() {
        Some("picker") => Source::Picker,
        Some("opfs") => Source::Opfs,
        _ => return Ok(None),
    };
    let Ok(handle) = get(&value, "handle").dyn_into::<FileSystemDirectoryHandle>() else { return Ok(None) };
    let name = get(&value, "name").as_string().unwrap_or_default();
    Ok(Some(FolderRecord { source, name, handle }))
}

/// Stores `record` as the connected folder, replacing any other.
pub async fn save(record: &FolderRecord) -> Result<(), DomError> {
    let value = js_sys::Object::new();
    js_sys::Reflect::set(&value, &"source".into(), &source_name(record.source).into())?;
    js_sys::Reflect::set(&value, &"name".into(), &record.name.as_str().into())?;
    js_sys::Reflect::set(&value, &"handle".into(), &record.handle)?;
    let database = open().await?;
    let transaction = database.transaction(&[STORE, DIRECTORY_TIMES], TransactionMode::ReadWrite)?;
    transaction.object_store(STORE)?.put(&value, Some(&JsValue::from_str(CURRENT)))?.await?;
    // The times belonged to the folder connected before.
    transaction.object_store(DIRECTORY_TIMES)?.clear()?.await?;
    transaction.commit()?.await?;
    Ok(())
}

/// The modification time kept for the directory at `path` (`"a/b"`, `""` for the root).
pub async fn directory_time(path: &str) -> Result<Option<u64>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[DIRECTORY_TIMES], TransactionMode::ReadOnly)?;
    let value = transaction.object_store(DIRECTORY_TIMES)?.get(JsValue::from_str(path))?.await?;
    Ok(value.and_then(|value| value.as_f64()).map(|time| time as u64))
}

/// Keeps `time_ms` as the modification time of the directory at `path`.
pub async fn set_directory_time(path: &str, time_ms: u64) -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[DIRECTORY_TIMES], TransactionMode::ReadWrite)?;
    let time = JsValue::from_f64(time_ms as f64);
    transaction.object_store(DIRECTORY_TIMES)?.put(&time, Some(&JsValue::from_str(path)))?.await?;
    transaction.commit()?.await?;
    Ok(())
}

/// Forgets the connected folder.
pub async fn forget() -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadWrite)?;
    transaction.object_store(STORE)?.delete(JsValue::from_str(CURRENT))?.await?;
    transaction.commit()?.await?;
    Ok(())
}
