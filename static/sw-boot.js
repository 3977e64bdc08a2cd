// Appended by `cargo xtask build` after the wasm-bindgen glue and OWNDIR_WASM (the
// worker's wasm, base64). Instantiating synchronously here means Rust adds the
// install/activate/fetch listeners during the script's first evaluation, which Chrome
// requires, and a cold or offline start needs no network.
wasm_bindgen.initSync({ module: Uint8Array.from(atob(OWNDIR_WASM), (c) => c.charCodeAt(0)) });
