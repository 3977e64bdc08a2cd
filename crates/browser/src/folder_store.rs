//! The connected folder's record in IndexedDB, shared by the page and the worker.

use crate::dom_error::DomError;
use idb::{Database, DatabaseEvent, Factory, KeyPath, KeyRange, ObjectStoreParams, Query, TransactionMode};
use owndir_core::Source;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::FileSystemDirectoryHandle;

const DATABASE: &str = "owndir";
/// Version 2 added [`DIRECTORY_TIMES`], version 3 [`EVENTS`] and [`SNAPSHOTS`].
const VERSION: u32 = 3;
const STORE: &str = "folder";
const CURRENT: &str = "current";
/// The directory move under way, in [`STORE`]: see [`PendingMove`].
const PENDING_MOVE: &str = "pendingMove";
/// Directory modification times, keyed by path: the browser keeps none.
const DIRECTORY_TIMES: &str = "directoryTimes";
/// The change-event log for `sub`: `{id, data}`, ids counting up for `Last-Event-ID`.
const EVENTS: &str = "events";
/// The last snapshot of each watched directory, keyed by path.
const SNAPSHOTS: &str = "snapshots";
/// How many events the log keeps: enough for a reconnect after any worker restart.
const EVENTS_KEPT: u64 = 5_000;

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
    // Site data cleared closes the connection by force: the record may be gone too.
    let forget = |_| {
        forget_remembered();
        CONNECTION.with(|connection| connection.borrow_mut().take().map(|database| database.close()))
    };
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
            for store in [STORE, DIRECTORY_TIMES, SNAPSHOTS] {
                if !existing.iter().any(|name| name == store) {
                    let _ = database.create_object_store(store, ObjectStoreParams::new());
                }
            }
            if !existing.iter().any(|name| name == EVENTS) {
                let mut params = ObjectStoreParams::new();
                params.auto_increment(true).key_path(Some(KeyPath::new_single("id")));
                let _ = database.create_object_store(EVENTS, params);
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
    Ok(parse_record(&read_record().await?))
}

/// The record as stored (`undefined` when there is none). Site data cleared closes the
/// connection by force, and a read can meet it closed before its `close` event has made
/// us let go of it (`AbortError`, seen once in `hardening`): a failed read is tried once
/// more on a fresh connection.
async fn read_record() -> Result<JsValue, DomError> {
    match read_record_once().await {
        Err(_) => {
            CONNECTION.with(|connection| connection.borrow_mut().take().map(|database| database.close()));
            read_record_once().await
        }
        read => read,
    }
}

async fn read_record_once() -> Result<JsValue, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let value = transaction.object_store(STORE)?.get(JsValue::from_str(CURRENT))?.await?;
    Ok(value.unwrap_or(JsValue::UNDEFINED))
}

thread_local! {
    /// The worker's copy of the record: the read under way, or done. Dropped when the page
    /// that changes the record says so ([`CHANGED`]), and when the connection closes
    /// (site data cleared); a restarted worker reads it again.
    static REMEMBERED: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// What the page sends every worker after it changed the record; each answers on the
/// message's port once it has let go of its copy.
pub const CHANGED: &str = "folder-changed";

/// The stored record, read once per worker life ([`load`] reads it every time). The
/// first call (at the worker's start) opens the database; calls meanwhile share that read.
pub async fn load_remembered() -> Result<Option<FolderRecord>, DomError> {
    let read = REMEMBERED.with(|remembered| {
        remembered
            .borrow_mut()
            .get_or_insert_with(|| {
                wasm_bindgen_futures::future_to_promise(async {
                    read_record().await.map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))
                })
            })
            .clone()
    });
    match wasm_bindgen_futures::JsFuture::from(read.clone()).await {
        Ok(value) => Ok(parse_record(&value)),
        Err(error) => {
            // Read again next time, unless someone already started another read.
            REMEMBERED.with(|remembered| {
                let mut remembered = remembered.borrow_mut();
                if remembered
                    .as_ref()
                    .is_some_and(|known| AsRef::<JsValue>::as_ref(known) == AsRef::<JsValue>::as_ref(&read))
                {
                    remembered.take();
                }
            });
            Err(DomError::from(error))
        }
    }
}

/// Lets go of the worker's copy of the record: the next request reads it again.
pub fn forget_remembered() {
    REMEMBERED.with(|remembered| remembered.borrow_mut().take());
}

fn parse_record(value: &JsValue) -> Option<FolderRecord> {
    if value.is_undefined() {
        return None;
    }
    let source = match get(value, "source").as_string().as_deref() {
        Some("picker") => Source::Picker,
        Some("opfs") => Source::Opfs,
        _ => return None,
    };
    let handle = get(value, "handle").dyn_into::<FileSystemDirectoryHandle>().ok()?;
    let name = get(value, "name").as_string().unwrap_or_default();
    Some(FolderRecord { source, name, handle })
}

/// Stores `record` as the connected folder, replacing any other.
pub async fn save(record: &FolderRecord) -> Result<(), DomError> {
    let value = js_sys::Object::new();
    js_sys::Reflect::set(&value, &"source".into(), &source_name(record.source).into())?;
    js_sys::Reflect::set(&value, &"name".into(), &record.name.as_str().into())?;
    js_sys::Reflect::set(&value, &"handle".into(), &record.handle)?;
    let database = open().await?;
    let transaction = database.transaction(&[STORE, DIRECTORY_TIMES, SNAPSHOTS], TransactionMode::ReadWrite)?;
    transaction.object_store(STORE)?.put(&value, Some(&JsValue::from_str(CURRENT)))?.await?;
    // A move, the times and the snapshots belonged to the folder connected before.
    transaction.object_store(STORE)?.delete(JsValue::from_str(PENDING_MOVE))?.await?;
    transaction.object_store(DIRECTORY_TIMES)?.clear()?.await?;
    transaction.object_store(SNAPSHOTS)?.clear()?.await?;
    transaction.commit()?.await?;
    tell_workers().await;
    Ok(())
}

/// How long the page waits for one worker to answer [`CHANGED`]: a worker that is stopped
/// is started by the message; one that never answers must not hold the page.
const ANSWER_WITHIN_MS: i32 = 3_000;

/// Tells every worker of the page's registration (active, waiting, installing) that the
/// record changed, and waits for each to answer that it let go of its copy
/// ([`load_remembered`]): the page's next request is answered from the new folder. A
/// message, unlike a broadcast, also reaches a worker that is stopped (it starts with no
/// copy, and answers at once). Page only; nothing happens elsewhere.
async fn tell_workers() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // Absent where the page cannot have a worker (a private window in Firefox, say).
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let container = navigator.service_worker();
    let Ok(registration) = wasm_bindgen_futures::JsFuture::from(container.get_registration()).await else { return };
    let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else { return };
    let workers = [registration.active(), registration.waiting(), registration.installing()];
    let answers = js_sys::Array::new();
    for worker in workers.into_iter().flatten() {
        let Ok(channel) = web_sys::MessageChannel::new() else { continue };
        let answer = js_sys::Promise::new(&mut |resolve, _| {
            channel.port1().set_onmessage(Some(&resolve));
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ANSWER_WITHIN_MS);
        });
        let ports = js_sys::Array::of1(&channel.port2());
        if worker.post_message_with_transferable(&JsValue::from_str(CHANGED), &ports).is_ok() {
            answers.push(&answer);
        }
    }
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all(&answers)).await;
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

/// Moves the kept times of the directory `from` and every directory under it to `to`:
/// a moved directory keeps its time.
pub async fn move_directory_times(from: &str, to: &str) -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[DIRECTORY_TIMES], TransactionMode::ReadWrite)?;
    let store = transaction.object_store(DIRECTORY_TIMES)?;
    // Keys are paths: `from` itself and `from/…` sort together, from `from` to `from0`
    // ('0' follows '/').
    let range = KeyRange::bound(&JsValue::from_str(from), &JsValue::from_str(&format!("{from}0")), None, Some(true))?;
    let query = Query::from(range);
    let keys = store.get_all_keys(Some(query.clone()), None)?.await?;
    let times = store.get_all(Some(query), None)?.await?;
    for (key, time) in keys.iter().zip(times.iter()) {
        let Some(path) = key.as_string() else { continue };
        let Some(rest) = path.strip_prefix(from).filter(|rest| rest.is_empty() || rest.starts_with('/')) else {
            continue;
        };
        store.delete(key.clone())?.await?;
        store.put(time, Some(&JsValue::from_str(&format!("{to}{rest}"))))?.await?;
    }
    transaction.commit()?.await?;
    Ok(())
}

/// Forgets the connected folder.
pub async fn forget() -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadWrite)?;
    transaction.object_store(STORE)?.delete(JsValue::from_str(CURRENT))?.await?;
    transaction.commit()?.await?;
    tell_workers().await;
    Ok(())
}

/// Appends events (their JSON), found by watching the directory `root`, to the log and
/// returns their ids, in order.
pub async fn append_events(root: &str, events: &[String]) -> Result<Vec<u64>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[EVENTS], TransactionMode::ReadWrite)?;
    let store = transaction.object_store(EVENTS)?;
    let mut ids = Vec::with_capacity(events.len());
    for data in events {
        let value = js_sys::Object::new();
        js_sys::Reflect::set(&value, &"data".into(), &data.as_str().into())?;
        js_sys::Reflect::set(&value, &"root".into(), &root.into())?;
        ids.push(store.add(&value, None)?.await?.as_f64().unwrap_or_default() as u64);
    }
    // Forget what no reconnecting client can still be waiting for.
    if let Some(last) = ids.last().filter(|last| **last > EVENTS_KEPT) {
        let old = KeyRange::upper_bound(&JsValue::from_f64((last - EVENTS_KEPT) as f64), Some(false))?;
        store.delete(Query::from(old))?.await?;
    }
    transaction.commit()?.await?;
    Ok(ids)
}

/// The events found by watching `root`, logged after `id`, oldest first: `(id, JSON)`.
pub async fn events_after(root: &str, id: u64) -> Result<Vec<(u64, String)>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[EVENTS], TransactionMode::ReadOnly)?;
    let after = KeyRange::lower_bound(&JsValue::from_f64(id as f64), Some(true))?;
    let values = transaction.object_store(EVENTS)?.get_all(Some(Query::from(after)), None)?.await?;
    Ok(values
        .into_iter()
        .filter(|value| get(value, "root").as_string().as_deref() == Some(root))
        .filter_map(|value| Some((get(&value, "id").as_f64()? as u64, get(&value, "data").as_string()?)))
        .collect())
}

/// The id of the newest logged event, 0 when there is none.
pub async fn last_event_id() -> Result<u64, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[EVENTS], TransactionMode::ReadOnly)?;
    let keys = transaction.object_store(EVENTS)?.get_all_keys(None, None)?.await?;
    Ok(keys.last().and_then(JsValue::as_f64).map_or(0, |id| id as u64))
}

/// The stored snapshot of the directory at `path` (JSON), if any.
pub async fn snapshot(path: &str) -> Result<Option<String>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[SNAPSHOTS], TransactionMode::ReadOnly)?;
    let value = transaction.object_store(SNAPSHOTS)?.get(JsValue::from_str(path))?.await?;
    Ok(value.and_then(|value| value.as_string()))
}

/// Stores the snapshot of the directory at `path`.
pub async fn set_snapshot(path: &str, json: &str) -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[SNAPSHOTS], TransactionMode::ReadWrite)?;
    transaction.object_store(SNAPSHOTS)?.put(&JsValue::from_str(json), Some(&JsValue::from_str(path)))?.await?;
    transaction.commit()?.await?;
    Ok(())
}

/// A directory move under way. The API cannot move a directory, so the worker moves its
/// files one by one; if it is stopped in between, the next worker finishes the move from
/// this record, so the folder ends with the new tree, never both halves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMove {
    /// The directory being moved (`a/b`).
    pub from: String,
    /// Where it goes.
    pub to: String,
    /// How far it got.
    pub stage: MoveStage,
}

/// How far a [`PendingMove`] got, and so how the next worker ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveStage {
    /// Moving file by file: finish by moving what is left in `from`, then removing it.
    MovingFiles,
    /// Copying file by file, as workers before 2026-11-30 moved: undo by removing `to`.
    Copying,
    /// Such a copy was whole: finish by removing `from`.
    Copied,
}

/// The move under way, if a worker was stopped during one.
pub async fn pending_move() -> Result<Option<PendingMove>, DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let value = transaction.object_store(STORE)?.get(JsValue::from_str(PENDING_MOVE))?.await?;
    Ok(value.and_then(|value| {
        let stage = match (get(&value, "stage").as_string().as_deref(), get(&value, "copied").as_bool()) {
            (Some("moving"), _) => MoveStage::MovingFiles,
            // An earlier worker's record: `{from, to, copied}`.
            (None, Some(false)) => MoveStage::Copying,
            (None, Some(true)) => MoveStage::Copied,
            _ => return None,
        };
        Some(PendingMove { from: get(&value, "from").as_string()?, to: get(&value, "to").as_string()?, stage })
    }))
}

/// Records the move under way, or (`None`) that none is.
pub async fn set_pending_move(pending: Option<&PendingMove>) -> Result<(), DomError> {
    let database = open().await?;
    let transaction = database.transaction(&[STORE], TransactionMode::ReadWrite)?;
    let store = transaction.object_store(STORE)?;
    let key = JsValue::from_str(PENDING_MOVE);
    match pending {
        Some(pending) => {
            let value = js_sys::Object::new();
            js_sys::Reflect::set(&value, &"from".into(), &pending.from.as_str().into())?;
            js_sys::Reflect::set(&value, &"to".into(), &pending.to.as_str().into())?;
            // As an earlier worker wrote its copies' records, so either reads back the same.
            match pending.stage {
                MoveStage::MovingFiles => js_sys::Reflect::set(&value, &"stage".into(), &"moving".into())?,
                MoveStage::Copying => js_sys::Reflect::set(&value, &"copied".into(), &false.into())?,
                MoveStage::Copied => js_sys::Reflect::set(&value, &"copied".into(), &true.into())?,
            };
            store.put(&value, Some(&key))?.await?;
        }
        None => {
            store.delete(key)?.await?;
        }
    }
    transaction.commit()?.await?;
    Ok(())
}
