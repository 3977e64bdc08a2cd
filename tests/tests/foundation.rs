//! The walking skeleton, end to end: the start page, connecting browser storage, files
//! served by the worker from OPFS, a cold start, hostile paths, screenshots.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::SafePath;
use owndir_e2e::cases::{HOSTILE_PATHS, TYPED_FILES as FIXTURES};
use owndir_e2e::{Harness, Result};
use serde_json::json;

async fn connected_with_fixtures() -> Result<Harness> {
    let files: Vec<(&str, &[u8])> = FIXTURES.iter().map(|(path, bytes, _)| (*path, *bytes)).collect();
    Harness::connected(&files).await
}

#[tokio::test]
async fn the_start_page_offers_both_ways_to_connect() -> Result {
    let harness = Harness::start().await?;
    harness.button("Open folder").await?;
    harness.button("Use browser storage").await?;
    harness.screenshot("start-desktop", 1280, 800, false).await?;
    harness.screenshot("start-phone", 390, 844, true).await?;
    harness.finish().await
}

#[tokio::test]
async fn before_connecting_folder_requests_get_a_503_and_navigations_the_app() -> Result {
    let harness = Harness::start().await?;
    harness.button("Use browser storage").await?;
    harness.wait_for_worker().await?;
    let status = harness.get("/@/status").await?;
    assert_eq!(status.status, 200);
    let report = status.json();
    assert_eq!(report["connected"], false);
    assert_eq!(report["source"], serde_json::Value::Null);
    assert!(report["version"].as_str().is_some_and(|version| !version.is_empty()));

    let file = harness.get("/hello.txt").await?;
    assert_eq!(file.status, 503);
    assert_eq!(file.header("content-type"), Some("application/json; charset=utf-8"));
    let error = file.json();
    assert_eq!((error["success"].clone(), error["status"].clone()), (json!(false), json!(503)));
    assert!(error["error"].as_str().unwrap_or_default().contains("no folder is connected"));

    // A navigation anywhere gets the app, which offers to connect.
    harness.open("/some/deep/path/").await?;
    harness.button("Use browser storage").await?;
    harness.finish().await
}

#[tokio::test]
async fn the_worker_serves_opfs_files_with_their_types() -> Result {
    let harness = connected_with_fixtures().await?;
    let report = harness.get("/@/status").await?.json();
    assert_eq!(report["connected"], true);
    assert_eq!(report["source"], "opfs");
    assert_eq!(report["permission"], "granted");

    for (path, bytes, content_type) in FIXTURES {
        let url = SafePath::parse(path).unwrap().to_url();
        let answer = harness.get(&url).await?;
        assert_eq!(answer.status, 200, "{url}");
        assert_eq!(answer.body, *bytes, "{url}");
        assert_eq!(answer.header("content-type"), Some(*content_type), "{url}");
        assert_eq!(answer.header("content-length"), Some(bytes.len().to_string().as_str()), "{url}");
        assert!(answer.header("etag").is_some_and(|etag| etag.starts_with('"')), "{url}");
        assert!(answer.header("last-modified").is_some(), "{url}");
    }

    let head = harness.fetch("/hello.txt", json!({ "method": "HEAD" })).await?;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some("14"));

    let missing = harness.get("/missing.txt").await?;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["success"], false);
    harness.finish().await
}

#[tokio::test]
async fn directories_redirect_to_their_slash_and_list_as_json() -> Result {
    let harness = connected_with_fixtures().await?;
    let listing = harness.fetch("/sub%20dir", json!({ "headers": { "Accept": "application/json" } })).await?;
    assert!(listing.redirected);
    assert!(listing.url.ends_with("/sub%20dir/"), "{}", listing.url);
    let names: Vec<String> =
        listing.json().as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["#hash?%+.md", "a b.txt"]);
    let root = harness.fetch("/", json!({ "headers": { "Accept": "application/json" } })).await?.json();
    let first = &root.as_array().unwrap()[0];
    assert_eq!(first["name"], "blob.unknownext");
    assert_eq!(first["isFile"], true);
    assert_eq!(first["size"], 4);
    harness.finish().await
}

#[tokio::test]
async fn the_page_lists_the_folder_and_reconnects_on_reload() -> Result {
    let harness = connected_with_fixtures().await?;
    // The listing arrives after the folder view: on a loaded machine, well after.
    harness.element("table.listing td.name a").await?;
    let names = harness.client.execute(
        "return [...document.querySelectorAll('table.listing td.name a')].map(a => [a.textContent, a.getAttribute('href')])",
        vec![],
    ).await.map_err(|error| error.to_string())?;
    let names = names.as_array().cloned().unwrap_or_default();
    assert!(names.contains(&json!(["sub dir", "/sub%20dir/"])), "{names:?}");
    assert!(names.contains(&json!(["hello.txt", "/@/browse/hello.txt"])), "{names:?}");
    harness.screenshot("listing-desktop", 1280, 800, false).await?;
    harness.screenshot("listing-phone", 390, 844, true).await?;

    // A reload reconnects without asking: browser storage is always granted.
    harness.client.refresh().await.map_err(|error| error.to_string())?;
    harness.element("table.listing").await?;
    // Following a folder link shows that folder, served by the worker as the frame.
    harness.open("/%E6%97%A5%E6%9C%AC%E8%AA%9E/").await?;
    let link = harness.element("table.listing td.name a").await?;
    assert_eq!(link.text().await.map_err(|error| error.to_string())?, "😀 e\u{301}.txt");
    harness.finish().await
}

#[tokio::test]
async fn a_stopped_worker_starts_again_and_serves_the_next_request() -> Result {
    let harness = connected_with_fixtures().await?;
    // A plain file as the page: the file app's live stream would start the worker again.
    harness.open("/hello.txt").await?;
    let warm = timed_fetch(&harness).await?;
    for _ in 0..3 {
        harness.stop_worker().await?;
        assert_eq!(harness.running_workers().await?, 0);
        let cold = timed_fetch(&harness).await?;
        let answer = harness.get("/hello.txt").await?;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"hello, folder\n");
        assert!(harness.running_workers().await? > 0, "the request should have started the worker");
        // Figures for the notes, not assertions: timing belongs in the benchmark.
        eprintln!("in-page fetch of a small file: warm {warm:.1} ms, cold start {cold:.1} ms");
    }
    harness.finish().await
}

/// Milliseconds for one `fetch` of /hello.txt, body included, timed inside the page.
async fn timed_fetch(harness: &Harness) -> Result<f64> {
    let script = "const done = arguments[0]; const t = performance.now();
        fetch('/hello.txt').then(r => r.text()).then(() => done(performance.now() - t), e => done(-1))";
    let millis = harness.script(script, vec![]).await?.as_f64().unwrap_or(-1.0);
    if millis < 0.0 { Err("the timed fetch failed".to_owned()) } else { Ok(millis) }
}

#[tokio::test]
async fn hostile_paths_get_4xx_from_the_worker() -> Result {
    let harness = connected_with_fixtures().await?;
    // Paths the URL parser leaves alone; `..` and `%2e%2e` are resolved by the browser
    // before the worker sees them, which the core's own tests cover.
    for &(path, status) in HOSTILE_PATHS {
        let answer = harness.get(path).await?;
        assert_eq!(answer.status, status, "{path}: {}", answer.text());
        assert_eq!(answer.json()["success"], false, "{path}");
    }
    let long = format!("/{}", "a".repeat(256));
    assert_eq!(harness.get(&long).await?.status, 400);
    // And the worker still serves afterwards.
    assert_eq!(harness.get("/hello.txt").await?.status, 200);
    harness.finish().await
}

#[tokio::test]
async fn with_the_static_host_gone_a_cold_worker_still_serves_the_app_and_the_folder() -> Result {
    let mut harness = connected_with_fixtures().await?;
    harness.stop_server();
    harness.stop_worker().await?;
    // A reload is a navigation to `/`: the worker starts from its stored script, answers
    // with the app page from its cache, and the app lists the folder through it.
    harness.client.refresh().await.map_err(|error| error.to_string())?;
    harness.element("table.listing").await?;
    let file = harness.get("/sub%20dir/a%20b.txt").await?;
    assert_eq!((file.status, file.body.as_slice()), (200, &b"spaces"[..]));
    let asset = harness.get("/@/app/style.css").await?;
    assert_eq!(asset.status, 200);
    assert_eq!(asset.header("content-type"), Some("text/css; charset=utf-8"));
    // The FsNode API and its client library work offline too.
    let written = harness
        .script(
            "const done = arguments[0];
            import('/@/fsnode.js').then(async ({ root }) => {
              await root.write('offline.txt', 'written offline');
              return root.walk('offline.txt').text();
            }).then(done, (error) => done(String(error)));",
            vec![],
        )
        .await?;
    assert_eq!(written, json!("written offline"));
    harness.finish().await
}

/// Another origin (here the same host on another port: same site, so the app's worker
/// answers the frame, as it would for a sibling app) frames the app and a folder file:
/// Chrome draws neither. The app's own pages may frame its files.
#[tokio::test]
async fn other_origins_cannot_frame_the_app_or_the_folder() -> Result {
    let harness = connected_with_fixtures().await?;
    // The app frames its own file: drawn.
    let own = harness
        .script(
            "const done = arguments[0];
            const frame = document.createElement('iframe');
            frame.src = '/hello.txt';
            frame.onload = () => done(frame.contentDocument.body.textContent);
            document.body.append(frame);",
            vec![],
        )
        .await?;
    assert_eq!(own, json!("hello, folder\n"));

    let other = tempfile::tempdir().map_err(|error| error.to_string())?;
    let app = &harness.origin;
    let framer = format!(
        "<!doctype html><iframe src='{app}/hello.txt'></iframe><iframe src='{app}/'></iframe><iframe src='/control.txt'></iframe>"
    );
    std::fs::write(other.path().join("framer.html"), framer).map_err(|error| error.to_string())?;
    std::fs::write(other.path().join("control.txt"), "drawn").map_err(|error| error.to_string())?;
    let other_host = owndir_devserver::StaticServer::start(other.path(), 0).map_err(|error| error.to_string())?;
    harness.client.goto(&format!("{}/framer.html", other_host.url())).await.map_err(|error| error.to_string())?;
    // Each frame ends as its document (the control) or as Chrome's error page (refused).
    let mut frames = Vec::new();
    for _ in 0..100 {
        let tree = harness.cdp("Page.getFrameTree", json!({})).await?;
        frames = tree["frameTree"]["childFrames"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|child| child["frame"]["url"].as_str().unwrap_or_default().to_owned())
            .collect();
        if frames.len() == 3 && frames.iter().all(|url| !url.is_empty() && url != "about:blank") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        frames,
        [
            "chrome-error://chromewebdata/",
            "chrome-error://chromewebdata/",
            format!("{}/control.txt", other_host.url()).as_str()
        ]
    );
    // Chrome says why, on the console.
    let refusals = harness.console_errors().await?;
    assert_eq!(refusals.len(), 2, "{refusals:#?}");
    assert!(
        refusals.iter().all(|refusal| refusal.contains("frame-ancestors") || refusal.contains("X-Frame-Options")),
        "{refusals:#?}"
    );
    harness.finish().await
}

#[tokio::test]
async fn the_harness_sees_console_errors() -> Result {
    // The check every test ends with must be able to fail.
    let harness = Harness::start().await?;
    harness
        .client
        .execute("console.error('deliberate test error')", vec![])
        .await
        .map_err(|error| error.to_string())?;
    let errors = harness.console_errors().await?;
    assert!(errors.iter().any(|error| error.contains("deliberate test error")), "{errors:?}");
    harness.finish().await
}

#[tokio::test]
async fn every_answer_keeps_other_sites_from_framing_it() -> Result {
    let harness = Harness::connected(&[
        ("page.html", b"<!doctype html><title>p</title>"),
        ("docs/a.txt", b"a"),
        ("app/.owndir/routes.js", b"module.exports = { routes: [['get', '/hi', () => new Response('hi')]] };"),
    ])
    .await?;
    let navigation = json!({ "mode": "same-origin" });
    let requests = [
        ("/page.html", json!({})),
        ("/docs/", json!({ "headers": { "Accept": "application/json" } })),
        ("/docs/", navigation.clone()),
        ("/missing.txt", json!({})),
        ("/@/fs/docs?call=children", json!({})),
        ("/@/status", json!({})),
        ("/@/app/style.css", json!({})),
        ("/@/fsnode.js", json!({})),
        ("/app/hi", json!({})),
        ("/docs/a.txt", json!({ "method": "OPTIONS" })),
    ];
    for (path, init) in requests {
        let answer = harness.fetch(path, init).await?;
        assert_eq!(answer.header("content-security-policy"), Some("frame-ancestors 'self'"), "{path}");
        assert_eq!(answer.header("x-frame-options"), Some("SAMEORIGIN"), "{path}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(answer.header("referrer-policy"), Some("same-origin"), "{path}");
    }
    assert_eq!(harness.get("/app/hi").await?.text(), "hi");
    harness.finish().await
}
