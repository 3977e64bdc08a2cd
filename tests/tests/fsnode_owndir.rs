//! `/@/fsnode.js` held to OwnDir's own FsNode: the cases of OwnDir's browser test suite for
//! FsNode (its test-server's `test/fsNode.js`), in our words, run in the page against the
//! worker, and the methods `docs/api.md` documents beyond it. Where OwnDir compares with
//! lodash's `isEqual`, the page reports what that compares: a node's own enumerable
//! properties, and whether a rejection is a plain object with exactly `success`, `status`
//! and `error`.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_e2e::{Backend, Harness, Result};
use serde_json::{Value, json};

/// OwnDir's fixtures: `fixtures/<test>/…`.
const FIXTURES: &[(&str, &[u8])] = &[
    ("fixtures/fsNode.info/1.txt", b"one"),
    ("fixtures/fsNode.touch/1.txt", b"one"),
    ("fixtures/fsNode.delete/file-1", b"1"),
    ("fixtures/fsNode.delete/folder-1/file-2", b"2"),
    (".owndir/static/x.txt", b"the folder's own code"),
];

/// Helpers every page script starts with: `node(n)` is what lodash's `isEqual` compares
/// of an FsNode (its own enumerable properties, sorted by name); `rejection(promise)` is
/// what a call rejected with (`{plain, value}`) or `"resolved"`; `folders(...)` makes
/// OwnDir's empty fixture folders.
const PRELUDE: &str = "
const node = (n) => Object.fromEntries(Object.keys(n).sort().map((key) => [key, n[key]]));
const rejection = async (promise) => {
  try { await promise; return 'resolved'; }
  catch (e) { return { plain: Object.getPrototypeOf(e) === Object.prototype, value: { ...e } }; }
};
const folders = (...paths) => Promise.all(paths.map((path) => root.makeDir(path)));
";

async fn in_page(harness: &Harness, body: &str) -> Result<Value> {
    let result = harness.with_fsnode(&format!("{PRELUDE}{body}"), json!(null)).await?;
    assert!(result.get("rejected").is_none(), "the script itself failed: {result}");
    Ok(result)
}

/// The node OwnDir's `walk` gives for `path`: exactly these four properties.
fn node(path: &str) -> Value {
    let name = path.rsplit('/').next().unwrap_or_default();
    json!({ "absolutePath": format!("/{path}"), "name": name, "path": path, "relativePath": path })
}

/// A rejection that compares equal to OwnDir's error object.
fn rejected(status: u16, error: &str) -> Value {
    json!({ "plain": true, "value": { "success": false, "status": status, "error": error } })
}

#[tokio::test]
async fn paths_children_and_info_are_owndir_s() -> Result {
    let harness = Harness::connected(FIXTURES).await?;
    let result = in_page(
        &harness,
        "const nested = root.walk('a/b/c');
        const navigation = {
          root: node(root), rootRoot: node(root.root), rootParent: node(root.parent), rootUp: node(root.walk('..')),
          nested: node(nested), nestedRoot: node(nested.root), nestedParent: nested.parent.absolutePath,
          nestedUp: node(nested.walk('..')), forward: nested.walk('d').absolutePath,
          absolute: nested.walk('/d').absolutePath, owndir: root.walk('.owndir').absolutePath,
        };

        await folders('fixtures/fsNode.children');
        const dir = root.walk('fixtures').walk('fsNode.children');
        const empty = (await dir.children()).map(node);
        const newDir = await dir.makeDir('new-folder');
        const afterDir = (await dir.children()).map(node);
        const newFile = await dir.touch('foo');
        const afterFile = (await dir.children()).map(node);
        const ofFile = await rejection(newFile.children());
        const nonexistent = dir.walk('nonexistent');
        const ofNothing = await rejection(nonexistent.children());
        const owndir = await rejection(root.walk('.owndir').children());

        const info = root.walk('fixtures/fsNode.info');
        const pick = (i) => i && { isDirectory: i.isDirectory, isFile: i.isFile, mime: i.mime, size: i.size };
        return {
          navigation,
          children: { empty, newDir: node(newDir), afterDir, newFile: node(newFile), afterFile, ofFile,
                      nonexistent: node(nonexistent), ofNothing, owndir },
          info: { dir: pick(await info.info()), file: pick(await info.walk('1.txt').info()),
                  nothing: await info.walk('nonexistent').info() },
        };",
    )
    .await?;

    let navigation = &result["navigation"];
    for key in ["root", "rootRoot", "rootParent", "rootUp", "nestedRoot"] {
        assert_eq!(
            navigation[key],
            json!({ "absolutePath": "/", "name": "", "path": "", "relativePath": "" }),
            "{key}"
        );
    }
    assert_eq!(navigation["nested"], node("a/b/c"));
    assert_eq!(navigation["nestedUp"], node("a/b"));
    assert_eq!(navigation["nestedParent"], "/a/b");
    assert_eq!(navigation["forward"], "/a/b/c/d");
    assert_eq!(navigation["absolute"], "/d");
    assert_eq!(navigation["owndir"], "/.owndir");

    let children = &result["children"];
    assert_eq!(children["empty"], json!([]));
    assert_eq!(children["newDir"], node("fixtures/fsNode.children/new-folder"));
    assert_eq!(children["afterDir"], json!([node("fixtures/fsNode.children/new-folder")]));
    assert_eq!(children["newFile"], node("fixtures/fsNode.children/foo"));
    assert_eq!(
        children["afterFile"],
        json!([node("fixtures/fsNode.children/foo"), node("fixtures/fsNode.children/new-folder")])
    );
    assert_eq!(children["ofFile"], rejected(404, "fixtures/fsNode.children/foo is not a directory"));
    assert_eq!(children["nonexistent"], node("fixtures/fsNode.children/nonexistent"));
    assert_eq!(children["ofNothing"], rejected(404, "fixtures/fsNode.children/nonexistent is not a directory"));
    assert_eq!(children["owndir"], "resolved", "a read-only folder can still be looked into");

    let info = &result["info"];
    assert_eq!(info["dir"], json!({ "isDirectory": true, "isFile": false, "mime": null, "size": 0 }));
    assert_eq!(info["file"], json!({ "isDirectory": false, "isFile": true, "mime": "text/plain", "size": 3 }));
    assert_eq!(info["nothing"], Value::Null);
    harness.finish().await
}

/// OwnDir's `makeDir` and `touch` cases, on `backend`.
async fn make_dir_and_touch_on(backend: Backend) -> Result {
    let harness = Harness::connected_on(backend, FIXTURES).await?;
    let result = in_page(
        &harness,
        "await folders('fixtures/fsNode.makeDir', 'fixtures/fsNode.touch/folder');
        const dir = root.walk('fixtures/fsNode.makeDir');
        const empty = (await dir.children()).map(node);
        const dir1 = await dir.walk('dir1').makeDir();
        const afterOne = (await dir.children()).map(node);
        const dir2 = await dir.makeDir('dir2');
        const afterTwo = (await dir.children()).map(node);
        const dirC = await dir.makeDir('A/B/C');
        const afterC = (await dir.children()).map(node);
        const remade = await dir.walk('A').makeDir();
        const file1 = await dir.touch('file1');
        const makeDir = {
          empty, dir1: node(dir1), afterOne, dir2: node(dir2), afterTwo, dirC: node(dirC), afterC, remade: node(remade),
          file1IsFile: (await file1.info()).isFile,
          throughFile: await rejection(file1.makeDir('A/B/C')),
          owndir: await rejection(dir.makeDir('.owndir')),
        };

        const touchDir = root.walk('fixtures/fsNode.touch');
        const times = (i) => ({ ctime: i.ctime, mtime: i.mtime });
        const touchTwice = async (n) => {
          const before = times(await n.info());
          await new Promise((resolve) => setTimeout(resolve, 20));
          const returned = node(await n.touch());
          return { before, returned, after: times(await n.info()) };
        };
        const file = await touchDir.walk('1.txt');
        const folder = touchDir.walk('folder');
        const onFile = await touchTwice(file);
        const onFolder = await touchTwice(folder);
        const folderEmpty = (await folder.children()).map(node);
        const newFile = await folder.touch('new-file');
        const newInfo = await newFile.info();
        const touch = {
          onFile, onFolder, folderEmpty, newFile: node(newFile), afterNew: (await folder.children()).map(node),
          newInfo: { isDirectory: newInfo.isDirectory, isFile: newInfo.isFile, mime: newInfo.mime, size: newInfo.size },
          deep: await rejection(folder.touch('A/B/C/new-file')),
          deepMade: await folder.info('A'),
          underFile: await rejection(file.touch('impossible-file')),
          owndir: await rejection(touchDir.root.touch('.owndir/')),
        };
        return { makeDir, touch };",
    )
    .await?;

    let make_dir = &result["makeDir"];
    let at = |name: &str| node(&format!("fixtures/fsNode.makeDir/{name}"));
    assert_eq!(make_dir["empty"], json!([]));
    assert_eq!(make_dir["dir1"], at("dir1"));
    assert_eq!(make_dir["afterOne"], json!([at("dir1")]));
    assert_eq!(make_dir["dir2"], at("dir2"));
    assert_eq!(make_dir["afterTwo"], json!([at("dir1"), at("dir2")]));
    assert_eq!(make_dir["dirC"], at("A/B/C"));
    assert_eq!(make_dir["afterC"], json!([at("A"), at("dir1"), at("dir2")]));
    assert_eq!(make_dir["remade"], at("A"), "making a folder that is there is fine");
    assert_eq!(make_dir["file1IsFile"], true);
    assert_eq!(make_dir["throughFile"], rejected(500, "unable to mkDir fixtures/fsNode.makeDir/file1/A/B/C"));
    assert_eq!(make_dir["owndir"], rejected(403, "fixtures/fsNode.makeDir/.owndir cannot be written"));

    let touch = &result["touch"];
    for (key, path) in [("onFile", "fixtures/fsNode.touch/1.txt"), ("onFolder", "fixtures/fsNode.touch/folder")] {
        let (before, after) = (&touch[key]["before"], &touch[key]["after"]);
        assert!(before["ctime"].as_f64().unwrap() > 0.0, "{key} has a ctime: {before}");
        assert_eq!(before["ctime"], before["mtime"], "{key}");
        assert_eq!(touch[key]["returned"], node(path), "touch answers the node itself");
        assert!(after["ctime"].as_f64() > before["ctime"].as_f64(), "{key}'s ctime advanced: {before} → {after}");
        assert!(after["mtime"].as_f64() > before["mtime"].as_f64(), "{key}'s mtime advanced: {before} → {after}");
    }
    assert_eq!(touch["folderEmpty"], json!([]));
    assert_eq!(touch["newFile"], node("fixtures/fsNode.touch/folder/new-file"));
    assert_eq!(touch["afterNew"], json!([node("fixtures/fsNode.touch/folder/new-file")]));
    assert_eq!(touch["newInfo"], json!({ "isDirectory": false, "isFile": true, "mime": null, "size": 0 }));
    assert_eq!(touch["deep"], rejected(500, "unable to touch fixtures/fsNode.touch/folder/A/B/C/new-file"));
    assert_eq!(touch["deepMade"], Value::Null, "touch makes no parents");
    assert_eq!(touch["underFile"], rejected(500, "unable to touch fixtures/fsNode.touch/1.txt/impossible-file"));
    assert_eq!(touch["owndir"], rejected(403, ".owndir cannot be written"));
    harness.finish().await
}

#[tokio::test]
async fn make_dir_and_touch_are_owndir_s() -> Result {
    make_dir_and_touch_on(Backend::Opfs).await
}

#[tokio::test]
async fn make_dir_and_touch_are_owndir_s_on_a_disk_folder() -> Result {
    make_dir_and_touch_on(Backend::Disk).await
}

#[tokio::test]
async fn delete_and_every_node_returning_method_answer_owndir_s_node() -> Result {
    let harness = Harness::connected(FIXTURES).await?;
    let result = in_page(
        &harness,
        "const dir = root.walk('fixtures/fsNode.delete');
        const file1 = dir.walk('file-1');
        const never = dir.walk(\"file-that-doesn't-exist\");
        const folder1 = dir.walk('folder-1');
        const remove = {
          file1Before: !!(await file1.info()), file1Deleted: node(await file1.delete()), file1After: await file1.info(),
          neverBefore: await never.info(), neverDeleted: node(await never.delete()), neverAfter: await never.info(),
          folderBefore: !!(await folder1.info()), file2Before: !!(await folder1.info('file-2')),
          folderDeleted: node(await folder1.delete()),
          folderAfter: await folder1.info(), file2After: await folder1.walk('file-2').info(),
        };

        // api.md: write answers this node; move the node at its new place, `mv`-like.
        const written = await root.write('docs/a.txt', 'hello');
        const writtenHere = await root.walk('docs').write('b.txt', new Uint8Array([104, 105]), { flags: 'w+' });
        const appended = await root.walk('docs/b.txt').write('!', { flags: 'a+' });
        await root.makeDir('archive');
        const movedInto = await root.walk('docs/a.txt').move('/archive');
        const movedBeside = await root.walk('docs/b.txt').move('c.txt');
        const clash = await rejection(root.walk('docs/c.txt').move('/archive/a.txt'));
        const read = await new Response(await root.read('archive/a.txt', 1, 3)).text();
        const readHere = await new Response(await root.walk('archive/a.txt').read(2)).text();
        const failure = await root.children('archive/a.txt').catch((e) => e);
        return {
          remove,
          returned: [written, writtenHere, appended, movedInto, movedBeside].map(node),
          text: await root.walk('docs/c.txt').text(), clash, read, readHere,
          failure: { isFsNodeError: failure instanceof FsNodeError, isError: failure instanceof Error,
                     shown: String(failure), where: typeof failure.stack },
          plainIsNot: { status: 404 } instanceof FsNodeError,
          may: [await root.canRead(), await root.walk('.owndir/x').canWrite(), await root.walk('docs').canWriteAll(),
                await root.walk('a.owndir.txt').canWrite()],
        };",
    )
    .await?;

    let remove = &result["remove"];
    assert_eq!((&remove["file1Before"], &remove["file1After"]), (&json!(true), &Value::Null));
    assert_eq!(remove["file1Deleted"], node("fixtures/fsNode.delete/file-1"));
    assert_eq!((&remove["neverBefore"], &remove["neverAfter"]), (&Value::Null, &Value::Null));
    assert_eq!(remove["neverDeleted"], node("fixtures/fsNode.delete/file-that-doesn't-exist"));
    assert_eq!((&remove["folderBefore"], &remove["file2Before"]), (&json!(true), &json!(true)));
    assert_eq!(remove["folderDeleted"], node("fixtures/fsNode.delete/folder-1"));
    assert_eq!((&remove["folderAfter"], &remove["file2After"]), (&Value::Null, &Value::Null));

    assert_eq!(
        result["returned"],
        json!([node("docs/a.txt"), node("docs/b.txt"), node("docs/b.txt"), node("archive/a.txt"), node("docs/c.txt")])
    );
    assert_eq!(result["text"], "hi!");
    assert_eq!(result["clash"], rejected(409, "existing file found at archive/a.txt"));
    assert_eq!((&result["read"], &result["readHere"]), (&json!("ell"), &json!("llo")));
    assert_eq!(
        result["failure"],
        json!({ "isFsNodeError": true, "isError": false, "shown": "FsNodeError: archive/a.txt is not a directory",
                "where": "string" })
    );
    assert_eq!(result["plainIsNot"], false);
    assert_eq!(result["may"], json!([true, false, true, true]));
    harness.finish().await
}

#[tokio::test]
async fn sub_takes_owndir_s_arguments() -> Result {
    let harness = Harness::connected(FIXTURES).await?;
    // sub(events, paths, listener, opts) as OwnDir documents it, "all" and "ready" included.
    in_page(
        &harness,
        "window.seen = [];
        const record = (event, n) => window.seen.push(`${event} ${n.path}`);
        window.unsubAll = root.sub(['all'], ['docs'], record, { ignoreInitial: true });
        window.unsubReady = root.walk('other').sub('ready', record);
        window.unsubDefault = root.walk('docs').sub(record);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await root.write('docs/new.txt', 'x');
        return null;",
    )
    .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let seen = harness.value("window.seen").await?;
        let seen: Vec<String> = serde_json::from_value(seen).unwrap_or_default();
        let adds = seen.iter().filter(|event| *event == "add docs/new.txt").count();
        if adds == 2 && seen.contains(&"ready other".to_owned()) {
            assert_eq!(seen.len(), 3, "{seen:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{seen:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    harness.value("[window.unsubAll(), window.unsubReady(), window.unsubDefault()].length").await?;
    harness.finish().await
}
