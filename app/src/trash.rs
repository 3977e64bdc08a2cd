//! The app's trash, over the FsNode API: Delete moves entries into `.trash/` with a record
//! beside each; Restore moves them back; Empty trash and expiry remove them for good.
//! The names, records and choices are `owndir_view::trash`'s; this module only calls.

use crate::api::{self, ApiFailure, ApiResult};
use owndir_core::SafePath;
use owndir_view::Entry;
use owndir_view::trash::{self, TrashRecord, item_name, record_name, trash_dir};
use std::cell::RefCell;
use std::collections::BTreeSet;
use wasm_bindgen::JsValue;

/// One entry moved into the trash.
#[derive(Clone, Debug)]
pub struct Trashed {
    /// Its name in `.trash/`.
    pub item: String,
    /// Its record.
    pub record: TrashRecord,
}

/// One entry of the trash, for the Trash view.
#[derive(Clone, Debug)]
pub struct InTrash {
    /// Its name in `.trash/`.
    pub item: String,
    /// Its record.
    pub record: TrashRecord,
    /// Its size and time in the trash.
    pub entry: Entry,
}

thread_local! {
    /// What the last Delete moved, for Undo.
    static LAST: RefCell<Vec<Trashed>> = const { RefCell::new(Vec::new()) };
}

fn in_trash(name: &str) -> ApiResult<SafePath> {
    trash_dir().join(name).map_err(|error| ApiFailure { status: 400, message: error.to_string() })
}

/// The entries of `directory`, none when it is not there.
async fn children_or_none(directory: &SafePath) -> ApiResult<Vec<Entry>> {
    match api::children(directory).await {
        Err(failure) if failure.status == 404 => Ok(Vec::new()),
        other => other,
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Moves each `(path, is_directory)` into the trash, one after another; stops at the first
/// failure. What was moved is kept for [`undo`], and returned with the failure, if any.
pub async fn put(paths: &[(SafePath, bool)]) -> (Vec<Trashed>, Option<(String, ApiFailure)>) {
    let mut moved = Vec::new();
    let mut taken: BTreeSet<String> = match children_or_none(&trash_dir()).await {
        Ok(entries) => owndir_core::sort::set(entries.into_iter().map(|entry| entry.name)),
        Err(failure) => return (moved, Some((String::new(), failure))),
    };
    let deleted = now_ms();
    let mut failed = None;
    for (path, is_directory) in paths {
        let name = path.name().unwrap_or_default().to_owned();
        let item = item_name(&name, deleted, &taken);
        taken.insert(item.clone());
        taken.insert(record_name(&item));
        let record = TrashRecord { original: path.to_string(), deleted, is_directory: *is_directory };
        match put_one(path, &item, &record).await {
            Ok(()) => moved.push(Trashed { item, record }),
            Err(failure) => {
                failed = Some((name, failure));
                break;
            }
        }
    }
    LAST.with(|last| last.replace(moved.clone()));
    (moved, failed)
}

async fn put_one(path: &SafePath, item: &str, record: &TrashRecord) -> ApiResult<()> {
    // The record first: an entry in the trash without one would be lost to the Trash view.
    let record_path = in_trash(&record_name(item))?;
    api::write(&record_path, &record_json(record)?, None).await?;
    if let Err(failure) = api::move_to(path, &in_trash(item)?).await {
        let _ = api::delete(&record_path).await;
        return Err(failure);
    }
    Ok(())
}

/// A record as stored: JSON made by the browser (serde_json would add ~20 KB of wasm).
fn record_json(record: &TrashRecord) -> ApiResult<JsValue> {
    let value = serde_wasm_bindgen::to_value(record)
        .map_err(|error| ApiFailure { status: 0, message: format!("the trash record: {error}") })?;
    Ok(js_sys::JSON::stringify(&value)?.into())
}

/// A stored record, when it is one and names a safe place.
fn read_record(text: &str) -> Option<TrashRecord> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value::<TrashRecord>(value).ok()?.checked()
}

/// Puts back what the last Delete moved; the paths they went to.
pub async fn undo() -> ApiResult<Vec<SafePath>> {
    let last = LAST.with(|last| last.take());
    let mut restored = Vec::new();
    for trashed in last {
        restored.push(restore_record(&trashed.item, &trashed.record).await?);
    }
    Ok(restored)
}

/// Moves the trash entry `item` back where it was, or beside it under a new name when
/// that place is taken; the path it went to.
pub async fn restore(item: &str) -> ApiResult<SafePath> {
    let (text, _) = api::read_text(&in_trash(&record_name(item))?).await?;
    let record = read_record(&text)
        .ok_or_else(|| ApiFailure { status: 0, message: "its record in the trash cannot be read".to_owned() })?;
    restore_record(item, &record).await
}

async fn restore_record(item: &str, record: &TrashRecord) -> ApiResult<SafePath> {
    let original = record
        .original_path()
        .ok_or_else(|| ApiFailure { status: 0, message: "its record names no place".to_owned() })?;
    let parent = original.parent().unwrap_or_default();
    let names = owndir_core::sort::set(children_or_none(&parent).await?.into_iter().map(|entry| entry.name));
    let target = trash::restore_target(&original, |name| names.contains(name));
    // `move` makes missing parents: a folder deleted since comes back around it.
    api::move_to(&in_trash(item)?, &target).await?;
    let _ = api::delete(&in_trash(&record_name(item))?).await;
    Ok(target)
}

/// What is in the trash, newest first.
pub async fn list() -> ApiResult<Vec<InTrash>> {
    let entries = children_or_none(&trash_dir()).await?;
    let names: Vec<String> = entries.iter().map(|entry| entry.name.clone()).collect();
    let mut found = Vec::new();
    for item in trash::items(&names) {
        let Ok((text, _)) = api::read_text(&in_trash(&record_name(&item))?).await else { continue };
        let Some(record) = read_record(&text) else { continue };
        let Some(entry) = entries.iter().find(|entry| entry.name == item).cloned() else { continue };
        found.push(InTrash { item, record, entry });
    }
    owndir_core::sort::sort_by(&mut found, |a, b| {
        b.record.deleted.cmp(&a.record.deleted).then_with(|| a.item.cmp(&b.item))
    });
    Ok(found)
}

/// Removes everything in the trash, for good.
pub async fn empty() -> ApiResult<()> {
    api::delete(&trash_dir()).await
}

/// Removes what has been in the trash over [`trash::KEEP_DAYS`] days; how many entries.
pub async fn expire() -> ApiResult<usize> {
    let names: Vec<String> = children_or_none(&trash_dir()).await?.into_iter().map(|entry| entry.name).collect();
    let expired = trash::expired(&names, now_ms());
    for name in &expired {
        api::delete(&in_trash(name)?).await?;
    }
    Ok(expired.iter().filter(|name| !name.ends_with(trash::RECORD_SUFFIX)).count())
}
