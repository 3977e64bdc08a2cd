//! What `cargo xtask build` wrote into `sw.js`: the build's version and the app shell.

use wasm_bindgen::JsValue;

/// The build facts, read once from `self.OWNDIR_BUILD`.
pub struct BuildInfo {
    /// A digest of the app's files: names the shell cache and answers `/@/status`.
    pub version: String,
    /// The URLs of the app shell, cached at install.
    pub shell: Vec<String>,
}

thread_local! {
    static BUILD: BuildInfo = read();
}

fn read() -> BuildInfo {
    let build = js_sys::Reflect::get(&js_sys::global(), &"OWNDIR_BUILD".into()).unwrap_or(JsValue::UNDEFINED);
    let get = |key: &str| js_sys::Reflect::get(&build, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let version = get("version").as_string().unwrap_or_else(|| "dev".to_owned());
    let shell = js_sys::Array::from(&get("shell")).iter().filter_map(|url| url.as_string()).collect();
    BuildInfo { version, shell }
}

/// The build's version.
pub fn version() -> String {
    BUILD.with(|build| build.version.clone())
}

/// The app shell's URLs.
pub fn shell_urls() -> Vec<String> {
    BUILD.with(|build| build.shell.clone())
}

/// The name of this build's cache.
pub fn cache_name() -> String {
    format!("{}{}", CACHE_PREFIX, version())
}

/// Every cache of ours starts so; `activate` deletes the ones of other builds.
pub const CACHE_PREFIX: &str = "owndir-shell-";
