// Appended to sw.js by `cargo xtask build`, before the wasm starts. A folder's
// `.owndir/routes.js` is CommonJS, and a service worker can neither import() nor
// importScripts() once installed, so the worker evaluates the source itself. Rust
// (sw/src/folder_routes.rs) decides which files to read, when to reload, which handler
// runs and what its answer means; these lines only run JavaScript.

/** Node's `path` (POSIX) for module code, over paths in the folder: `/` is the folder's
 *  root, where `resolve` starts (Node starts at the process's working directory). */
const OWNDIR_PATH = (() => {
  const names = (path, absolute) => {
    const kept = [];
    for (const name of String(path).split("/")) {
      if (name === "" || name === ".") continue;
      if (name !== "..") kept.push(name);
      else if (kept.length && kept[kept.length - 1] !== "..") kept.pop();
      else if (!absolute) kept.push("..");
    }
    return kept;
  };
  const path = {
    sep: "/",
    delimiter: ":",
    isAbsolute: (p) => String(p).startsWith("/"),
    normalize(p) {
      const text = String(p);
      const absolute = text.startsWith("/");
      let out = names(text, absolute).join("/") || (absolute ? "" : ".");
      if (text.endsWith("/") && out && out !== ".") out += "/";
      return (absolute ? "/" : "") + out;
    },
    join: (...parts) => path.normalize(parts.filter((part) => part !== "").join("/") || "."),
    resolve(...parts) {
      let joined = "";
      for (let i = parts.length - 1; i >= 0 && !joined.startsWith("/"); i--) {
        if (parts[i]) joined = `${parts[i]}/${joined}`;
      }
      return "/" + names(joined, true).join("/");
    },
    dirname(p) {
      const trimmed = String(p).replace(/(.)\/+$/, "$1");
      const at = trimmed.lastIndexOf("/");
      return at < 0 ? "." : at === 0 ? "/" : trimmed.slice(0, at);
    },
    basename(p, extension) {
      const name = String(p).replace(/\/+$/, "").split("/").pop();
      return extension && name !== extension && name.endsWith(extension) ? name.slice(0, -extension.length) : name;
    },
    extname(p) {
      const name = path.basename(p);
      const at = name.lastIndexOf(".");
      return at > 0 ? name.slice(at) : "";
    },
    relative(from, to) {
      const [a, b] = [names(path.resolve(from), true), names(path.resolve(to), true)];
      let same = 0;
      while (same < a.length && same < b.length && a[same] === b[same]) same++;
      return [...a.slice(same).map(() => ".."), ...b.slice(same)].join("/");
    },
  };
  path.posix = path;
  return path;
})();

self.OWNDIR_ROUTES = {
  /** Evaluates `entry` among `files` ({path: source}, paths inside the folder's `.owndir`)
   *  and returns its `module.exports`. `base` (the `.owndir` URL) names each file in
   *  stack traces; `owndir` (the `.owndir` as a path in the folder, `/a/.owndir`) is where
   *  `__dirname` and `__filename` point. `require` reaches the other files by relative
   *  path, and Node's `path`. */
  load(base, owndir, files, entry) {
    const modules = new Map();
    const resolve = (dir, name) => {
      if (!/^\.\.?\//.test(name)) {
        throw new Error(
          `cannot require("${name}"): npm packages and Node's modules are out of reach in the worker; ` +
            `require files inside .owndir by a relative path (and "path")`,
        );
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
          if (/^\s*(import|export)\b/m.test(files[path])) {
            error.message += " (import and export are ES module syntax; modules here are CommonJS: require and module.exports)";
          }
        }
        throw error;
      }
      const require = (name) => (name === "path" || name === "node:path" ? OWNDIR_PATH : run(resolve(dir, name)));
      const filename = `${owndir}/${path}`;
      factory.call(module.exports, module, module.exports, require, filename, OWNDIR_PATH.dirname(filename));
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
