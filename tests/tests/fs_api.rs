//! The FsNode API and `/@/fsnode.js` through the real worker (docs/http.md), on OPFS
//! and on a directory on disk; after each change the storage itself is read back.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_devserver::StaticServer;
use owndir_e2e::cases::{FSNODE_FAILURES, FSNODE_FIXTURES as FIXTURES};
use owndir_e2e::{Backend, Harness, Result, on_both_backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

async fn fsnode_reads_walks_and_lists(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let result = harness
        .with_fsnode(
            "const docs = root.walk('docs');
            const info = await root.info('docs/a.txt');
            const children = (await docs.children()).map((n) => n.path);
            const files = (await root.files('docs')).map((n) => n.name);
            const folders = (await docs.folders()).map((n) => n.absolutePath);
            const stream = await docs.walk('a.txt').read(1, 3);
            const part = await new Response(stream).text();
            const all = Array.from(await root.readAll('docs/sub/b.txt'));
            const text = await docs.walk('sub/b.txt').text();
            return {
              info, children, files, folders, part, all, text,
              above: root.walk('../../x').path, parentOfRoot: root.parent.path, fromDeep: docs.walk('sub').walk('/docs/a.txt').path,
              names: [root.name, docs.name, docs.parent.path, docs.walk('sub').relativePath, docs.absolutePath],
              missing: await root.info('nope'),
            };",
            json!(null),
        )
        .await?;
    assert_eq!(result["info"]["isFile"], true, "{result}");
    assert_eq!(result["info"]["size"], 5);
    assert_eq!(result["children"], json!(["docs/a.txt", "docs/sub"]));
    assert_eq!(result["files"], json!(["a.txt"]));
    assert_eq!(result["folders"], json!(["/docs/sub"]));
    assert_eq!(result["part"], "ell");
    assert_eq!(result["all"], json!([100, 101, 101, 112]));
    assert_eq!(result["text"], "deep");
    assert_eq!(result["above"], "x");
    assert_eq!(result["parentOfRoot"], "");
    assert_eq!(result["fromDeep"], "docs/a.txt");
    assert_eq!(result["names"], json!(["", "docs", "", "docs/sub", "/docs"]));
    assert_eq!(result["missing"], Value::Null);
    harness.finish().await
}

async fn fsnode_changes_the_folder(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let result = harness
        .with_fsnode(
            "const written = await root.write('notes/new.txt', 'one');
            await written.write('+two', { flags: 'a' });
            await root.write('bytes.bin', new Uint8Array([1, 2, 3]));
            await root.write('blob.txt', new Blob(['from a blob']));
            const touched = await root.touch('empty.txt');
            const made = await root.makeDir('x/y/z');
            const moved = await root.walk('notes/new.txt').move('renamed.txt');
            const movedDir = await root.walk('docs').move('/archive/docs');
            const deleted = await root.delete('x');
            return {
              paths: [written.path, touched.path, made.path, moved.path, movedDir.path, deleted.path],
              renamed: await root.walk('notes/renamed.txt').text(),
              bytes: Array.from(await root.readAll('bytes.bin')),
              blob: await root.walk('blob.txt').text(),
              empty: (await root.info('empty.txt')).size,
              deep: await root.walk('archive/docs/sub/b.txt').text(),
              oldDocs: await root.info('docs'),
              x: await root.info('x'),
            };",
            json!(null),
        )
        .await?;
    assert_eq!(
        result["paths"],
        json!(["notes/new.txt", "empty.txt", "x/y/z", "notes/renamed.txt", "archive/docs", "x"]),
        "{result}"
    );
    assert_eq!(result["renamed"], "one+two");
    assert_eq!(result["bytes"], json!([1, 2, 3]));
    assert_eq!(result["blob"], "from a blob");
    assert_eq!(result["empty"], 0);
    assert_eq!(result["deep"], "deep");
    assert_eq!(result["oldDocs"], Value::Null);
    assert_eq!(result["x"], Value::Null);
    // The storage itself holds what the API answered, and nothing else.
    assert_eq!(
        stored_names(&harness, "").await?,
        [".owndir", "archive", "blob.txt", "bytes.bin", "empty.txt", "notes"]
    );
    assert_eq!(stored_names(&harness, "notes").await?, ["renamed.txt"]);
    assert_eq!(harness.stored_text("notes/renamed.txt").await?.as_deref(), Some("one+two"));
    assert_eq!(harness.stored("bytes.bin").await?, Some(vec![1, 2, 3]));
    assert_eq!(harness.stored_text("blob.txt").await?.as_deref(), Some("from a blob"));
    assert_eq!(harness.stored("empty.txt").await?, Some(vec![]));
    assert_eq!(stored_names(&harness, "archive/docs").await?, ["a.txt", "sub"]);
    assert_eq!(harness.stored_text("archive/docs/a.txt").await?.as_deref(), Some("hello"));
    assert_eq!(harness.stored_text("archive/docs/sub/b.txt").await?.as_deref(), Some("deep"));
    harness.finish().await
}

async fn failures_reject_with_the_error_object(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let cases = FSNODE_FAILURES;
    for &(body, status, error) in cases {
        let result = harness.with_fsnode(body, json!(null)).await?;
        let rejected = &result["rejected"];
        assert_eq!(rejected["status"], status, "{body}: {result}");
        assert_eq!(rejected["error"], error, "{body}");
        assert_eq!(rejected["success"], false, "{body}");
        // A plain object, as OwnDir's FsNode rejects with (tests/tests/fsnode_owndir.rs).
        assert_eq!(rejected["isError"], false, "{body}");
    }
    assert_eq!(harness.get("/docs/a.txt").await?.text(), "hello");
    assert_eq!(harness.get("/.owndir/static/x.txt").await?.text(), "app");
    let by_get = harness.get("/@/fs/docs/a.txt?call=delete").await?;
    assert_eq!(by_get.status, 405);
    let unknown = harness.get("/@/fs/docs?call=explode").await?;
    assert_eq!((unknown.status, unknown.json()["error"].as_str()), (400, Some("unknown call explode")));
    assert_eq!(harness.get("/docs/a.txt").await?.text(), "hello");
    // Nothing changed in the storage itself.
    assert_eq!(stored_names(&harness, "").await?, [".owndir", "docs"]);
    assert_eq!(stored_names(&harness, "docs").await?, ["a.txt", "sub"]);
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), Some("hello"));
    assert_eq!(harness.stored_text("docs/sub/b.txt").await?.as_deref(), Some("deep"));
    assert_eq!(harness.stored_text(".owndir/static/x.txt").await?.as_deref(), Some("app"));
    harness.finish().await
}

async fn a_200_mb_write_streams_to_disk_and_an_aborted_one_changes_nothing(backend: Backend) -> Result {
    const SIZE: u64 = 200 << 20;
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let result = harness
        .with_fsnode(
            "const size = 200 * 1024 * 1024;
            const chunk = new Uint8Array(1 << 20);
            const parts = [];
            for (let i = 0; i < 200; i++) { chunk.fill(i); parts.push(chunk.slice()); }
            const blob = new Blob(parts);
            await root.write('big.bin', blob);
            const info = await root.info('big.bin');
            const last = Array.from(new Uint8Array(await new Response(await root.walk('big.bin').read(size - 2, size - 1)).arrayBuffer()));

            await root.write('keep.txt', 'original');
            const controller = new AbortController();
            const upload = fetch('/@/fs/keep.txt?call=write', { method: 'PUT', body: blob, signal: controller.signal });
            setTimeout(() => controller.abort(), 30);
            const outcome = await upload.then((r) => 'finished ' + r.status, (e) => 'aborted ' + e.name);
            return { size: info.size, last, outcome };",
            json!(null),
        )
        .await?;
    assert_eq!(result["size"], 200u64 << 20, "{result}");
    assert_eq!(result["last"], json!([199, 199]));
    // All or nothing: the old content whole, or the new content whole, in the storage
    // itself and through the API. The worker may have had the whole body before the page
    // gave up, and then commits it (seen 0.5 s and more after the abort on a loaded
    // machine), so both are looked at until they agree.
    let deadline = Instant::now() + Duration::from_secs(20);
    let (kept, top) = loop {
        let top = no_swap_files(&harness, "").await?;
        let stored = top.get("keep.txt").copied().flatten();
        assert!(matches!(stored, Some(8) | Some(SIZE)), "a mix was left: {top:?}");
        // Its size and first 8 bytes ("original", or the new content's zeros).
        let served = harness
            .with_fsnode(
                "const size = (await root.info('keep.txt')).size;
                const head = await new Response(await root.walk('keep.txt').read(0, 7)).text();
                return [size, head];",
                json!(null),
            )
            .await?;
        if served[0].as_u64() == stored {
            break (served, top);
        }
        assert!(Instant::now() < deadline, "the API says {served}, the storage {top:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(top.get("big.bin"), Some(&Some(SIZE)), "{top:?}");
    let kept_old = kept == json!([8, "original"]);
    assert!(kept_old || kept[0] == SIZE, "a mix was served: {kept}");
    eprintln!("aborted write: {} → {}", result["outcome"], if kept_old { "old content" } else { "new content" });
    harness.finish().await
}

async fn two_tabs_racing_writes_with_the_same_if_match_let_one_win(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let etag = harness.get("/docs/a.txt").await?.header("etag").ok_or("no etag")?.to_owned();
    let first = harness.client.window().await.map_err(|error| error.to_string())?;
    // A second tab waits on a BroadcastChannel for the word to write.
    let second = harness.client.new_window(true).await.map_err(|error| error.to_string())?.handle;
    harness.client.switch_to_window(second).await.map_err(|error| error.to_string())?;
    harness.open("/docs/").await?;
    harness.wait_for_worker().await?;
    let race = "const [etag, text] = arguments;
        window.raceWrite = () => fetch('/@/fs/docs/a.txt?call=write', { method: 'PUT', body: text, headers: { 'If-Match': etag } }).then((r) => r.status);";
    harness.client.execute(race, vec![json!(etag), json!("second")]).await.map_err(|e| e.to_string())?;
    harness
        .client
        .execute(
            "const channel = new BroadcastChannel('race');
            channel.onmessage = async () => channel.postMessage(await raceWrite());",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    harness.client.switch_to_window(first).await.map_err(|error| error.to_string())?;
    harness.client.execute(race, vec![json!(etag), json!("first")]).await.map_err(|e| e.to_string())?;
    let result = harness
        .script(
            "const done = arguments[0];
            const channel = new BroadcastChannel('race');
            const theirs = new Promise((resolve) => (channel.onmessage = (message) => resolve(message.data)));
            channel.postMessage('go');
            Promise.all([raceWrite(), theirs]).then(async (statuses) =>
              done({ statuses, text: await (await fetch('/docs/a.txt')).text() }));",
            vec![],
        )
        .await?;
    let mut statuses: Vec<u64> = result["statuses"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{result}");
    assert!(result["text"] == "first" || result["text"] == "second", "{result}");
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), result["text"].as_str(), "in the storage");
    harness.finish().await
}

async fn directory_times_are_kept_and_survive_a_worker_restart(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let before =
        harness.with_fsnode("await root.makeDir('timed'); return await root.info('timed');", json!(null)).await?;
    let made = before["mtime"].as_f64().unwrap();
    assert!(made > 1.7e12, "{before}");
    assert_eq!(harness.stored_dir("timed").await?, Some(Default::default()), "an empty directory in the storage");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let touched =
        harness.with_fsnode("await root.touch('timed'); return await root.info('timed');", json!(null)).await?;
    let later = touched["mtime"].as_f64().unwrap();
    assert!(later > made, "{before} {touched}");
    harness.stop_worker().await?;
    let after = harness.with_fsnode("return await root.info('timed');", json!(null)).await?;
    assert_eq!(after["mtime"].as_f64(), Some(later));
    // Touching a file advances its time too.
    let file = harness
        .with_fsnode(
            "const before = (await root.info('docs/a.txt')).mtime; await new Promise((r) => setTimeout(r, 20));
            await root.touch('docs/a.txt'); const after = await root.info('docs/a.txt');
            return { before, after: after.mtime, size: after.size, text: await root.walk('docs/a.txt').text() };",
            json!(null),
        )
        .await?;
    assert!(file["after"].as_f64() > file["before"].as_f64(), "{file}");
    assert_eq!((file["size"].clone(), file["text"].clone()), (json!(5), json!("hello")));
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), Some("hello"));
    assert_eq!(stored_names(&harness, "").await?, [".owndir", "docs", "timed"]);
    harness.finish().await
}

async fn another_site_cannot_change_the_folder(backend: Backend) -> Result {
    let mut harness = Harness::connected_on(backend, FIXTURES).await?;
    // A page on another origin (another port) tries a cross-site fetch and a form POST.
    let attacker_dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let target = format!("{}/@/fs/docs/a.txt?call=delete", harness.origin);
    let page = format!(
        "<!doctype html><title>attacker</title>
        <form id=f method=post action=\"{target}\"><input name=x value=1></form>
        <script>fetch('{target}', {{ method: 'POST', mode: 'no-cors' }}).finally(() => f.submit());</script>"
    );
    std::fs::write(attacker_dir.path().join("attack.html"), page).map_err(|error| error.to_string())?;
    let attacker = StaticServer::start(attacker_dir.path(), 0).map_err(|error| error.to_string())?;
    // The attack runs in a second tab while the app stays open in the first, so the
    // folder's grant is live, as an attacker would want it. (With no tab left on our
    // origin, Chrome revokes its grants after 5 s, and the worker would answer 503.)
    let app_tab = harness.client.window().await.map_err(|error| error.to_string())?;
    let attack_tab = harness.client.new_window(true).await.map_err(|error| error.to_string())?.handle;
    harness.client.switch_to_window(attack_tab).await.map_err(|error| error.to_string())?;
    harness.client.goto(&format!("{}/attack.html", attacker.url())).await.map_err(|error| error.to_string())?;
    // The form navigates to our origin, where the worker refuses it.
    let deadline = std::time::Instant::now() + owndir_e2e::WAIT;
    loop {
        let url = harness.client.current_url().await.map_err(|error| error.to_string())?;
        if url.as_str().starts_with(&harness.origin) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the form never navigated");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let body = harness.client.source().await.map_err(|error| error.to_string())?;
    assert!(body.contains("cannot change the folder"), "{body}");
    harness.client.close_window().await.map_err(|error| error.to_string())?;
    harness.client.switch_to_window(app_tab).await.map_err(|error| error.to_string())?;
    harness.open("/").await?;
    harness.wait_for_worker().await?;
    assert_eq!(harness.get("/docs/a.txt").await?.text(), "hello");
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), Some("hello"));
    drop(attacker);
    harness.stop_server();
    // The refusal page's 403 shows in the console as a network line, which is fine.
    harness.finish().await
}

// OPFS only: the quota override limits only the origin's private storage; a real full
// disk (ENOSPC) is disk.rs's `a_full_disk_answers_507_and_keeps_the_old_content_whole`.
#[tokio::test]
async fn a_full_disk_answers_507_and_keeps_the_old_content() -> Result {
    let harness = Harness::connected(FIXTURES).await?;
    harness.cdp("Storage.overrideQuotaForOrigin", json!({ "origin": harness.origin, "quotaSize": 8u64 << 20 })).await?;
    let result = harness
        .with_fsnode(
            "const big = new Blob([new Uint8Array(32 << 20)]);
            const outcome = await root.write('docs/a.txt', big).then(() => 'written', (e) => e);
            return { outcome, text: await root.walk('docs/a.txt').text() };",
            json!(null),
        )
        .await?;
    assert_eq!(result["outcome"]["status"], 507, "{result}");
    assert_eq!(result["text"], "hello");
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), Some("hello"));
    harness.finish().await
}

/// The names in a directory of the storage itself, sorted (none when it is not there).
async fn stored_names(harness: &Harness, path: &str) -> Result<Vec<String>> {
    Ok(harness.stored_dir(path).await?.map(|entries| entries.into_keys().collect()).unwrap_or_default())
}

/// The entries of a directory of the storage itself once no swap file (`*.crswap`) is
/// left in it: Chrome removes an aborted write's swap file a moment after the abort.
async fn no_swap_files(harness: &Harness, path: &str) -> Result<BTreeMap<String, Option<u64>>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let entries = harness.stored_dir(path).await?.unwrap_or_default();
        if !entries.keys().any(|name| name.ends_with(".crswap")) {
            return Ok(entries);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("a swap file stayed in {path:?}: {entries:?}"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Subscribes at `path` (with `events`), collecting into `window.owndirEvents`.
async fn subscribe(harness: &Harness, path: &str, events: Option<&str>) -> Result {
    let result = harness
        .with_fsnode(
            "window.owndirEvents = [];
            window.owndirUnsub = root.walk(args.path).sub(args.events, (event, node) => owndirEvents.push(event + ' ' + node.path));
            await new Promise((resolve) => setTimeout(resolve, 300));
            return null;",
            json!({ "path": path, "events": events }),
        )
        .await?;
    assert!(result.is_null(), "{result}");
    Ok(())
}

/// Waits until `window.owndirEvents` holds every one of `expected` (in any order).
async fn wait_for_events(harness: &Harness, expected: &[&str]) -> Result<Vec<String>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let events = harness.client.execute("return window.owndirEvents", vec![]).await.map_err(|e| e.to_string())?;
        let events: Vec<String> = serde_json::from_value(events).unwrap_or_default();
        if expected.iter().all(|wanted| events.iter().any(|event| event == wanted)) {
            return Ok(events);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("expected {expected:?}, got {events:?}"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn sub_reports_api_changes_at_once(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    subscribe(&harness, "", None).await?;
    harness
        .with_fsnode(
            "await root.write('docs/new.txt', 'x'); await root.makeDir('made'); await root.write('docs/a.txt', 'changed!');
            await root.delete('docs/sub'); return null;",
            json!(null),
        )
        .await?;
    let events = wait_for_events(
        &harness,
        &["add docs/new.txt", "addDir made", "change docs/a.txt", "unlink docs/sub/b.txt", "unlinkDir docs/sub"],
    )
    .await?;
    let unique: std::collections::BTreeSet<&String> = events.iter().collect();
    assert_eq!(unique.len(), events.len(), "no event twice: {events:?}");
    assert_eq!(stored_names(&harness, "docs").await?, ["a.txt", "new.txt"]);
    assert_eq!(harness.stored_text("docs/new.txt").await?.as_deref(), Some("x"));
    assert_eq!(harness.stored_text("docs/a.txt").await?.as_deref(), Some("changed!"));
    assert_eq!(harness.stored_dir("made").await?, Some(Default::default()));
    harness.finish().await
}

async fn sub_reports_changes_made_outside_the_api_under_its_path_only(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    subscribe(&harness, "docs", Some("add,change")).await?;
    // Another writer (a sync engine, another tab) writes into the folder directly.
    harness.seed(&[("docs/outside.txt", b"from outside"), ("elsewhere.txt", b"not watched")]).await?;
    harness.seed(&[("docs/a.txt", b"edited outside")]).await?;
    let events = wait_for_events(&harness, &["add docs/outside.txt", "change docs/a.txt"]).await?;
    assert!(
        events.iter().all(|event| event.starts_with("add docs/") || event.starts_with("change docs/")),
        "{events:?}"
    );
    harness.finish().await
}

async fn sub_survives_a_worker_stop_without_losing_events(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    subscribe(&harness, "", None).await?;
    harness.with_fsnode("await root.write('before.txt', '1'); return null;", json!(null)).await?;
    wait_for_events(&harness, &["add before.txt"]).await?;
    harness.stop_worker().await?;
    // Changed while no worker runs: found on the next look, sent after the reconnect.
    harness.seed(&[("while-stopped.txt", b"2")]).await?;
    let events = wait_for_events(&harness, &["add before.txt", "add while-stopped.txt"]).await?;
    harness.with_fsnode("await root.write('after.txt', '3'); return null;", json!(null)).await?;
    let events_after = wait_for_events(&harness, &["add after.txt"]).await?;
    let unique: std::collections::BTreeSet<&String> = events_after.iter().collect();
    assert_eq!(unique.len(), events_after.len(), "no event twice: {events:?} then {events_after:?}");
    assert_eq!(harness.stored_text("before.txt").await?.as_deref(), Some("1"));
    assert_eq!(harness.stored_text("after.txt").await?.as_deref(), Some("3"));
    harness.finish().await
}

/// `depth=0` follows a directory's own entries, as the file app's listing does: a change
/// in a subdirectory is not even looked at, while a whole-tree stream beside it reports it.
async fn sub_to_depth_0_reports_the_directory_s_own_entries_only(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    harness
        .value(
            "(() => { window.streams = {};
            for (const [name, query] of [['own', '&depth=0'], ['tree', '']]) {
              const seen = (streams[name] = []);
              const source = new EventSource('/@/fs/docs?call=sub' + query);
              source.onmessage = (e) => { const change = JSON.parse(e.data); seen.push(change.event + ' ' + change.path); };
              seen.source = source;
            }
            return 1; })()",
        )
        .await?;
    let open = "return Object.values(streams).every((seen) => seen.source.readyState === 1)";
    // fsnode.js passes chokidar's `depth` on.
    harness
        .with_fsnode(
            "window.fsnodeOwn = []; root.walk('docs').sub(undefined, undefined, (event, node) => fsnodeOwn.push(event + ' ' + node.path), { depth: 0 });
            return null;",
            json!(null),
        )
        .await?;
    harness.eventually(open, "both streams open").await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    harness.seed(&[("docs/sub/below.txt", b"below"), ("docs/own.txt", b"own")]).await?;
    let seen = |stream: &str, event: &str| format!("return streams.{stream}.includes({event:?})");
    harness.eventually(&seen("tree", "add docs/sub/below.txt"), "the whole tree's event below").await?;
    harness.eventually(&seen("tree", "add docs/own.txt"), "the whole tree's event").await?;
    harness.eventually(&seen("own", "add docs/own.txt"), "the own entries' event").await?;
    harness.eventually("return fsnodeOwn.includes('add docs/own.txt')", "fsnode.js's event").await?;
    assert_eq!(harness.value("streams.own.slice()").await?, json!(["add docs/own.txt"]));
    assert_eq!(harness.value("fsnodeOwn.slice()").await?, json!(["add docs/own.txt"]));
    // A depth that is not a number of levels is a clear 400.
    let refused = harness.get("/@/fs/docs?call=sub&depth=all").await?;
    assert_eq!(refused.status, 400, "{}", refused.text());
    harness.finish().await
}

on_both_backends!(
    sub_to_depth_0_reports_the_directory_s_own_entries_only,
    fsnode_reads_walks_and_lists,
    fsnode_changes_the_folder,
    failures_reject_with_the_error_object,
    a_200_mb_write_streams_to_disk_and_an_aborted_one_changes_nothing,
    two_tabs_racing_writes_with_the_same_if_match_let_one_win,
    directory_times_are_kept_and_survive_a_worker_restart,
    another_site_cannot_change_the_folder,
    sub_reports_api_changes_at_once,
    sub_reports_changes_made_outside_the_api_under_its_path_only,
    sub_survives_a_worker_stop_without_losing_events,
);
