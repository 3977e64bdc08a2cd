// The page's second wasm (app-extras/): its glue imported and its wasm started once, the
// first time a view needs it. A failed load is forgotten, so the next use tries again.
let extras;

export function loadExtras() {
  extras ??= import("/@/app/extras.js")
    .then(async (glue) => {
      await glue.default({ module_or_path: "/@/app/extras_bg.wasm" });
      return glue;
    })
    .catch((error) => {
      extras = undefined;
      throw error;
    });
  return extras;
}
