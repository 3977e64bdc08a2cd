//! Hostile input, faults and load through the real worker on OPFS (issue 9): a table of
//! path attacks against a folder that has a secret just outside it, the worker stopped in
//! the middle of a write, a read and a directory move, the folder's record lost, the
//! folder itself deleted, and Chrome's swap files. The load test is in `load.rs`. What held is in
//! docs/reliability.md.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Harness, Result};
use serde_json::{Value, json};

const SECRET: &str = "TOP-SECRET";

/// Puts `secret.txt` at the top of OPFS and the folder `jail` beside it, to be connected
/// as a picked folder: anything that reads the secret has left the folder.
const JAIL_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const opfs = await navigator.storage.getDirectory();
  const put = async (directory, path, text) => {
    const names = path.split("/");
    const name = names.pop();
    for (const part of names) directory = await directory.getDirectoryHandle(part, { create: true });
    const writable = await (await directory.getFileHandle(name, { create: true })).createWritable();
    await writable.write(text);
    await writable.close();
  };
  await put(opfs, "secret.txt", "TOP-SECRET");
  const jail = await opfs.getDirectoryHandle("jail", { create: true });
  await put(jail, "inner/file.txt", "inside");
  await put(jail, "x/.owndir/static/index.html", "<!doctype html><title>x's app</title><h1>x</h1>");
  await put(jail, "x/.owndir/routes.js", `module.exports = { routes: [["get", "/escape", async (request, ctx) => {
    const tries = [() => ctx.dir.walk("../../../secret.txt").text(), () => ctx.root.walk("../secret.txt").text(),
      () => ctx.root.walk("/../../secret.txt").text(), () => ctx.dir.info("../../secret.txt"), () => ctx.root.children("..")];
    const seen = [];
    for (const attempt of tries) seen.push(await attempt().then((value) => JSON.stringify(value), (error) => "refused: " + error.status));
    return Response.json(seen);
  }]] };`);
})().then(() => done(null), (error) => done(String(error)));
"#;

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

/// The names at the top of OPFS, and the secret's content.
const OUTSIDE_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const opfs = await navigator.storage.getDirectory();
  const names = [];
  for await (const name of opfs.keys()) names.push(name);
  const secret = await (await (await opfs.getFileHandle("secret.txt")).getFile()).text();
  return { names: names.sort(), secret };
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

#[tokio::test]
async fn no_path_leaves_the_folder_and_every_hostile_read_is_a_4xx() -> Result {
    let harness = Harness::connected(&[]).await?;
    let jailed = harness.script(JAIL_SCRIPT, vec![]).await?;
    assert!(jailed.is_null(), "{jailed}");
    harness.connect_as_picked("jail").await?;
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
    // decodes to (a look-alike slash such as U+2215 is just a character of a name).
    harness.open("/").await?;
    let mut landed = Vec::new();
    for (attack, (status, secret)) in writes.iter().zip(attack(&harness, &writes).await?) {
        match status {
            400..500 if !secret => {}
            200 => landed.push(attack["url"].as_str().unwrap().to_owned()),
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
    let outside = harness.script(OUTSIDE_SCRIPT, vec![]).await?;
    assert_eq!(outside, json!({ "names": ["jail", "secret.txt"], "secret": SECRET }));
    let inside: Vec<String> = serde_json::from_value(harness.get("/@/fs/?call=children").await?.json()).unwrap();
    assert!(inside.contains(&"inner".to_owned()) && inside.contains(&"x".to_owned()), "{inside:?}");
    // Each write that landed made the file its URL names, inside the folder.
    for url in &landed {
        let info = harness.get(&url.replace("?call=write", "?call=info")).await?.json();
        assert_eq!((info["isFile"].as_bool(), info["size"].as_u64()), (Some(true), Some(5)), "{url}: {info}");
    }
    assert_eq!(harness.get("/inner/file.txt").await?.text(), "inside");
    eprintln!(
        "{} attacks, {sent} requests from two pages: reads all 4xx, no secret, nothing outside; \
         {} writes landed inside, each at the name its URL decodes to",
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

/// Writes `count` files of `size` bytes (each filled with its index) under `directory`.
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

/// `{name: size}` of the files directly in a directory of OPFS, or null when it is not there.
const SIZES_SCRIPT: &str = r#"
const [directory, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  let folder = await navigator.storage.getDirectory();
  try {
    for (const part of directory.split("/").filter(Boolean)) folder = await folder.getDirectoryHandle(part);
  } catch {
    return null;
  }
  const sizes = {};
  for await (const [name, handle] of folder.entries()) sizes[name] = handle.kind === "file" ? (await handle.getFile()).size : -1;
  return sizes;
})().then(done, (error) => done(String(error)));
"#;

async fn sizes(harness: &Harness, directory: &str) -> Result<Value> {
    harness.script(SIZES_SCRIPT, vec![json!(directory)]).await
}

#[tokio::test]
async fn a_worker_stopped_mid_move_leaves_the_old_tree_or_the_new_one() -> Result {
    let harness = Harness::connected(&[]).await?;
    let (count, size) = (400u64, 64u64 << 10);
    let made = harness.script(MAKE_FILES_SCRIPT, vec![json!("album"), json!(count), json!(size)]).await?;
    assert!(made.is_null(), "{made}");
    // Start the move, and stop the worker once the copy has begun.
    let started = harness
        .script(
            "const done = arguments[arguments.length - 1];
            window.moved = fetch('/@/fs/album?call=move&to=moved', { method: 'POST' }).then((r) => r.status, (e) => 'cut');
            (async () => {
              const opfs = await navigator.storage.getDirectory();
              for (let i = 0; i < 2000; i++) {
                try {
                  const target = await opfs.getDirectoryHandle('moved');
                  let n = 0;
                  for await (const _ of target.keys()) n++;
                  if (n >= 20) return n;
                } catch {}
                await new Promise((resolve) => setTimeout(resolve, 5));
              }
              return -1;
            })().then(done, (e) => done(String(e)));",
            vec![],
        )
        .await?;
    harness.stop_worker().await?;
    let outcome = settled(&harness, "moved").await?;
    // The next request starts a worker, which mends the half-done move before answering.
    assert_eq!(harness.get("/@/status").await?.status, 200);
    let (old, new) = (sizes(&harness, "album").await?, sizes(&harness, "moved").await?);
    let whole = |tree: &Value| {
        tree.as_object().is_some_and(|files| {
            files.len() as u64 == count && files.values().all(|file_size| file_size.as_u64() == Some(size))
        })
    };
    let kept_old = whole(&old) && new.is_null();
    let kept_new = old.is_null() && whole(&new);
    assert!(kept_old || kept_new, "a mix: album {} files, moved {} files", files(&old), files(&new));
    eprintln!(
        "stopped with {started} files copied (move answered {outcome}): {}",
        if kept_old { "the old tree kept" } else { "the move finished" }
    );
    // And the folder works on: the move can be made again.
    if kept_old {
        let again = harness.fetch("/@/fs/album?call=move&to=moved", json!({ "method": "POST" })).await?;
        assert_eq!(again.status, 200, "{}", again.text());
        assert!(whole(&sizes(&harness, "moved").await?));
    }
    harness.finish().await
}

fn files(tree: &Value) -> usize {
    tree.as_object().map_or(0, |files| files.len())
}

#[tokio::test]
async fn a_worker_stopped_mid_write_or_read_loses_nothing_and_swap_files_never_show() -> Result {
    let harness = Harness::connected(&[]).await?;
    let old = harness.fetch("/@/fs/big.bin?call=write", json!({ "method": "PUT", "body": "old content" })).await?;
    assert_eq!(old.status, 200);
    let size = 100u64 << 20;
    // A 100 MB write, cut by a worker stop once Chrome's swap file has appeared.
    let swapping = harness
        .script(
            "const done = arguments[arguments.length - 1];
            const parts = [];
            for (let i = 0; i < 100; i++) parts.push(new Uint8Array(1 << 20).fill(i));
            window.written = fetch('/@/fs/big.bin?call=write', { method: 'PUT', body: new Blob(parts) })
              .then((r) => r.status, (e) => 'cut');
            (async () => {
              const opfs = await navigator.storage.getDirectory();
              for (let i = 0; i < 2000; i++) {
                for await (const name of opfs.keys()) if (name.endsWith('.crswap')) return name;
                await new Promise((resolve) => setTimeout(resolve, 2));
              }
              return null;
            })().then(done, (e) => done(String(e)));",
            vec![],
        )
        .await?;
    harness.stop_worker().await?;
    let outcome = settled(&harness, "written").await?;
    let after = harness.get("/big.bin").await?;
    assert_eq!(after.status, 200);
    let kept_old = after.body == b"old content";
    let kept_new = after.body.len() as u64 == size && after.body[0] == 0 && after.body[(size - 1) as usize] == 99;
    assert!(kept_old || kept_new, "a mix: {} bytes", after.body.len());
    eprintln!(
        "write stopped (swap file seen: {swapping}, fetch: {outcome}): {}",
        if kept_old { "old content" } else { "new content" }
    );

    // Whatever swap file is left, nobody sees it: not in listings, not by name, not in zips.
    let planted = harness.script(MAKE_FILES_SCRIPT, vec![json!("docs"), json!(1), json!(10)]).await?;
    assert!(planted.is_null());
    harness
        .script(
            "const done = arguments[arguments.length - 1];
            navigator.storage.getDirectory().then((opfs) => opfs.getDirectoryHandle('docs'))
              .then((docs) => docs.getFileHandle('f0.bin.crswap', { create: true })).then(() => done(null), (e) => done(String(e)));",
            vec![],
        )
        .await?;
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
    harness.finish().await
}

#[tokio::test]
async fn a_lost_folder_record_answers_503_and_the_app_offers_to_connect() -> Result {
    let harness = Harness::connected(&[]).await?;
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
    // Connecting again brings the same files back.
    harness.connect_browser_storage().await?;
    assert_eq!(harness.get("/note.txt").await?.text(), "kept");
    harness.finish().await
}

#[tokio::test]
async fn a_picked_folder_removed_from_disk_answers_503_and_the_app_offers_another() -> Result {
    let harness = Harness::connected(&[]).await?;
    harness.seed(&[("picked/a.txt", b"here")]).await?;
    harness.connect_as_picked("picked").await?;
    assert_eq!(harness.get("/a.txt").await?.text(), "here");
    assert_eq!(harness.get("/missing.txt").await?.status, 404);
    // Deleted behind the browser's back (here from the page; on a desktop, from the disk).
    let removed = harness
        .script(
            "navigator.storage.getDirectory().then((opfs) => opfs.removeEntry('picked', { recursive: true }))
               .then(() => arguments[0]('removed'), (e) => arguments[0](String(e)))",
            vec![],
        )
        .await?;
    assert_eq!(removed, "removed");
    let gone = |fetched: &owndir_e2e::Fetched| {
        fetched.status == 503 && fetched.json()["error"].as_str().unwrap_or_default().contains("\"picked\" is gone")
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
    let top = harness
        .script(
            "navigator.storage.getDirectory().then(async (opfs) => { const names = []; for await (const name of opfs.keys()) names.push(name); return names.sort(); })
               .then(arguments[0], (e) => arguments[0](String(e)))",
            vec![],
        )
        .await?;
    assert!(!top.to_string().contains("new.txt") && !top.to_string().contains("picked"), "{top}");
    // The app says so, and offers another folder.
    harness.open("/").await?;
    harness.eventually("return document.body.innerText.includes('is gone')", "the app says the folder is gone").await?;
    harness.screenshot("folder-gone-phone", 390, 844, true).await?;
    harness.button("Choose another folder").await?.click().await.map_err(|error| error.to_string())?;
    harness.button("Use browser storage").await?;
    harness.finish().await
}
