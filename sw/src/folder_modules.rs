//! Loading a folder's modules: ours, `.owndir/routes.js`, and OwnDir's, `.owndir/index.js`
//! ([`MODULE_FILES`](owndir_core::owndir_module::MODULE_FILES)). A level's modules are kept while the size and time of every
//! `.js`/`.json` file of its `.owndir` stay the same (the core's `module_files` finds
//! them); a module that cannot load is kept as its failure, logged once.
//! `static/sw-routes.js` evaluates the CommonJS source and `static/sw-express.js` makes
//! OwnDir's module object; this file reads the sources, evaluates them and says what
//! the exports mean.

use crate::handle_folder::HandleFolder;
use crate::promise::settle;
use litemap::LiteMap;
use owndir_core::content::OWNDIR;
use owndir_core::folder::Folder;
use owndir_core::folder_routes::{HandlerFailure, MethodFilter, Pattern, Stage, locate_in_stack};
use owndir_core::module_files::{Fingerprint, fingerprint, present_modules, source_path};
use owndir_core::owndir_module::ModuleFormat;
use owndir_core::{Entry, FolderError, SafePath};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `module.exports` of `entry` among `files` (static/sw-routes.js).
    #[wasm_bindgen(js_namespace = OWNDIR_ROUTES, catch)]
    fn load(base: &str, owndir: &str, files: &js_sys::Object, entry: &str) -> Result<JsValue, JsValue>;

    /// `[line, column]` of the syntax error in a wrapped source, or `null`.
    #[wasm_bindgen(js_namespace = OWNDIR_ROUTES, js_name = syntaxErrorAt)]
    fn syntax_error_at(wrapped: &JsValue) -> js_sys::Promise;

    /// OwnDir's module object from index.js's exports (static/sw-express.js).
    #[wasm_bindgen(js_namespace = OWNDIR_EXPRESS)]
    fn instantiate(exported: &JsValue, parent: &JsValue, directory: &JsValue) -> js_sys::Promise;

    /// Makes a kept module inherit from its parent's module as loaded now.
    #[wasm_bindgen(js_namespace = OWNDIR_EXPRESS)]
    fn adopt(module: &JsValue, parent: &JsValue);
}

/// One entry of a module's `middleware` or `routes`: its method, its pattern and the
/// functions it runs, in order.
pub struct Handler {
    pub method: MethodFilter,
    pub pattern: Pattern,
    pub functions: js_sys::Array,
}

/// A module that loaded.
pub struct Module {
    /// Its file in `.owndir` (`routes.js`, `index.js`).
    pub file: &'static str,
    pub format: ModuleFormat,
    pub middleware: Vec<Handler>,
    pub routes: Vec<Handler>,
    /// `this` of its handlers: OwnDir's module object; undefined for ours.
    pub this: JsValue,
    /// The `.owndir` URL its files are named by in stack traces.
    base: String,
    /// Its files, relative to `.owndir`.
    files: Vec<String>,
}

impl Module {
    /// The handlers `stage` runs.
    pub fn handlers(&self, stage: Stage) -> &[Handler] {
        match stage {
            Stage::Middleware => &self.middleware,
            Stage::Routes => &self.routes,
        }
    }
}

/// A module, or why it cannot run.
pub type Loaded = Result<Rc<Module>, HandlerFailure>;

thread_local! {
    /// Each level's modules, with the fingerprint they were loaded at.
    static MODULES: RefCell<LiteMap<SafePath, (Fingerprint, Vec<Loaded>)>> = RefCell::default();
}

/// The modules of `level`, in [`MODULE_FILES`](owndir_core::owndir_module::MODULE_FILES) order (none when it has neither file).
/// `parent` is the nearest module object above (OwnDir's modules inherit from it) and
/// `directory` the level's FsNode; `origin` names the files in stack traces.
pub async fn load_level(
    folder: &HandleFolder,
    level: &SafePath,
    origin: &str,
    parent: &JsValue,
    directory: impl Fn() -> JsValue,
) -> Result<Vec<Loaded>, FolderError> {
    // Shares the request's walk with the static mounts: where `.owndir` is missing, this
    // costs nothing more.
    let present = present_modules(folder, level).await?;
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let owndir = join(level, OWNDIR);
    let fingerprint = fingerprint(folder, &owndir).await?;
    let cached = MODULES.with(|modules| {
        modules.borrow().get(level).filter(|(known, _)| *known == fingerprint).map(|(_, loaded)| loaded.clone())
    });
    if let Some(loaded) = cached {
        for module in loaded.iter().flatten().filter(|module| module.format == ModuleFormat::Express) {
            adopt(&module.this, parent);
        }
        return Ok(loaded);
    }
    let base = format!("{origin}{}", owndir.to_dir_url());
    let (sources, files) = read_sources(folder, &owndir, &fingerprint).await?;
    let mut loaded = Vec::with_capacity(present.len());
    for (file, format) in present {
        let source = Source { owndir: &owndir, base: &base, files: &files, sources: &sources };
        let module = evaluate(&source, file, format, parent, &directory).await.map(Rc::new);
        if let Err(failure) = &module {
            web_sys::console::error_1(&format!("owndir: cannot load {}: {}", failure.place(), failure.message).into());
        }
        loaded.push(module);
    }
    MODULES.with(|modules| modules.borrow_mut().insert(level.clone(), (fingerprint, loaded.clone())));
    Ok(loaded)
}

fn join(path: &SafePath, name: &str) -> SafePath {
    path.join(name).expect("a constant plain name")
}

/// The text of every file of `fingerprint`, as `{path: source}`, and their paths.
async fn read_sources(
    folder: &HandleFolder,
    owndir: &SafePath,
    fingerprint: &Fingerprint,
) -> Result<(js_sys::Object, Vec<String>), FolderError> {
    let sources = js_sys::Object::new();
    let mut files = Vec::with_capacity(fingerprint.len());
    for (relative, _, _) in fingerprint {
        let Ok(path) = source_path(owndir, relative) else { continue };
        let Some(Entry::File { body, .. }) = folder.lookup(&path).await? else { continue };
        let text = settle(body.text()).await.map_err(|error| error.to_folder_error())?;
        // Setting a property of a plain object cannot fail.
        let _ = js_sys::Reflect::set(&sources, &relative.into(), &text);
        files.push(relative.clone());
    }
    Ok((sources, files))
}

/// The files of one `.owndir`, read.
struct Source<'a> {
    owndir: &'a SafePath,
    base: &'a str,
    files: &'a [String],
    sources: &'a js_sys::Object,
}

impl Source<'_> {
    fn failure(&self, file: &str, message: String) -> HandlerFailure {
        HandlerFailure { file: format!("{}/{file}", self.owndir), at: None, message }
    }
}

/// Evaluates `file` of `source`: its handler lists, or why it cannot run.
async fn evaluate(
    source: &Source<'_>,
    file: &'static str,
    format: ModuleFormat,
    parent: &JsValue,
    directory: &impl Fn() -> JsValue,
) -> Result<Module, HandlerFailure> {
    let thrown =
        |error: JsValue| async move { failure_in(&error, source.owndir, source.base, source.files, file).await };
    let exports = match load(source.base, &format!("/{}", source.owndir), source.sources, file) {
        Ok(exports) => exports,
        Err(error) => return Err(thrown(error).await),
    };
    let (this, lists, label) = match format {
        ModuleFormat::Fetch => (JsValue::UNDEFINED, exports, "module.exports"),
        ModuleFormat::Express => {
            let this = match JsFuture::from(instantiate(&exports, parent, &directory())).await {
                Ok(this) => this,
                Err(error) => return Err(thrown(error).await),
            };
            let own = js_sys::Reflect::get(&this, &"O".into()).unwrap_or(JsValue::UNDEFINED);
            (this, own, "O")
        }
    };
    let base = source.base.to_owned();
    let files = source.files.to_vec();
    let mut module = Module { file, format, middleware: Vec::new(), routes: Vec::new(), this, base, files };
    for stage in [Stage::Middleware, Stage::Routes] {
        let key = match stage {
            Stage::Middleware => "middleware",
            Stage::Routes => "routes",
        };
        let list = entries(&lists, key, label).map_err(|message| source.failure(file, message))?;
        match stage {
            Stage::Middleware => module.middleware = list,
            Stage::Routes => module.routes = list,
        }
    }
    Ok(module)
}

/// `owner[key]`: a list of entries (missing is an empty list). An entry is
/// `[method, pattern, ...handlers]`, as OwnDir documents it, or
/// `[pattern, [method, ...handlers], …]`, as OwnDir's own code builds it.
fn entries(owner: &JsValue, key: &str, label: &str) -> Result<Vec<Handler>, String> {
    let list = js_sys::Reflect::get(owner, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if list.is_undefined() || list.is_null() {
        return Ok(Vec::new());
    }
    let Some(list) = list.dyn_ref::<js_sys::Array>() else {
        return Err(format!("{label}.{key} must be an array of [method, pattern, handler]"));
    };
    let mut handlers = Vec::with_capacity(list.length() as usize);
    for (index, entry) in list.iter().enumerate() {
        let malformed = || format!("{key}[{index}] must be [method, pattern, handler]");
        let entry = entry.dyn_into::<js_sys::Array>().map_err(|_| malformed())?;
        let groups: Vec<(JsValue, JsValue, js_sys::Array)> = if entry.get(1).is_array() {
            // [pattern, [method, ...handlers], ...]
            entry
                .slice(1, entry.length())
                .iter()
                .map(|group| {
                    let group: js_sys::Array = group.unchecked_into();
                    (group.get(0), entry.get(0), group.slice(1, group.length()))
                })
                .collect()
        } else {
            vec![(entry.get(0), entry.get(1), entry.slice(2, entry.length()))]
        };
        for (method, pattern, functions) in groups {
            // Express takes arrays of handlers as well as handlers.
            let functions = functions.flat(1);
            let (Some(method), Some(pattern)) = (method.as_string(), pattern.as_string()) else {
                return Err(malformed());
            };
            if functions.length() == 0 || !functions.iter().all(|function| function.is_function()) {
                return Err(malformed());
            }
            let method = MethodFilter::parse(&method).map_err(|error| format!("{key}[{index}]: {error}"))?;
            let pattern = Pattern::parse(&pattern).map_err(|error| format!("{key}[{index}]: {error}"))?;
            handlers.push(Handler { method, pattern, functions });
        }
    }
    Ok(handlers)
}

/// What `error` says and where it points among `module`'s files: a syntax error by the
/// `error` event (see sw-routes.js), anything else by its stack.
pub async fn failure_of(error: &JsValue, level: &SafePath, module: &Module) -> HandlerFailure {
    failure_in(error, &join(level, OWNDIR), &module.base, &module.files, module.file).await
}

/// [`failure_of`] for a module not made yet; `running` is its file, named when the
/// error points at none of the files.
async fn failure_in(error: &JsValue, owndir: &SafePath, base: &str, files: &[String], running: &str) -> HandlerFailure {
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
        for file in files {
            if let Some(at) = locate_in_stack(line, &format!("{base}{file}")) {
                return HandlerFailure { file: format!("{owndir}/{file}"), at: Some(at), message };
            }
        }
    }
    HandlerFailure { file: format!("{owndir}/{running}"), at: None, message }
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
