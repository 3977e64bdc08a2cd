//! Search under the folder on screen: names anywhere below it, and, when asked, the
//! lines inside text files. The page walks the folder through the FsNode API, a few
//! directories at a time, each its own request, so the worker answers other requests
//! between them; results are drawn as they come. A name search walks names and kinds
//! only (the worker opens no file for them); a result's size and time are asked for when
//! its row comes into view. Stop (or leaving) aborts the requests under way.
//! What matches is `owndir_view::search`'s.

use crate::dom::{action_button, add, document, element, text_element};
use crate::views::log;
use crate::{api, search_rows, state};
use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::Entry;
use owndir_view::format::with_decimals;
use owndir_view::search::{Query, may_show, reads_inside, walks_into};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Element, HtmlInputElement};

/// Requests under way at once: enough to keep the worker busy, few enough that another
/// tab's request never waits behind many.
const AT_ONCE: usize = 4;
/// Results drawn at most; past them the count goes on.
const MAX_SHOWN: usize = 1000;

/// What to do when results cover the listing, and when it shows again.
type AroundResults = (fn(), fn());

enum Task {
    /// List a directory.
    List(SafePath),
    /// Look inside a text file.
    Read(SafePath, Entry),
}

struct Search {
    id: u32,
    base: SafePath,
    query: Query,
    inside: bool,
    show_hidden: bool,
    browse: bool,
    controller: AbortController,
    queue: RefCell<VecDeque<Task>>,
    in_flight: Cell<usize>,
    found: Cell<usize>,
    folders: Cell<usize>,
    failed: Cell<usize>,
    finished: Cell<bool>,
    started: f64,
    results: Element,
    body: Element,
    status: Element,
}

thread_local! {
    /// What the wiring does when results cover the listing, and when it shows again.
    static AROUND_RESULTS: Cell<Option<AroundResults>> = const { Cell::new(None) };
    static CURRENT: RefCell<Option<Rc<Search>>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Sets what happens when results cover the listing (`pause`) and when the listing shows
/// again (`resume`): the page's live stream makes the worker look over the whole tree
/// every second, which a search walking the same tree would wait behind.
pub fn around_results(pause: fn(), resume: fn()) {
    AROUND_RESULTS.with(|around| around.set(Some((pause, resume))));
}

/// The search form above a listing.
pub fn form() -> Result<Element, DomError> {
    let form = element("form", "search")?;
    form.set_attribute("role", "search")?;
    let input: HtmlInputElement = element("input", "search-box")?.unchecked_into();
    input.set_type("search");
    input.set_id("search");
    input.set_placeholder("Search here and below");
    input.set_attribute("aria-label", "Search names in this folder and below")?;
    input.set_attribute("enterkeyhint", "search")?;
    add(&form, &input)?;
    let go = text_element("button", "secondary", "Search")?;
    go.set_attribute("type", "submit")?;
    add(&form, &go)?;
    let inside_label = element("label", "toggle")?;
    let inside: HtmlInputElement = element("input", "")?.unchecked_into();
    inside.set_type("checkbox");
    inside.set_id("search-inside");
    inside_label.append_child(&inside)?;
    inside_label.append_child(&document().create_text_node("Also search inside text files"))?;
    add(&form, &inside_label)?;
    crate::dom::listen_while_shown(&form, "submit", |event: web_sys::Event| {
        event.prevent_default();
        let typed = document()
            .get_element_by_id("search")
            .map(|input| input.unchecked_into::<HtmlInputElement>().value())
            .unwrap_or_default();
        let inside = document()
            .get_element_by_id("search-inside")
            .is_some_and(|input| input.unchecked_into::<HtmlInputElement>().checked());
        match Query::new(&typed, crate::dom::lowercase) {
            Some(query) => log(start(query, inside)),
            None => close(),
        }
    });
    crate::dom::listen_while_shown(&input, "input", |event: web_sys::Event| {
        let cleared = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|input| input.value().is_empty());
        if cleared {
            close();
        }
    });
    Ok(form)
}

/// The place for results, hidden until a search starts.
pub fn results_area() -> Result<Element, DomError> {
    let area = element("section", "search-results")?;
    area.set_id("search-results");
    area.set_attribute("hidden", "")?;
    area.set_attribute("aria-label", "Search results")?;
    Ok(area)
}

/// Stops the search under way, if any: its requests are aborted.
pub fn stop() {
    search_rows::forget_all();
    if let Some(search) = CURRENT.with(|current| current.borrow_mut().take()) {
        search.controller.abort();
        if !search.finished.replace(true) {
            log(search.show_status(true));
        }
    }
}

/// Stops the search and shows the listing again.
pub fn close() {
    stop();
    if let Some(area) = document().get_element_by_id("search-results") {
        area.set_inner_html("");
        let _ = area.set_attribute("hidden", "");
    }
    if let Some(listing) = document().get_element_by_id("listing")
        && listing.has_attribute("hidden")
    {
        let _ = listing.remove_attribute("hidden");
        if let Some((_, resume)) = AROUND_RESULTS.with(Cell::get) {
            resume();
        }
    }
}

/// The search's buttons.
pub fn on_action(action: &str) {
    match action {
        "stop-search" => stop(),
        "close-search" => {
            if let Some(input) = document().get_element_by_id("search") {
                input.unchecked_into::<HtmlInputElement>().set_value("");
            }
            close();
        }
        _ => {}
    }
}

fn start(query: Query, inside: bool) -> Result<(), DomError> {
    stop();
    let Some(area) = document().get_element_by_id("search-results") else { return Ok(()) };
    let Some(base) = state::with(|app| app.directory.clone()) else { return Ok(()) };
    area.set_inner_html("");
    let head = element("div", "search-head")?;
    let status = element("p", "search-status")?;
    status.set_attribute("role", "status")?;
    add(&head, &status)?;
    add(&head, &action_button("Stop", "stop-search", "secondary")?)?;
    add(&head, &action_button("Back to the folder", "close-search", "quiet")?)?;
    add(&area, &head)?;
    let (table, body) = crate::views::table_with_columns(
        "listing search-listing",
        &[("Found", "name"), ("Size", "size"), ("Modified", "modified")],
    )?;
    add(&area, &table)?;
    area.remove_attribute("hidden")?;
    area.remove_attribute("data-first-ms")?;
    area.remove_attribute("data-done-ms")?;
    area.remove_attribute("data-state")?;
    if let Some(listing) = document().get_element_by_id("listing") {
        listing.set_attribute("hidden", "")?;
    }
    if let Some((pause, _)) = AROUND_RESULTS.with(Cell::get) {
        pause();
    }
    let id = NEXT_ID.with(|next| next.replace(next.get() + 1));
    let (show_hidden, browse) = state::with(|app| (app.show_hidden, app.browse_mode));
    let search = Rc::new(Search {
        id,
        base: base.clone(),
        query,
        inside,
        show_hidden,
        browse,
        controller: AbortController::new()?,
        queue: RefCell::new(VecDeque::from([Task::List(base)])),
        in_flight: Cell::new(0),
        found: Cell::new(0),
        folders: Cell::new(0),
        failed: Cell::new(0),
        finished: Cell::new(false),
        started: js_sys::Date::now(),
        results: area,
        body,
        status,
    });
    search.show_status(false)?;
    CURRENT.with(|current| current.replace(Some(search.clone())));
    for _ in 0..AT_ONCE {
        wasm_bindgen_futures::spawn_local(work(search.clone()));
    }
    Ok(())
}

/// One of the searchers: takes tasks until none are left and none are under way.
async fn work(search: Rc<Search>) {
    loop {
        if !search.is_current() {
            return;
        }
        let task = search.queue.borrow_mut().pop_front();
        let Some(task) = task else {
            if search.in_flight.get() == 0 {
                if !search.finished.replace(true) {
                    log(search.show_status(false));
                    CURRENT.with(|current| current.borrow_mut().take());
                }
                return;
            }
            pause(15).await;
            continue;
        };
        search.in_flight.set(search.in_flight.get() + 1);
        match task {
            Task::List(directory) => search.list(&directory).await,
            Task::Read(path, entry) => search.read(&path, &entry).await,
        }
        search.in_flight.set(search.in_flight.get() - 1);
    }
}

async fn pause(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

impl Search {
    /// Still the search on screen: not stopped, not replaced, its results still shown.
    fn is_current(&self) -> bool {
        let current = CURRENT.with(|current| current.borrow().as_ref().map(|search| search.id)) == Some(self.id);
        if current && !self.results.is_connected() {
            // The page moved on (another folder, a file): nobody looks at these results.
            stop();
            return false;
        }
        current
    }

    async fn list(&self, directory: &SafePath) {
        // Looking inside needs sizes (only small text files are read); names need none.
        let signal = self.controller.signal();
        let listed = if self.inside {
            api::children_until(directory, &signal).await
        } else {
            api::kinds_until(directory, &signal).await
        };
        let entries = match listed {
            Ok(entries) => entries,
            Err(_) => {
                self.failed.set(self.failed.get() + 1);
                return;
            }
        };
        if !self.is_current() {
            return;
        }
        self.folders.set(self.folders.get() + 1);
        for entry in entries {
            let Ok(path) = directory.join(&entry.name) else { continue };
            if walks_into(&entry, self.show_hidden) {
                self.queue.borrow_mut().push_back(Task::List(path.clone()));
            }
            if !may_show(&entry, self.show_hidden) {
                continue;
            }
            if self.query.matches(&entry.name) {
                log(self.add(&path, &entry, None));
            } else if self.inside && reads_inside(&entry) {
                self.queue.borrow_mut().push_back(Task::Read(path, entry));
            }
        }
        log(self.show_status(false));
    }

    async fn read(&self, path: &SafePath, entry: &Entry) {
        let Ok(text) = api::text_until(path, &self.controller.signal()).await else { return };
        if !self.is_current() {
            return;
        }
        // A binary file named like text (a NUL in it) has no lines to show.
        if text.contains('\0') {
            return;
        }
        if let Some(line) = self.query.matching_line(&text) {
            log(self.add(path, entry, Some(line)));
        }
    }

    fn add(&self, path: &SafePath, entry: &Entry, line: Option<(usize, String)>) -> Result<(), DomError> {
        let found = self.found.get() + 1;
        self.found.set(found);
        if found == 1 {
            self.results.set_attribute("data-first-ms", &with_decimals(js_sys::Date::now() - self.started, 0))?;
        }
        if found > MAX_SHOWN {
            return Ok(());
        }
        let shown = &path.segments()[self.base.segments().len()..];
        let row = search_rows::row(path, shown, entry, line, self.browse, self.inside)?;
        add(&self.body, &row)?;
        if !self.inside {
            search_rows::fill_when_seen(&row);
        }
        Ok(())
    }

    /// The line above the results: how far the search is, or how it ended.
    fn show_status(&self, stopped: bool) -> Result<(), DomError> {
        let found = self.found.get();
        let folders = self.folders.get();
        let what = match found {
            0 => "nothing found".to_owned(),
            1 => "1 found".to_owned(),
            n => format!("{n} found"),
        };
        let place = if self.base.is_root() { "the whole folder".to_owned() } else { format!("/{}", self.base) };
        let looked = if folders == 1 { "1 folder".to_owned() } else { format!("{folders} folders") };
        let more = if found > MAX_SHOWN { format!(" (the first {MAX_SHOWN} shown)") } else { String::new() };
        let finished = self.finished.get();
        let text = if stopped {
            format!("Stopped: {what} in {looked} of {place}{more}.")
        } else if finished {
            let seconds = with_decimals((js_sys::Date::now() - self.started) / 1000.0, 1);
            let unread = match self.failed.get() {
                0 => String::new(),
                n => format!(" {n} could not be read."),
            };
            format!("Done: {what} in {looked} of {place}, {seconds} s{more}.{unread}")
        } else {
            format!("Searching {place}… {what} so far in {looked}{more}")
        };
        self.status.set_text_content(Some(&text));
        if finished || stopped {
            self.results.set_attribute("data-done-ms", &with_decimals(js_sys::Date::now() - self.started, 0))?;
            self.results.set_attribute("data-state", if stopped { "stopped" } else { "done" })?;
            if let Ok(Some(button)) = self.results.query_selector("button[data-action=stop-search]") {
                button.remove();
            }
        }
        Ok(())
    }
}
