//! What the page holds between renders. One page, one thread: a `thread_local` cell.

use owndir_browser::FolderRecord;
use owndir_core::SafePath;
use owndir_view::photos::FolderView;
use owndir_view::{Entry, SortKey, SortOrder};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The page's state.
#[derive(Debug, Default)]
pub struct App {
    /// The connected folder, once connected.
    pub record: Option<FolderRecord>,
    /// The browser allows changes to it (a dropped folder may be read-only at first).
    pub writable: bool,
    /// True when directories are shown under `/@/browse/` (the page was opened there).
    pub browse_mode: bool,
    /// The directory whose listing is on screen, with its entries.
    pub directory: Option<SafePath>,
    /// Its entries, as the worker sent them.
    pub entries: Vec<Entry>,
    /// The directory `entries` were read from (a file's viewer reuses its folder's).
    pub entries_of: Option<SafePath>,
    /// True once `entries` hold sizes and times; names and kinds come first, with 0s.
    pub entries_complete: bool,
    /// Counts the listings begun, so an answer to one replaced since is dropped.
    pub listing_load: u32,
    /// List or grid, as chosen for the directory on screen.
    pub view: FolderView,
    /// How the listing is sorted.
    pub sort: SortKey,
    /// Which way.
    pub order: SortOrder,
    /// Only names containing this.
    pub filter: String,
    /// Dotfiles shown.
    pub show_hidden: bool,
    /// How many rows of the arranged listing are drawn: a page at first, more as the
    /// user scrolls down (see `listing_rows::PAGE_ROWS`).
    pub rows_drawn: usize,
    /// The names selected in the listing (multi-select), in the directory on screen.
    pub selected: BTreeSet<String>,
    /// Where a Shift-click range starts: the name last selected alone.
    pub select_anchor: Option<String>,
    /// The file on screen, with the editor's state.
    pub file: Option<OpenFile>,
}

/// The file on screen.
#[derive(Debug, Clone, Default)]
pub struct OpenFile {
    /// Its path.
    pub path: SafePath,
    /// True until it is first drawn: a change reported meanwhile is looked at after.
    pub loading: bool,
    /// The version on screen (`ETag`), for saving with `If-Match`.
    pub etag: Option<String>,
    /// True while the editor is open.
    pub editing: bool,
    /// The text as last loaded or saved.
    pub saved_text: String,
    /// True when the editor holds changes not saved.
    pub dirty: bool,
    /// True while a save is on its way (its own change event is not news).
    pub saving: bool,
    /// Shown as a sync conflict: the file and a conflict copy side by side.
    pub conflict: Option<OpenConflict>,
}

/// A sync conflict on screen: the two files and the versions of them shown, so that
/// keeping one changes nothing that was not seen (`If-Match`).
#[derive(Debug, Clone)]
pub struct OpenConflict {
    /// The directory both are in.
    pub directory: SafePath,
    /// Which is the file and which the copy, and which was opened.
    pub pair: owndir_view::conflict::Pair,
    /// The file's `ETag` as shown.
    pub original_etag: Option<String>,
    /// The copy's `ETag` as shown.
    pub copy_etag: Option<String>,
}

thread_local! {
    static APP: RefCell<App> = RefCell::new(App::default());
}

/// Reads the state.
pub fn with<T>(read: impl FnOnce(&App) -> T) -> T {
    APP.with(|app| read(&app.borrow()))
}

/// Whether the file at `path` is the one on screen still. A view awaits the worker before
/// it draws, and back or a link may have shown another page meanwhile: it then draws
/// nothing more (a late part went into the other page, or over it).
pub fn shows_file(path: &SafePath) -> bool {
    with(|app| app.file.as_ref().is_some_and(|file| &file.path == path))
}

/// Changes the state. Never call back into the page from `change`.
pub fn update<T>(change: impl FnOnce(&mut App) -> T) -> T {
    APP.with(|app| change(&mut app.borrow_mut()))
}

/// True when the editor holds unsaved changes.
pub fn has_unsaved_edits() -> bool {
    with(|app| app.file.as_ref().is_some_and(|file| file.dirty))
}
