//! Each folder's own handlers, run inside the worker: ours from `.owndir/routes.js`,
//! OwnDir's from `.owndir/index.js`.
//!
//! The core decides the order ([`owndir_core::serve_content_with`]) and what a failure
//! means ([`Handled`]); [`crate::folder_modules`] loads a level's modules; this module
//! picks the entries that match and calls them: ours with `(request, ctx)`, OwnDir's
//! with Express's `(req, res, next)` and `this` its module (`static/sw-express.js`). A
//! failure of any kind is that request's `500`, naming the file and line; it never stops
//! the worker or touches another folder.

use crate::folder_modules::{Handler, Loaded, Module, failure_of, load_level};
use crate::handle_folder::HandleFolder;
use litemap::LiteMap;
use owndir_core::folder_routes::{FolderHandlers, Handled, Stage};
use owndir_core::owndir_module::{BodyKind, ModuleFormat, express_params, express_place};
use owndir_core::{FolderError, Method, Route, SafePath};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{Request, RequestInit, Response, Url};

/// How long a handler may take to give its `Response` (its body may stream for longer):
/// then the request gets the `500` that names the file, as for a throw.
const HANDLER_TIMEOUT_MS: i32 = 30_000;

#[wasm_bindgen]
extern "C" {
    /// `/@/fsnode.js`'s exports over the given `fetch` (assembled by `cargo xtask build`).
    #[wasm_bindgen(js_name = OWNDIR_FSNODE)]
    fn fsnode_over(fetch: &js_sys::Function) -> JsValue;

    /// The `req` and `res` of one request for OwnDir's handlers (static/sw-express.js).
    #[wasm_bindgen(js_namespace = OWNDIR_EXPRESS, js_name = exchange)]
    fn express_exchange(request: &Request, body: &str, helpers: &JsValue) -> JsValue;

    /// Runs one entry's Express handlers: a promise of a `Response` or undefined.
    #[wasm_bindgen(js_namespace = OWNDIR_EXPRESS, js_name = run)]
    fn express_run(handlers: &js_sys::Array, module: &JsValue, exchange: &JsValue, place: &JsValue) -> js_sys::Promise;
}

thread_local! {
    /// The worker's own `/@/fs` API as a `fetch`, for handlers.
    static API_FETCH: js_sys::Function = in_worker_fetch();
    /// `{root, FsNode}` of fsnode.js over the worker's own API.
    static FSNODE: JsValue = API_FETCH.with(fsnode_over);
    /// What `res` asks of the worker: `contentType(name)` (the core's type for a file
    /// name, for `res.type`) and `fetch` (for `res.sendFile`).
    static EXPRESS_HELPERS: JsValue = express_helpers();
}

/// The handlers of the folders on one request's path.
pub struct WorkerHandlers<'a> {
    folder: &'a HandleFolder,
    request: &'a Request,
    method: Method,
    origin: String,
    /// Each level's modules, looked up once per request.
    levels: RefCell<LiteMap<SafePath, Vec<Loaded>>>,
    /// OwnDir's `req` and `res`, shared by the request's Express handlers, made when the
    /// first of them runs.
    exchange: RefCell<Option<JsValue>>,
}

impl<'a> WorkerHandlers<'a> {
    /// The handlers for `request` over `folder`.
    pub fn new(folder: &'a HandleFolder, request: &'a Request, origin: String) -> WorkerHandlers<'a> {
        let method = Method::parse(&request.method());
        let (levels, exchange) = (RefCell::default(), RefCell::default());
        WorkerHandlers { folder, request, method, origin, levels, exchange }
    }

    async fn modules(&self, level: &SafePath) -> Result<Vec<Loaded>, FolderError> {
        if let Some(known) = self.levels.borrow().get(level) {
            return Ok(known.clone());
        }
        let parent = self.parent_module(level);
        let directory = || node_at(level).unwrap_or(JsValue::UNDEFINED);
        let loaded = load_level(self.folder, level, &self.origin, &parent, directory).await?;
        self.levels.borrow_mut().insert(level.clone(), loaded.clone());
        Ok(loaded)
    }

    /// The nearest OwnDir module above `level`, which its own inherits from (`null` when
    /// there is none). The middleware stage loads every level root first, so the
    /// levels above are known by now.
    fn parent_module(&self, level: &SafePath) -> JsValue {
        let levels = self.levels.borrow();
        let mut above = level.parent();
        while let Some(ancestor) = above {
            let found = levels
                .get(&ancestor)
                .and_then(|modules| modules.iter().flatten().find(|module| module.format == ModuleFormat::Express));
            if let Some(module) = found {
                return module.this.clone();
            }
            above = ancestor.parent();
        }
        JsValue::NULL
    }
}

impl FolderHandlers for WorkerHandlers<'_> {
    type Response = Response;

    async fn run(&self, level: &SafePath, stage: Stage, relative: &str) -> Result<Handled<Response>, FolderError> {
        let mut unloadable = None;
        for loaded in self.modules(level).await? {
            let module = match loaded {
                Ok(module) => module,
                // Logged once, when it was loaded. On the way down it is passed over and
                // the level's other module runs; on the way up the request reaches it.
                Err(failure) if stage == Stage::Middleware => {
                    unloadable.get_or_insert(failure);
                    continue;
                }
                Err(failure) => return Ok(Handled::Unloadable(failure)),
            };
            for handler in module.handlers(stage) {
                if !handler.method.allows(&self.method) {
                    continue;
                }
                let params = match module.format {
                    ModuleFormat::Fetch => handler.pattern.matches(relative),
                    ModuleFormat::Express => handler.pattern.matches_ignoring_case(relative, &lowercase),
                };
                let Some(params) = params else { continue };
                let called = match module.format {
                    ModuleFormat::Fetch => self.call(handler, level, relative, &params).await,
                    ModuleFormat::Express => self.call_express(handler, &module, level, relative, params).await,
                };
                match called {
                    Ok(None) => continue,
                    Ok(Some(response)) => return Ok(Handled::Answered(response)),
                    Err(error) => {
                        let failure = failure_of(&error, level, &module).await;
                        web_sys::console::error_2(
                            &format!("owndir: handler failed at {}:", failure.place()).into(),
                            &error,
                        );
                        return Ok(Handled::Failed(failure));
                    }
                }
            }
        }
        Ok(unloadable.map_or(Handled::Passed, Handled::Unloadable))
    }
}

impl WorkerHandlers<'_> {
    /// Calls one entry of ours, `handler(request, ctx)` for each of its functions until
    /// one answers: its `Response`, `None` to pass on, or what it threw.
    async fn call(
        &self,
        handler: &Handler,
        level: &SafePath,
        relative: &str,
        params: &[(String, String)],
    ) -> Result<Option<Response>, JsValue> {
        let context = js_sys::Object::new();
        let root = FSNODE.with(|fsnode| js_sys::Reflect::get(fsnode, &"root".into()))?;
        let entries = [("params", params_object(params)?), ("path", relative.into()), ("dir", node_at(level)?)];
        for (key, value) in entries.into_iter().chain([("root", root)]) {
            js_sys::Reflect::set(&context, &key.into(), &value)?;
        }
        for function in handler.functions.iter() {
            let function: js_sys::Function = function.unchecked_into();
            let returned = function.call2(&JsValue::UNDEFINED, self.request, &context)?;
            if let Some(response) = answer_in_time(js_sys::Promise::resolve(&returned)).await? {
                return Ok(Some(response));
            }
        }
        Ok(None)
    }

    /// Calls one entry of OwnDir's: its Express handlers in turn, with this request's
    /// `req` and `res` and `this` the module.
    async fn call_express(
        &self,
        handler: &Handler,
        module: &Module,
        level: &SafePath,
        relative: &str,
        params: Vec<(String, String)>,
    ) -> Result<Option<Response>, JsValue> {
        let exchange = self.exchange.borrow().clone();
        let exchange = match exchange {
            Some(exchange) => exchange,
            None => {
                let content_type = self.request.headers().get("Content-Type").ok().flatten();
                let body = BodyKind::of(&self.method, content_type.as_deref());
                let made = EXPRESS_HELPERS.with(|helpers| express_exchange(self.request, body.name(), helpers));
                self.exchange.replace(Some(made.clone()));
                made
            }
        };
        let (base_url, path) = express_place(level, relative);
        let place = js_sys::Object::new();
        let entries = [("params", params_object(&express_params(params))?), ("path", path.into())];
        for (key, value) in entries.into_iter().chain([("baseUrl", base_url.into())]) {
            js_sys::Reflect::set(&place, &key.into(), &value)?;
        }
        answer_in_time(express_run(&handler.functions, &module.this, &exchange, &place)).await
    }
}

/// `{name: value}` of a pattern's captures.
fn params_object(params: &[(String, String)]) -> Result<JsValue, JsValue> {
    let values = js_sys::Object::new();
    for (name, value) in params {
        js_sys::Reflect::set(&values, &name.into(), &value.into())?;
    }
    Ok(values.into())
}

/// The FsNode of `level`, over the worker's own API.
fn node_at(level: &SafePath) -> Result<JsValue, JsValue> {
    let root = FSNODE.with(|fsnode| js_sys::Reflect::get(fsnode, &"root".into()))?;
    let walk: js_sys::Function = js_sys::Reflect::get(&root, &"walk".into())?.dyn_into()?;
    walk.call1(&root, &format!("/{level}").into())
}

/// What a handler's promise gave: a `Response`, `None` to pass on, or the error (also
/// for anything else it gave, and for a handler still silent after 30 s: it would hold
/// its request until Chrome's 5-minute cut).
async fn answer_in_time(returned: js_sys::Promise) -> Result<Option<Response>, JsValue> {
    let late = js_sys::Error::new(&format!("the handler did not answer within {} s", HANDLER_TIMEOUT_MS / 1000));
    let deadline = js_sys::Promise::new(&mut |_, reject| {
        let _ = crate::global_scope().set_timeout_with_callback_and_timeout_and_arguments_1(
            &reject,
            HANDLER_TIMEOUT_MS,
            &late,
        );
    });
    let racing = js_sys::Array::of2(&returned, &deadline);
    let answer = JsFuture::from(js_sys::Promise::race(&racing)).await?;
    if answer.is_undefined() || answer.is_null() {
        return Ok(None);
    }
    answer.dyn_into::<Response>().map(Some).map_err(|other| {
        let kind = other.js_typeof().as_string().unwrap_or_default();
        js_sys::Error::new(&format!("the handler returned a {kind}, not a Response or undefined")).into()
    })
}

/// `{contentType, fetch}` for `res` (see [`EXPRESS_HELPERS`]).
fn express_helpers() -> JsValue {
    let helpers = js_sys::Object::new();
    let content_type = Closure::<dyn Fn(String) -> String>::new(|name: String| owndir_core::mime::content_type(&name));
    // Both live as long as the worker.
    let _ = js_sys::Reflect::set(&helpers, &"contentType".into(), &content_type.into_js_value());
    let _ = js_sys::Reflect::set(&helpers, &"fetch".into(), &API_FETCH.with(|fetch| fetch.clone().into()));
    helpers.into()
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

/// `text` lowered by the browser's `toLowerCase` (the same Unicode mapping as Rust's,
/// whose tables would be 16 KB of the worker's wasm).
fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}
