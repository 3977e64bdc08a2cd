//! Firefox (issue 19): folder content through the worker on OPFS — awkward names and their
//! types, listings and redirects, static mounts and folder-app frames, ranges, conditional
//! requests, hostile paths and traversal attacks — each folder's `routes.js`, and `PUT`
//! saves. The cases are the Chromium suite's (`owndir_e2e::cases`).

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::SafePath;
use owndir_e2e::Result;
use owndir_e2e::cases::{
    A_ROUTES, AB_ROUTES, HOSTILE_PATHS, MOUNT_TREE, RANGE_CASES, ROOT_ROUTES, TYPED_FILES, traversal_attacks,
};
use owndir_e2e::firefox::Firefox;
use serde_json::{Value, json};

#[tokio::test]
async fn files_with_awkward_names_listings_redirects_and_hostile_paths() -> Result {
    let files: Vec<(&str, &[u8])> = TYPED_FILES.iter().map(|(path, bytes, _)| (*path, *bytes)).collect();
    let firefox = Firefox::connected(&files).await?;
    for (path, bytes, content_type) in TYPED_FILES {
        let url = SafePath::parse(path).unwrap().to_url();
        let answer = firefox.get(&url).await?;
        assert_eq!(answer.status, 200, "{url}");
        assert_eq!(answer.body, *bytes, "{url}");
        assert_eq!(answer.header("content-type"), Some(*content_type), "{url}");
        assert_eq!(answer.header("content-length"), Some(bytes.len().to_string().as_str()), "{url}");
        assert!(answer.header("etag").is_some_and(|etag| etag.starts_with('"')), "{url}");
        assert!(answer.header("last-modified").is_some(), "{url}");
    }
    let head = firefox.fetch("/hello.txt", json!({ "method": "HEAD" })).await?;
    assert_eq!((head.status, head.body.len(), head.header("content-length")), (200, 0, Some("14")));
    let missing = firefox.get("/missing.txt").await?;
    assert_eq!((missing.status, &missing.json()["success"]), (404, &json!(false)));

    let listing = firefox.fetch("/sub%20dir", json!({ "headers": { "Accept": "application/json" } })).await?;
    assert!(listing.redirected && listing.url.ends_with("/sub%20dir/"), "{}", listing.url);
    let listed = listing.json();
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["#hash?%+.md", "a b.txt"]);

    for &(path, status) in HOSTILE_PATHS {
        let answer = firefox.get(path).await?;
        assert_eq!(answer.status, status, "{path}: {}", answer.text());
        assert_eq!(answer.json()["success"], false, "{path}");
    }
    assert_eq!(firefox.get(&format!("/{}", "a".repeat(256))).await?.status, 400);
    assert_eq!(firefox.get("/hello.txt").await?.status, 200);

    // The app lists the folder and follows a folder link with a non-ASCII name.
    firefox.open("/%E6%97%A5%E6%9C%AC%E8%AA%9E/").await?;
    let link = firefox.element("table.listing td.name a").await?;
    assert_eq!(link.text().await.map_err(|error| error.to_string())?, "😀 e\u{301}.txt");
    firefox.finish().await
}

/// Fetches every URL of `arguments[0]` from the page, eight at a time: `[status, body]`.
const FETCH_ALL: &str = r#"
const [urls, done] = arguments;
(async () => {
  const results = new Array(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      const response = await fetch(urls[index]);
      results[index] = [response.status, await response.text()];
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return results;
})().then(done, (error) => done(String(error)));
"#;

#[tokio::test]
async fn mounts_frames_ranges_conditionals_and_traversal_attacks() -> Result {
    let firefox = Firefox::connected(MOUNT_TREE).await?;
    assert_eq!(firefox.get("/a/page.txt").await?.text(), "root mount");
    assert_eq!(firefox.get("/b/page.txt").await?.text(), "b's mount");
    assert_eq!(firefox.get("/inner/deeper/file.txt").await?.text(), "inside");

    for (range, status, body, content_range) in RANGE_CASES {
        let answer = firefox.fetch("/digits.txt", json!({ "headers": { "Range": range } })).await?;
        assert_eq!(answer.status, *status, "{range}");
        assert_eq!(answer.header("content-range"), *content_range, "{range}");
        if *status != 416 {
            assert_eq!(answer.text(), *body, "{range}");
            assert_eq!(answer.header("content-length"), Some(body.len().to_string().as_str()), "{range}");
        }
    }

    let first = firefox.get("/digits.txt").await?;
    let etag = first.header("etag").unwrap().to_owned();
    let last_modified = first.header("last-modified").unwrap().to_owned();
    let conditional = |headers: Value| json!({ "cache": "no-store", "headers": headers });
    let answer = firefox.fetch("/digits.txt", conditional(json!({ "If-None-Match": etag }))).await?;
    assert_eq!(answer.status, 304);
    let answer = firefox.fetch("/digits.txt", conditional(json!({ "If-Modified-Since": last_modified }))).await?;
    assert_eq!(answer.status, 304);
    let answer = firefox.fetch("/digits.txt", conditional(json!({ "If-Match": "\"stale\"" }))).await?;
    assert_eq!(answer.status, 412);
    let ranged = |validator: &str| json!({ "headers": { "Range": "bytes=0-1", "If-Range": validator } });
    let fresh = firefox.fetch("/digits.txt", ranged(&etag)).await?;
    assert_eq!((fresh.status, fresh.text().as_str()), (206, "01"));
    let stale = firefox.fetch("/digits.txt", ranged("\"stale\"")).await?;
    assert_eq!((stale.status, stale.text().as_str()), (200, "0123456789"));

    let attacks = traversal_attacks();
    let urls: Vec<String> = attacks.iter().map(|attack| format!("{}{attack}", firefox.origin)).collect();
    let results = firefox.script(FETCH_ALL, vec![json!(urls)]).await?;
    let results = results.as_array().unwrap_or_else(|| panic!("{results}"));
    let through: Vec<String> = attacks
        .iter()
        .zip(results)
        .filter(|(_, result)| {
            let (status, body) = (result[0].as_u64().unwrap(), result[1].as_str().unwrap());
            !(400..500).contains(&status) || body.contains("inside") || body.contains("0123")
        })
        .map(|(attack, result)| format!("{attack} → {result}"))
        .collect();
    assert!(through.is_empty(), "{} of {} attacks got through: {through:#?}", through.len(), attacks.len());
    assert_eq!(firefox.get("/digits.txt").await?.status, 200);

    // A folder with a static index is its own app, also for missing paths below it.
    firefox.open("/a/").await?;
    firefox.element("h1").await?;
    assert_eq!(firefox.client.title().await.map_err(|error| error.to_string())?, "a's app");
    assert_eq!(firefox.fetch("/a/missing/", json!({ "mode": "same-origin" })).await?.status, 404);
    firefox.open("/a/missing/deeper").await?;
    firefox.element("h1").await?;
    assert_eq!(firefox.client.title().await.map_err(|error| error.to_string())?, "a's app");
    firefox.finish().await
}

/// Reads `path` through the worker and straight from OPFS, and checks both hold `bytes`.
async fn assert_written(firefox: &Firefox, path: &str, bytes: &[u8]) -> Result {
    let served = firefox.get(&SafePath::parse(path).unwrap().to_url()).await?;
    assert_eq!((served.status, served.body.len()), (200, bytes.len()), "{path}");
    assert!(served.body == bytes, "{path} through the worker differs");
    assert!(firefox.opfs_bytes(path).await?.as_deref() == Some(bytes), "{path} in OPFS differs");
    Ok(())
}

async fn trail(firefox: &Firefox) -> Result<Vec<String>> {
    let mut trail: Vec<String> = serde_json::from_value(firefox.get("/trail").await?.json()).unwrap_or_default();
    assert_eq!(trail.pop().as_deref(), Some("root middleware /trail"));
    Ok(trail)
}

const CTX_ROUTES: &str = r#"
module.exports = { routes: [
  ["post", "/api/save/:name", async (request, ctx) => {
    const node = await ctx.dir.write(`data/${ctx.params.name}`, await request.arrayBuffer());
    return Response.json({ path: node.path, info: await ctx.dir.info(`data/${ctx.params.name}`) });
  }],
  ["get", "/api/root", async (request, ctx) => new Response(await ctx.root.walk("top.txt").text())],
  ["get", "/boom", () => {
    null.nothing;
  }],
]};
"#;

#[tokio::test]
async fn routes_run_in_order_read_bodies_write_through_ctx_and_fail_alone_and_put_saves() -> Result {
    let firefox = Firefox::connected(&[
        (".owndir/routes.js", ROOT_ROUTES.as_bytes()),
        ("a/.owndir/routes.js", A_ROUTES.as_bytes()),
        ("a/b/.owndir/routes.js", AB_ROUTES.as_bytes()),
        ("a/file.txt", b"the file itself"),
        ("a/.owndir/static/logo.txt", b"a's static mount"),
        ("app/.owndir/routes.js", CTX_ROUTES.as_bytes()),
        ("top.txt", b"at the top"),
    ])
    .await?;
    trail(&firefox).await?;
    let hello = firefox.get("/a/b/hello/sam").await?;
    assert_eq!((hello.status, hello.text().as_str()), (200, "a says hello to sam"));
    assert_eq!(
        trail(&firefox).await?,
        [
            "root middleware /a/b/hello/sam",
            "a middleware /b/hello/sam",
            "a/b middleware /hello/sam",
            "a/b route /hello/sam",
        ]
    );
    assert_eq!(firefox.get("/a/file.txt").await?.text(), "the file itself");
    assert_eq!(trail(&firefox).await?, ["root middleware /a/file.txt", "a middleware /file.txt"]);
    assert_eq!(firefox.get("/a/logo.txt").await?.text(), "a's static mount");
    assert_eq!(trail(&firefox).await?, ["root middleware /a/logo.txt"]);
    let files = firefox.get("/a/files/x/y%20z.txt").await?.json();
    assert_eq!(files, json!({ "params": { "*": "x/y z.txt" }, "path": "/files/x/y z.txt" }));

    // Request bodies reach handlers whole (Firefox has no Request.body stream).
    let echo = firefox.fetch("/a/echo/42", json!({ "method": "POST", "body": "hi there ✓" })).await?;
    assert_eq!(echo.json(), json!({ "id": "42", "body": "hi there ✓", "method": "POST" }));
    // No route for PUT: the built-in saver answers, and `a/echo/` is no folder.
    let put = firefox.fetch("/a/echo/42", json!({ "method": "PUT", "body": "x" })).await?;
    assert_eq!(put.status, 409, "{}", put.text());
    let patch = firefox.fetch("/a/echo/42", json!({ "method": "PATCH", "body": "x" })).await?;
    assert_eq!((patch.status, patch.header("allow")), (405, Some("GET, HEAD, OPTIONS, PUT, DELETE")));

    let bytes: Vec<u8> = (0..70_000u32).map(|index| (index * 7 % 256) as u8).collect();
    let saved = firefox
        .script(
            "const [bytes, done] = arguments;
            fetch('/app/api/save/one.bin', { method: 'POST', body: new Uint8Array(bytes) })
              .then(async (response) => done([response.status, await response.json()]), (error) => done(String(error)));",
            vec![json!(bytes)],
        )
        .await?;
    assert_eq!(saved[0], 200, "{saved}");
    assert_eq!((&saved[1]["path"], &saved[1]["info"]["size"]), (&json!("app/data/one.bin"), &json!(bytes.len())));
    assert_written(&firefox, "app/data/one.bin", &bytes).await?;
    assert_eq!(firefox.get("/app/api/root").await?.text(), "at the top");

    // A single-file app saving itself: PUT creates, replaces with If-Match, refuses a stale one.
    let put = "const [bytes, headers, done] = arguments;
        fetch('/app/saved%20%E2%9C%93.bin', { method: 'PUT', body: new Uint8Array(bytes), headers })
          .then((response) => done([response.status, response.headers.get('ETag')]), (error) => done(String(error)));";
    let created = firefox.script(put, vec![json!(bytes[..1000]), json!({})]).await?;
    assert_eq!(created[0], 201, "{created}");
    assert_written(&firefox, "app/saved ✓.bin", &bytes[..1000]).await?;
    let replaced = firefox.script(put, vec![json!(bytes), json!({ "If-Match": created[1] })]).await?;
    assert_eq!(replaced[0], 204, "{replaced}");
    let stale = firefox.script(put, vec![json!(bytes[..10]), json!({ "If-Match": created[1] })]).await?;
    assert_eq!(stale[0], 412, "{stale}");
    assert_written(&firefox, "app/saved ✓.bin", &bytes).await?;

    // A throwing handler is that request's 500, naming file and line; the rest goes on.
    let boom = firefox.get("/app/boom").await?;
    assert_eq!(boom.status, 500);
    let error = boom.json()["error"].as_str().unwrap().to_owned();
    assert!(error.contains("/app/.owndir/routes.js:9:") && error.contains("TypeError"), "{error}");
    assert_eq!(firefox.get("/top.txt").await?.text(), "at the top");
    // The worker said so on its console, as it must; nothing else went wrong.
    let errors = firefox.console_errors();
    assert!(errors.len() == 1 && errors[0].contains("/app/.owndir/routes.js:9:"), "{errors:#?}");
    firefox.close().await;
    Ok(())
}
