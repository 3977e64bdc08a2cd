// Appended to sw.js by `cargo xtask build`, after sw-routes.js. OwnDir's own module
// format (`.owndir/index.js`) holds Express handlers; these lines make OwnDir's module
// object and the `req`, `res` and `next` its handlers are called with. Rust
// (sw/src/folder_modules.rs, sw/src/folder_routes.rs) decides which modules load, which
// handlers a request meets, how its body is read and what an answer means.
self.OWNDIR_EXPRESS = {
  /** OwnDir's module object for a folder from what its index.js exported: the object
   *  itself, or what a function makes of the folder's FsNode (`new`, or a call for an
   *  arrow function; a promise is awaited). It inherits from `parent` (the nearest
   *  folder above with a module), and owns `O` with `directory`, `middleware`, `routes`,
   *  `parent` and `module`; `directory` is also on the module itself. */
  async instantiate(exported, parent, directory) {
    let module = exported;
    if (typeof exported === "function") {
      const inherit = function () {};
      inherit.prototype = parent ?? Object.prototype;
      try {
        module = Reflect.construct(exported, [directory], inherit);
      } catch (error) {
        if (!(error instanceof TypeError && /not a constructor/.test(error.message))) throw error;
        module = exported.call(Object.create(inherit.prototype), directory);
      }
    }
    module = await module;
    if (module === null || typeof module !== "object") {
      throw new TypeError("index.js must export an object, or a function that makes one");
    }
    OWNDIR_EXPRESS.adopt(module, parent);
    if (!Object.hasOwn(module, "O")) module.O = {};
    const O = module.O;
    Object.assign(O, { module, owndir: module, directory, path: directory.absolutePath });
    O.middleware ??= [];
    O.routes ??= [];
    module.directory = directory;
    return module;
  },

  /** Makes `module` inherit from `parent` (which may have been loaded anew since). */
  adopt(module, parent) {
    const above = parent ?? Object.prototype;
    if (Object.getPrototypeOf(module) !== above) Object.setPrototypeOf(module, above);
    if (Object.hasOwn(module, "O")) module.O.parent = parent ?? null;
  },

  /** The `req` and `res` of one request, shared by every OwnDir handler it meets, as
   *  Express shares them across middleware. `body` is how to read the body ("json",
   *  "text", "form" or "none"); `helpers.contentType(name)` is the core's type for a file
   *  name; `helpers.fetch` reaches the worker's own /@/fs API. */
  exchange(request, body, helpers) {
    const url = new URL(request.url);
    const query = {};
    for (const [name, value] of url.searchParams) {
      query[name] = Object.hasOwn(query, name) ? [].concat(query[name], value) : value;
    }
    const headers = Object.fromEntries(request.headers);
    const get = (name) => {
      const lower = String(name).toLowerCase();
      return headers[lower === "referrer" ? "referer" : lower];
    };
    const req = {
      method: request.method,
      originalUrl: url.pathname + url.search,
      url: url.pathname + url.search,
      baseUrl: "",
      path: url.pathname,
      params: {},
      query,
      headers,
      get,
      header: get,
      body: {},
      hostname: url.hostname,
      protocol: url.protocol.slice(0, -1),
      secure: url.protocol === "https:",
      // The Fetch request, for a body no parser takes (its bytes are still there).
      request,
    };
    const exchange = { req, search: url.search, answered: null, bodyKind: body, bodyRead: null, helpers };
    exchange.res = OWNDIR_EXPRESS.response(exchange);
    return exchange;
  },

  /** Runs one entry's `handlers` with `this` = `module`: resolves with the Response one
   *  of them gave, or undefined when the last called `next()` (or any `next("route")`);
   *  rejects with what one threw, its promise rejected with, or `next(error)`. */
  async run(handlers, module, exchange, place) {
    const { req } = exchange;
    Object.assign(req, { params: place.params, path: place.path, baseUrl: place.baseUrl });
    req.url = place.path + exchange.search;
    exchange.bodyRead ??= OWNDIR_EXPRESS.readBody(exchange);
    const unreadable = await exchange.bodyRead;
    if (unreadable) return unreadable;
    return new Promise((resolve, reject) => {
      exchange.answer = resolve;
      exchange.fail = reject;
      let index = 0;
      const next = (error) => {
        if (exchange.answered) return;
        if (error === "route" || error === "router") return resolve(undefined);
        if (error !== undefined && error !== null) return reject(error);
        // Error handlers (four arguments) only take errors, which end the request here.
        while (index < handlers.length && handlers[index].length === 4) index++;
        if (index >= handlers.length) return resolve(undefined);
        const handler = handlers[index++];
        try {
          const returned = handler.call(module, req, exchange.res, next);
          if (returned && typeof returned.then === "function") returned.then(undefined, reject);
        } catch (error) {
          reject(error);
        }
      };
      next();
    });
  },

  /** Reads `req.body` once per request, from a copy so that the request keeps its bytes
   *  for the handlers after. Resolves with nothing, or a 400 Response for a body that is
   *  not what its type says. */
  async readBody(exchange) {
    const { req, bodyKind } = exchange;
    if (bodyKind === "none") return undefined;
    const text = await req.request.clone().text();
    if (bodyKind === "text") req.body = text;
    else if (bodyKind === "form") {
      const form = {};
      for (const [name, value] of new URLSearchParams(text)) {
        form[name] = Object.hasOwn(form, name) ? [].concat(form[name], value) : value;
      }
      req.body = form;
    } else {
      try {
        req.body = text.trim() === "" ? {} : JSON.parse(text);
      } catch (error) {
        const message = `the request body is not JSON: ${error.message}`;
        return Response.json({ success: false, status: 400, error: message }, { status: 400 });
      }
    }
    return undefined;
  },

  /** Express's `res` over a Fetch Response made when the handler ends it. */
  response(exchange) {
    const headers = new Headers();
    const { helpers } = exchange;
    const finish = (body) => {
      if (exchange.answered) throw new Error("the response was already sent");
      const empty = exchange.req.method === "HEAD" || [204, 304].includes(res.statusCode);
      exchange.answered = new Response(empty ? null : body ?? null, { status: res.statusCode, headers });
      res.headersSent = true;
      exchange.answer(exchange.answered);
      return res;
    };
    const res = {
      statusCode: 200,
      headersSent: false,
      locals: {},
      status(code) {
        res.statusCode = code;
        return res;
      },
      set(field, value) {
        if (typeof field === "object") {
          for (const [name, each] of Object.entries(field)) res.set(name, each);
        } else {
          headers.set(field, Array.isArray(value) ? value.join(", ") : String(value));
        }
        return res;
      },
      header: (field, value) => res.set(field, value),
      get: (field) => headers.get(field) ?? undefined,
      append(field, value) {
        for (const each of [].concat(value)) headers.append(field, String(each));
        return res;
      },
      type: (type) => res.set("Content-Type", type.includes("/") ? type : helpers.contentType(`x.${type.replace(/^\./, "")}`)),
      location: (url) => res.set("Location", url === "back" ? exchange.req.get("referer") || "/" : url),
      send(body) {
        if (body !== null && typeof body === "object" && !(body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof ReadableStream)) {
          return res.json(body);
        }
        if (!headers.has("Content-Type")) {
          if (typeof body === "string") res.set("Content-Type", "text/html; charset=utf-8");
          else if (body !== null && body !== undefined) res.set("Content-Type", "application/octet-stream");
        }
        return finish(typeof body === "number" || typeof body === "boolean" ? String(body) : body);
      },
      json(value) {
        if (!headers.has("Content-Type")) res.set("Content-Type", "application/json; charset=utf-8");
        return finish(JSON.stringify(value) ?? "");
      },
      end: (data) => finish(data),
      sendStatus(code) {
        res.status(code).set("Content-Type", "text/plain; charset=utf-8");
        return finish(String(code));
      },
      redirect(status, url) {
        if (url === undefined) [status, url] = [302, status];
        res.status(status).location(url).set("Content-Type", "text/plain; charset=utf-8");
        return finish(`Redirecting to ${headers.get("Location")}`);
      },
      /** A file of the folder: `path` from the folder's root (or relative to
       *  `options.root`), as `__dirname` and `path.resolve` give them. */
      sendFile(path, options, callback) {
        if (typeof options === "function") [callback, options] = [options, {}];
        const root = options?.root;
        if (!root && !OWNDIR_PATH.isAbsolute(path)) {
          throw new TypeError("path must be absolute or specify root to res.sendFile");
        }
        const target = OWNDIR_PATH.resolve(root ?? "/", path);
        const encoded = target.split("/").map(encodeURIComponent).join("/");
        helpers.fetch(`/@/fs${encoded}?call=read`).then((file) => {
          if (file.ok) {
            for (const [name, value] of file.headers) if (!headers.has(name)) headers.set(name, value);
          } else {
            res.status(file.status);
            headers.set("Content-Type", "application/json; charset=utf-8");
          }
          finish(file.body);
          if (callback) callback(file.ok ? undefined : Object.assign(new Error(`${target}: ${file.status}`), { status: file.status }));
        }, exchange.fail);
      },
    };
    return res;
  },
};
