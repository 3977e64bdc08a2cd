//! Each folder's own handlers (`D/.owndir/routes.js`), run inside the worker.
//!
//! The core decides the order ([`owndir_core::serve_content_with`]); this module loads a
//! level's module, keeps it while its files are unchanged, picks the entries that match,
//! calls them with `(request, ctx)` and turns what they do into an answer. A module is
//! evaluated by `static/sw-routes.js` (CommonJS, `require` over the other files of its
//! `.owndir`). A failure of any kind is that request's `500`, naming the file and line;
//! it never stops the worker or touches another folder.

use crate::handle_folder::HandleFolder;
use crate::promise::settle;
use owndir_core::content::OWNDIR;
use owndir_core::folder::{EntryKind, Folder};
use owndir_core::folder_routes::{
    FolderHandlers, Handled, HandlerFailure, MethodFilter, Pattern, ROUTES_FILE, Stage, locate_in_stack,
};
use owndir_core::{Entry, FolderError, Method, Route, SafePath};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{Request, RequestInit, Response, Url};

/// How long a handler may take to give its `Response` (its body may stream for longer):
/// then the request gets the `500` that names the file, as for a throw.
const HANDLER_TIMEOUT_MS: i32 = 30_000;

#[wasm_bindgen]
extern "C" {
    /// `module.exports` of `entry` among `files` (static/sw-routes.js).
    #[wasm_bindgen(js_namespace = OWNDIR_ROUTES, catch)]
    fn load(base: &str, files: &js_sys::Object, entry: &str) -> Result<JsValue, JsValue>;

    /// `[line, column]` of the syntax error in a wrapped source, or `null`.
    #[wasm_bindgen(js_namespace = OWNDIR_ROUTES, js_name = syntaxErrorAt)]
    fn syntax_error_at(wrapped: &JsValue) -> js_sys::Promise;

    /// `/@/fsnode.js`'s exports over the given `fetch` (assembled by `cargo xtask build`).
    #[wasm_bindgen(js_name = OWNDIR_FSNODE)]
    fn fsnode_over(fetch: &js_sys::Function) -> JsValue;
}

/// One `[method, pattern, handler]` entry.
struct Handler {
    method: MethodFilter,
    pattern: Pattern,
    function: js_sys::Function,
}

/// A level's evaluated module.
struct Module {
    middleware: Vec<Handler>,
    routes: Vec<Handler>,
    /// The `.owndir` URL its files are named by in stack traces.
    base: String,
    /// Its files, relative to `.owndir`.
    files: Vec<String>,
}

type Loaded = Result<Rc<Module>, HandlerFailure>;

/// Path, size and time of every file a module may read: when one changes, it reloads.
type Fingerprint = Vec<(String, u64, u64)>;

thread_local! {
    /// Evaluated modules by level, with the fingerprint they were loaded at. A failed
    /// load is kept too, so a broken file is not evaluated again on every request.
    static MODULES: RefCell<HashMap<SafePath, (Fingerprint, Loaded)>> = RefCell::default();
    /// `{root, FsNode}` of fsnode.js over the worker's own API.
    static FSNODE: JsValue = fsnode_over(&in_worker_fetch());
}

/// The handlers of the folders on one request's path.
pub struct WorkerHandlers<'a> {
    folder: &'a HandleFolder,
    request: &'a Request,
    method: Method,
    origin: String,
    /// Each level's module, looked up once per request.
    levels: RefCell<HashMap<SafePath, Option<Loaded>>>,
}

impl<'a> WorkerHandlers<'a> {
    /// The handlers for `request` over `folder`.
    pub fn new(folder: &'a HandleFolder, request: &'a Request, origin: String) -> WorkerHandlers<'a> {
        let method = Method::parse(&request.method());
        WorkerHandlers { folder, request, method, origin, levels: RefCell::default() }
    }

    async fn module(&self, level: &SafePath) -> Result<Option<Loaded>, FolderError> {
        if let Some(known) = self.levels.borrow().get(level) {
            return Ok(known.clone());
        }
        let loaded = self.load_level(level).await?;
        self.levels.borrow_mut().insert(level.clone(), loaded.clone());
        Ok(loaded)
    }

    async fn load_level(&self, level: &SafePath) -> Result<Option<Loaded>, FolderError> {
        let owndir = join(level, OWNDIR);
        // Shares the request's walk with the static mounts: where `.owndir` is missing,
        // this costs nothing more.
        let Some(Entry::File { .. }) = self.folder.lookup(&join(&owndir, ROUTES_FILE)).await? else {
            return Ok(None);
        };
        let fingerprint = module_files(self.folder, &owndir).await?;
        let cached = MODULES.with(|modules| {
            modules.borrow().get(level).filter(|(known, _)| *known == fingerprint).map(|(_, loaded)| loaded.clone())
        });
        if let Some(loaded) = cached {
            return Ok(Some(loaded));
        }
        let base = format!("{}{}", self.origin, owndir.to_dir_url());
        let loaded = evaluate(self.folder, &owndir, &base, &fingerprint).await?.map(Rc::new);
        if let Err(failure) = &loaded {
            web_sys::console::error_1(&format!("owndir: cannot load {}: {}", failure.place(), failure.message).into());
        }
        MODULES.with(|modules| modules.borrow_mut().insert(level.clone(), (fingerprint, loaded.clone())));
        Ok(Some(loaded))
    }
}

impl FolderHandlers for WorkerHandlers<'_> {
    type Response = Response;

    async fn run(&self, level: &SafePath, stage: Stage, relative: &str) -> Result<Handled<Response>, FolderError> {
        let module = match self.module(level).await? {
            None => return Ok(Handled::Passed),
            Some(Ok(module)) => module,
            // Logged once, when it was loaded; the core decides what it means here.
            Some(Err(failure)) => return Ok(Handled::Unloadable(failure)),
        };
        let handlers = match stage {
            Stage::Middleware => &module.middleware,
            Stage::Routes => &module.routes,
        };
        for handler in handlers {
            if !handler.method.allows(&self.method) {
                continue;
            }
            let Some(params) = handler.pattern.matches(relative) else { continue };
            match self.call(handler, level, relative, &params).await {
                Ok(None) => continue,
                Ok(Some(response)) => return Ok(Handled::Answered(response)),
                Err(error) => {
                    let failure = failure_in(&error, &join(level, OWNDIR), &module).await;
                    web_sys::console::error_2(
                        &format!("owndir: handler failed at {}:", failure.place()).into(),
                        &error,
                    );
                    return Ok(Handled::Failed(failure));
                }
            }
        }
        Ok(Handled::Passed)
    }
}

impl WorkerHandlers<'_> {
    /// Calls one handler: its `Response`, `None` to pass on, or what it threw.
    async fn call(
        &self,
        handler: &Handler,
        level: &SafePath,
        relative: &str,
        params: &[(String, String)],
    ) -> Result<Option<Response>, JsValue> {
        let context = js_sys::Object::new();
        let values = js_sys::Object::new();
        for (name, value) in params {
            js_sys::Reflect::set(&values, &name.into(), &value.into())?;
        }
        let root = FSNODE.with(|fsnode| js_sys::Reflect::get(fsnode, &"root".into()))?;
        let walk: js_sys::Function = js_sys::Reflect::get(&root, &"walk".into())?.dyn_into()?;
        let dir = walk.call1(&root, &format!("/{level}").into())?;
        for (key, value) in [("params", values.into()), ("path", relative.into()), ("dir", dir), ("root", root)] {
            js_sys::Reflect::set(&context, &key.into(), &value)?;
        }
        let returned = handler.function.call2(&JsValue::UNDEFINED, self.request, &context)?;
        // A handler that never settles would hold its request until Chrome's 5-minute cut.
        let late = js_sys::Error::new(&format!("the handler did not answer within {} s", HANDLER_TIMEOUT_MS / 1000));
        let deadline = js_sys::Promise::new(&mut |_, reject| {
            let _ = crate::global_scope().set_timeout_with_callback_and_timeout_and_arguments_1(
                &reject,
                HANDLER_TIMEOUT_MS,
                &late,
            );
        });
        let racing = js_sys::Array::of2(&js_sys::Promise::resolve(&returned), &deadline);
        let answer = JsFuture::from(js_sys::Promise::race(&racing)).await?;
        if answer.is_undefined() || answer.is_null() {
            return Ok(None);
        }
        answer.dyn_into::<Response>().map(Some).map_err(|other| {
            let kind = other.js_typeof().as_string().unwrap_or_default();
            js_sys::Error::new(&format!("the handler returned a {kind}, not a Response or undefined")).into()
        })
    }
}

fn join(path: &SafePath, name: &str) -> SafePath {
    path.join(name).expect("a constant plain name")
}

/// The `.js`, `.cjs` and `.json` files under `owndir` a module may `require`; `static/`
/// is served, not run, and left out.
async fn module_files(folder: &HandleFolder, owndir: &SafePath) -> Result<Fingerprint, FolderError> {
    let mut files = Vec::new();
    let mut pending = vec![(owndir.clone(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        for entry in folder.list(&directory).await? {
            let relative = format!("{prefix}{}", entry.name);
            match (entry.meta.kind, entry.meta.file) {
                (EntryKind::Directory, _) if relative != owndir_core::content::STATIC => {
                    pending.push((join(&directory, &entry.name), format!("{relative}/")));
                }
                (EntryKind::File, Some(meta))
                    if [".js", ".cjs", ".json"].iter().any(|extension| entry.name.ends_with(extension)) =>
                {
                    files.push((relative, meta.size, meta.modified_ms));
                }
                _ => {}
            }
        }
    }
    files.sort_unstable();
    Ok(files)
}

/// Reads and evaluates the module of `owndir`: its handler lists, or why it cannot run.
async fn evaluate(
    folder: &HandleFolder,
    owndir: &SafePath,
    base: &str,
    fingerprint: &Fingerprint,
) -> Result<Result<Module, HandlerFailure>, FolderError> {
    let sources = js_sys::Object::new();
    let mut files = Vec::with_capacity(fingerprint.len());
    for (relative, _, _) in fingerprint {
        let mut path = owndir.clone();
        for name in relative.split('/') {
            path = join(&path, name);
        }
        let Some(Entry::File { body, .. }) = folder.lookup(&path).await? else { continue };
        let text = settle(body.text()).await.map_err(|error| error.to_folder_error())?;
        // Setting a property of a plain object cannot fail.
        let _ = js_sys::Reflect::set(&sources, &relative.into(), &text);
        files.push(relative.clone());
    }
    let module = Module { middleware: Vec::new(), routes: Vec::new(), base: base.to_owned(), files };
    let file_name = format!("{owndir}/{ROUTES_FILE}");
    let exports = match load(base, &sources, ROUTES_FILE) {
        Ok(exports) => exports,
        Err(error) => return Ok(Err(failure_in(&error, owndir, &module).await)),
    };
    let mut module = module;
    for (stage, key) in [(Stage::Middleware, "middleware"), (Stage::Routes, "routes")] {
        let list = match entries(&exports, key) {
            Ok(list) => list,
            Err(message) => return Ok(Err(HandlerFailure { file: file_name, at: None, message })),
        };
        match stage {
            Stage::Middleware => module.middleware = list,
            Stage::Routes => module.routes = list,
        }
    }
    Ok(Ok(module))
}

/// `exports[key]`: a list of `[method, pattern, handler]` (missing is an empty list).
fn entries(exports: &JsValue, key: &str) -> Result<Vec<Handler>, String> {
    let list = js_sys::Reflect::get(exports, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if list.is_undefined() || list.is_null() {
        return Ok(Vec::new());
    }
    let Some(list) = list.dyn_ref::<js_sys::Array>() else {
        return Err(format!("module.exports.{key} must be an array of [method, pattern, handler]"));
    };
    let mut handlers = Vec::with_capacity(list.length() as usize);
    for (index, entry) in list.iter().enumerate() {
        let malformed = || format!("{key}[{index}] must be [method, pattern, handler]");
        let entry = entry.dyn_into::<js_sys::Array>().map_err(|_| malformed())?;
        let (method, pattern) = (entry.get(0).as_string(), entry.get(1).as_string());
        let (Some(method), Some(pattern), Ok(function)) =
            (method, pattern, entry.get(2).dyn_into::<js_sys::Function>())
        else {
            return Err(malformed());
        };
        let method = MethodFilter::parse(&method).map_err(|error| format!("{key}[{index}]: {error}"))?;
        let pattern = Pattern::parse(&pattern).map_err(|error| format!("{key}[{index}]: {error}"))?;
        handlers.push(Handler { method, pattern, function });
    }
    Ok(handlers)
}

/// What `error` says and where it points among `module`'s files: a syntax error by the
/// `error` event (see sw-routes.js), anything else by its stack.
async fn failure_in(error: &JsValue, owndir: &SafePath, module: &Module) -> HandlerFailure {
    let message = describe(error);
    let property = |name: &str| js_sys::Reflect::get(error, &name.into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(file) = property("owndirFile").as_string() {
        let at = JsFuture::from(syntax_error_at(&property("owndirSource"))).await.ok().and_then(|at| {
            let at: js_sys::Array = at.dyn_into().ok()?;
            Some((at.get(0).as_f64()? as u32, at.get(1).as_f64()? as u32))
        });
        return HandlerFailure { file: format!("{owndir}/{file}"), at, message };
    }
    let stack = property("stack").as_string().unwrap_or_default();
    for line in stack.lines() {
        for file in &module.files {
            if let Some(at) = locate_in_stack(line, &format!("{}{file}", module.base)) {
                return HandlerFailure { file: format!("{owndir}/{file}"), at: Some(at), message };
            }
        }
    }
    HandlerFailure { file: format!("{owndir}/{ROUTES_FILE}"), at: None, message }
}

/// `TypeError: …` for an Error, the value itself for anything else thrown: its own
/// `toString` (fsnode.js's failures say `FsNodeError: …`), else its JSON.
fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.to_string());
    }
    if let Some(text) = error.as_string() {
        return text;
    }
    if let Some(object) = error.dyn_ref::<js_sys::Object>() {
        let text = String::from(object.to_string());
        if text != "[object Object]" {
            return text;
        }
    }
    js_sys::JSON::stringify(error).ok().and_then(|json| json.as_string()).unwrap_or_else(|| format!("{error:?}"))
}

/// A `fetch` for fsnode.js inside the worker: `/@/fs/…` requests go straight to the
/// worker's own API, since the worker's own fetches would go to the network.
fn in_worker_fetch() -> js_sys::Function {
    let fetch = Closure::<dyn Fn(String, JsValue) -> js_sys::Promise>::new(|url: String, init: JsValue| {
        future_to_promise(async move {
            let init: RequestInit = if init.is_object() { init.unchecked_into() } else { RequestInit::new() };
            let request = Request::new_with_str_and_init(&url, &init)?;
            let url = Url::new(&request.url())?;
            let path = url.pathname();
            let Route::Fs(rest) = Route::of(&path) else {
                return Err(js_sys::Error::new(&format!("only /@/fs/ is reachable here, not {path}")).into());
            };
            let answer = crate::fs_api::answer(&request, &url, rest).await;
            answer.map(JsValue::from).map_err(|error| js_sys::Error::new(&error.to_string()).into())
        })
    });
    // One for the worker's life, shared by every handler.
    fetch.into_js_value().unchecked_into()
}
