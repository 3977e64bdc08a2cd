//! OwnDir's own module format run by the real worker over OPFS: `.owndir/index.js`
//! exporting `{ O: { middleware, routes } }` with Express handlers, `this` the folder's
//! module, a child's module inheriting from its parent's; the module of OwnDir's routing
//! documentation unchanged; `examples/owndir-routing` end to end; and the failure rules
//! shared with `routes.js`.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Fetched, Harness, Result};
use serde_json::{Value, json};

/// The catch-all of OwnDir's `docs/server-routing.md`, as a folder app would hold it.
const DOCUMENTED: &str = r#"const { resolve } = require('path');

module.exports = {
  O: {
    routes: [ 
      ["all",
        "*", 
        function (request, response, next) { 
          response.sendFile(resolve(__dirname, 'index.html'))
        }]
    ]
  },
}
"#;

#[tokio::test]
async fn the_documented_module_runs_unchanged() -> Result {
    let harness = Harness::connected(&[
        ("site/.owndir/index.js", DOCUMENTED.as_bytes()),
        ("site/.owndir/index.html", b"<!doctype html><title>site</title><h1>the site's page</h1>"),
        ("site/notes.txt", b"a file is still a file"),
    ])
    .await?;
    for path in ["/site/", "/site/any/page", "/site/nothing.txt"] {
        let page = harness.get(path).await?;
        assert_eq!(page.status, 200, "{path}: {}", page.text());
        assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        assert!(page.text().contains("the site's page"), "{path}: {}", page.text());
    }
    assert_eq!(harness.get("/site/notes.txt").await?.text(), "a file is still a file");
    let posted = harness.fetch("/site/form", json!({ "method": "POST", "body": "x" })).await?;
    assert!(posted.text().contains("the site's page"), "`all` takes every method");
    harness.open("/site/").await?;
    assert_eq!(harness.value("document.querySelector('h1').textContent").await?, "the site's page");
    harness.finish().await
}

fn example_files(name: &str) -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(name);
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                files.push((format!("{name}/{relative}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    files
}

#[tokio::test]
async fn the_routing_example_walks_down_and_back_up() -> Result {
    let files = example_files("owndir-routing");
    let seeded: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())).collect();
    let harness = Harness::connected(&seeded).await?;
    let trail = harness.get("/owndir-routing/A/B/C/trail").await?.json();
    assert_eq!(
        trail["trail"],
        json!(["top folder: middleware", "A: middleware", "A/B: middleware", "A/B/C: middleware", "A/B/C: routes"])
    );
    assert_eq!(trail["greeting"], "Hello from the top folder, seen from owndir-routing/A/B/C");
    // Nothing deeper answers: back up through every folder's routes to the catch-all.
    let page = harness.get("/owndir-routing/A/B/elsewhere").await?;
    assert!(page.text().contains("<h1>OwnDir routing</h1>"), "{}", page.text());
    assert_eq!(harness.get("/owndir-routing/A/B/C/whoo.txt").await?.text(), "whoo\n");
    assert_eq!(harness.get("/owndir-routing/D/README.txt").await?.status, 200);
    let names = harness.get("/owndir-routing/api/files").await?.json();
    assert_eq!(names, json!([".owndir", "A", "D"]));
    // The module's state lasts between requests.
    let first = harness.get("/owndir-routing/api/visits").await?.json()["visits"].as_u64().unwrap();
    let second = harness.get("/owndir-routing/api/visits").await?.json()["visits"].as_u64().unwrap();
    assert_eq!(second, first + 1);

    harness.open("/owndir-routing/").await?;
    harness
        .eventually("return document.getElementById('trail').textContent.includes('A/B/C: routes')", "the trail")
        .await?;
    harness.eventually("return document.getElementById('files').textContent.includes('A, D')", "the files").await?;
    harness.finish().await
}

const APP: &str = r#"const helper = require("./lib/helper");
const path = require("path");
module.exports = {
  name: "the app module",
  O: {
    middleware: [
      ["all", "*", function (req, res, next) { req.user = "sam"; res.set("X-Seen-By", "app middleware"); next(); }],
    ],
    routes: [
      ["get", "/req/:id/*", function (req, res) {
        res.json({ method: req.method, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl,
          path: req.path, params: req.params, query: req.query, header: req.get("X-Custom"),
          headers: req.headers["x-custom"], user: req.user });
      }],
      ["post", "/body", function (req, res) { res.status(201).json({ body: req.body }); }],
      ["get", "/chain", function (req, res, next) { req.steps = ["one"]; next(); },
        function (req, res) { req.steps.push("two"); res.send(req.steps.join(",")); }],
      ["get", "/skip", function (req, res, next) { next("route"); }, function (req, res) { res.send("never"); }],
      ["get", "/skip", function (req, res) { res.send("the next entry"); }],
      ["get", "/this", function (req, res) {
        res.json({ name: this.name, directory: this.directory.path, O: this.O.directory.path, helper: helper(),
          join: path.join("a", "..", "b"), dirname: __dirname, filename: __filename });
      }],
      ["get", "/type", (req, res) => res.type("txt").send("plain")],
      ["get", "/html", (req, res) => res.send("<p>hi</p>")],
      ["get", "/redirect", (req, res) => res.redirect("/app/this")],
      ["get", "/end", (req, res) => res.status(204).end()],
      ["get", "/status", (req, res) => res.sendStatus(418)],
      ["get", "/file", (req, res) => res.sendFile("/app/data.txt")],
      ["get", "/relative-file", (req, res) => res.sendFile("data.txt", { root: "/app" })],
      ["get", "/missing-file", (req, res) => res.sendFile("/app/nope.txt")],
      ["get", "/next-error", (req, res, next) => next(new Error("passed to next"))],
      ["get", "/throws", function () { null.nothing; }],
      ["get", "/rejects", async function () { throw new Error("async refusal"); }],
      ["get", "/UPPER", (req, res) => res.send("case does not matter")],
      ["/shape", ["get", (req, res) => res.send("OwnDir's own entry shape")]],
      ["get", "/state", function (req, res) { this.count = (this.count || 0) + 1; res.json(this.count); }],
      ["post", "/write", async function (req, res) { await this.directory.write("out.txt", req.body); res.send("ok"); }],
    ],
  },
};
"#;

/// A module made by a function of the folder's FsNode, `this` inheriting from the app's.
const CHILD: &str = r#"module.exports = function (directory) {
  this.O = { routes: [["get", "/who", (req, res) => res.json({
    child: directory.name, inherited: this.name, user: req.user, seenBy: res.get("X-Seen-By") })]] };
};
"#;

async fn app() -> Result<Harness> {
    Harness::connected(&[
        ("app/.owndir/index.js", APP.as_bytes()),
        ("app/.owndir/lib/helper.js", b"module.exports = () => 'helped';"),
        ("app/data.txt", b"some data"),
        ("app/child/.owndir/index.js", CHILD.as_bytes()),
        ("app/both/.owndir/routes.js", b"module.exports = { routes: [[\"get\", \"/which\", () => new Response(\"routes.js\")]] };"),
        (
            "app/both/.owndir/index.js",
            b"module.exports = { O: { routes: [[\"get\", \"/which\", (q, s) => s.send(\"index.js\")], [\"get\", \"/only-index\", (q, s) => s.send(\"index.js alone\")]] } };",
        ),
        ("app/npm/.owndir/index.js", b"const _ = require('lodash');\nmodule.exports = { O: {} };\n"),
        ("app/npm/plain.txt", b"served anyway"),
        ("app/esm/.owndir/index.js", b"export default { O: {} };\n"),
    ])
    .await
}

fn error_of(fetched: &Fetched) -> String {
    fetched.json()["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn req_res_next_and_this_are_express_s_and_owndir_s() -> Result {
    let harness = app().await?;
    let seen = harness.fetch("/app/req/42/x/y%20z?a=1&a=2&b=3", json!({ "headers": { "X-Custom": "custom" } })).await?;
    assert_eq!(
        seen.json(),
        json!({
            "method": "GET", "url": "/req/42/x/y%20z?a=1&a=2&b=3", "originalUrl": "/app/req/42/x/y%20z?a=1&a=2&b=3",
            "baseUrl": "/app", "path": "/req/42/x/y%20z", "params": { "id": "42", "0": "x/y z" },
            "query": { "a": ["1", "2"], "b": "3" }, "header": "custom", "headers": "custom", "user": "sam"
        })
    );
    assert_eq!(seen.header("x-seen-by"), Some("app middleware"), "headers set by middleware stay on res");

    let bodies = [
        ("application/json", r#"{"n": 1}"#, json!({ "n": 1 })),
        ("application/x-www-form-urlencoded", "a=1&b=x+y&a=2", json!({ "a": ["1", "2"], "b": "x y" })),
        ("text/plain", "just text", json!("just text")),
        ("application/octet-stream", "bytes", json!({})),
    ];
    for (content_type, body, expected) in bodies {
        let init = json!({ "method": "POST", "body": body, "headers": { "Content-Type": content_type } });
        let posted = harness.fetch("/app/body", init).await?;
        assert_eq!((posted.status, posted.json()["body"].clone()), (201, expected), "{content_type}");
    }
    let bad = json!({ "method": "POST", "body": "{nope", "headers": { "Content-Type": "application/json" } });
    assert_eq!(harness.fetch("/app/body", bad).await?.status, 400);

    assert_eq!(harness.get("/app/chain").await?.text(), "one,two");
    assert_eq!(harness.get("/app/skip").await?.text(), "the next entry");
    assert_eq!(
        harness.get("/app/this").await?.json(),
        json!({ "name": "the app module", "directory": "app", "O": "app", "helper": "helped", "join": "b",
                "dirname": "/app/.owndir", "filename": "/app/.owndir/index.js" })
    );
    let typed = harness.get("/app/type").await?;
    assert_eq!((typed.header("content-type"), typed.text()), (Some("text/plain; charset=utf-8"), "plain".to_owned()));
    assert_eq!(harness.get("/app/html").await?.header("content-type"), Some("text/html; charset=utf-8"));
    let head = harness.fetch("/app/html", json!({ "method": "HEAD" })).await?;
    assert_eq!((head.status, head.text()), (200, String::new()));
    let redirected = harness.get("/app/redirect").await?;
    assert!(redirected.redirected && redirected.url.ends_with("/app/this"), "{}", redirected.url);
    assert_eq!(harness.get("/app/end").await?.status, 204);
    assert_eq!(harness.get("/app/status").await?.status, 418);
    let file = harness.get("/app/file").await?;
    assert_eq!((file.text(), file.header("content-type")), ("some data".to_owned(), Some("text/plain; charset=utf-8")));
    assert_eq!(harness.get("/app/relative-file").await?.text(), "some data");
    assert_eq!(harness.get("/app/missing-file").await?.status, 404);
    assert_eq!(harness.get("/app/upper").await?.text(), "case does not matter");
    assert_eq!(harness.get("/app/shape").await?.text(), "OwnDir's own entry shape");
    assert_eq!(harness.get("/app/state").await?.json(), 1);
    assert_eq!(harness.get("/app/state").await?.json(), 2, "the module keeps its state");
    let write = json!({ "method": "POST", "body": "from the module", "headers": { "Content-Type": "text/plain" } });
    assert_eq!(harness.fetch("/app/write", write).await?.text(), "ok");
    assert_eq!(harness.get("/app/out.txt").await?.text(), "from the module");

    // A child's module inherits from its parent's; req and res are the same objects.
    assert_eq!(
        harness.get("/app/child/who").await?.json(),
        json!({ "child": "child", "inherited": "the app module", "user": "sam", "seenBy": "app middleware" })
    );
    // routes.js and index.js side by side: ours first.
    assert_eq!(harness.get("/app/both/which").await?.text(), "routes.js");
    assert_eq!(harness.get("/app/both/only-index").await?.text(), "index.js alone");
    harness.finish().await
}

#[tokio::test]
async fn index_js_fails_as_routes_js_does() -> Result {
    let harness = app().await?;
    for (path, place, words) in [
        ("/app/next-error", "/app/.owndir/index.js:32:", "passed to next"),
        ("/app/throws", "/app/.owndir/index.js:33:", "TypeError"),
        ("/app/rejects", "/app/.owndir/index.js:34:", "async refusal"),
    ] {
        let failed = harness.get(path).await?;
        assert_eq!(failed.status, 500, "{path}");
        assert!(
            error_of(&failed).contains(place) && error_of(&failed).contains(words),
            "{path}: {}",
            error_of(&failed)
        );
    }
    // A module that cannot load: its folder's files are served, its routes are the 500.
    assert_eq!(harness.get("/app/npm/plain.txt").await?.text(), "served anyway");
    let npm = harness.get("/app/npm/x").await?;
    assert_eq!(npm.status, 500);
    assert!(error_of(&npm).contains("/app/npm/.owndir/index.js:1:"), "{}", error_of(&npm));
    assert!(error_of(&npm).contains("npm packages"), "{}", error_of(&npm));
    let esm = harness.get("/app/esm/x").await?;
    assert!(error_of(&esm).contains("ES module syntax"), "{}", error_of(&esm));
    // Everything else still works.
    assert_eq!(harness.get("/app/chain").await?.text(), "one,two");
    let value: Value = harness.get("/@/status").await?.json();
    assert_eq!(value["connected"], true);
    harness.finish().await
}
