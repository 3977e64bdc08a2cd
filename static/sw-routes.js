// Appended to sw.js by `cargo xtask build`, before the wasm starts. A folder's
// `.owndir/routes.js` is CommonJS, and a service worker can neither import() nor
// importScripts() once installed, so the worker evaluates the source itself. Rust
// (sw/src/folder_routes.rs) decides which files to read, when to reload, which handler
// runs and what its answer means; these lines only run JavaScript.
self.OWNDIR_ROUTES = {
  /** Evaluates `entry` among `files` ({path: source}, paths inside the folder's `.owndir`)
   *  and returns its `module.exports`. `base` (the `.owndir` URL) names each file in
   *  stack traces. `require` reaches the other files by relative path. */
  load(base, files, entry) {
    const modules = new Map();
    const resolve = (dir, name) => {
      if (!/^\.\.?\//.test(name)) {
        throw new Error(`cannot require("${name}"): only files inside .owndir, by a relative path`);
      }
      const names = [];
      for (const part of (dir + name).split("/")) {
        if (part === "" || part === ".") continue;
        if (part !== "..") names.push(part);
        else if (names.pop() === undefined) throw new Error(`cannot require("${name}"): it leaves .owndir`);
      }
      const path = names.join("/");
      for (const candidate of [path, `${path}.js`, `${path}.json`, `${path}/index.js`]) {
        if (Object.hasOwn(files, candidate)) return candidate;
      }
      throw new Error(`cannot require("${name}") from ${base}${dir}: no such file`);
    };
    const run = (path) => {
      if (modules.has(path)) return modules.get(path).exports;
      const module = { exports: {} };
      modules.set(path, module);
      if (path.endsWith(".json")) {
        module.exports = JSON.parse(files[path]);
        return module.exports;
      }
      const dir = path.slice(0, path.lastIndexOf("/") + 1);
      // The wrapper opens on the source's first line, so line numbers stay the file's.
      const wrapped = `(function (module, exports, require, __filename, __dirname) {${files[path]}\n})\n//# sourceURL=${base}${path}`;
      let factory;
      try {
        factory = (0, eval)(wrapped);
      } catch (error) {
        if (error instanceof SyntaxError) {
          error.owndirFile = path;
          error.owndirSource = wrapped;
        }
        throw error;
      }
      factory.call(module.exports, module, module.exports, (name) => run(resolve(dir, name)), base + path, base + dir);
      return module.exports;
    };
    return run(entry);
  },

  /** Line and column of the syntax error in `wrapped`. A caught SyntaxError does not
   *  say where it is, but the `error` event of an uncaught one does: compile it once
   *  more outside any try, and listen. */
  syntaxErrorAt(wrapped) {
    return new Promise((resolve) => {
      const listener = (event) => {
        event.preventDefault();
        self.removeEventListener("error", listener);
        resolve([event.lineno, event.colno]);
      };
      self.addEventListener("error", listener);
      setTimeout(() => {
        setTimeout(() => {
          self.removeEventListener("error", listener);
          resolve(null);
        });
        (0, eval)(wrapped);
      });
    });
  },
};
