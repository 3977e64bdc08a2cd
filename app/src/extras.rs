//! The page's second wasm (`app-extras/`): Markdown rendering and the conflict view's line
//! diff, which only those views need. It is loaded the first time one of them is shown, so
//! every start loads a smaller wasm; the worker keeps it in the app shell for offline use.

use owndir_browser::DomError;
use owndir_core::SafePath;
use owndir_view::conflict::Row;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/load_extras.js")]
extern "C" {
    /// The second wasm's module, loaded once.
    #[wasm_bindgen(js_name = loadExtras)]
    fn load_extras() -> js_sys::Promise;

    /// The module of `app-extras/` (its `#[wasm_bindgen]` functions).
    type ExtrasModule;

    #[wasm_bindgen(method, catch)]
    fn render_markdown(this: &ExtrasModule, source: &str, directory: &str) -> Result<String, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn diff_rows(this: &ExtrasModule, left: &str, right: &str) -> Result<JsValue, JsValue>;
}

/// The second wasm, loading: started when made, so the page can read a file meanwhile.
pub struct Extras(JsFuture);

/// Starts loading the second wasm (at once if it already is).
pub fn load() -> Extras {
    Extras(JsFuture::from(load_extras()))
}

impl Extras {
    async fn module(self) -> Result<ExtrasModule, DomError> {
        Ok(self.0.await?.unchecked_into())
    }

    /// `source` as safe HTML, its links resolved against `directory`
    /// (`owndir_view::markdown::render`).
    pub async fn render_markdown(self, source: &str, directory: &SafePath) -> Result<String, DomError> {
        Ok(self.module().await?.render_markdown(source, &directory.segments().join("/"))?)
    }

    /// `left` and `right` side by side (`owndir_view::conflict::side_by_side`).
    pub async fn diff_rows(self, left: &str, right: &str) -> Result<Vec<Row>, DomError> {
        let rows = self.module().await?.diff_rows(left, right)?;
        serde_wasm_bindgen::from_value(rows).map_err(|error| DomError::new("DataError", error.to_string()))
    }
}
