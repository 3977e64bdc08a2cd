//! The installable, offline-first app: installability, updates that wait for the person,
//! recovery from a shift-reload, the phone layout. (Offline reload and cold start are in
//! `foundation.rs`.)

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Harness, Result, dist_dir};
use serde_json::json;
use std::time::{Duration, Instant};

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
    let site = tempfile::tempdir().map_err(|error| error.to_string())?;
    copy_dir(&dist_dir(), site.path()).map_err(|error| error.to_string())?;
    let harness = Harness::start_in(site.path()).await?;
    harness.seed(&[("note.txt", b"kept")]).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    let old = harness.get("/@/status").await?.json()["version"].as_str().unwrap().to_owned();

    // A second build on the same host: the worker script changes.
    let sw = std::fs::read_to_string(site.path().join("sw.js")).map_err(|error| error.to_string())?;
    let new = format!("{old}-next");
    let sw = sw.replacen(&format!("version: \"{old}\""), &format!("version: \"{new}\""), 1);
    std::fs::write(site.path().join("sw.js"), sw).map_err(|error| error.to_string())?;
    harness
        .script("const done = arguments[0]; navigator.serviceWorker.ready.then((r) => r.update()).then(() => done(null), (e) => done(String(e)));", vec![])
        .await?;
    harness.element("#update-ready button").await?;
    // Until the person agrees, the open tab keeps the build it started with.
    assert_eq!(harness.get("/@/status").await?.json()["version"], old.as_str());
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    harness.screenshot("update-ready-desktop", 1280, 800, false).await?;

    harness.button("Reload").await?.click().await.map_err(|error| error.to_string())?;
    let wanted = format!(
        "fetch('/@/status').then((r) => r.json()).then((s) => window.owndirVersion = s.version); return window.owndirVersion === {new:?}"
    );
    harness.eventually(&wanted, "the new build serves").await?;
    harness.element("table.listing").await?;
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    // The old build's cache is gone.
    let caches = harness.script("const done = arguments[0]; caches.keys().then(done);", vec![]).await?;
    assert_eq!(caches, json!([format!("owndir-shell-{new}")]));
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
