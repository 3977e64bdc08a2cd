//! Firefox (issue 19): the FsNode API and `/@/fsnode.js` through the worker on OPFS, every
//! write read back byte for byte through the worker and straight from OPFS — a 50 MB
//! upload and one cut half way included — and `sub`.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::SafePath;
use owndir_e2e::Result;
use owndir_e2e::cases::{FSNODE_FAILURES, FSNODE_FIXTURES};
use owndir_e2e::firefox::Firefox;
use serde_json::{Value, json};

/// Runs `body` (an async function body with `root`, `FsNode` and `args` in scope) in the
/// page with `/@/fsnode.js` imported; a rejection comes back as `{rejected: {...}}`.
async fn with_fsnode(firefox: &Firefox, body: &str, args: Value) -> Result<Value> {
    let script = format!(
        "const [args, done] = arguments;
        import('/@/fsnode.js').then(async ({{ root, FsNode, FsNodeError }}) => {{ {body} }})
          .then(done, (e) => done({{ rejected: {{ status: e.status, error: e.error, success: e.success, isError: e instanceof Error, message: String(e) }} }}));"
    );
    firefox.script(&script, vec![args]).await
}

/// Reads `path` through the worker and straight from OPFS, and checks both hold `bytes`.
async fn assert_written(firefox: &Firefox, path: &str, bytes: &[u8]) -> Result {
    let served = firefox.get(&SafePath::parse(path).unwrap().to_url()).await?;
    assert_eq!(served.status, 200, "{path}");
    assert!(served.body == bytes, "{path} through the worker: {:?}, wanted {:?}", served.text(), bytes);
    let stored = firefox.opfs_bytes(path).await?;
    assert!(stored.as_deref() == Some(bytes), "{path} in OPFS: {stored:?}, wanted {bytes:?}");
    Ok(())
}

#[tokio::test]
async fn fsnode_reads_lists_fails_as_it_should_and_every_write_lands_byte_for_byte() -> Result {
    let firefox = Firefox::connected(FSNODE_FIXTURES).await?;
    let read = with_fsnode(
        &firefox,
        "const docs = root.walk('docs');
        return {
          info: await root.info('docs/a.txt'),
          children: (await docs.children()).map((n) => n.path),
          files: (await root.files('docs')).map((n) => n.name),
          folders: (await docs.folders()).map((n) => n.absolutePath),
          part: await new Response(await docs.walk('a.txt').read(1, 3)).text(),
          all: Array.from(await root.readAll('docs/sub/b.txt')),
          missing: await root.info('nope'),
        };",
        json!(null),
    )
    .await?;
    assert_eq!(read["info"]["size"], 5, "{read}");
    assert_eq!(read["children"], json!(["docs/a.txt", "docs/sub"]));
    assert_eq!(read["files"], json!(["a.txt"]));
    assert_eq!(read["folders"], json!(["/docs/sub"]));
    assert_eq!(read["part"], "ell");
    assert_eq!(read["all"], json!([100, 101, 101, 112]));
    assert_eq!(read["missing"], Value::Null);

    // Every kind of body fsnode.js sends, and appends: what lands must be what was sent.
    let every_byte: Vec<u8> = (0..=255).collect();
    let written = with_fsnode(
        &firefox,
        "const bytes = new Uint8Array(args.bytes);
        const stream = new ReadableStream({ start(c) { c.enqueue(bytes.slice(0, 100)); c.enqueue(bytes.slice(100)); c.close(); } });
        const paths = [
          (await root.write('text/ünï cødé ✓.txt', 'héllo ✓ 日本語\\n')).path,
          (await root.write('bytes.bin', bytes)).path,
          (await root.write('blob.bin', new Blob([bytes, 'tail']))).path,
          (await root.write('stream.bin', stream)).path,
          (await root.write('empty.txt', '')).path,
          (await root.write('docs/a.txt', 'replaced')).path,
        ];
        const appended = await root.write('log.txt', 'one');
        await appended.write('+two', { flags: 'a' });
        await appended.write(new Uint8Array([0, 255]), { flags: 'a' });
        await root.touch('touched.txt');
        await root.makeDir('x/y/z');
        await root.walk('bytes.bin').move('moved/bytes.bin');
        await root.walk('docs').move('/archive/docs');
        await root.delete('x');
        return { paths, x: await root.info('x'), oldDocs: await root.info('docs'), oldBytes: await root.info('bytes.bin') };",
        json!({ "bytes": every_byte }),
    )
    .await?;
    assert_eq!(
        written["paths"],
        json!(["text/ünï cødé ✓.txt", "bytes.bin", "blob.bin", "stream.bin", "empty.txt", "docs/a.txt"]),
        "{written}"
    );
    assert_eq!((&written["x"], &written["oldDocs"], &written["oldBytes"]), (&Value::Null, &Value::Null, &Value::Null));
    assert_written(&firefox, "text/ünï cødé ✓.txt", "héllo ✓ 日本語\n".as_bytes()).await?;
    assert_written(&firefox, "moved/bytes.bin", &every_byte).await?;
    assert_written(&firefox, "blob.bin", &[every_byte.as_slice(), b"tail"].concat()).await?;
    assert_written(&firefox, "stream.bin", &every_byte).await?;
    assert_written(&firefox, "empty.txt", b"").await?;
    assert_written(&firefox, "touched.txt", b"").await?;
    assert_written(&firefox, "archive/docs/a.txt", b"replaced").await?;
    assert_written(&firefox, "archive/docs/sub/b.txt", b"deep").await?;
    assert_written(&firefox, "log.txt", b"one+two\0\xff").await?;

    // Plain PUT and POST bodies, as a folder app sends them.
    let put = firefox.fetch("/@/fs/put.txt?call=write", json!({ "method": "PUT", "body": "put body" })).await?;
    assert_eq!(put.status, 200, "{}", put.text());
    let post = firefox.fetch("/@/fs/put.txt?call=write&flags=a", json!({ "method": "POST", "body": "+post" })).await?;
    assert_eq!(post.status, 200, "{}", post.text());
    assert_written(&firefox, "put.txt", b"put body+post").await?;

    // The fixtures as they were: `docs` back where the cases expect it.
    firefox.seed(FSNODE_FIXTURES).await?;
    for &(body, status, error) in FSNODE_FAILURES {
        let rejected = &with_fsnode(&firefox, body, json!(null)).await?["rejected"];
        assert_eq!((&rejected["status"], &rejected["error"]), (&json!(status), &json!(error)), "{body}");
        // A plain object, as OwnDir's FsNode rejects with.
        assert_eq!((&rejected["success"], &rejected["isError"]), (&json!(false), &json!(false)), "{body}");
    }
    assert_written(&firefox, "docs/a.txt", b"hello").await?;
    assert_written(&firefox, ".owndir/static/x.txt", b"app").await?;
    assert_eq!(firefox.get("/@/fs/docs/a.txt?call=delete").await?.status, 405);
    let unknown = firefox.get("/@/fs/docs?call=explode").await?;
    assert_eq!((unknown.status, unknown.json()["error"].as_str()), (400, Some("unknown call explode")));
    firefox.finish().await
}

/// `size` random bytes (a shift or a lost chunk shows), made and compared with native
/// calls only: WebDriver scripts run in a sandbox where a loop over page bytes crawls.
const RANDOM: &str = "const random = (size) => { const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536)); return bytes; };
const sha256 = async (data) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (b) => b.toString(16).padStart(2, '0')).join('');";

/// Compares the file at `path` with `expected` (its SHA-256 `digest`), through the worker
/// and straight from OPFS: `{worker, opfs}`, each `"same"` or what differs.
const COMPARE: &str = "const compare = async (path, expected, digest) => {
  const differ = async (buffer) => buffer.byteLength !== expected.length ? `${buffer.byteLength} bytes, not ${expected.length}`
    : (await sha256(buffer)) === digest ? 'same' : 'other bytes';
  const served = await fetch('/' + path, { cache: 'no-store' });
  const worker = served.ok ? await differ(await served.arrayBuffer()) : `status ${served.status}`;
  const file = await (await (await navigator.storage.getDirectory()).getFileHandle(path)).getFile();
  return { worker, opfs: await differ(await file.arrayBuffer()) };
};";

/// Tells whether a handler's request learns that the page aborted it.
const SIGNAL_ROUTES: &str = r#"module.exports = { routes: [
  ["put", "/signal", (request) => new Promise((resolve) => {
    request.signal.addEventListener("abort", () => resolve(new Response(self.signalSeen = "told")));
    setTimeout(() => resolve(new Response(self.signalSeen = "never told")), 2000);
  })],
  ["get", "/signal", () => new Response(String(self.signalSeen))],
] };"#;

#[tokio::test]
async fn a_50_mb_upload_lands_whole_and_one_cut_half_way_leaves_all_or_nothing() -> Result {
    let firefox =
        Firefox::connected(&[("keep.bin", b"the old content"), (".owndir/routes.js", SIGNAL_ROUTES.as_bytes())])
            .await?;
    let body = format!(
        "{RANDOM} {COMPARE}
        const size = 50 * 1024 * 1024, bytes = random(size), blob = new Blob([bytes]), digest = await sha256(bytes);
        const old = new TextEncoder().encode('the old content'), oldDigest = await sha256(old);
        const started = performance.now();
        const put = await fetch('/@/fs/big.bin?call=write', {{ method: 'PUT', body: blob }});
        const took = performance.now() - started;
        const answer = [put.status, await put.json()];
        const big = await compare('big.bin', bytes, digest);

        // The same upload over an existing file and to a new one, each cut half way.
        const cut = async (path) => {{
          const controller = new AbortController();
          const upload = fetch('/@/fs/' + path + '?call=write', {{ method: 'PUT', body: blob, signal: controller.signal }});
          setTimeout(() => controller.abort(), took / 2);
          const outcome = await upload.then((r) => 'finished ' + r.status, (e) => 'aborted ' + e.name);
          // The worker may still be writing what it received: wait for it to settle.
          await new Promise((resolve) => setTimeout(resolve, took + 500));
          return outcome;
        }};
        const kept = await cut('keep.bin'), fresh = await cut('fresh.bin');
        const names = [];
        for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
        return {{ answer, took, big, kept, fresh, names: names.sort(),
          keep: await compare('keep.bin', bytes, digest), keepOld: await compare('keep.bin', old, oldDigest),
          freshFile: names.includes('fresh.bin') ? await compare('fresh.bin', bytes, digest) : null }};"
    );
    let result = with_fsnode(&firefox, &body, json!(null)).await?;
    eprintln!("50 MB upload on Firefox: {result}");
    assert_eq!(result["answer"], json!([200, { "path": "big.bin" }]), "{result}");
    assert_eq!(result["big"], json!({ "worker": "same", "opfs": "same" }), "{result}");
    // All or nothing: the old content whole or the new whole; a new file whole or absent.
    let same = json!({ "worker": "same", "opfs": "same" });
    assert!(result["keep"] == same || result["keepOld"] == same, "keep.bin is a mix: {result}");
    assert!(result["freshFile"].is_null() || result["freshFile"] == same, "fresh.bin is a mix: {result}");
    let names = result["names"].as_array().unwrap();
    let expected = ["big.bin", "fresh.bin", "keep.bin", ".owndir"];
    assert!(names.iter().all(|name| expected.contains(&name.as_str().unwrap())), "{result}");

    // Why a cut upload may still land whole: Firefox never tells the worker that the page
    // aborted a request (docs/firefox.md), so one whose body it has is written to the end.
    let aborted = firefox
        .script(
            "const done = arguments[0]; const controller = new AbortController();
            fetch('/signal', { method: 'PUT', body: 'x', signal: controller.signal }).catch(() => {});
            setTimeout(() => controller.abort(), 300);
            setTimeout(() => fetch('/signal').then((r) => r.text()).then(done), 2500);",
            vec![],
        )
        .await?;
    assert_eq!(aborted, "never told", "Firefox now tells the worker of an abort: docs/firefox.md, sw/");
    firefox.finish().await
}

/// Subscribes at `path` (with `events`), collecting into `window.owndirEvents`.
async fn subscribe(firefox: &Firefox, path: &str, events: Option<&str>) -> Result {
    let result = with_fsnode(
        firefox,
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

async fn wait_for_events(firefox: &Firefox, expected: &[&str]) -> Result<Vec<String>> {
    let expected = serde_json::to_string(expected).unwrap();
    let script = format!("return {expected}.every((wanted) => window.owndirEvents.includes(wanted))");
    firefox.eventually_within(std::time::Duration::from_secs(15), &script, "the events").await?;
    Ok(serde_json::from_value(firefox.value("window.owndirEvents").await?).unwrap())
}

#[tokio::test]
async fn sub_reports_changes_from_the_api_and_from_outside_under_its_path() -> Result {
    let firefox = Firefox::connected(FSNODE_FIXTURES).await?;
    // A page of its own, without the file app's stream.
    firefox.open("/docs/a.txt").await?;
    subscribe(&firefox, "", None).await?;
    with_fsnode(
        &firefox,
        "await root.write('docs/new.txt', 'x'); await root.makeDir('made'); await root.write('docs/a.txt', 'changed!');
        await root.delete('docs/sub'); return null;",
        json!(null),
    )
    .await?;
    let events = wait_for_events(
        &firefox,
        &["add docs/new.txt", "addDir made", "change docs/a.txt", "unlink docs/sub/b.txt", "unlinkDir docs/sub"],
    )
    .await?;
    let unique: std::collections::BTreeSet<&String> = events.iter().collect();
    assert_eq!(unique.len(), events.len(), "no event twice: {events:?}");
    firefox.value("owndirUnsub()").await?;

    subscribe(&firefox, "docs", Some("add,change")).await?;
    firefox.seed(&[("docs/outside.txt", b"from outside"), ("elsewhere.txt", b"not watched")]).await?;
    firefox.seed(&[("docs/a.txt", b"edited outside")]).await?;
    let events = wait_for_events(&firefox, &["add docs/outside.txt", "change docs/a.txt"]).await?;
    assert!(events.iter().all(|e| e.starts_with("add docs/") || e.starts_with("change docs/")), "{events:?}");
    firefox.finish().await
}
