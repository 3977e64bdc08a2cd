//! The FsNode API's decisions, on the memory folder and on a real directory.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::fs_api::{FsCall, FsRequest, resolve_destination, serve_fs};
use owndir_core::{Folder, HttpResponse, MemoryFolder, Method, ResponseBody, SafePath, StdFolder, block_on};
use serde_json::{Value, json};

const ORIGIN: &str = "http://127.0.0.1:8080";
const NOW: u64 = 1_800_000_000_000;

fn request<'a>(method: Method, path: &'a str, query: &'a str) -> FsRequest<'a> {
    FsRequest {
        method,
        path,
        query: Some(query),
        is_navigation: false,
        origin: None,
        sec_fetch_site: None,
        own_origin: ORIGIN,
        if_match: None,
        now_ms: NOW,
    }
}

/// Status and JSON (or text) of an answer.
fn answer<F: Folder>(folder: &F, request: &FsRequest<'_>, upload: F::Upload) -> (u16, Value) {
    let response: HttpResponse<F::Body> = match request.parse() {
        Ok(operation) => block_on(serve_fs(folder, &operation, request, upload)),
        Err(error) => HttpResponse::error(&error),
    };
    let body = match response.body {
        ResponseBody::Text(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ResponseBody::File(_, range) => json!({ "file": true, "range": range.map(|r| [r.start, r.end]) }),
        _ => Value::Null,
    };
    (response.status, body)
}

fn memory() -> MemoryFolder {
    let folder = MemoryFolder::new();
    folder.insert_file("docs/a.txt", b"hello", 1_000);
    folder.insert_file("docs/sub/b.txt", b"deep", 1_000);
    folder.insert_file("docs/x.crswap", b"partial", 1_000);
    folder.insert_file(".owndir/static/index.html", b"app", 1_000);
    folder.insert_dir("empty");
    folder
}

fn get(path: &str, query: &str) -> (u16, Value) {
    answer(&memory(), &request(Method::Get, path, query), Vec::new())
}

#[test]
fn info_of_a_file_has_the_fsnode_shape() {
    let (status, info) = get("/docs/a.txt", "call=info");
    assert_eq!(status, 200);
    assert_eq!(info["isFile"], true);
    assert_eq!(info["size"], 5);
    assert_eq!(info["mtime"], 1_000);
    assert_eq!(info["mime"], "text/plain");
}

#[test]
fn info_of_nothing_is_null() {
    assert_eq!(get("/nope", "call=info"), (200, Value::Null));
}

#[test]
fn info_of_the_root_is_a_directory() {
    let (status, info) = get("", "call=info");
    assert_eq!((status, info["isDirectory"].clone(), info["mime"].clone()), (200, json!(true), Value::Null));
}

#[test]
fn children_are_names_sorted_without_swap_files() {
    assert_eq!(get("/docs", "call=children"), (200, json!(["a.txt", "sub"])));
}

#[test]
fn children_with_info_carry_each_entry() {
    let (_, rows) = get("/docs/", "call=children&info=1");
    assert_eq!(rows[0]["name"], "a.txt");
    assert_eq!(rows[0]["size"], 5);
    assert_eq!(rows[1]["isDirectory"], true);
}

#[test]
fn children_with_kind_carry_names_and_kinds_only() {
    let expected = json!([
        {"name": "a.txt", "kind": "file", "isFile": true, "isDirectory": false},
        {"name": "sub", "kind": "directory", "isFile": false, "isDirectory": true},
    ]);
    assert_eq!(get("/docs", "call=children&kind=1"), (200, expected));
    // `info` holds the kinds already, and wins.
    assert_eq!(get("/docs", "call=children&kind=1&info=1").1[0]["size"], 5);
}

#[test]
fn children_of_a_file_or_nothing_is_not_a_directory() {
    // Named as OwnDir names them: relative to the root, no leading slash.
    for (path, shown) in [("/docs/a.txt", "docs/a.txt"), ("/nope", "nope")] {
        for query in ["call=children", "call=children&kind=1"] {
            let (status, error) = get(path, query);
            assert_eq!(status, 404, "{path}");
            assert_eq!(error["error"], format!("{shown} is not a directory"));
            assert_eq!(error["success"], false);
        }
    }
}

#[test]
fn read_sends_the_file_or_an_inclusive_slice() {
    assert_eq!(get("/docs/a.txt", "call=read"), (200, json!({ "file": true, "range": null })));
    assert_eq!(get("/docs/a.txt", "call=read&start=1&end=2"), (200, json!({ "file": true, "range": [1, 2] })));
    assert_eq!(get("/docs/a.txt", "call=read&start=3"), (200, json!({ "file": true, "range": [3, 4] })));
    assert_eq!(get("/docs/a.txt", "call=read&start=9").0, 200);
    assert_eq!(get("/docs/a.txt", "call=read&start=2&end=1").0, 400);
    assert_eq!(get("/docs/a.txt", "call=read&start=x").0, 400);
    assert_eq!(get("/docs", "call=read").0, 404);
}

#[test]
fn unknown_calls_are_400() {
    assert_eq!(
        get("/docs", "call=explode"),
        (400, json!({"success": false, "status": 400, "error": "unknown call explode"}))
    );
    assert_eq!(get("/docs", "").0, 400);
}

#[test]
fn mutating_calls_by_get_are_405() {
    for call in ["write", "touch", "makeDir", "move&to=x", "delete"] {
        assert_eq!(get("/docs/a.txt", &format!("call={call}")).0, 405, "{call}");
    }
}

#[test]
fn reading_calls_by_post_are_405() {
    let (status, _) = answer(&memory(), &request(Method::Post, "/docs", "call=children"), Vec::new());
    assert_eq!(status, 405);
}

#[test]
fn requests_from_other_sites_cannot_change_the_folder() {
    let folder = memory();
    let cases: Vec<FsRequest<'_>> = vec![
        FsRequest { is_navigation: true, ..request(Method::Post, "/docs/a.txt", "call=delete") },
        FsRequest { origin: Some("http://evil.example"), ..request(Method::Post, "/docs/a.txt", "call=delete") },
        FsRequest { sec_fetch_site: Some("cross-site"), ..request(Method::Post, "/docs/a.txt", "call=delete") },
        FsRequest { sec_fetch_site: Some("same-site"), ..request(Method::Post, "/docs/a.txt", "call=delete") },
    ];
    for case in cases {
        assert_eq!(answer(&folder, &case, Vec::new()).0, 403, "{case:?}");
    }
    assert_eq!(folder.read("docs/a.txt"), Some(b"hello".to_vec()));
    let same = FsRequest {
        origin: Some(ORIGIN),
        sec_fetch_site: Some("same-origin"),
        ..request(Method::Post, "/docs/a.txt", "call=delete")
    };
    assert_eq!(answer(&folder, &same, Vec::new()).0, 200);
    assert_eq!(folder.read("docs/a.txt"), None);
}

#[test]
fn owndir_is_read_only() {
    let folder = memory();
    for query in ["call=write", "call=touch", "call=makeDir", "call=delete", "call=move&to=/x"] {
        let (status, error) =
            answer(&folder, &request(Method::Post, "/.owndir/static/index.html", query), b"x".to_vec());
        assert_eq!(
            (status, error["error"].as_str()),
            (403, Some(".owndir/static/index.html cannot be written")),
            "{query}"
        );
    }
    let (status, _) = answer(&folder, &request(Method::Post, "/docs/a.txt", "call=move&to=/.owndir/a.txt"), Vec::new());
    assert_eq!(status, 403);
    assert_eq!(folder.read(".owndir/static/index.html"), Some(b"app".to_vec()));
    assert_eq!(get("/.owndir/static/index.html", "call=info").0, 200);
}

#[test]
fn swap_file_names_cannot_be_written_or_moved_onto() {
    let folder = memory();
    for query in ["call=write", "call=touch", "call=makeDir", "call=delete"] {
        let (status, error) = answer(&folder, &request(Method::Post, "/docs/a.txt.crswap", query), b"x".to_vec());
        assert_eq!((status, error["error"].as_str()), (403, Some("docs/a.txt.crswap cannot be written")), "{query}");
    }
    let (status, _) = answer(&folder, &request(Method::Post, "/docs/a.txt", "call=move&to=b.crswap"), Vec::new());
    assert_eq!(status, 403);
    assert_eq!(folder.read("docs/a.txt.crswap"), None);
}

#[test]
fn write_replaces_appends_and_creates_parents() {
    let folder = memory();
    let put = |path, query, bytes: &[u8]| answer(&folder, &request(Method::Put, path, query), bytes.to_vec());
    assert_eq!(put("/docs/a.txt", "call=write", b"new"), (200, json!({ "path": "docs/a.txt" })));
    assert_eq!(folder.read("docs/a.txt"), Some(b"new".to_vec()));
    assert_eq!(put("/docs/a.txt", "call=write&flags=a", b"+more").0, 200);
    assert_eq!(folder.read("docs/a.txt"), Some(b"new+more".to_vec()));
    assert_eq!(put("/new/deep/c.txt", "call=write", b"c").0, 200);
    assert_eq!(folder.read("new/deep/c.txt"), Some(b"c".to_vec()));
    assert_eq!(put("/docs/a.txt", "call=write&flags=x", b"c").0, 400);
}

#[test]
fn write_onto_a_directory_or_the_root_cannot_be_written() {
    let folder = memory();
    assert_eq!(answer(&folder, &request(Method::Put, "/docs", "call=write"), b"x".to_vec()).0, 403);
    assert_eq!(answer(&folder, &request(Method::Put, "/", "call=write"), b"x".to_vec()).0, 403);
    assert_eq!(answer(&folder, &request(Method::Put, "/docs/a.txt/x", "call=write"), b"x".to_vec()).0, 403);
}

#[test]
fn write_with_a_stale_if_match_is_412_and_changes_nothing() {
    let folder = memory();
    let stale = FsRequest { if_match: Some("\"5-1\""), ..request(Method::Put, "/docs/a.txt", "call=write") };
    assert_eq!(answer(&folder, &stale, b"lost".to_vec()).0, 412);
    assert_eq!(folder.read("docs/a.txt"), Some(b"hello".to_vec()));
    let current = FsRequest { if_match: Some("\"5-3e8\""), ..request(Method::Put, "/docs/a.txt", "call=write") };
    assert_eq!(answer(&folder, &current, b"kept".to_vec()).0, 200);
    assert_eq!(folder.read("docs/a.txt"), Some(b"kept".to_vec()));
}

#[test]
fn touch_creates_or_advances_files_and_directories() {
    let folder = memory();
    assert_eq!(answer(&folder, &request(Method::Post, "/t.txt", "call=touch"), Vec::new()).0, 200);
    assert_eq!(folder.read("t.txt"), Some(Vec::new()));
    assert_eq!(answer(&folder, &request(Method::Post, "/docs/a.txt", "call=touch"), Vec::new()).0, 200);
    assert_eq!(answer(&folder, &request(Method::Get, "/docs/a.txt", "call=info"), Vec::new()).1["mtime"], NOW);
    assert_eq!(answer(&folder, &request(Method::Post, "/empty", "call=touch"), Vec::new()).0, 200);
    assert_eq!(answer(&folder, &request(Method::Get, "/empty", "call=info"), Vec::new()).1["mtime"], NOW);
}

#[test]
fn make_dir_is_mkdir_p_and_fine_if_it_exists() {
    let folder = memory();
    assert_eq!(
        answer(&folder, &request(Method::Post, "/x/y/z", "call=makeDir"), Vec::new()),
        (200, json!({ "path": "x/y/z" }))
    );
    assert_eq!(answer(&folder, &request(Method::Post, "/x/y/z", "call=makeDir"), Vec::new()).0, 200);
    let (status, error) = answer(&folder, &request(Method::Post, "/docs/a.txt/z", "call=makeDir"), Vec::new());
    assert_eq!((status, error["error"].as_str()), (500, Some("unable to mkDir docs/a.txt/z")));
}

#[test]
fn delete_is_recursive_and_fine_when_nothing_is_there() {
    let folder = memory();
    assert_eq!(answer(&folder, &request(Method::Delete, "/docs", "call=delete"), Vec::new()).0, 200);
    assert_eq!(folder.read("docs/sub/b.txt"), None);
    assert_eq!(answer(&folder, &request(Method::Post, "/docs", "call=delete"), Vec::new()).0, 200);
    assert_eq!(answer(&folder, &request(Method::Post, "/", "call=delete"), Vec::new()).0, 403);
}

#[test]
fn move_follows_mv() {
    let folder = memory();
    let post = |path, query| answer(&folder, &request(Method::Post, path, query), Vec::new());
    // Relative to P's parent, creating missing parents.
    assert_eq!(post("/docs/a.txt", "call=move&to=new/a2.txt"), (200, json!({ "path": "docs/new/a2.txt" })));
    assert_eq!(folder.read("docs/new/a2.txt"), Some(b"hello".to_vec()));
    // Absolute from the root; into an existing directory keeps the name.
    assert_eq!(post("/docs/new/a2.txt", "call=move&to=/empty"), (200, json!({ "path": "empty/a2.txt" })));
    // Onto an existing file: 409 without overwrite, replaced with it.
    folder.insert_file("other.txt", b"other", 0);
    assert_eq!(post("/other.txt", "call=move&to=/empty/a2.txt").0, 409);
    assert_eq!(post("/other.txt", "call=move&to=/empty/a2.txt&overwrite=true").0, 200);
    assert_eq!(folder.read("empty/a2.txt"), Some(b"other".to_vec()));
    // Directories move whole; not into themselves.
    assert_eq!(post("/docs", "call=move&to=/moved").0, 200);
    assert_eq!(folder.read("moved/sub/b.txt"), Some(b"deep".to_vec()));
    assert_eq!(post("/moved", "call=move&to=/moved/sub/inner").0, 400);
    assert_eq!(post("/missing", "call=move&to=/x").0, 404);
}

#[test]
fn destinations_resolve_like_walk() {
    let path = SafePath::parse("a/b/c.txt").unwrap();
    let cases =
        [("d.txt", "a/b/d.txt"), ("../d.txt", "a/d.txt"), ("../../../../d", "d"), ("/x/y", "x/y"), ("./e", "a/b/e")];
    for (to, expected) in cases {
        assert_eq!(resolve_destination(&path, to).unwrap().to_string(), expected, "{to}");
    }
    assert!(resolve_destination(&path, "a\\b").is_err());
}

#[test]
fn a_long_destination_resolves_in_linear_time_and_too_deep_is_414() {
    // Resolving copied the path at each name; the fs_query fuzz target's slow inputs showed it.
    let path = SafePath::parse("a.txt").unwrap();
    let far = "x/".repeat(200_000) + &"../".repeat(199_999);
    assert_eq!(resolve_destination(&path, &far).unwrap().to_string(), "x");
    let folder = memory();
    let deep = format!("call=move&to=/{}", "d/".repeat(owndir_core::path::MAX_DEPTH + 1));
    let (status, body) = answer(&folder, &request(Method::Post, "/docs/a.txt", &deep), Vec::new());
    assert_eq!((status, &body["error"]), (414, &json!("the path has more than 256 names")));
    assert_eq!(folder.read("docs/a.txt"), Some(b"hello".to_vec()));
}

#[test]
fn the_disk_folder_answers_like_the_memory_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs/sub")).unwrap();
    std::fs::write(dir.path().join("docs/a.txt"), "hello").unwrap();
    std::fs::write(dir.path().join("docs/sub/b.txt"), "deep").unwrap();
    let disk = StdFolder::new(dir.path());
    let call = |method, path, query, bytes: &[u8]| answer(&disk, &request(method, path, query), bytes.to_vec());
    assert_eq!(call(Method::Get, "/docs", "call=children", b""), (200, json!(["a.txt", "sub"])));
    assert_eq!(call(Method::Put, "/docs/a.txt", "call=write&flags=a", b"!").0, 200);
    assert_eq!(std::fs::read_to_string(dir.path().join("docs/a.txt")).unwrap(), "hello!");
    assert_eq!(call(Method::Post, "/docs", "call=move&to=/moved", b"").0, 200);
    assert_eq!(std::fs::read_to_string(dir.path().join("moved/sub/b.txt")).unwrap(), "deep");
    assert_eq!(call(Method::Post, "/x/y", "call=makeDir", b"").0, 200);
    assert_eq!(call(Method::Post, "/x/y", "call=touch", b"").0, 200);
    assert_eq!(call(Method::Get, "/x/y", "call=info", b"").1["mtime"], NOW);
    assert_eq!(call(Method::Post, "/moved", "call=delete", b"").0, 200);
    assert!(!dir.path().join("moved").exists());
    assert_eq!(call(Method::Get, "/nope", "call=info", b""), (200, Value::Null));
}

#[test]
fn the_call_names_what_it_is() {
    let request = request(Method::Post, "/a", "call=move&to=%2Fb%20c&overwrite=1");
    assert_eq!(request.parse().unwrap().call, FsCall::Move { to: "/b c".into(), overwrite: true });
}

// What OwnDir's own FsNode suite (its test-server's `test/fsNode.js`) checks, in our words,
// on the memory folder and on a real directory alike.

/// A memory folder and a real directory holding the same `docs/a.txt` and `folder/`.
fn both_folders() -> (MemoryFolder, StdFolder, tempfile::TempDir) {
    let memory = MemoryFolder::new();
    memory.insert_file("docs/a.txt", b"one", 1_000);
    memory.insert_dir("folder");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::create_dir_all(dir.path().join("folder")).unwrap();
    std::fs::write(dir.path().join("docs/a.txt"), "one").unwrap();
    let disk = StdFolder::new(dir.path());
    (memory, disk, dir)
}

/// Runs `check` on both folders of [`both_folders`].
fn on_both(check: impl Fn(&dyn Fn(Method, &str, &str) -> (u16, Value))) {
    let (memory, disk, _dir) = both_folders();
    check(&|method, path, query| answer(&memory, &request(method, path, query), Vec::new()));
    check(&|method, path, query| answer(&disk, &request(method, path, query), Vec::new()));
}

#[test]
fn touch_does_not_make_missing_parents() {
    on_both(|call| {
        assert_eq!(
            call(Method::Post, "/folder/A/B/C/new-file", "call=touch"),
            (500, json!({ "success": false, "status": 500, "error": "unable to touch folder/A/B/C/new-file" }))
        );
        assert_eq!(call(Method::Get, "/folder/A", "call=info"), (200, Value::Null), "nothing was made");
        // Under a file, the parent can never be a folder.
        let (status, error) = call(Method::Post, "/docs/a.txt/impossible-file", "call=touch");
        assert_eq!((status, error["error"].as_str()), (500, Some("unable to touch docs/a.txt/impossible-file")));
        // With its parent there, it makes an empty file whose type nobody knows.
        assert_eq!(call(Method::Post, "/folder/new-file", "call=touch"), (200, json!({ "path": "folder/new-file" })));
        let (_, info) = call(Method::Get, "/folder/new-file", "call=info");
        assert_eq!(
            (&info["isFile"], &info["isDirectory"], &info["size"], &info["mime"]),
            (&json!(true), &json!(false), &json!(0), &Value::Null)
        );
        assert_eq!(call(Method::Get, "/folder", "call=children"), (200, json!(["new-file"])));
    });
}

#[test]
fn touch_of_owndir_names_it_as_owndir_does() {
    on_both(|call| {
        assert_eq!(
            call(Method::Post, "/.owndir/", "call=touch"),
            (403, json!({ "success": false, "status": 403, "error": ".owndir cannot be written" }))
        );
        let (status, error) = call(Method::Post, "/folder/.owndir", "call=makeDir");
        assert_eq!((status, error["error"].as_str()), (403, Some("folder/.owndir cannot be written")));
    });
}

#[test]
fn info_has_ctime_and_mtime_for_files_and_directories_and_touch_advances_both() {
    on_both(|call| {
        let (_, file) = call(Method::Get, "/docs/a.txt", "call=info");
        assert_eq!((&file["mime"], &file["size"]), (&json!("text/plain"), &json!(3)));
        assert!(file["ctime"].as_u64().unwrap() > 0 && file["ctime"] == file["mtime"], "{file}");
        let (_, directory) = call(Method::Get, "/folder", "call=info");
        assert_eq!((&directory["mime"], &directory["size"]), (&Value::Null, &json!(0)));
        let before = directory["mtime"].as_u64().unwrap();
        assert!(before > 0 && directory["ctime"] == directory["mtime"], "{directory}");
        for path in ["/docs/a.txt", "/folder"] {
            assert_eq!(call(Method::Post, path, "call=touch").0, 200, "{path}");
            let (_, touched) = call(Method::Get, path, "call=info");
            assert_eq!((&touched["mtime"], &touched["ctime"]), (&json!(NOW), &json!(NOW)), "{path}");
        }
        // The root's time is never 0 either.
        let (_, root) = call(Method::Get, "", "call=info");
        assert!(root["mtime"].as_u64().unwrap() > 0 && root["ctime"] == root["mtime"], "{root}");
    });
}

#[test]
fn make_dir_through_a_file_is_unable_and_makes_every_missing_level_otherwise() {
    on_both(|call| {
        assert_eq!(
            call(Method::Post, "/docs/a.txt/A/B/C", "call=makeDir"),
            (500, json!({ "success": false, "status": 500, "error": "unable to mkDir docs/a.txt/A/B/C" }))
        );
        assert_eq!(call(Method::Post, "/folder/A/B/C", "call=makeDir"), (200, json!({ "path": "folder/A/B/C" })));
        assert_eq!(call(Method::Post, "/folder/dir2", "call=makeDir").0, 200);
        assert_eq!(call(Method::Post, "/folder/dir1", "call=makeDir").0, 200);
        assert_eq!(call(Method::Post, "/folder/A", "call=makeDir").0, 200, "again is fine");
        assert_eq!(call(Method::Get, "/folder", "call=children"), (200, json!(["A", "dir1", "dir2"])));
    });
}

#[test]
fn delete_answers_the_path_whether_or_not_anything_was_there() {
    on_both(|call| {
        assert_eq!(call(Method::Post, "/docs/a.txt", "call=delete"), (200, json!({ "path": "docs/a.txt" })));
        assert_eq!(call(Method::Get, "/docs/a.txt", "call=info"), (200, Value::Null));
        assert_eq!(call(Method::Post, "/docs/never", "call=delete"), (200, json!({ "path": "docs/never" })));
        assert_eq!(call(Method::Post, "/docs", "call=delete").0, 200);
        assert_eq!(call(Method::Get, "/docs", "call=info"), (200, Value::Null));
    });
}

#[test]
fn move_onto_an_existing_entry_says_what_it_found() {
    on_both(|call| {
        assert_eq!(call(Method::Post, "/folder/b.txt", "call=touch").0, 200);
        assert_eq!(
            call(Method::Post, "/docs/a.txt", "call=move&to=/folder/b.txt"),
            (409, json!({ "success": false, "status": 409, "error": "existing file found at folder/b.txt" }))
        );
        assert_eq!(call(Method::Post, "/folder/docs", "call=makeDir").0, 200);
        let (status, error) = call(Method::Post, "/docs", "call=move&to=/folder");
        assert_eq!((status, error["error"].as_str()), (409, Some("existing folder found at folder/docs")));
    });
}

#[test]
fn write_takes_node_s_flags_as_owndir_passes_them() {
    let folder = memory();
    let put = |query: &str, bytes: &[u8]| answer(&folder, &request(Method::Put, "/docs/a.txt", query), bytes.to_vec());
    assert_eq!(put("call=write&flags=w%2B", b"new").0, 200);
    assert_eq!(put("call=write&flags=a%2B", b"+more").0, 200);
    assert_eq!(folder.read("docs/a.txt"), Some(b"new+more".to_vec()));
    let (status, error) = put("call=write&flags=r%2B", b"x");
    assert_eq!((status, error["error"].as_str()), (400, Some("unknown flags r+: use w, w+, a or a+")));
}

#[test]
fn the_root_is_named_slash_in_the_refusals_only_it_meets() {
    let (status, error) = answer(&memory(), &request(Method::Post, "", "call=delete"), Vec::new());
    assert_eq!((status, error["error"].as_str()), (403, Some("/ cannot be written")));
}

/// What a client builds with `FsCall::to_query` is what the API reads, call for call, and
/// the method a client sends it with is one the API takes.
#[test]
fn every_call_survives_its_query() {
    use owndir_core::watch::EventFilter;
    let calls = [
        FsCall::Info,
        FsCall::Children { info: false, kind: false },
        FsCall::Children { info: false, kind: true },
        FsCall::Children { info: true, kind: false },
        FsCall::Read { start: None, end: None },
        FsCall::Read { start: Some(0), end: Some(9) },
        FsCall::Read { start: Some(5), end: None },
        FsCall::Write { append: false },
        FsCall::Write { append: true },
        FsCall::Touch,
        FsCall::MakeDir,
        FsCall::Move { to: "../a b/ü & c=d?.txt".into(), overwrite: false },
        FsCall::Move { to: "/x".into(), overwrite: true },
        FsCall::Delete,
        FsCall::Sub { events: EventFilter::all(), since: None, depth: None },
        FsCall::Sub { events: EventFilter::parse(Some("unlinkDir,add")).unwrap(), since: Some(42), depth: None },
        FsCall::Sub { events: EventFilter::all(), since: None, depth: Some(0) },
        FsCall::Sub { events: EventFilter::all(), since: Some(7), depth: Some(3) },
    ];
    for call in calls {
        let query = call.to_query();
        assert_eq!(FsCall::from_query(&query).unwrap(), call, "{query}");
        let request = request(call.method(), "/docs/a.txt", &query);
        assert!(request.parse().is_ok(), "{query} by {}", call.method().as_str());
    }
    // A depth is a number of levels, or a clear 400.
    let refused = FsCall::from_query("call=sub&depth=-1").unwrap_err();
    assert_eq!(refused.status, 400);
    assert!(refused.message.contains("depth"), "{}", refused.message);
    // Every name a client may send is one the API knows, and names itself back.
    for name in FsCall::NAMES {
        let query = if name == "move" { "call=move&to=x".to_owned() } else { format!("call={name}") };
        assert_eq!(FsCall::from_query(&query).unwrap().name(), name);
    }
}

/// The page-side FsNode (`static/fsnode.js`) names its calls as strings: each is one the
/// API knows, and it offers every call there is.
#[test]
fn fsnode_js_calls_the_calls_there_are() {
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/fsnode.js")).unwrap();
    let mut named = std::collections::BTreeSet::new();
    for line in script.lines() {
        for opening in ["call(", "#mutate(", "apiUrl("] {
            let Some(at) = line.find(opening) else { continue };
            let rest = &line[at + opening.len()..];
            // `#mutate("write", …)` or `call(node.path, "children", …)`.
            let quoted =
                if rest.starts_with('"') { Some(rest) } else { rest.find(", \"").map(|comma| &rest[comma + 2..]) };
            if let Some(name) = quoted.and_then(|quoted| quoted[1..].split('"').next()) {
                named.insert(name.to_owned());
            }
        }
    }
    let known: std::collections::BTreeSet<String> = FsCall::NAMES.iter().map(|name| (*name).to_owned()).collect();
    assert_eq!(named, known);
}
