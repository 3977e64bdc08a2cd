// /@/fsnode.js: OwnDir's FsNode interface for folder apps, over the worker's /@/fs API
// (docs/http.md). Paths are relative to the connected folder's root; `..` above the
// root stays at the root. A failed call rejects with the API's error object
// ({success: false, status, error}), a plain object as OwnDir's FsNode rejects with.

const API = "/@/fs";

/** `path` resolved against `base`: absolute ones from the root; never above it. */
function resolvePath(base, path) {
  const text = String(path ?? "");
  const names = text.startsWith("/") ? [] : base.split("/").filter(Boolean);
  for (const name of text.split("/")) {
    if (name === "" || name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
  }
  return names.join("/");
}

function apiUrl(path, call, params = {}) {
  const query = new URLSearchParams({ call });
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const encoded = path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
  return `${API}/${encoded}?${query}`;
}

const failures = new WeakSet();

/** A failed call: the API's `{success, status, error}`, a plain object as OwnDir's is, so
 *  that it compares equal to OwnDir's (lodash's isEqual, say). Where the call was made
 *  (`stack`) and `toString` are there too, not enumerable, so comparisons skip them. */
function failure({ status, error }) {
  const failed = { success: false, status, error };
  Object.defineProperties(failed, {
    stack: { value: new Error(error).stack },
    toString: { value: () => `FsNodeError: ${error}` },
  });
  failures.add(failed);
  return failed;
}

/** `error instanceof FsNodeError` tells a failed call's object from any other error. */
export const FsNodeError = Object.freeze({ [Symbol.hasInstance]: (value) => failures.has(value) });

async function call(path, name, { method = "GET", params, body, headers } = {}) {
  const response = await fetch(apiUrl(path, name, params), { method, body, headers });
  if (!response.ok) {
    let failed;
    try {
      failed = await response.json();
    } catch {
      failed = { status: response.status, error: response.statusText };
    }
    throw failure(failed);
  }
  return response;
}

function isData(value) {
  return typeof value === "string" || value instanceof Blob || value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) || value instanceof ReadableStream;
}

/** A request body: streams become a Blob (Chrome keeps large ones on disk), since a
 *  streaming request body needs HTTP/2 and pages reach the worker over HTTP/1.1. */
async function asBody(data) {
  return data instanceof ReadableStream ? await new Response(data).blob() : data;
}

export class FsNode {
  constructor(path = "") {
    const relativePath = resolvePath("", path);
    this.path = relativePath;
    this.relativePath = relativePath;
    this.absolutePath = "/" + relativePath;
    this.name = relativePath.split("/").pop() ?? "";
  }

  walk(path) {
    return new FsNode(resolvePath(this.path, path));
  }

  get parent() {
    return this.walk("..");
  }

  get root() {
    return new FsNode("");
  }

  #at(path) {
    return path === undefined || path === null ? this : this.walk(path);
  }

  async #mutate(name, { params, body, headers, method = "POST" } = {}) {
    const response = await call(this.path, name, { method, params, body, headers });
    const { path } = await response.json();
    return this.root.walk(path);
  }

  async #entries(path) {
    const node = this.#at(path);
    const rows = await (await call(node.path, "children", { params: { info: 1 } })).json();
    return rows.map((row) => [node.walk(row.name), row]);
  }

  async info(path) {
    return (await call(this.#at(path).path, "info")).json();
  }

  async children(path) {
    const node = this.#at(path);
    const names = await (await call(node.path, "children")).json();
    return names.map((name) => node.walk(name));
  }

  /** The child files, from one request. */
  async files(path) {
    return (await this.#entries(path)).filter(([, row]) => row.isFile).map(([node]) => node);
  }

  /** The child folders, from one request. */
  async folders(path) {
    return (await this.#entries(path)).filter(([, row]) => row.isDirectory).map(([node]) => node);
  }

  /** read([path], start, end): the bytes from `start` to `end` (inclusive), as a
   *  ReadableStream. */
  async read(path, start, end) {
    if (typeof path === "string") return this.walk(path).read(start, end);
    [start, end] = [path, start];
    return (await call(this.path, "read", { params: { start, end } })).body;
  }

  async readAll(path) {
    return new Uint8Array(await (await call(this.#at(path).path, "read")).arrayBuffer());
  }

  async text(encoding = "utf-8") {
    return new TextDecoder(encoding).decode(await this.readAll());
  }

  /** write(data, opts) or write(path, data, opts). `opts.flags`: "w" (replace, the
   *  default) or "a" (append); `opts.ifMatch`: an ETag the file must still have. */
  async write(path, data, opts) {
    if (isData(data)) return this.walk(path).write(data, opts);
    [data, opts] = [path, data];
    const headers = opts?.ifMatch ? { "If-Match": opts.ifMatch } : undefined;
    return this.#mutate("write", { method: "PUT", params: { flags: opts?.flags }, body: await asBody(data), headers });
  }

  async touch(path) {
    return this.#at(path).#mutate("touch");
  }

  async makeDir(path) {
    return this.#at(path).#mutate("makeDir");
  }

  /** Moves this to `destination` (relative to the parent, or absolute from the root);
   *  `opts.overwrite` replaces an existing file. */
  async move(destination, opts) {
    return this.#mutate("move", { params: { to: destination, overwrite: opts?.overwrite ? "true" : undefined } });
  }

  async delete(path) {
    return this.#at(path).#mutate("delete");
  }

  // OwnDir's permission checks: everything reads; `.owndir` (and Chrome's swap files)
  // never take writes.
  async canRead() {
    return true;
  }

  async canReadAll() {
    return true;
  }

  async canWrite() {
    return !this.path.split("/").some((name) => name === ".owndir" || name.endsWith(".crswap"));
  }

  async canWriteAll() {
    return this.canWrite();
  }

  /** sub([events], [paths], listener, [opts]): calls listener(event, node) for each change
   *  at or under this node (or each of `paths` under it): "add", "addDir", "change",
   *  "unlink", "unlinkDir" (`events` a name or a list; "all", the default, is those five),
   *  whether made through the API or outside it; "ready" once each stream is open. Of
   *  chokidar's `opts`, `depth` is kept (how many levels of subdirectories to follow; 0,
   *  the node's own entries). Returns the unsubscribe function. Streams reconnect by
   *  themselves (EventSource and Last-Event-ID), so a worker restart loses nothing. */
  sub(...args) {
    const at = args.findIndex((arg) => typeof arg === "function");
    if (at < 0) throw new TypeError("sub needs a listener function");
    const listener = args[at];
    const [events, paths] = args.slice(0, at);
    // chokidar takes any number; the API, whole levels (anything else: the whole tree).
    const asked = args[at + 1]?.depth;
    const depth = Number.isInteger(asked) && asked >= 0 ? asked : undefined;
    const wanted = [].concat(events ?? []);
    // chokidar's "ready" comes when a stream opens; its "raw" and "error" never come here.
    const kinds = wanted.filter((name) => !["ready", "raw", "error"].includes(name));
    const ready = wanted.includes("ready");
    const nodes = paths && paths.length ? [].concat(paths).map((path) => this.walk(path)) : [this];
    let closed = false;
    const sources = [];
    if (wanted.length && !kinds.length) {
      if (ready) queueMicrotask(() => nodes.forEach((node) => closed || listener("ready", node)));
      return () => (closed = true);
    }
    const names = kinds.length ? kinds.join(",") : undefined;
    const open = (node, index, since) => {
      const source = new EventSource(apiUrl(node.path, "sub", { events: names, since, depth }));
      if (ready && since === undefined) {
        source.onopen = () => {
          source.onopen = null;
          listener("ready", node);
        };
      }
      let last = since;
      source.onmessage = (message) => {
        last = message.lastEventId || last;
        const { event, path } = JSON.parse(message.data);
        listener(event, this.root.walk(path));
      };
      // A stream cut by a worker restart closes the EventSource for good (Chrome): open
      // a new one that says where this one stopped.
      source.onerror = () => {
        if (source.readyState === EventSource.CLOSED && !closed) {
          setTimeout(() => closed || open(node, index, last), 1000);
        }
      };
      sources[index] = source;
    };
    nodes.forEach((node, index) => open(node, index, undefined));
    return () => {
      closed = true;
      sources.forEach((source) => source.close());
    };
  }
}

export const root = new FsNode("");
