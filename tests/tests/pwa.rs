//! The installable, offline-first app: installability, updates that wait for the person,
//! recovery from a shift-reload, the phone layout. (Offline reload and cold start are in
//! `foundation.rs`.)

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Harness, Result, dist_dir};
use serde_json::json;
use std::time::{Duration, Instant};

/// The two update tests run one after the other: on a loaded machine the takeover after
/// Reload was seen to stall now and then (docs/progress.md, session 4), and two updates at
/// once load it most.
static UPDATES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn the_app_is_installable() -> Result {
    let harness = Harness::start().await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    let deadline = Instant::now() + owndir_e2e::WAIT;
    loop {
        let errors = harness.cdp("Page.getInstallabilityErrors", json!({})).await?;
        let errors = errors["installabilityErrors"].as_array().cloned().unwrap_or_default();
        if errors.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "installability errors: {errors:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let manifest = harness.get("/@/app/manifest.webmanifest").await?.json();
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().unwrap() {
        let url = icon["src"].as_str().unwrap();
        assert_eq!(harness.get(url).await?.status, 200, "{url}");
    }
    harness.finish().await
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?
        } else {
            std::fs::copy(entry.path(), target).map(|_| ())?
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_new_build_waits_for_reload_then_serves() -> Result {
    let _one_update_at_a_time = UPDATES.lock().await;
    let site = tempfile::tempdir().map_err(|error| error.to_string())?;
    copy_dir(&dist_dir(), site.path()).map_err(|error| error.to_string())?;
    let harness = Harness::start_in(site.path()).await?;
    harness.seed(&[("note.txt", b"kept")]).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    // A second build on the same host: the worker script changes.
    let old = publish_next_build(&harness, site.path()).await?;
    let new = format!("{old}-next");
    // Until the person agrees, the open tab keeps the build it started with.
    assert_eq!(harness.get("/@/status").await?.json()["version"], old.as_str());
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    harness.screenshot("update-ready-desktop", 1280, 800, false).await?;

    // The wait asks nothing of the worker. A request to the old build holds the new one's
    // activation: Chrome stops the old worker at the click, and a request starts it again.
    // Polling `/@/status` every 50 ms, as this test once did, held it for over 20 s at
    // load 40 (the "known flake" of sessions 4 to 9).
    harness.value("window.owndirBeforeReload = true").await?;
    harness.button("Reload").await?.click().await.map_err(|error| error.to_string())?;
    harness
        .eventually(
            "return !window.owndirBeforeReload && !!navigator.serviceWorker.controller",
            "the page reloaded into the new build",
        )
        .await?;
    assert_eq!(harness.get("/@/status").await?.json()["version"], new.as_str());
    harness.element("table.listing").await?;
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    // The old build's cache is gone. Under load, after the reload above, it was still
    // listed at once now and then (docs/progress.md, session 7); it must still go.
    let only_new = json!([format!("owndir-shell-{new}")]);
    let gone = format!(
        "caches.keys().then((keys) => window.owndirCaches = JSON.stringify(keys)); return window.owndirCaches === {:?}",
        only_new.to_string()
    );
    let _waited = harness.eventually_within(std::time::Duration::from_secs(10), &gone, "the old cache is gone").await;
    let caches = harness.script("const done = arguments[0]; caches.keys().then(done);", vec![]).await?;
    assert_eq!(caches, only_new);
    harness.finish().await
}

/// Serves a copy of `dist/` whose worker says it is build `<old>-next`, and lets the open
/// page find it. The old version.
async fn publish_next_build(harness: &Harness, site: &std::path::Path) -> Result<String> {
    let old = harness.get("/@/status").await?.json()["version"].as_str().unwrap().to_owned();
    let sw = std::fs::read_to_string(site.join("sw.js")).map_err(|error| error.to_string())?;
    let sw = sw.replacen(&format!("version: \"{old}\""), &format!("version: \"{old}-next\""), 1);
    std::fs::write(site.join("sw.js"), sw).map_err(|error| error.to_string())?;
    harness
        .script("const done = arguments[0]; navigator.serviceWorker.ready.then((r) => r.update()).then(() => done(null), (e) => done(String(e)));", vec![])
        .await?;
    harness.element("#update-ready button").await?;
    Ok(old)
}

#[tokio::test]
async fn with_no_unsaved_edits_the_next_link_opens_in_the_new_build() -> Result {
    let _one_update_at_a_time = UPDATES.lock().await;
    let site = tempfile::tempdir().map_err(|error| error.to_string())?;
    copy_dir(&dist_dir(), site.path()).map_err(|error| error.to_string())?;
    let harness = Harness::start_in(site.path()).await?;
    harness.seed(&[("notes/a.txt", b"a")]).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    let old = publish_next_build(&harness, site.path()).await?;
    // Mark this page: a full load into the new build forgets the mark.
    harness.value("window.loadedBefore = true").await?;
    harness.element("tr[data-name=notes] a.entry").await?.click().await.map_err(|error| error.to_string())?;
    harness
        .eventually("return !window.loadedBefore && location.pathname === '/notes/' && !!document.querySelector('tr[data-name=\"a.txt\"]')", "the link opens in the new build")
        .await?;
    assert_eq!(harness.get("/@/status").await?.json()["version"], format!("{old}-next"));
    assert!(harness.value("document.querySelector('#update-ready')").await?.is_null());
    harness.finish().await
}

#[tokio::test]
async fn without_the_directory_picker_browser_storage_imports_and_exports() -> Result {
    let harness = Harness::start().await?;
    // Firefox, Safari and older Android Chrome have no showDirectoryPicker.
    harness
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "delete window.showDirectoryPicker; delete Window.prototype.showDirectoryPicker;" }),
        )
        .await?;
    harness.open("/").await?;
    let open = harness.button("Open folder").await?;
    assert_eq!(open.attr("disabled").await.map_err(|error| error.to_string())?, Some("true".to_owned()));
    let hint = harness.value("document.querySelector('.choice .hint').textContent").await?;
    assert!(hint.as_str().unwrap().contains("cannot open folders"), "{hint}");
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    let local = tempfile::tempdir().map_err(|error| error.to_string())?;
    let tree = local.path().join("phone");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("sub").join("b.txt"), "b").unwrap();
    harness.button("Upload folder").await?.click().await.map_err(|error| error.to_string())?;
    harness
        .element("#upload-input")
        .await?
        .send_keys(&tree.display().to_string())
        .await
        .map_err(|error| error.to_string())?;
    harness
        .eventually("return document.querySelector('.uploads')?.classList.contains('finished')", "the import")
        .await?;
    assert_eq!(harness.get("/phone/sub/b.txt").await?.text(), "b");
    let zip = harness.get("/@/zip/").await?;
    assert_eq!(zip.status, 200);
    assert_eq!(&zip.body[..4], b"PK\x03\x04");
    assert!(zip.body.windows(15).any(|window| window == b"/phone/sub/b.tx"), "the export holds the import");
    harness.finish().await
}

#[tokio::test]
async fn after_a_shift_reload_the_page_recovers_by_itself() -> Result {
    let harness = Harness::start().await?;
    harness.seed(&[("note.txt", b"kept")]).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    // Like shift-reload: the page loads past the worker, from the static host.
    harness.cdp("Page.reload", json!({ "ignoreCache": true })).await?;
    harness
        .eventually(
            "return !!navigator.serviceWorker.controller && !!document.querySelector('table.listing')",
            "the app recovered",
        )
        .await?;
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    harness.finish().await
}

#[tokio::test]
async fn the_phone_layout() -> Result {
    let harness = Harness::start().await?;
    harness
        .seed(&[
            ("notes/today.md", b"# Today"),
            ("photo.jpg", b"jpg"),
            ("a rather long file name that wraps.txt", b"x"),
        ])
        .await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    harness.element("table.listing").await?;
    // CDP cannot emulate `display-mode: standalone` here (setEmulatedMedia ignores it); the
    // app has no standalone-only styles, so the phone viewport is what a person sees.
    harness
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let overflow = harness
        .client
        .execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .map_err(|error| error.to_string())?;
    assert_eq!(overflow, json!(false), "the page scrolls sideways on a phone");
    harness.screenshot("listing-phone-390x844", 390, 844, true).await?;
    harness.finish().await
}

/// Markdown and the conflict diff are drawn by a second wasm, loaded the first time a page
/// needs it: offline, with the static host gone and the worker cold, it comes from the
/// shell cache like the rest of the app.
#[tokio::test]
async fn offline_the_markdown_and_diff_views_load_on_first_use() -> Result {
    const COPY: &str = "plan.sync-conflict-20261129-101010-ABCDEFG.txt";
    let mut harness = Harness::connected(&[
        ("notes/read.md", b"# Offline\n\nStill *rendered*.\n"),
        ("plan.txt", b"a\nb\n"),
        (COPY, b"a\nB\n"),
    ])
    .await?;
    harness.element("table.listing").await?;
    harness.stop_server();
    harness.stop_worker().await?;
    // Each `open` is a new page, which has not loaded the second wasm yet.
    harness.open("/@/browse/notes/read.md").await?;
    harness.element("article.markdown h1").await?;
    assert_eq!(harness.value("document.querySelector('article.markdown em').textContent").await?, "rendered");
    harness.open("/@/browse/plan.txt").await?;
    harness.element("table.diff tr.changed").await?;
    assert_eq!(harness.value("document.querySelector('.conflict-summary').textContent").await?, "1 line differs.");
    harness.finish().await
}
