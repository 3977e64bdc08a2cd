//! Hostile input and faults through the real worker (issue 9), on OPFS and on a directory
//! on disk: a table of path attacks against a folder that has a secret just outside it,
//! the worker stopped in the middle of a write, a read and a directory move, the folder's
//! record lost, the folder itself deleted, and Chrome's swap files. The storage itself is
//! read after each of them. The load test is in `load.rs`. What held is in
//! docs/reliability.md.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Options, Result, on_both_backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const SECRET: &str = "TOP-SECRET";

/// A handler that tries to climb out of its folder in every way `ctx` offers.
const ESCAPING_ROUTES: &str = r#"module.exports = { routes: [["get", "/escape", async (request, ctx) => {
    const tries = [() => ctx.dir.walk("../../../secret.txt").text(), () => ctx.root.walk("../secret.txt").text(),
      () => ctx.root.walk("/../../secret.txt").text(), () => ctx.dir.info("../../secret.txt"), () => ctx.root.children("..")];
    const seen = [];
    for (const attempt of tries) seen.push(await attempt().then((value) => JSON.stringify(value), (error) => "refused: " + error.status));
    return Response.json(seen);
  }]] };"#;

/// The folder the attacks are aimed from; `secret.txt` lies just outside it.
const JAIL: &[(&str, &[u8])] = &[
    ("inner/file.txt", b"inside"),
    ("x/.owndir/static/index.html", b"<!doctype html><title>x's app</title><h1>x</h1>"),
    ("x/.owndir/routes.js", ESCAPING_ROUTES.as_bytes()),
];

/// What lies outside the connected folder, to be looked at after the attacks.
enum Outside {
    /// The top of OPFS, where `jail` is a subdirectory.
    Opfs,
    /// The temporary directory on disk whose subdirectory `jail` is connected.
    Disk(tempfile::TempDir),
}

impl Outside {
    /// The names beside the folder and the secret's content, read from the storage itself.
    async fn look(&self, harness: &Harness) -> Result<(Vec<String>, String)> {
        match self {
            // The harness's storage is OPFS itself: its top is outside the folder.
            Outside::Opfs => {
                let names = harness.stored_dir("").await?.unwrap_or_default().into_keys().collect();
                Ok((names, harness.stored_text("secret.txt").await?.unwrap_or_default()))
            }
            Outside::Disk(top) => {
                let mut names: Vec<String> = std::fs::read_dir(top.path())
                    .unwrap()
                    .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                Ok((names, std::fs::read_to_string(top.path().join("secret.txt")).unwrap()))
            }
        }
    }

    /// The bytes of the file at `path` inside the folder, read from the storage itself.
    async fn inside(&self, harness: &Harness, path: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Outside::Opfs => harness.stored(&format!("jail/{path}")).await,
            Outside::Disk(top) => Ok(std::fs::read(top.path().join("jail").join(path)).ok()),
        }
    }
}

/// A browser connected to the folder `jail`, with `secret.txt` beside it: anything that
/// reads the secret has left the folder. In OPFS, `jail` is a subdirectory connected as
/// if picked; on disk, a subdirectory of a temporary directory, dropped on the start page
/// with a standing grant.
async fn jailed(backend: Backend) -> Result<(Harness, Outside)> {
    match backend {
        Backend::Opfs => {
            let harness = Harness::connected(&[]).await?;
            let paths: Vec<String> = JAIL.iter().map(|(path, _)| format!("jail/{path}")).collect();
            let mut files: Vec<(&str, &[u8])> = vec![("secret.txt", SECRET.as_bytes())];
            files.extend(paths.iter().zip(JAIL).map(|(path, (_, bytes))| (path.as_str(), *bytes)));
            harness.seed(&files).await?;
            harness.connect_as_picked("jail").await?;
            Ok((harness, Outside::Opfs))
        }
        Backend::Disk => {
            let top = tempfile::Builder::new().prefix("owndir-jail-").tempdir().unwrap();
            std::fs::write(top.path().join("secret.txt"), SECRET).unwrap();
            for (path, bytes) in JAIL {
                let native = top.path().join("jail").join(path);
                std::fs::create_dir_all(native.parent().unwrap()).unwrap();
                std::fs::write(native, bytes).unwrap();
            }
            let harness = Harness::start_with(Options { standing_grant: true }).await?;
            harness.connect_disk(&top.path().join("jail")).await?;
            harness.wait_for_worker().await?;
            Ok((harness, Outside::Disk(top)))
        }
    }
}

/// Sends each `{url, method}` from the page, eight at a time, each given 10 s:
/// `[status (0: no answer; negative: the body broke), saw the secret, milliseconds]`.
const ATTACK_SCRIPT: &str = r#"
const [attacks, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const results = new Array(attacks.length);
  let next = 0;
  const worker = async () => {
    while (next < attacks.length) {
      const index = next++;
      const { url, method } = attacks[index];
      const init = { signal: AbortSignal.timeout(10000), ...(method === "GET" ? {} : { method, body: "pwned" }) };
      const start = performance.now();
      results[index] = await fetch(url, init).then(
        (response) => response.text().then(
          (text) => [response.status, text.includes("TOP-SECRET")],
          // A body cut short is no answer either.
          () => [-response.status, false],
        ),
        () => [0, false],
      );
      results[index].push(Math.round(performance.now() - start));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return results;
})().then(done, (error) => done(String(error)));
"#;

/// Over 500 ways to name something outside the folder: climbs in every encoding (double,
/// overlong UTF-8, full-width and look-alike slashes), Windows separators and drive
/// letters, NUL and control characters, reserved device names, and 4 KB paths.
fn attack_paths() -> Vec<String> {
    let climbs = [
        "..%2F",
        "%2e%2e%2f",
        "..%5C",
        "%2E%2E%5C",
        "..%252f",
        "%252e%252e%252f",
        "..%c0%af",
        "%c0%ae%c0%ae%2f",
        "%e0%80%ae%e0%80%ae%2f",
        "..%c1%9c",
        ".%2e%2F",
        "%2e.%2F",
        "..\\",
        "....%2F%2F",
        "..%00%2F",
        "%EF%BC%8E%EF%BC%8E%EF%BC%8F",
        "..%E2%88%95",
        "..%2F.%2F",
    ];
    let targets =
        ["secret.txt", "secret.txt%00.png", "SECRET.TXT", "secret.txt%20", "secret.txt.", "secret.txt::$DATA"];
    let mut paths = Vec::new();
    for prefix in ["", "inner/", "x/"] {
        for climb in climbs {
            for target in targets {
                for times in [1, 3] {
                    paths.push(format!("{prefix}{}{target}", climb.repeat(times)));
                }
            }
        }
    }
    for drive in ["C:%5Csecret.txt", "C:/secret.txt", "c:%2Fsecret.txt", "%5C%5C127.0.0.1%5Cc$%5Csecret.txt", "C:"] {
        paths.push(drive.to_owned());
        paths.push(format!("inner/{drive}"));
    }
    for reserved in ["CON", "NUL", "AUX", "COM1", "LPT1", "con.txt", "PRN.md", "nul%20", "CONIN$"] {
        paths.push(reserved.to_owned());
    }
    for control in ["%00", "a%01b", "%7F", "a%0Ab", "%0D%0Asecret.txt", "secret%09.txt", "%1B[31m"] {
        paths.push(control.to_owned());
        paths.push(format!("inner/{control}"));
    }
    paths.push("a/".repeat(2048));
    // As deep as a path may be (core::path::MAX_DEPTH): found missing, and quickly.
    paths.push("c/".repeat(256));
    paths.push("b".repeat(4096));
    paths.push("%2e%2e/".repeat(600) + "secret.txt");
    paths.push(format!("inner/{}", "%2e%2e%2f".repeat(455)));
    paths
}

async fn no_path_leaves_the_folder_and_every_hostile_read_is_a_4xx(backend: Backend) -> Result {
    let (harness, outside) = jailed(backend).await?;
    assert_eq!(harness.get("/inner/file.txt").await?.text(), "inside");
    assert_eq!(harness.get("/secret.txt").await?.status, 404, "the folder is the jail");

    let origin = &harness.origin;
    let paths = attack_paths();
    assert!(paths.len() >= 500, "only {} attacks", paths.len());
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for path in &paths {
        reads.push(json!({ "url": format!("{origin}/{path}"), "method": "GET" }));
        reads.push(json!({ "url": format!("{origin}/@/fs/{path}?call=read"), "method": "GET" }));
        reads.push(json!({ "url": format!("{origin}/@/zip/{path}/"), "method": "GET" }));
        writes.push(json!({ "url": format!("{origin}/@/fs/{path}?call=write"), "method": "PUT" }));
    }
    // Every read is refused or finds nothing, from the start page and from a folder app
    // served under /x/ (with its own relative climbs).
    let mut failures = Vec::new();
    let mut sent = 0;
    for page in ["/", "/x/"] {
        harness.open(page).await?;
        let mut these = reads.clone();
        if page == "/x/" {
            for relative in ["../secret.txt", "../../secret.txt", "..%2Fsecret.txt", "./%2e%2e/%2e%2e/secret.txt"] {
                these.push(json!({ "url": relative, "method": "GET" }));
            }
        }
        for (attack, (status, secret)) in these.iter().zip(attack(&harness, &these).await?) {
            if secret || !(400..500).contains(&status) {
                failures.push(format!("from {page}: GET {} → {status} secret={secret}", attack["url"]));
            }
        }
        sent += these.len();
    }
    // Writes are refused, or land inside the folder under the one plain name the URL
    // decodes to (a look-alike slash such as U+2215 is just a character of a name). The
    // browser's URL parser turns `\` into `/` and resolves `%2e%2e` before the worker sees
    // the URL, so some climbs leave `/@/fs/` and arrive as a PUT on a content path, which
    // saves that file (a single-file app's save, issue 14): 201 or 204, inside the folder.
    harness.open("/").await?;
    let mut landed = Vec::new();
    for (attack, (status, secret)) in writes.iter().zip(attack(&harness, &writes).await?) {
        match status {
            400..500 if !secret => {}
            200..300 => landed.push(attack["url"].as_str().unwrap().to_owned()),
            _ => failures.push(format!("PUT {} → {status} secret={secret}", attack["url"])),
        }
    }
    sent += writes.len();
    assert!(failures.is_empty(), "{} of {sent} got through: {failures:#?}", failures.len());
    // The folder's own handlers cannot climb out either.
    let from_handler = harness.get("/x/escape").await?;
    assert_eq!(from_handler.status, 200);
    assert!(!from_handler.text().contains(SECRET), "{}", from_handler.text());

    // Nothing was written outside, nothing inside was created by an attack, and the
    // worker still serves.
    let (names, secret) = outside.look(&harness).await?;
    assert_eq!((names, secret.as_str()), (vec!["jail".to_owned(), "secret.txt".to_owned()], SECRET));
    let inside: Vec<String> = serde_json::from_value(harness.get("/@/fs/?call=children").await?.json()).unwrap();
    assert!(inside.contains(&"inner".to_owned()) && inside.contains(&"x".to_owned()), "{inside:?}");
    // Each write that landed made the file its URL names, inside the folder: the path the
    // browser sent (its URL parser, which `url` follows), after `/@/fs` for the API.
    let mut saved_as_content = 0;
    for url in &landed {
        let sent = url::Url::parse(url).unwrap();
        let path = match sent.path().strip_prefix("/@/fs") {
            Some(path) => {
                let info = harness.get(&url.replace("?call=write", "?call=info")).await?.json();
                assert_eq!((info["isFile"].as_bool(), info["size"].as_u64()), (Some(true), Some(5)), "{url}: {info}");
                path
            }
            None => {
                saved_as_content += 1;
                assert_eq!(harness.get(sent.path()).await?.text(), "pwned", "{url}");
                sent.path()
            }
        };
        let path = owndir_core::RequestPath::from_url_path(path).unwrap().path.to_string();
        assert_eq!(outside.inside(&harness, &path).await?.as_deref(), Some(&b"pwned"[..]), "{url} in the storage");
    }
    assert_eq!(harness.get("/inner/file.txt").await?.text(), "inside");
    eprintln!(
        "{} attacks, {sent} requests from two pages: reads all 4xx, no secret, nothing outside; \
         {} writes landed inside ({saved_as_content} as PUTs on content paths), each at the name its URL decodes to",
        paths.len(),
        landed.len()
    );
    harness.finish().await
}

/// Sends the attacks from the page: `(status, whether the body held the secret)`; a status
/// of 0 is no answer within 10 s, a negative one a body that broke off.
async fn attack(harness: &Harness, attacks: &[Value]) -> Result<Vec<(i32, bool)>> {
    let results = harness.script(ATTACK_SCRIPT, vec![Value::Array(attacks.to_vec())]).await?;
    let results: Vec<(i32, bool, u64)> = serde_json::from_value(results.clone()).map_err(|_| results.to_string())?;
    let slowest = results.iter().map(|(_, _, ms)| *ms).max().unwrap_or_default();
    eprintln!("{} requests, the slowest {slowest} ms", results.len());
    Ok(results.into_iter().map(|(status, secret, _)| (status, secret)).collect())
}

/// What the promise the page keeps as `window.<name>` settles to.
async fn settled(harness: &Harness, name: &str) -> Result<Value> {
    harness.script(&format!("const done = arguments[arguments.length - 1]; window.{name}.then(done);"), vec![]).await
}

/// Writes `count` files of `size` bytes (each filled with its index) under `directory`
/// of OPFS.
const MAKE_FILES_SCRIPT: &str = r#"
const [directory, count, size, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
(async () => {
  let folder = await navigator.storage.getDirectory();
  for (const part of directory.split("/")) folder = await folder.getDirectoryHandle(part, { create: true });
  for (let i = 0; i < count; i++) {
    const writable = await (await folder.getFileHandle(`f${i}.bin`, { create: true })).createWritable();
    await writable.write(new Uint8Array(size).fill(i % 251));
    await writable.close();
  }
})().then(() => done(null), (error) => done(String(error)));
"#;

/// Writes `count` files `f<i>.bin` of `size` bytes (each filled with its index) under
/// `directory` of the storage itself: with `std::fs` on disk, from the page in OPFS.
async fn make_files(harness: &Harness, directory: &str, count: u64, size: u64) -> Result {
    if let Some(root) = harness.disk_path() {
        let folder = root.join(directory);
        std::fs::create_dir_all(&folder).unwrap();
        for i in 0..count {
            std::fs::write(folder.join(format!("f{i}.bin")), vec![(i % 251) as u8; size as usize]).unwrap();
        }
        return Ok(());
    }
    let made = harness.script(MAKE_FILES_SCRIPT, vec![json!(directory), json!(count), json!(size)]).await?;
    if made.is_null() { Ok(()) } else { Err(format!("making files in OPFS: {made}")) }
}

/// Watches the directory `path` of the storage itself until it holds `at_least` names
/// ending in `suffix`, for up to 10 s: how many it saw, `None` if never. Looked at every
/// few milliseconds where the storage is, so that a copy or a write under way is caught:
/// with `std::fs` on disk, in the page for OPFS (a WebDriver call per look is too slow).
async fn watch_storage(harness: &Harness, path: &str, suffix: &str, at_least: usize) -> Result<Option<usize>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    if let Some(root) = harness.disk_path() {
        while Instant::now() < deadline {
            if let Ok(entries) = std::fs::read_dir(root.join(path)) {
                let seen = entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok());
                let seen = seen.filter(|name| name.ends_with(suffix)).count();
                if seen >= at_least {
                    return Ok(Some(seen));
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        return Ok(None);
    }
    let seen = harness.script(WATCH_OPFS_SCRIPT, vec![json!(path), json!(suffix), json!(at_least)]).await?;
    match seen {
        Value::Null => Ok(None),
        Value::Number(seen) => Ok(seen.as_u64().map(|seen| seen as usize)),
        other => Err(format!("watching OPFS: {other}")),
    }
}

/// [`watch_storage`] in the page for OPFS.
const WATCH_OPFS_SCRIPT: &str = r#"
const [path, suffix, atLeast, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
(async () => {
  const opfs = await navigator.storage.getDirectory();
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline) {
    try {
      let folder = opfs;
      for (const part of path.split("/").filter(Boolean)) folder = await folder.getDirectoryHandle(part);
      let seen = 0;
      for await (const name of folder.keys()) if (name.endsWith(suffix)) seen++;
      if (seen >= atLeast) return seen;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return null;
})().then(done, (error) => done(String(error)));
"#;

/// `{name: size}` of what is directly in `directory` of the storage itself (`None` for a
/// subdirectory), or `None` when it is not there.
async fn sizes(harness: &Harness, directory: &str) -> Result<Option<BTreeMap<String, Option<u64>>>> {
    harness.stored_dir(directory).await
}

async fn a_worker_stopped_mid_move_leaves_the_old_tree_or_the_new_one(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    let (count, size) = (400u64, 64u64 << 10);
    make_files(&harness, "album", count, size).await?;
    // Start the move, and stop the worker once files have begun to arrive.
    harness
        .value(
            "(() => { window.moved = fetch('/@/fs/album?call=move&to=moved', { method: 'POST' }).then((r) => r.status, (e) => 'cut'); })()",
        )
        .await?;
    let started = watch_storage(&harness, "moved", "", 20).await?;
    harness.stop_worker().await?;
    let outcome = settled(&harness, "moved").await?;
    // The next request starts a worker, which finishes the half-done move before answering.
    let mending = Instant::now();
    let status = harness.get("/@/status").await?;
    assert_eq!(status.status, 200, "{}", status.text());
    let mending_took = mending.elapsed();
    let (old, new) = (sizes(&harness, "album").await?, sizes(&harness, "moved").await?);
    let whole = |tree: &Option<BTreeMap<String, Option<u64>>>| {
        tree.as_ref().is_some_and(|files| {
            files.len() as u64 == count && files.values().all(|file_size| *file_size == Some(size))
        })
    };
    let kept_old = whole(&old) && new.is_none();
    let kept_new = old.is_none() && whole(&new);
    assert!(kept_old || kept_new, "a mix: album {} files, moved {} files", files(&old), files(&new));
    eprintln!(
        "stopped with {started:?} files moved (move answered {outcome}): {}, first answer after {mending_took:?}",
        if kept_old { "the old tree kept" } else { "the move finished" }
    );
    // And the folder works on: the move can be made again.
    if kept_old {
        let again = harness.fetch("/@/fs/album?call=move&to=moved", json!({ "method": "POST" })).await?;
        assert_eq!(again.status, 200, "{}", again.text());
        assert!(whole(&sizes(&harness, "moved").await?));
        assert_eq!(sizes(&harness, "album").await?, None);
    }
    harness.finish().await
}

/// Workers before 2026-11-30 moved a directory by copying it, under a record
/// `{from, to, copied}`; one stopped half way with such a record is still mended by the
/// next, even while the stopped worker's last write still holds its lock (on a folder on
/// disk for 0.6–5 s: Chrome drops it once that file's Safe Browsing check ends).
async fn a_copy_an_earlier_worker_left_half_done_is_undone_once_its_lock_goes(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    let (count, size) = (10u64, 1000u64);
    make_files(&harness, "album", count, size).await?;
    make_files(&harness, "moved", 3, size).await?;
    let record = json!({ "from": "album", "to": "moved", "copied": false });
    assert_eq!(harness.script(LEAVE_MOVE_RECORD_SCRIPT, vec![record]).await?, Value::Null);
    let held = harness.script(HOLD_A_WRITE_SCRIPT, vec![json!("moved"), json!("f3.bin"), json!(1000)]).await?;
    assert_eq!(held, Value::Null, "holding a write in the half copy");
    // The worker that answered so far has looked for a half move already; the next one looks.
    harness.stop_worker().await?;
    let status = harness.get("/@/status").await?;
    assert_eq!(status.status, 200, "{}", status.text());
    assert_eq!(sizes(&harness, "moved").await?, None, "the partial copy is gone");
    let album = sizes(&harness, "album").await?.unwrap_or_default();
    assert_eq!(album.len() as u64, count, "{album:?}");
    assert!(album.values().all(|file_size| *file_size == Some(size)), "{album:?}");
    let again = harness.fetch("/@/fs/album?call=move&to=moved", json!({ "method": "POST" })).await?;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(sizes(&harness, "moved").await?, Some(album));
    harness.finish().await
}

/// Leaves the move record `arguments[0]` in the app's IndexedDB, as a stopped worker does.
const LEAVE_MOVE_RECORD_SCRIPT: &str = r#"
const [record, done] = arguments;
(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("owndir");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const request = db.transaction("folder", "readwrite").objectStore("folder").put(record, "pendingMove");
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
  });
  db.close();
})().then(() => done(null), (error) => done(String(error)));
"#;

/// A move record the next worker cannot finish (the target's folder was deleted by
/// another program meanwhile) leaves the files where they are, and the folder is served.
async fn a_move_that_cannot_be_finished_leaves_the_files_and_serves_on(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    make_files(&harness, "album", 5, 100).await?;
    let record = json!({ "from": "album", "to": "deleted/moved", "stage": "moving" });
    assert_eq!(harness.script(LEAVE_MOVE_RECORD_SCRIPT, vec![record]).await?, Value::Null);
    harness.stop_worker().await?;
    let status = harness.get("/@/status").await?;
    assert_eq!(status.status, 200, "{}", status.text());
    assert_eq!(harness.get("/album/f4.bin").await?.body, vec![4u8; 100]);
    assert_eq!(sizes(&harness, "album").await?.map(|album| album.len()), Some(5));
    harness.finish().await
}

/// Opens a write to the file `arguments[1]` in the directory `arguments[0]` of the
/// connected folder (its handle from the record the app keeps) and aborts it
/// `arguments[2]` ms later, so the file is unchanged: meanwhile it is locked.
const HOLD_A_WRITE_SCRIPT: &str = r#"
const [directory, name, holdMs, done] = arguments;
(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("owndir");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const record = await new Promise((resolve, reject) => {
    const request = db.transaction("folder").objectStore("folder").get("current");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  const folder = await record.handle.getDirectoryHandle(directory);
  const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
  await writable.write("held");
  setTimeout(() => writable.abort(), holdMs);
})().then(() => done(null), (error) => done(String(error)));
"#;

/// A directory move that meets a file held by a write (another tab's upload) fails as a
/// `409` and puts back what it had moved: the source whole, nothing at the target.
async fn a_move_cut_by_a_held_file_puts_back_what_went(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    let (count, size) = (40u64, 1000u64);
    make_files(&harness, "album", count, size).await?;
    let held = harness.script(HOLD_A_WRITE_SCRIPT, vec![json!("album"), json!("f20.bin"), json!(60_000)]).await?;
    assert_eq!(held, Value::Null, "holding a write");
    let refused = harness.fetch("/@/fs/album?call=move&to=moved", json!({ "method": "POST" })).await?;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(sizes(&harness, "moved").await?, None, "nothing is left at the target");
    let mut album = sizes(&harness, "album").await?.unwrap_or_default();
    // The held write's swap file, Chrome's own, goes with the write.
    album.retain(|name, _| !name.ends_with(".crswap"));
    assert_eq!(album.len() as u64, count, "{album:?}");
    assert!(album.values().all(|file_size| *file_size == Some(size)), "{album:?}");
    harness.finish().await
}

fn files(tree: &Option<BTreeMap<String, Option<u64>>>) -> usize {
    tree.as_ref().map_or(0, BTreeMap::len)
}

async fn a_worker_stopped_mid_write_or_read_loses_nothing_and_swap_files_never_show(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    let old = harness.fetch("/@/fs/big.bin?call=write", json!({ "method": "PUT", "body": "old content" })).await?;
    assert_eq!(old.status, 200);
    assert_eq!(harness.stored_text("big.bin").await?.as_deref(), Some("old content"));
    let size = 100u64 << 20;
    // A 100 MB write, cut by a worker stop once Chrome's swap file has appeared.
    harness
        .value(
            "(() => {
              const parts = [];
              for (let i = 0; i < 100; i++) parts.push(new Uint8Array(1 << 20).fill(i));
              window.written = fetch('/@/fs/big.bin?call=write', { method: 'PUT', body: new Blob(parts) })
                .then((r) => r.status, (e) => 'cut');
            })()",
        )
        .await?;
    let swapping = watch_storage(&harness, "", ".crswap", 1).await?;
    harness.stop_worker().await?;
    let outcome = settled(&harness, "written").await?;
    let after = harness.get("/big.bin").await?;
    assert_eq!(after.status, 200);
    let kept_old = after.body == b"old content";
    let kept_new = after.body.len() as u64 == size && after.body[0] == 0 && after.body[(size - 1) as usize] == 99;
    assert!(kept_old || kept_new, "a mix: {} bytes", after.body.len());
    // The storage itself holds the same.
    let stored = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(stored.get("big.bin"), Some(&Some(after.body.len() as u64)), "{stored:?}");
    eprintln!(
        "write stopped (swap file seen: {}, fetch: {outcome}): {}",
        swapping.is_some(),
        if kept_old { "old content" } else { "new content" }
    );

    // Whatever swap file is left, nobody sees it: not in listings, not by name, not in zips.
    make_files(&harness, "docs", 1, 10).await?;
    harness.seed(&[("docs/f0.bin.crswap", b"")]).await?;
    let listing = harness.fetch("/docs/", json!({ "headers": { "Accept": "application/json" } })).await?.text();
    assert!(!listing.contains("crswap"), "{listing}");
    assert!(!harness.get("/@/fs/docs?call=children").await?.text().contains("crswap"));
    assert_eq!(harness.get("/docs/f0.bin.crswap").await?.status, 404);
    assert_eq!(harness.get("/@/fs/docs/f0.bin.crswap?call=info").await?.text(), "null");
    let zip = harness.get("/@/zip/docs/").await?;
    assert!(!zip.body.windows(6).any(|window| window == b"crswap"), "the zip holds a swap file");
    let overwrite =
        harness.fetch("/@/fs/docs/f0.bin.crswap?call=write", json!({ "method": "PUT", "body": "x" })).await?;
    assert_eq!(overwrite.status, 403);
    assert_eq!(harness.stored("docs/f0.bin.crswap").await?, Some(vec![]), "the swap file is untouched");
    assert_eq!(harness.stored("docs/f0.bin").await?, Some(vec![0; 10]));

    // A 100 MB read cut by a worker stop: the reader fails, the file and the worker do not.
    let read = harness
        .script(
            "const done = arguments[arguments.length - 1];
            fetch('/big.bin').then(async (response) => {
              const reader = response.body.getReader();
              await reader.read();
              window.reading = (async () => { try { for (;;) { const { done } = await reader.read(); if (done) return 'whole'; } } catch (e) { return 'cut'; } })();
              done('started');
            }, (e) => done(String(e)));",
            vec![],
        )
        .await?;
    assert_eq!(read, "started");
    harness.stop_worker().await?;
    let reading = settled(&harness, "reading").await?;
    let again = harness.get("/big.bin").await?;
    assert_eq!(again.body, after.body, "the file changed after a cut read ({reading})");
    let stored = harness.stored_dir("").await?.unwrap_or_default();
    assert_eq!(stored.get("big.bin"), Some(&Some(after.body.len() as u64)), "{stored:?}");
    harness.finish().await
}

async fn a_lost_folder_record_answers_503_and_the_app_offers_to_connect(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, &[]).await?;
    harness.seed(&[("note.txt", b"kept")]).await?;
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    // Site data cleared, as a person does in the browser's settings: the record with the
    // folder's handle is gone, and open connections to it are closed by force.
    let origin = harness.origin.clone();
    harness.cdp("Storage.clearDataForOrigin", json!({ "origin": origin, "storageTypes": "indexeddb" })).await?;
    let answer = harness.get("/note.txt").await?;
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(answer.json()["error"].as_str().unwrap().contains("no folder is connected"), "{}", answer.text());
    assert_eq!(harness.get("/@/status").await?.json()["connected"], false);
    harness.open("/").await?;
    harness.button("Use browser storage").await?;
    // Connecting again brings the same files back: the folder itself was never touched.
    assert_eq!(harness.stored_text("note.txt").await?.as_deref(), Some("kept"));
    match harness.disk_path() {
        Some(path) => harness.connect_disk(path).await?,
        None => harness.connect_browser_storage().await?,
    }
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    harness.finish().await
}

async fn a_picked_folder_removed_from_disk_answers_503_and_the_app_offers_another(backend: Backend) -> Result {
    // A picked folder: in OPFS, a subdirectory connected as if picked; on disk, a
    // directory dropped on the start page (its record says `picker` too).
    let harness = match backend {
        Backend::Opfs => {
            let harness = Harness::connected(&[]).await?;
            harness.seed(&[("picked/a.txt", b"here")]).await?;
            harness.connect_as_picked("picked").await?;
            harness
        }
        Backend::Disk => Harness::connected_on(backend, &[("a.txt", b"here")]).await?,
    };
    assert_eq!(harness.get("/@/status").await?.json()["source"], "picker");
    assert_eq!(harness.get("/a.txt").await?.text(), "here");
    assert_eq!(harness.get("/missing.txt").await?.status, 404);
    // Deleted behind the browser's back: from the disk, or in OPFS from the page.
    let name = match harness.disk_path() {
        Some(root) => {
            std::fs::remove_dir_all(root).unwrap();
            root.file_name().unwrap().to_string_lossy().into_owned()
        }
        None => {
            harness.remove_stored("picked").await?;
            "picked".to_owned()
        }
    };
    let gone = |fetched: &owndir_e2e::Fetched| {
        let error = fetched.json()["error"].as_str().unwrap_or_default().to_owned();
        fetched.status == 503 && error.contains(&format!("\"{name}\" is gone"))
    };
    for (path, init) in [
        ("/a.txt", json!({})),
        ("/@/fs/?call=children", json!({})),
        ("/@/fs/a.txt?call=read", json!({})),
        ("/@/zip/", json!({})),
        ("/@/fs/new.txt?call=write", json!({ "method": "PUT", "body": "lost?" })),
        ("/@/fs/dir?call=makeDir", json!({ "method": "POST" })),
    ] {
        let answer = harness.fetch(path, init).await?;
        assert!(gone(&answer), "{path}: {} {}", answer.status, answer.text());
    }
    // Nothing was made anywhere: the write had nowhere to go.
    match harness.disk_path() {
        Some(root) => {
            assert!(!root.exists(), "the folder was made again");
            assert!(!root.parent().unwrap().join("new.txt").exists());
        }
        None => {
            let top = harness.stored_dir("").await?.unwrap_or_default();
            assert!(!top.contains_key("new.txt") && !top.contains_key("picked"), "{top:?}");
        }
    }
    // The app says so, and offers another folder.
    harness.open("/").await?;
    harness.eventually("return document.body.innerText.includes('is gone')", "the app says the folder is gone").await?;
    harness.screenshot("folder-gone-phone", 390, 844, true).await?;
    harness.button("Choose another folder").await?.click().await.map_err(|error| error.to_string())?;
    harness.button("Use browser storage").await?;
    harness.finish().await
}

on_both_backends!(
    no_path_leaves_the_folder_and_every_hostile_read_is_a_4xx,
    a_worker_stopped_mid_move_leaves_the_old_tree_or_the_new_one,
    a_copy_an_earlier_worker_left_half_done_is_undone_once_its_lock_goes,
    a_move_cut_by_a_held_file_puts_back_what_went,
    a_move_that_cannot_be_finished_leaves_the_files_and_serves_on,
    a_worker_stopped_mid_write_or_read_loses_nothing_and_swap_files_never_show,
    a_lost_folder_record_answers_503_and_the_app_offers_to_connect,
    a_picked_folder_removed_from_disk_answers_503_and_the_app_offers_another,
);
