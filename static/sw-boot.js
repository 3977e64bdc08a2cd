// Appended by `cargo xtask build` after the wasm-bindgen glue and OWNDIR_WASM (the
// worker's wasm, base64). Instantiating synchronously here means Rust adds the
// install/activate/fetch listeners during the script's first evaluation, which Chrome
// requires, and a cold or offline start needs no network. `Uint8Array.fromBase64`
// (Chrome 140+) decodes in well under a millisecond where the atob loop took ~90 ms of
// every cold start (BENCHMARKS.md); older browsers take the loop.
const OWNDIR_WASM_BYTES = Uint8Array.fromBase64
  ? Uint8Array.fromBase64(OWNDIR_WASM)
  : Uint8Array.from(atob(OWNDIR_WASM), (c) => c.charCodeAt(0));
wasm_bindgen.initSync({ module: OWNDIR_WASM_BYTES });
