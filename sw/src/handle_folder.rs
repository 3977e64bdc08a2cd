//! [`Folder`] over a `FileSystemDirectoryHandle` (a picked folder or the OPFS root).

use crate::folder_gone::RootCheck;
use crate::folder_writes;
use crate::promise::{children_array, settle_as};
use crate::reads_first;
use crate::shared_calls::{self, Call};
use crate::shared_listings;
use gloo_timers::future::TimeoutFuture;
use litemap::LiteMap;
use owndir_browser::folder_store::{MoveStage, PendingMove};
use owndir_browser::{DomError, folder_store};
use owndir_core::content::OWNDIR;
use owndir_core::folder::{DirEntry, Entry, EntryKind, FileMeta, Folder, Metadata};
use owndir_core::listing::is_hidden_artifact;
use owndir_core::{FolderError, SafePath};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{Blob, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemHandleKind};

/// The pauses between tries to remove what a stopped worker held open: about 5 s in all,
/// short at first, as the lock usually goes within milliseconds.
const RELEASE_WAITS_MS: [u32; 8] = [10, 20, 40, 80, 160, 320, 1280, 3000];

/// The name of what `path` names, and the directories above it. The folder itself has
/// none, and is never removed or moved.
fn name_and_parents(path: &SafePath) -> Result<(&String, &[String]), FolderError> {
    path.segments().split_last().ok_or(FolderError::PermissionDenied)
}

/// The connected folder. File bodies are `File` blobs: the browser streams them from
/// disk when they become a `Response` body, without copying through wasm memory.
///
/// One is made per request, and it remembers the directories it walked (found or not):
/// resolving a path tries a static mount and the modules under every ancestor, and those
/// walks share their prefixes. Each walk step is a promise begun once and shared by all
/// who need it, so [`HandleFolder::prefetch`] can begin every step of a request at once
/// (the file, and `.owndir` at each level) and the core's lookups, made one after another
/// in OwnDir's order, find them done or under way. Nothing outlives the request, so
/// nothing goes stale; a walk still under way is shared with the requests arriving
/// meanwhile too ([`shared_calls`]), so reads at once in one directory walk it once.
#[derive(Debug)]
pub struct HandleFolder {
    root: FileSystemDirectoryHandle,
    /// The folder's name as the person connected it, for [`FolderError::FolderGone`].
    name: String,
    /// Whether the folder itself is gone, asked at most once.
    root_check: RootCheck,
    /// Directory walks by path: promises of a handle, `null` or `[error]` (see
    /// [`A_DIRECTORY`]).
    walked: RefCell<LiteMap<Vec<String>, js_sys::Promise>>,
    /// File lookups begun by [`HandleFolder::prefetch`], each taken by its first lookup.
    prefetched: RefCell<LiteMap<Vec<String>, js_sys::Promise>>,
    /// Whether [`Folder::list`] may wait for a listing of the same directory begun
    /// earlier. Only for the `sub` poller, which looks again a second later: a request
    /// must see what was there when it arrived, and a listing begun before it may have
    /// passed files made since (a 10,000-file folder listed 5,704 files once).
    joins_earlier_listings: bool,
}

// What the promises of a walk or lookup resolve to. They never reject, so a step begun
// ahead that nobody waits for reports no unhandled rejection:
// - the `FileSystemDirectoryHandle` (a walk) or the `File` (a lookup);
// - `null`: nothing the folder shows is there ([`is_nothing_to_see`]);
// - the string [`A_DIRECTORY`]: a lookup met a directory;
// - the string [`GONE`]: the folder itself is gone ([`RootCheck`]);
// - `[error]`: any other failure, as thrown.
const A_DIRECTORY: &str = "directory";
const GONE: &str = "gone";

/// What a walk or lookup at the folder's top level resolves to after `NotFoundError` for
/// `name`: [`GONE`] or `null`. A missing `.owndir` is the common case (most folders have
/// none) and says nothing an answer needs, so it never asks.
async fn not_found_at_top(check: &RootCheck, name: &str) -> JsValue {
    if name != OWNDIR && check.is_gone().await { JsValue::from_str(GONE) } else { JsValue::NULL }
}

/// What a walk or lookup resolves to when `name` could not be had: [`GONE`] when the
/// folder itself went (asked only at the top level), nothing, or the failure.
async fn missing_child(error: JsValue, name: &str, top_level: Option<&RootCheck>) -> JsValue {
    match (DomError::from(error.clone()), top_level) {
        (dom, Some(check)) if dom.name == "NotFoundError" => not_found_at_top(check, name).await,
        (dom, _) if is_nothing_to_see(&dom) => JsValue::NULL,
        _ => failure(&error),
    }
}

/// Whether a walk or lookup resolved to [`GONE`].
fn is_gone(value: &JsValue) -> bool {
    value.as_string().as_deref() == Some(GONE)
}

fn failure(error: &JsValue) -> JsValue {
    js_sys::Array::of1(error).into()
}

/// The failure a walk or lookup resolved to, if it did.
fn failed(value: &JsValue) -> Option<FolderError> {
    js_sys::Array::is_array(value).then(|| DomError::from(js_sys::Array::from(value).get(0)).to_folder_error())
}

/// How many files `list` opens at once. Every browser call another request makes waits
/// behind the batch under way, and a read makes several in a row: with 256, a small GET
/// during a 10,000-file listing on disk took 40–130 ms (idle: 4–10 ms); with 32,
/// 12–35 ms, the listing no slower within the noise (BENCHMARKS.md, "Names first").
const OPEN_AT_ONCE: usize = 32;

/// Counts a change as over when dropped (see [`HandleFolder::changing`]), and forgets
/// what was walked during it.
struct Changing<'a>(&'a HandleFolder);

impl Drop for Changing<'_> {
    fn drop(&mut self) {
        self.0.forget_walks();
        shared_listings::change_over();
    }
}

/// How a step of a lookup ended.
enum Step<T> {
    Found(T),
    /// Nothing there, or a file where a directory was expected.
    Missing,
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
    /// The folder behind `root`, connected as `name`.
    pub fn new(root: FileSystemDirectoryHandle, name: String) -> HandleFolder {
        HandleFolder {
            root_check: RootCheck::new(root.clone()),
            root,
            name,
            walked: RefCell::default(),
            prefetched: RefCell::default(),
            joins_earlier_listings: false,
        }
    }

    fn gone(&self) -> FolderError {
        FolderError::FolderGone { name: self.name.clone() }
    }

    /// `result`, but a `NotFound` that comes from the folder itself being gone is
    /// [`FolderError::FolderGone`].
    async fn unless_gone<T>(&self, result: Result<T, FolderError>) -> Result<T, FolderError> {
        match result {
            Err(FolderError::NotFound) if self.root_check.is_gone().await => Err(self.gone()),
            other => other,
        }
    }

    /// The same folder for the `sub` poller: its listings may join one under way.
    pub fn joining_earlier_listings(self) -> HandleFolder {
        HandleFolder { joins_earlier_listings: true, ..self }
    }

    /// Ends a directory move that a stopped worker left half done: finishes one made file
    /// by file; of a copy (an earlier worker's way), removes the source once the copy was
    /// whole, otherwise the partial copy.
    pub async fn mend_interrupted_move(&self) -> Result<(), FolderError> {
        let Some(pending) = folder_store::pending_move().await? else { return Ok(()) };
        let (Ok(from), Ok(to)) = (SafePath::parse(&pending.from), SafePath::parse(&pending.to)) else {
            return Ok(folder_store::set_pending_move(None).await?);
        };
        let (undone, kept) = match pending.stage {
            MoveStage::MovingFiles => {
                web_sys::console::warn_1(&format!("owndir: a move was cut off; finishing it into /{to}").into());
                if let Err(error) = self.move_directory(&from, &to).await {
                    // The folder changed meanwhile (another program, another device): the
                    // files stay where they are, nothing is lost, and no request waits on it.
                    let said = format!("owndir: could not finish moving /{from} to /{to} ({error}); left as it is");
                    web_sys::console::warn_1(&said.into());
                    folder_store::set_pending_move(None).await?;
                }
                return Ok(());
            }
            MoveStage::Copied => (from, to),
            MoveStage::Copying => (to, from),
        };
        web_sys::console::warn_1(&format!("owndir: a move was cut off; keeping /{kept}, removing /{undone}").into());
        if !undone.is_root() {
            self.remove_once_released(&undone).await?;
        }
        Ok(folder_store::set_pending_move(None).await?)
    }

    /// Moves the directory `from` to `to` (whose parent is there) file by file, under a
    /// record the next worker finishes the move from if this one is stopped half way. Run
    /// again, it moves what is left; with `from` gone, it only clears the record.
    async fn move_directory(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
        let _changing = self.changing();
        let ((from_name, from_parents), (to_name, to_parents)) = (name_and_parents(from)?, name_and_parents(to)?);
        let pending = PendingMove { from: from.to_string(), to: to.to_string(), stage: MoveStage::MovingFiles };
        folder_store::set_pending_move(Some(&pending)).await?;
        let Step::Found(target_parent) = self.directory(to_parents).await? else { return Err(FolderError::NotFound) };
        if let (Step::Found(source_parent), Step::Found(source)) =
            (self.directory(from_parents).await?, self.directory(from.segments()).await?)
        {
            folder_writes::move_files(&source, &target_parent, to_name).await?;
            folder_writes::remove_entry(&source_parent, from_name).await?;
        }
        folder_store::move_directory_times(&pending.from, &pending.to).await?;
        Ok(folder_store::set_pending_move(None).await?)
    }

    /// Removes `path`, waiting for the locks of a stopped worker to go: the copy it cut
    /// off held a file open for writing, and the browser drops that lock only some time
    /// after the worker is gone (on a folder on disk, 0.6–5 s: Chrome first ends that
    /// file's Safe Browsing check).
    async fn remove_once_released(&self, path: &SafePath) -> Result<(), FolderError> {
        for wait_ms in RELEASE_WAITS_MS {
            match self.remove(path).await {
                Err(error) if error.is_held_by_a_write() => TimeoutFuture::new(wait_ms).await,
                done => return done,
            }
        }
        self.remove(path).await
    }

    /// The handles in the directory at `path`: [`FolderError::NotFound`] when nothing is
    /// there, [`FolderError::NotADirectory`] for a file, as `list` promises. An iteration
    /// of it under way is joined.
    async fn children_of(&self, path: &SafePath) -> Result<Vec<web_sys::FileSystemHandle>, FolderError> {
        match self.directory(path.segments()).await? {
            Step::Found(directory) => {
                let iteration = shared_calls::joined_or_begun(&self.root, Call::Children, path.segments(), |settled| {
                    future_to_promise(async move {
                        let _settled = settled;
                        Ok(children_array(&directory).await.map_err(|error| error.to_js())?.into())
                    })
                });
                let handles = settle_as::<js_sys::Array>(iteration).await;
                let handles = handles.map(|handles| handles.iter().map(JsCast::unchecked_into).collect());
                self.unless_gone(handles.map_err(FolderError::from)).await
            }
            Step::Missing => Err(match self.lookup(path).await? {
                Some(Entry::File { .. }) => FolderError::NotADirectory,
                _ => FolderError::NotFound,
            }),
        }
    }

    /// Starts a change: forgets the walked directories (the change may make or remove
    /// some), and once the guard is dropped, when the change is over, no walk or listing
    /// begun before it is shared again.
    fn changing(&self) -> Changing<'_> {
        self.forget_walks();
        Changing(self)
    }

    fn forget_walks(&self) {
        shared_calls::forget();
        self.walked.borrow_mut().clear();
        self.prefetched.borrow_mut().clear();
    }

    /// Begins, all at once, the browser calls a read of `path` will make: the lookup of
    /// the file, and `.owndir` at every level from the root to `path` (the static mounts
    /// and the modules start there). The core then asks in its order and decides from the
    /// answers; where `.owndir` is missing (most folders), its probes cost no more calls.
    pub fn prefetch(&self, path: &SafePath) {
        let segments = path.segments();
        let mut owndir = Vec::with_capacity(segments.len() + 1);
        for depth in 0..=segments.len() {
            owndir.clear();
            owndir.extend_from_slice(&segments[..depth]);
            owndir.push(OWNDIR.to_owned());
            let _begun = self.walk(&owndir);
        }
        let lookup = self.look_up(segments);
        self.prefetched.borrow_mut().insert(segments.to_vec(), lookup);
    }

    /// The walk to the directory at `segments`, begun if it was not.
    fn walk(&self, segments: &[String]) -> js_sys::Promise {
        let Some((name, parents)) = segments.split_last() else {
            return js_sys::Promise::resolve(&JsValue::from(self.root.clone()));
        };
        if let Some(known) = self.walked.borrow().get(segments) {
            return known.clone();
        }
        let walk = shared_calls::joined_or_begun(&self.root, Call::Walk, segments, |settled| {
            let parent = self.walk(parents);
            let name = name.clone();
            let top_level = parents.is_empty().then(|| self.root_check.clone());
            future_to_promise(async move {
                let _settled = settled;
                Self::walk_step(parent, &name, top_level.as_ref()).await
            })
        });
        self.walked.borrow_mut().insert(segments.to_vec(), walk.clone());
        walk
    }

    /// A step of a walk: `name` in the directory `parent` resolves to.
    async fn walk_step(parent: js_sys::Promise, name: &str, top_level: Option<&RootCheck>) -> Result<JsValue, JsValue> {
        let parent = JsFuture::from(parent).await?;
        let parent = match parent.dyn_into::<FileSystemDirectoryHandle>() {
            Ok(parent) => parent,
            // Nothing there, or a failure: the same for what is below.
            Err(missing) => return Ok(missing),
        };
        Ok(match JsFuture::from(parent.get_directory_handle(name)).await {
            Ok(child) => {
                if let Some(check) = top_level {
                    check.saw(name, true);
                }
                child
            }
            Err(error) => missing_child(error, name, top_level).await,
        })
    }

    /// The lookup of the file at `segments`, begun now (see [`A_DIRECTORY`]).
    fn look_up(&self, segments: &[String]) -> js_sys::Promise {
        let Some((name, parents)) = segments.split_last() else {
            return js_sys::Promise::resolve(&JsValue::from_str(A_DIRECTORY));
        };
        // A swap file Chrome left behind is nothing anyone wrote: never shown.
        if is_hidden_artifact(name) {
            return js_sys::Promise::resolve(&JsValue::NULL);
        }
        let parent = self.walk(parents);
        let name = name.clone();
        let top_level = parents.is_empty().then(|| self.root_check.clone());
        let reading = reads_first::reading();
        future_to_promise(async move {
            let _reading = reading;
            let parent = JsFuture::from(parent).await?;
            let parent = match parent.dyn_into::<FileSystemDirectoryHandle>() {
                Ok(parent) => parent,
                // Nothing there, or a failure: the same for what is below.
                Err(missing) => return Ok(missing),
            };
            Ok(match JsFuture::from(parent.get_file_handle(&name)).await {
                Ok(handle) => {
                    if let Some(check) = &top_level {
                        check.saw(&name, false);
                    }
                    let handle: FileSystemFileHandle = handle.unchecked_into();
                    JsFuture::from(handle.get_file()).await.unwrap_or_else(|error| failure(&error))
                }
                // A directory of that name is there.
                Err(error) if DomError::from(error.clone()).name == "TypeMismatchError" => A_DIRECTORY.into(),
                Err(error) => missing_child(error, &name, top_level.as_ref()).await,
            })
        })
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
            reads_first::after_reads().await;
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

    /// The directory at `segments`, walked down one handle per segment not yet walked.
    async fn directory(&self, segments: &[String]) -> Result<Step<FileSystemDirectoryHandle>, FolderError> {
        let walked = JsFuture::from(self.walk(segments)).await.map_err(DomError::from)?;
        if let Some(error) = failed(&walked) {
            return Err(error);
        }
        if is_gone(&walked) {
            return Err(self.gone());
        }
        Ok(match walked.dyn_into::<FileSystemDirectoryHandle>() {
            Ok(directory) => Step::Found(directory),
            Err(_) => Step::Missing,
        })
    }
}

impl Folder for HandleFolder {
    type Body = File;
    type Upload = Option<Blob>;

    async fn lookup(&self, path: &SafePath) -> Result<Option<Entry<File>>, FolderError> {
        let begun = self.prefetched.borrow_mut().remove(path.segments());
        let lookup = begun.unwrap_or_else(|| self.look_up(path.segments()));
        let found = JsFuture::from(lookup).await.map_err(DomError::from)?;
        if let Some(error) = failed(&found) {
            return Err(error);
        }
        if is_gone(&found) {
            return Err(self.gone());
        }
        if found.is_null() {
            return Ok(None);
        }
        if found.is_string() {
            return Ok(Some(Entry::Directory));
        }
        let file: File = found.unchecked_into();
        Ok(Some(Entry::File { meta: file_meta(&file), body: file }))
    }

    async fn list(&self, path: &SafePath) -> Result<Vec<DirEntry>, FolderError> {
        if self.joins_earlier_listings
            && let Some(listed) = shared_listings::join(&self.root, path).await?
        {
            return listed;
        }
        shared_listings::announced(&self.root, path, self.list_now(path)).await
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
        let written = async {
            let directory = folder_writes::ensure_directory(&self.root, parents).await?;
            folder_writes::write_file(&directory, name, data, append).await
        };
        self.unless_gone(written.await).await
    }

    async fn make_dir(&self, path: &SafePath, now_ms: u64) -> Result<(), FolderError> {
        let _changing = self.changing();
        let existed = matches!(self.lookup(path).await?, Some(Entry::Directory));
        self.unless_gone(folder_writes::ensure_directory(&self.root, path.segments()).await).await?;
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
        let (name, parents) = name_and_parents(path)?;
        match self.directory(parents).await? {
            Step::Found(directory) => folder_writes::remove_entry(&directory, name).await,
            Step::Missing => Ok(()),
        }
    }

    async fn rename(&self, from: &SafePath, to: &SafePath) -> Result<(), FolderError> {
        let _changing = self.changing();
        let ((from_name, from_parents), (to_name, to_parents)) = (name_and_parents(from)?, name_and_parents(to)?);
        let Step::Found(source_parent) = self.directory(from_parents).await? else { return Err(FolderError::NotFound) };
        let Step::Found(target_parent) = self.directory(to_parents).await? else { return Err(FolderError::NotFound) };
        match self.lookup(from).await? {
            None => Err(FolderError::NotFound),
            Some(Entry::File { .. }) => {
                let handle: FileSystemFileHandle = settle_as(source_parent.get_file_handle(from_name)).await?;
                folder_writes::move_file(&handle, &target_parent, to_name).await
            }
            Some(Entry::Directory) => {
                if let Err(error) = self.move_directory(from, to).await {
                    // Put back what went, so `from` is whole again, as `rename` promises.
                    self.move_directory(to, from).await?;
                    return Err(error);
                }
                Ok(())
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
