//! A client written for real servers, unchanged (issue 14): TiddlyWiki saves itself with
//! its own "put" saver (`core/modules/savers/put.js`): `OPTIONS` must say `DAV`, `HEAD`
//! gives the `ETag`, a save is a `PUT` of the whole file with `If-Match`, and `412` is its
//! edit-conflict message. The wiki is TiddlyWiki's own empty edition, rendered into one
//! file by the `tiddlywiki` npm package (`cargo xtask test` installs it into
//! `target/tools`), on browser storage and on a real directory.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// TiddlyWiki's empty edition as one HTML file, rendered once per test binary.
fn empty_wiki() -> Vec<u8> {
    static WIKI: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    WIKI.get_or_init(|| {
        let tools = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tools/node_modules/tiddlywiki");
        let boot = tools.join("tiddlywiki.js");
        assert!(boot.exists(), "{} is missing: run `cargo xtask test`, which installs it", boot.display());
        let output = tempfile::tempdir().unwrap();
        let rendered = std::process::Command::new("node")
            .arg(&boot)
            .arg(tools.join("editions/empty"))
            .arg("--output")
            .arg(output.path())
            .args(["--render", "$:/core/save/all", "wiki.html", "text/plain"])
            .output()
            .expect("node runs the tiddlywiki package");
        assert!(rendered.status.success(), "tiddlywiki failed: {}", String::from_utf8_lossy(&rendered.stderr));
        std::fs::read(output.path().join("wiki.html")).unwrap()
    })
    .clone()
}

/// Opens the wiki at its own URL and waits until TiddlyWiki's put saver has found that
/// the server takes `PUT`s and has its `ETag`. `alert` (how TiddlyWiki reports a failed
/// save) is recorded in `window.owndirAlerts`.
async fn open_wiki(harness: &Harness) -> Result {
    harness.open("/notes/wiki.html").await?;
    harness
        .eventually_within(
            Duration::from_secs(30),
            "return !!(window.$tw && $tw.saverHandler && $tw.saverHandler.savers.some((s) => s.info.name === 'put' && s.serverAcceptsPuts && s.etag))",
            "TiddlyWiki's put saver ready (OPTIONS said DAV, HEAD gave the ETag)",
        )
        .await?;
    harness
        .value(
            "(() => { window.owndirAlerts = []; window.alert = (message) => owndirAlerts.push(String(message)); })()",
        )
        .await?;
    Ok(())
}

/// Adds a tiddler and saves the wiki through TiddlyWiki's own saver handler; waits until
/// it is saved (nothing left dirty) or a save failed (an alert).
async fn add_and_save(harness: &Harness, title: &str, text: &str) -> Result {
    let script = format!(
        "$tw.wiki.addTiddler(new $tw.Tiddler({{ title: {title:?}, text: {text:?} }}));
         $tw.rootWidget.dispatchEvent({{ type: 'tm-save-wiki' }});"
    );
    harness.value(&format!("(() => {{ {script} }})()")).await?;
    harness
        .eventually_within(
            Duration::from_secs(30),
            "return !$tw.saverHandler.isDirty() || owndirAlerts.length > 0",
            "the save to end",
        )
        .await
}

async fn saves_itself(backend: Backend) -> Result {
    let wiki = empty_wiki();
    let harness = Harness::connected_on(backend, &[("notes/wiki.html", &wiki)]).await?;
    open_wiki(&harness).await?;

    // A new tiddler survives a reload: the file itself was replaced.
    add_and_save(&harness, "Saved by OwnDir", "first save").await?;
    assert_eq!(harness.value("owndirAlerts").await?, json!([]));
    let stored = harness.stored_text("notes/wiki.html").await?.unwrap();
    assert!(stored.contains("Saved by OwnDir") && stored.contains("first save"));
    open_wiki(&harness).await?;
    assert_eq!(harness.value("$tw.wiki.getTiddlerText('Saved by OwnDir')").await?, "first save");

    // A second save works (the saver took the new ETag from the first PUT's answer).
    add_and_save(&harness, "Second", "second save").await?;
    add_and_save(&harness, "Third", "third save").await?;
    assert_eq!(harness.value("owndirAlerts").await?, json!([]));
    let stored = harness.stored_text("notes/wiki.html").await?.unwrap();
    assert!(stored.contains("second save") && stored.contains("third save"));

    // Another writer changes the file (a sync engine, another device): the next save
    // fails with TiddlyWiki's edit-conflict message, and the other change is kept.
    let other = stored.replace("</body>", "<!-- changed by another writer --></body>");
    harness.seed(&[("notes/wiki.html", other.as_bytes())]).await?;
    add_and_save(&harness, "Lost?", "must not overwrite").await?;
    let alerts = harness.value("owndirAlerts").await?;
    assert!(alerts.to_string().contains("File changed on server"), "{alerts}");
    let kept = harness.stored_text("notes/wiki.html").await?.unwrap();
    assert!(kept.contains("changed by another writer"), "the other writer's change is kept");
    assert!(!kept.contains("must not overwrite"));
    harness.finish().await
}

#[tokio::test]
async fn tiddlywiki_saves_itself_on_browser_storage() -> Result {
    saves_itself(Backend::Opfs).await
}

#[tokio::test]
async fn tiddlywiki_saves_itself_in_a_folder_on_disk() -> Result {
    saves_itself(Backend::Disk).await
}
