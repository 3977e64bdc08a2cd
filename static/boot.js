// Loads the page's wasm; everything else is Rust (app/).
import init from "/@/app/app.js";

init({ module_or_path: "/@/app/app_bg.wasm" });
