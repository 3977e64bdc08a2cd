//! [`Folder`] over a `FileSystemDirectoryHandle` (a picked folder or the OPFS root).

use crate::folder_writes;
use crate::promise::{children, settle, settle_as};
use owndir_browser::folder_store::PendingMove;
use owndir_browser::{DomError, folder_store};
use owndir_core::folder::{DirEntry, Entry, EntryKind, FileMeta, Folder, Metadata};
use owndir_core::listing::is_hidden_artifact;
use owndir_core::{FolderError, SafePath};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemHandleKind};

/// The connected folder. File bodies are `File` blobs: the browser streams them from
/// disk when they become a `Response` body, without copying through wasm memory.
///
/// One is made per request, and it remembers the directories it walked (found or not):
/// resolving a path tries a static mount under every ancestor, and those walks share
/// their prefixes. Nothing outlives the request, so nothing goes stale.
#[derive(Debug)]
pub struct HandleFolder {
    root: FileSystemDirectoryHandle,
    walked: RefCell<HashMap<Vec<String>, Option<FileSystemDirectoryHandle>>>,
}

/// How many files `list` opens at once.
const OPEN_AT_ONCE: usize = 256;

/// Where a listing under way leaves its result for those waiting on it.
type SharedResult = Rc<RefCell<Option<Result<Vec<DirEntry>, FolderError>>>>;

/// A listing under way: a second ask for the same directory meanwhile (the `sub` poller's
/// look and the page's listing of a big folder, say) waits for it rather than opening
/// every file again.
#[derive(Clone)]
struct Listing {
    root: FileSystemDirectoryHandle,
    path: SafePath,
    /// [`CHANGES`] when it began.
    changes: u64,
    /// Resolves when it is over.
    done: js_sys::Promise,
    result: SharedResult,
}

thread_local! {
    static LISTINGS: RefCell<Vec<Listing>> = const { RefCell::new(Vec::new()) };
    /// Changes through this worker that are over: a listing begun before one is not shared
    /// after it, so a page reading back what it just did sees it.
    static CHANGES: Cell<u64> = const { Cell::new(0) };
}

/// Counts a change as over when dropped (see [`HandleFolder::changing`]).
struct Changing;

impl Drop for Changing {
    fn drop(&mut self) {
        CHANGES.with(|changes| changes.set(changes.get() + 1));
    }
}

/// Takes a listing out of [`LISTINGS`] and wakes its waiters when dropped.
struct Announced {
    result: SharedResult,
    resolve: Option<js_sys::Function>,
}

impl Drop for Announced {
    fn drop(&mut self) {
        LISTINGS.with(|listings| listings.borrow_mut().retain(|listing| !Rc::ptr_eq(&listing.result, &self.result)));
        if let Some(resolve) = self.resolve.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// How a step of a lookup ended.
enum Step<T> {
    Found(T),
    /// Nothing there, or a file where a directory was expected.
    Missing,
}

fn step<T>(result: Result<T, DomError>) -> Result<Step<T>, FolderError> {
    match result {
        Ok(value) => Ok(Step::Found(value)),
        Err(error) if is_nothing_to_see(&error) => Ok(Step::Missing),
        Err(error) => Err(error.to_folder_error()),
    }
}

/// Failures of a lookup that mean "nothing the folder shows is there": nothing at all, a
/// file where a directory was asked for (or the other way), a symlink out of the folder
/// (`SecurityError`), a name the browser will not open on disk (`TypeError`). Chrome lists
/// none of these, so they are `404` like any missing name: never a word about permission.
fn is_nothing_to_see(error: &DomError) -> bool {
    matches!(error.name.as_str(), "NotFoundError" | "TypeMismatchError" | "SecurityError" | "TypeError")
}

fn file_meta(file: &File) -> FileMeta {
    FileMeta { size: file.size() as u64, modified_ms: file.last_modified() as u64 }
}

impl HandleFolder {
    /// The folder behind `root`.
    pub fn new(root: FileSystemDirectoryHandle) -> HandleFolder {
        HandleFolder { root, walked: RefCell::default() }
    }

    /// Finishes or undoes a directory move that a stopped worker left half done: once
    /// the copy was whole the source goes, otherwise the partial copy does.
    pub async fn mend_interrupted_move(&self) -> Result<(), FolderError> {
        let Some(pending) = folder_store::pending_move().await? else { return Ok(()) };
        let (undone, kept) = if pending.copied { (&pending.from, &pending.to) } else { (&pending.to, &pending.from) };
        web_sys::console::warn_1(&format!("owndir: a move was cut off; keeping /{kept}, removing /{undone}").into());
        if let Ok(path) = SafePath::parse(undone)
            && !path.is_root()
        {
            self.remove(&path).await?;
        }
        Ok(folder_store::set_pending_move(None).await?)
    }

    /// The handles in the directory at `path`: [`FolderError::NotFound`] when nothing is
    /// there, [`FolderError::NotADirectory`] for a file, as `list` promises.
    async fn children_of(&self, path: &SafePath) -> Result<Vec<web_sys::FileSystemHandle>, FolderError> {
        match self.directory(path.segments()).await? {
            Step::Found(directory) => Ok(children(&directory).await?),
            Step::Missing => Err(match self.lookup(path).await? {
                Some(Entry::File { .. }) => FolderError::NotADirectory,
                _ => FolderError::NotFound,
            }),
        }
    }

    /// Starts a change: forgets the walked directories (the change may make or remove
    /// some), and once the guard is dropped, when the change is over, no listing begun
    /// before it is shared again.
    fn changing(&self) -> Changing {
        self.walked.borrow_mut().clear();
        Changing
    }

    /// Lists `path` now: every file opened for its size and time.
    async fn list_now(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        let mut directories = Vec::new();
        let mut files = Vec::new();
        for handle in self.children_of(path).await? {
            match handle.kind() {
                FileSystemHandleKind::Directory => directories.push(handle.name()),
                _ => files.push(handle.unchecked_into::<FileSystemFileHandle>()),
            }
        }
        let mut entries: Vec<DirEntry> = directories
            .into_iter()
            .map(|name| DirEntry { name, meta: Metadata { kind: EntryKind::Directory, file: None } })
            .collect();
        // Sizes and times need every file opened. Ask in batches: all at once is no faster,
        // and it queues every other request's file access behind the whole folder.
        for batch in files.chunks(OPEN_AT_ONCE) {
            let pending: js_sys::Array = batch.iter().map(|handle| JsValue::from(handle.get_file())).collect();
            let opened: js_sys::Array = settle_as(js_sys::Promise::all(&pending)).await?;
            for file in opened.iter() {
                let file: File = file.unchecked_into();
                let meta = Metadata { kind: EntryKind::File, file: Some(file_meta(&file)) };
                entries.push(DirEntry { name: file.name(), meta });
            }
        }
        Ok(entries)
    }

    /// A listing of `path` under way in this worker that `self` may share: the same
    /// folder, and nothing changed through the worker since it began.
    async fn listing_under_way(&self, path: &SafePath) -> Result<Option<Listing>, FolderError> {
        let changes = CHANGES.with(Cell::get);
        let candidates: Vec<Listing> = LISTINGS.with(|listings| {
            listings
                .borrow()
                .iter()
                .filter(|listing| listing.path == *path && listing.changes == changes)
                .cloned()
                .collect()
        });
        for listing in candidates {
            if settle(self.root.is_same_entry(&listing.root)).await?.as_bool() == Some(true) {
                return Ok(Some(listing));
            }
        }
        Ok(None)
    }

    /// Walks down to the directory at `segments`, one handle per segment not yet walked.
    async fn directory(&self, segments: &[String]) -> Result<Step<FileSystemDirectoryHandle>, FolderError> {
        let mut directory = self.root.clone();
        for depth in 1..=segments.len() {
            let prefix = &segments[..depth];
            let known = self.walked.borrow().get(prefix).cloned();
            let child = match known {
                Some(child) => child,
                None => {
                    let found = match step(settle_as(directory.get_directory_handle(&segments[depth - 1])).await)? {
                        Step::Found(child) => Some(child),
                        Step::Missing => None,
                    };
                    self.walked.borrow_mut().insert(prefix.to_vec(), found.clone());
                    found
                }
            };
            match child {
                Some(child) => directory = child,
                None => return Ok(Step::Missing),
            }
        }
        Ok(Step::Found(directory))
    }
}

impl Folder for HandleFolder {
    type Body = File;
    type Upload = Option<Blob>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<File>>, FolderError> {
        let Some((name, parents)) = path.segments().split_last() else { return Ok(Some(Entry::Directory)) };
        // A swap file Chrome left behind is nothing anyone wrote: never shown.
        if is_hidden_artifact(name) {
            return Ok(None);
        }
        let Step::Found(parent) = self.directory(parents).await? else { return Ok(None) };
        match settle_as::<FileSystemFileHandle>(parent.get_file_handle(name)).await {
            Ok(handle) => {
                let file: File = settle_as(handle.get_file()).await?;
                Ok(Some(Entry::File { meta: file_meta(&file), body: file }))
            }
            // A directory of that name is there.
            Err(error) if error.name == "TypeMismatchError" => Ok(Some(Entry::Directory)),
            Err(error) if is_nothing_to_see(&error) => Ok(None),
            Err(error) => Err(error.to_folder_error()),
        }
    }

    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        if let Some(listing) = self.listing_under_way(path).await? {
            let _ = JsFuture::from(listing.done.clone()).await;
            if let Some(result) = listing.result.borrow().clone() {
                return result;
            }
        }
        let mut resolve = None;
        let done = js_sys::Promise::new(&mut |given, _| resolve = Some(given));
        let listing = Listing {
            root: self.root.clone(),
            path: path.clone(),
            changes: CHANGES.with(Cell::get),
            done,
            result: Rc::default(),
        };
        LISTINGS.with(|listings| listings.borrow_mut().push(listing.clone()));
        // Whatever happens to this future, the listing leaves the table and its waiters wake.
        let _announced = Announced { result: listing.result.clone(), resolve };
        let result = self.list_now(path).await;
        listing.result.borrow_mut().replace(result.clone());
        result
    }

    async fn list_names(&self, path: &SafePath) -> Result<Vec<(String, EntryKind)>, FolderError> {
        Ok(self
            .children_of(path)
            .await?
            .into_iter()
            .map(|handle| {
                let kind = match handle.kind() {
                    FileSystemHandleKind::Directory => EntryKind::Directory,
                    _ => EntryKind::File,
                };
                (handle.name(), kind)
            })
            .collect())
    }

    async fn write(&self, path: &SafePath, data: Option<Blob>, append: bool, _now: u64) -> Result<(), FolderError> {
        let _changing = self.changing();
        let Some((name, parents)) = path.segments().split_last() else { return Err(FolderError::NotADirectory) };
        let directory = folder_writes::ensure_directory(&self.root, parents).await?;
        folder_writes::write_file(&directory, name, data, append).await
    }

    async fn make_dir(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        let _changing = self.changing();
        let existed = matches!(self.lookup(path).await?, Some(Entry::Directory));
        folder_writes::ensure_directory(&self.root, path.segments()).await?;
        if !existed {
            folder_store::set_directory_time(&path.to_string(), now_ms).await?;
        }
        Ok(())
    }

    async fn touch(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        let _changing = self.changing();
        match self.lookup(path).await? {
            None => self.write(path, None, false, now_ms).await,
            Some(Entry::Directory) => Ok(folder_store::set_directory_time(&path.to_string(), now_ms).await?),
            Some(Entry::File { .. }) => {
                let Some((name, parents)) = path.segments().split_last() else { return Ok(()) };
                let Step::Found(directory) = self.directory(parents).await? else { return Err(FolderError::NotFound) };
                let handle: FileSystemFileHandle = settle_as(directory.get_file_handle(name)).await?;
                folder_writes::touch_file(&handle).await
            }
        }
    }

    async fn remove(&self, path: &SafePath) -> Result<(), FolderError> {
        let _changing = self.changing();
        let Some((name, parents)) = path.segments().split_last() else { return Err(FolderError::PermissionDenied) };
        match self.directory(parents).await? {
            Step::Found(directory) => folder_writes::remove_entry(&directory, name).await,
            Step::Missing => Ok(()),
        }
    }

    async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
        let _changing = self.changing();
        let (Some((from_name, from_parents)), Some((to_name, to_parents))) =
            (from.segments().split_last(), to.segments().split_last())
        else {
            return Err(FolderError::PermissionDenied);
        };
        let Step::Found(source_parent) = self.directory(from_parents).await? else { return Err(FolderError::NotFound) };
        let Step::Found(target_parent) = self.directory(to_parents).await? else { return Err(FolderError::NotFound) };
        match self.lookup(from).await? {
            None => Err(FolderError::NotFound),
            Some(Entry::File { .. }) => {
                let handle: FileSystemFileHandle = settle_as(source_parent.get_file_handle(from_name)).await?;
                folder_writes::move_file(&handle, &target_parent, to_name).await
            }
            Some(Entry::Directory) => {
                let source: FileSystemDirectoryHandle =
                    settle_as(source_parent.get_directory_handle(from_name)).await?;
                // Journaled, so a worker stopped half way is mended by the next one.
                let mut pending = PendingMove { from: from.to_string(), to: to.to_string(), copied: false };
                folder_store::set_pending_move(Some(&pending)).await?;
                if let Err(error) = folder_writes::copy_directory(&source, &target_parent, to_name).await {
                    // Half a copy helps nobody; the source is still whole.
                    let _ = folder_writes::remove_entry(&target_parent, to_name).await;
                    folder_store::set_pending_move(None).await?;
                    return Err(error);
                }
                pending.copied = true;
                folder_store::set_pending_move(Some(&pending)).await?;
                folder_writes::remove_entry(&source_parent, from_name).await?;
                folder_store::move_directory_times(&pending.from, &pending.to).await?;
                Ok(folder_store::set_pending_move(None).await?)
            }
        }
    }

    async fn directory_time(&self, path: &SafePath) -> Result<Option<u64>, FolderError> {
        Ok(folder_store::directory_time(&path.to_string()).await?)
    }

    async fn keep_directory_time(&self, path: &SafePath, time_ms: u64) -> Result<(), FolderError> {
        Ok(folder_store::set_directory_time(&path.to_string(), time_ms).await?)
    }
}
