//! The page's code that only some views need, in a second wasm: Markdown rendered to
//! HTML, and the conflict view's line diff. The page loads it the first time one of those
//! views is shown (`app/src/extras.rs`), so the wasm every start loads carries neither
//! pulldown-cmark nor the diff. What they decide is `owndir_view`'s, tested there; this
//! crate only hands it across.

use owndir_core::SafePath;
use wasm_bindgen::prelude::*;

/// `source` as HTML that is safe to put in the page (`owndir_view::markdown::render`).
/// `directory` is the Markdown file's directory, `/`-separated (empty for the root).
#[wasm_bindgen]
pub fn render_markdown(source: &str, directory: &str) -> Result<String, JsValue> {
    let directory = SafePath::parse(directory).map_err(|error| JsValue::from_str(&error.to_string()))?;
    Ok(owndir_view::markdown::render(source, &directory))
}

/// The rows of `left` and `right` side by side (`owndir_view::conflict::side_by_side`),
/// as serde-wasm-bindgen writes them, for the page to read back.
#[wasm_bindgen]
pub fn diff_rows(left: &str, right: &str) -> Result<JsValue, JsValue> {
    let rows = owndir_view::conflict::side_by_side(left, right);
    serde_wasm_bindgen::to_value(&rows).map_err(Into::into)
}
