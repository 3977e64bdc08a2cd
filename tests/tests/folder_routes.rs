//! Each folder's `.owndir/routes.js`, run by the real worker over OPFS and over a directory
//! on disk: the OwnDir order, parameters and wildcards, handlers that read and write the
//! folder through `ctx.dir` (read back from the storage itself), a module changed behind
//! the worker, failures that stay inside their request, and the example notes app of
//! `examples/notes` driven end to end.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::cases::{A_ROUTES, AB_ROUTES, ROOT_ROUTES};
use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::{Value, json};

async fn trail(harness: &Harness) -> Result<Vec<String>> {
    let trail = harness.get("/trail").await?.json();
    let mut trail: Vec<String> = serde_json::from_value(trail).unwrap_or_default();
    // `/trail` passes the root's middleware on its way.
    assert_eq!(trail.pop().as_deref(), Some("root middleware /trail"));
    Ok(trail)
}

async fn middleware_runs_root_first_the_file_next_then_routes_deepest_first(backend: Backend) -> Result {
    let harness = Harness::connected_on(
        backend,
        &[
            (".owndir/routes.js", ROOT_ROUTES.as_bytes()),
            ("a/.owndir/routes.js", A_ROUTES.as_bytes()),
            ("a/b/.owndir/routes.js", AB_ROUTES.as_bytes()),
            ("a/file.txt", b"the file itself"),
            ("a/.owndir/static/logo.txt", b"a's static mount"),
            ("blocked/there.txt", b"never served"),
        ],
    )
    .await?;
    trail(&harness).await?;

    let hello = harness.get("/a/b/hello/sam").await?;
    assert_eq!((hello.status, hello.text()), (200, "a says hello to sam".to_owned()));
    assert_eq!(
        trail(&harness).await?,
        [
            "root middleware /a/b/hello/sam",
            "a middleware /b/hello/sam",
            "a/b middleware /hello/sam",
            "a/b route /hello/sam",
        ]
    );

    // The file comes before routes: a route cannot hide it.
    assert_eq!(harness.get("/a/file.txt").await?.text(), "the file itself");
    assert_eq!(trail(&harness).await?, ["root middleware /a/file.txt", "a middleware /file.txt"]);

    // A level's static mount answers before that level's middleware.
    assert_eq!(harness.get("/a/logo.txt").await?.text(), "a's static mount");
    assert_eq!(trail(&harness).await?, ["root middleware /a/logo.txt"]);

    // Middleware can answer before any file below it.
    let blocked = harness.get("/blocked/there.txt").await?;
    assert_eq!((blocked.status, blocked.text()), (403, "blocked by the root".to_owned()));
    assert_eq!(trail(&harness).await?, ["root middleware /blocked/there.txt"]);

    // Nothing answers: every level's routes ran, deepest first, then the 404.
    let missing = harness.get("/a/b/none").await?;
    assert_eq!(missing.status, 404);
    assert_eq!(
        trail(&harness).await?,
        [
            "root middleware /a/b/none",
            "a middleware /b/none",
            "a/b middleware /none",
            "a/b route /none",
            "root route /a/b/none",
        ]
    );
    harness.finish().await
}

async fn parameters_wildcards_and_methods_reach_the_handler(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[("a/.owndir/routes.js", A_ROUTES.as_bytes())]).await?;
    let files = harness.get("/a/files/x/y%20z.txt").await?.json();
    assert_eq!(files, json!({ "params": { "*": "x/y z.txt" }, "path": "/files/x/y z.txt" }));
    let echo = harness.fetch("/a/echo/42", json!({ "method": "POST", "body": "hi there" })).await?;
    assert_eq!(echo.json(), json!({ "id": "42", "body": "hi there", "method": "POST" }));
    // No route for PUT: the built-in saver's PUT answers, and `a/echo/` is no folder.
    let put = harness.fetch("/a/echo/42", json!({ "method": "PUT", "body": "x" })).await?;
    assert_eq!(put.status, 409, "{}", put.text());
    assert_eq!(harness.stored_dir("a/echo").await?, None, "nothing written");
    let patch = harness.fetch("/a/echo/42", json!({ "method": "PATCH", "body": "x" })).await?;
    assert_eq!((patch.status, patch.header("allow")), (405, Some("GET, HEAD, OPTIONS, PUT, DELETE")));
    // HEAD reaches a `get` entry.
    let head = harness.fetch("/a/files/q", json!({ "method": "HEAD" })).await?;
    assert_eq!(head.status, 200);
    harness.finish().await
}

async fn handlers_read_and_write_the_folder_through_ctx_dir(backend: Backend) -> Result {
    let routes = r#"
module.exports = { routes: [
  ["post", "/api/save/:name", async (request, ctx) => {
    const node = await ctx.dir.write(`data/${ctx.params.name}`, await request.text());
    return Response.json({ path: node.path, info: await ctx.dir.info(`data/${ctx.params.name}`) });
  }],
  ["get", "/api/list", async (request, ctx) => Response.json((await ctx.dir.children("data")).map((node) => node.path))],
  ["get", "/api/root", async (request, ctx) => new Response(await ctx.root.walk("top.txt").text())],
  ["get", "/api/escape", async (request, ctx) => new Response(await ctx.dir.walk("../../../top.txt").text())],
  ["post", "/api/owndir", async (request, ctx) => { await ctx.dir.write(".owndir/evil.js", "x"); return new Response("wrote"); }],
]};
"#;
    let harness =
        Harness::connected_on(backend, &[("app/.owndir/routes.js", routes.as_bytes()), ("top.txt", b"at the top")])
            .await?;
    let saved = harness.fetch("/app/api/save/one.txt", json!({ "method": "POST", "body": "first" })).await?;
    assert_eq!(saved.status, 200, "{}", saved.text());
    let saved = saved.json();
    assert_eq!(saved["path"], "app/data/one.txt");
    assert_eq!(saved["info"]["size"], 5);
    assert_eq!(harness.get("/app/data/one.txt").await?.text(), "first");
    assert_eq!(harness.stored_text("app/data/one.txt").await?.as_deref(), Some("first"));
    assert_eq!(harness.get("/app/api/list").await?.json(), json!(["app/data/one.txt"]));
    assert_eq!(harness.get("/app/api/root").await?.text(), "at the top");
    // `..` above the root stays at the root (docs/http.md).
    assert_eq!(harness.get("/app/api/escape").await?.text(), "at the top");
    // `.owndir` stays read-only to handlers as to pages.
    let refused = harness.fetch("/app/api/owndir", json!({ "method": "POST" })).await?;
    assert_eq!(refused.status, 500);
    assert!(refused.text().contains("cannot be written"), "{}", refused.text());
    let owndir = harness.stored_dir("app/.owndir").await?.unwrap_or_default();
    assert_eq!(owndir.into_keys().collect::<Vec<_>>(), ["routes.js"]);
    harness.finish().await
}

async fn a_changed_module_takes_effect_on_the_next_request(backend: Backend) -> Result {
    let version =
        |n: u32| format!("module.exports = {{ routes: [[\"get\", \"/v\", () => new Response(\"version {n}\")]] }};");
    let harness = Harness::connected_on(
        backend,
        &[("hot/.owndir/routes.js", version(1).as_bytes()), ("hot/.owndir/lib/word.js", b"module.exports = 'one';")],
    )
    .await?;
    assert_eq!(harness.get("/hot/v").await?.text(), "version 1");
    harness.seed(&[("hot/.owndir/routes.js", version(2).as_bytes())]).await?;
    assert_eq!(harness.get("/hot/v").await?.text(), "version 2");
    // A file the module requires counts as part of it.
    let required = "module.exports = { routes: [[\"get\", \"/w\", () => new Response(require('./lib/word'))]] };";
    harness.seed(&[("hot/.owndir/routes.js", required.as_bytes())]).await?;
    assert_eq!(harness.get("/hot/w").await?.text(), "one");
    harness.seed(&[("hot/.owndir/lib/word.js", b"module.exports = 'two';")]).await?;
    assert_eq!(harness.get("/hot/w").await?.text(), "two");
    // Removed: the folder has no handlers any more.
    harness.remove_stored("hot/.owndir").await?;
    assert_eq!(harness.get("/hot/w").await?.status, 404);
    harness.finish().await
}

async fn failures_are_500s_naming_file_and_line_and_touch_nothing_else(backend: Backend) -> Result {
    let throwing = "module.exports = { routes: [\n  [\"get\", \"/boom\", () => {\n    null.nothing;\n  }],\n  [\"get\", \"/reject\", async () => { throw new Error(\"refused\"); }],\n  [\"get\", \"/odd\", () => 42],\n  [\"get\", \"/never\", () => new Promise(() => {})],\n] };\n";
    let syntax = "// a note\nmodule.exports = {\n  routes: [[\"get\", \"/\", () => new Response(\"x\")]],,\n};\n";
    let top_level = "const helper = require('./helper');\nmodule.exports = { routes: [] };\n";
    let harness = Harness::connected_on(
        backend,
        &[
            ("bad/.owndir/routes.js", throwing.as_bytes()),
            ("syntax/.owndir/routes.js", syntax.as_bytes()),
            ("required/.owndir/routes.js", top_level.as_bytes()),
            ("required/.owndir/helper.js", b"\n\nundefinedFunction();\n"),
            ("shape/.owndir/routes.js", b"module.exports = { routes: [[\"get\", \"/*/x\", () => 1]] };"),
            (
                "good/.owndir/routes.js",
                b"module.exports = { routes: [[\"get\", \"/\", () => new Response(\"fine\")]] };",
            ),
            ("bad/plain.txt", b"still served"),
        ],
    )
    .await?;
    let error_of = |fetched: &owndir_e2e::Fetched| fetched.json()["error"].as_str().unwrap_or_default().to_owned();

    let boom = harness.get("/bad/boom").await?;
    assert_eq!(boom.status, 500);
    assert!(error_of(&boom).contains("/bad/.owndir/routes.js:3:"), "{}", error_of(&boom));
    assert!(error_of(&boom).contains("TypeError"), "{}", error_of(&boom));
    let rejected = harness.get("/bad/reject").await?;
    assert!(error_of(&rejected).contains("/bad/.owndir/routes.js:5:") && error_of(&rejected).contains("refused"));
    let odd = harness.get("/bad/odd").await?;
    assert!(error_of(&odd).contains("not a Response"), "{}", error_of(&odd));

    let syntax_error = harness.get("/syntax/").await?;
    assert_eq!(syntax_error.status, 500);
    assert!(error_of(&syntax_error).contains("/syntax/.owndir/routes.js:3:"), "{}", error_of(&syntax_error));
    assert!(error_of(&syntax_error).contains("SyntaxError"), "{}", error_of(&syntax_error));
    let required = harness.get("/required/").await?;
    assert!(error_of(&required).contains("/required/.owndir/helper.js:3:"), "{}", error_of(&required));
    let shape = harness.get("/shape/").await?;
    assert!(error_of(&shape).contains("routes[0]"), "{}", error_of(&shape));

    // A navigation gets a page that says the same.
    harness.open("/bad/boom").await?;
    let page = harness.value("document.body.innerText").await?;
    assert!(page.as_str().unwrap().contains("/bad/.owndir/routes.js:3:"), "{page}");

    // A handler that never settles: its request gets the 500 after 30 s, and the worker
    // answers everything else meanwhile.
    let started = std::time::Instant::now();
    harness.value("window.never = fetch('/bad/never').then(async (r) => [r.status, (await r.json()).error])").await?;

    // The worker lives on; other folders and the failing folder's own files are fine.
    assert_eq!(harness.get("/good/").await?.text(), "fine");
    assert_eq!(harness.get("/bad/plain.txt").await?.text(), "still served");
    assert_eq!(harness.get("/@/status").await?.json()["connected"], true);
    let never = harness.script("window.never.then(arguments[0])", vec![]).await?;
    assert_eq!(never[0], 500);
    let message = never[1].as_str().unwrap_or_default();
    assert!(message.contains("/bad/.owndir/routes.js") && message.contains("did not answer within 30 s"), "{message}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(29), "answered early: {:?}", started.elapsed());
    harness.finish().await
}

async fn a_module_that_cannot_load_keeps_its_folder_served(backend: Backend) -> Result {
    let broken = "module.exports = {\n  routes: [[\"get\", \"/hi\", () => new Response(\"hi\")]],,\n};\n";
    let child = "module.exports = { routes: [[\"get\", \"/\", () => new Response(\"the child app\")]] };";
    let files: &[(&str, &[u8])] = &[
        ("broken/.owndir/routes.js", broken.as_bytes()),
        ("broken/plain.txt", b"still served"),
        ("broken/docs/deep.md", b"# deep"),
        ("broken/.owndir/static/logo.txt", b"mounted"),
        ("broken/app/.owndir/routes.js", child.as_bytes()),
    ];
    let harness = Harness::connected_on(backend, files).await?;
    let worker = harness.devtools.attach_at("service_worker", &harness.origin).await?;
    harness.devtools.call("Runtime.enable", json!({}), Some(&worker)).await?;

    for _ in 0..2 {
        let plain = harness.get("/broken/plain.txt").await?;
        assert_eq!((plain.status, plain.text()), (200, "still served".to_owned()));
    }
    assert_eq!(harness.get("/broken/docs/deep.md").await?.text(), "# deep");
    assert_eq!(harness.get("/broken/logo.txt").await?.text(), "mounted");
    let listing = harness.fetch("/broken/docs/", json!({ "headers": { "Accept": "application/json" } })).await?;
    assert_eq!((listing.status, listing.json()[0]["name"].as_str()), (200, Some("deep.md")), "{}", listing.text());
    // A folder below with a module of its own runs it.
    assert_eq!(harness.get("/broken/app/").await?.text(), "the child app");

    // What only its handlers could answer gets the 500 that names the place.
    let route = harness.get("/broken/hi").await?;
    assert_eq!(route.status, 500);
    let error = route.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(error.contains("/broken/.owndir/routes.js:2:") && error.contains("SyntaxError"), "{error}");
    let post = harness.fetch("/broken/plain.txt", json!({ "method": "POST", "body": "x" })).await?;
    assert_eq!(post.status, 500);
    assert_eq!(harness.stored_text("broken/plain.txt").await?.as_deref(), Some("still served"));

    // One console error in the worker, however many requests met the module.
    let errors: Vec<String> = harness
        .devtools
        .events("Runtime.consoleAPICalled")
        .iter()
        .filter(|event| event["params"]["type"] == "error")
        .map(|event| event["params"]["args"][0]["value"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("/broken/.owndir/routes.js"), "{errors:?}");
    harness.finish().await
}

fn example_files() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/notes");
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                files.push((format!("notes/{relative}"), std::fs::read(&path).unwrap()));
            }
        }
    }
    files
}

async fn the_example_notes_app_lists_notes_and_keeps_a_journal(backend: Backend) -> Result {
    let files = example_files();
    let seeded: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())).collect();
    let harness = Harness::connected_on(backend, &seeded).await?;
    harness.open("/notes/").await?;
    harness.element("ul.notes").await?;
    let titles = harness.value("[...document.querySelectorAll('ul.notes a')].map((a) => a.textContent)").await?;
    let mut titles: Vec<String> = serde_json::from_value(titles).unwrap();
    titles.sort();
    assert_eq!(titles, ["Groceries", "Welcome to your notes"]);
    // A new note shows up on the next visit.
    harness.seed(&[("notes/ideas.md", b"# Ideas\n\n- a folder that is an app")]).await?;
    let notes = harness.get("/notes/api/notes").await?.json();
    assert_eq!(notes[0], json!({ "name": "ideas.md", "title": "Ideas" }), "newest first: {notes}");

    for entry in ["bought lemons", "  wrote   the ideas note "] {
        let posted = harness.fetch("/notes/api/journal", json!({ "method": "POST", "body": entry })).await?;
        assert_eq!(posted.status, 201, "{}", posted.text());
    }
    let empty = harness.fetch("/notes/api/journal", json!({ "method": "POST", "body": "  " })).await?;
    assert_eq!(empty.status, 400);
    let journal = harness.get("/notes/journal.log").await?.text();
    let lines: Vec<&str> = journal.lines().map(|line| line.split_once(' ').unwrap().1).collect();
    assert_eq!(lines, ["bought lemons", "wrote the ideas note"]);
    assert_eq!(harness.get("/notes/api/journal").await?.text(), journal);
    assert_eq!(harness.stored_text("notes/journal.log").await?.as_deref(), Some(journal.as_str()));
    // The page's own form adds an entry.
    harness.open("/notes/").await?;
    harness.element("#entry input").await?.send_keys("from the form").await.map_err(|error| error.to_string())?;
    harness.element("#entry button").await?.click().await.map_err(|error| error.to_string())?;
    harness
        .eventually("return document.getElementById('journal').textContent.includes('from the form')", "the entry")
        .await?;
    let stored = harness.stored_text("notes/journal.log").await?.unwrap_or_default();
    assert!(stored.starts_with(&journal) && stored.trim_end().ends_with(" from the form"), "{stored}");
    harness.screenshot("notes-example-phone", 390, 844, true).await?;
    // The file app still shows the folder's files.
    harness.open("/@/browse/notes/").await?;
    harness.element("tr[data-name='journal.log']").await?;
    let links: Value = harness.value("document.querySelectorAll('tr[data-name]').length").await?;
    assert_eq!(links, 4, "groceries, ideas, journal, welcome (dotfiles hidden)");
    // Its routes make it an app, which the file app offers.
    let offer = harness.element("#folder-app a").await?;
    assert_eq!(offer.attr("href").await.map_err(|error| error.to_string())?.as_deref(), Some("/notes/"));
    harness.finish().await
}

on_both_backends!(
    middleware_runs_root_first_the_file_next_then_routes_deepest_first,
    parameters_wildcards_and_methods_reach_the_handler,
    handlers_read_and_write_the_folder_through_ctx_dir,
    a_changed_module_takes_effect_on_the_next_request,
    failures_are_500s_naming_file_and_line_and_touch_nothing_else,
    a_module_that_cannot_load_keeps_its_folder_served,
    the_example_notes_app_lists_notes_and_keeps_a_journal,
);
