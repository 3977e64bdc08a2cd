//! `OPTIONS`, `PUT` and `DELETE` on content paths (docs/http.md, issue 14): what a
//! single-file app such as TiddlyWiki saves itself with. Every case runs on the memory
//! folder and on a real directory.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::conditional::RequestHeaders;
use owndir_core::content::etag;
use owndir_core::folder::Entry;
use owndir_core::folder_routes::NoHandlers;
use owndir_core::webdav::apply;
use owndir_core::{
    Answer, ContentRequest, Folder, HttpResponse, MemoryFolder, Method, SafePath, StdFolder, block_on,
    serve_content_with,
};

const OWN: &str = "http://127.0.0.1:8080";
const TREE: &[(&str, &[u8])] =
    &[("wiki.html", b"<html>v1</html>"), ("docs/a.txt", b"a"), ("empty/.keep", b""), (".owndir/static/app.js", b"x")];

/// A same-origin request from the app's own page.
fn request(method: Method, path: &str) -> ContentRequest<'_> {
    ContentRequest {
        method,
        origin: Some(OWN),
        sec_fetch_site: Some("same-origin"),
        own_origin: OWN,
        ..ContentRequest::get(path)
    }
}

/// Serves `request` with `body`, as the worker does: the core decides, then the change
/// runs with the request body.
fn send<F: Folder<Upload = Vec<u8>>>(folder: &F, request: &ContentRequest<'_>, body: &[u8]) -> HttpResponse<F::Body> {
    match block_on(serve_content_with(folder, request, &NoHandlers)) {
        Answer::Core(response) => response,
        Answer::Handler(never) => match never {},
        Answer::Change(change) => block_on(apply(folder, &change, &request.change_request(), body.to_vec())),
    }
}

fn on_both(
    check: impl Fn(
        &dyn Fn(&ContentRequest<'_>, &[u8]) -> (u16, Vec<(&'static str, String)>),
        &dyn Fn(&str) -> Option<Vec<u8>>,
    ),
) {
    let memory = MemoryFolder::new();
    for (path, bytes) in TREE {
        memory.insert_file(path, bytes, 1_700_000_000_000);
    }
    // `empty/` must be empty: the fixture's placeholder goes.
    block_on(memory.remove(&SafePath::parse("empty/.keep").unwrap())).unwrap();
    check(&|request, body| summary(send(&memory, request, body)), &|path| memory.read(path));

    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in TREE {
        let native = dir.path().join(path);
        std::fs::create_dir_all(native.parent().unwrap()).unwrap();
        std::fs::write(&native, bytes).unwrap();
    }
    std::fs::remove_file(dir.path().join("empty/.keep")).unwrap();
    let disk = StdFolder::new(dir.path());
    check(&|request, body| summary(send(&disk, request, body)), &|path| std::fs::read(dir.path().join(path)).ok());
}

fn summary<B>(response: HttpResponse<B>) -> (u16, Vec<(&'static str, String)>) {
    (response.status, response.headers)
}

fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

#[test]
fn options_says_dav_and_what_the_path_allows() {
    on_both(|send, _| {
        let (status, headers) = send(&request(Method::Options, "/wiki.html"), b"");
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "DAV"), Some("1"));
        assert_eq!(header(&headers, "Allow"), Some("GET, HEAD, OPTIONS, PUT, DELETE"));
        let (status, headers) = send(&request(Method::Options, "/.owndir/static/app.js"), b"");
        assert_eq!((status, header(&headers, "Allow")), (200, Some("GET, HEAD, OPTIONS")));
    });
}

#[test]
fn put_replaces_a_file_with_204_and_the_new_etag() {
    on_both(|send, read| {
        let (status, headers) = send(&request(Method::Put, "/wiki.html"), b"<html>v2</html>");
        assert_eq!(status, 204);
        assert_eq!(read("wiki.html").as_deref(), Some(&b"<html>v2</html>"[..]));
        assert!(header(&headers, "ETag").is_some_and(|tag| tag.starts_with('"')), "{headers:?}");
    });
}

#[test]
fn put_creates_a_file_with_201() {
    on_both(|send, read| {
        let (status, headers) = send(&request(Method::Put, "/docs/new.txt"), b"new");
        assert_eq!(status, 201);
        assert!(header(&headers, "ETag").is_some());
        assert_eq!(read("docs/new.txt").as_deref(), Some(&b"new"[..]));
    });
}

#[test]
fn put_into_a_missing_folder_is_409_and_makes_nothing() {
    on_both(|send, read| {
        assert_eq!(send(&request(Method::Put, "/nowhere/new.txt"), b"x").0, 409);
        assert_eq!(read("nowhere/new.txt"), None);
    });
}

#[test]
fn put_with_a_stale_if_match_is_412_and_keeps_the_file() {
    on_both(|send, read| {
        let stale = ContentRequest {
            headers: RequestHeaders { if_match: Some("\"stale\""), ..Default::default() },
            ..request(Method::Put, "/wiki.html")
        };
        assert_eq!(send(&stale, b"lost").0, 412);
        assert_eq!(read("wiki.html").as_deref(), Some(&b"<html>v1</html>"[..]));
    });
}

#[test]
fn put_with_the_current_etag_from_its_own_answer_saves_again() {
    on_both(|send, read| {
        let (_, headers) = send(&request(Method::Put, "/wiki.html"), b"second");
        let current = header(&headers, "ETag").unwrap().to_owned();
        let next = ContentRequest {
            headers: RequestHeaders { if_match: Some(&current), ..Default::default() },
            ..request(Method::Put, "/wiki.html")
        };
        assert_eq!(send(&next, b"third").0, 204);
        assert_eq!(read("wiki.html").as_deref(), Some(&b"third"[..]));
    });
}

#[test]
fn put_with_if_none_match_star_creates_but_never_replaces() {
    on_both(|send, read| {
        let create_only = |path| ContentRequest {
            headers: RequestHeaders { if_none_match: Some("*"), ..Default::default() },
            ..request(Method::Put, path)
        };
        assert_eq!(send(&create_only("/wiki.html"), b"lost").0, 412);
        assert_eq!(read("wiki.html").as_deref(), Some(&b"<html>v1</html>"[..]));
        assert_eq!(send(&create_only("/fresh.txt"), b"fresh").0, 201);
    });
}

#[test]
fn put_if_match_on_nothing_is_412() {
    on_both(|send, read| {
        let request = ContentRequest {
            headers: RequestHeaders { if_match: Some("*"), ..Default::default() },
            ..request(Method::Put, "/absent.txt")
        };
        assert_eq!(send(&request, b"x").0, 412);
        assert_eq!(read("absent.txt"), None);
    });
}

#[test]
fn put_on_a_directory_is_409() {
    on_both(|send, _| assert_eq!(send(&request(Method::Put, "/docs"), b"x").0, 409));
}

#[test]
fn changes_inside_owndir_are_403() {
    on_both(|send, read| {
        assert_eq!(send(&request(Method::Put, "/.owndir/static/app.js"), b"pwned").0, 403);
        assert_eq!(send(&request(Method::Delete, "/.owndir/static/app.js"), b"").0, 403);
        assert_eq!(read(".owndir/static/app.js").as_deref(), Some(&b"x"[..]));
    });
}

#[test]
fn changes_from_another_site_are_403() {
    on_both(|send, read| {
        let navigation = ContentRequest { is_navigation: true, ..request(Method::Put, "/wiki.html") };
        let foreign = ContentRequest { origin: Some("https://evil.example"), ..request(Method::Delete, "/wiki.html") };
        let cross_site = ContentRequest { sec_fetch_site: Some("cross-site"), ..request(Method::Put, "/wiki.html") };
        for attack in [navigation, foreign, cross_site] {
            assert_eq!(send(&attack, b"pwned").0, 403, "{attack:?}");
        }
        assert_eq!(read("wiki.html").as_deref(), Some(&b"<html>v1</html>"[..]));
    });
}

#[test]
fn delete_removes_a_file_with_204() {
    on_both(|send, read| {
        assert_eq!(send(&request(Method::Delete, "/docs/a.txt"), b"").0, 204);
        assert_eq!(read("docs/a.txt"), None);
    });
}

#[test]
fn delete_of_a_folder_with_files_is_409_and_of_an_empty_one_204() {
    on_both(|send, read| {
        assert_eq!(send(&request(Method::Delete, "/docs"), b"").0, 409);
        assert_eq!(read("docs/a.txt").as_deref(), Some(&b"a"[..]));
        assert_eq!(send(&request(Method::Delete, "/empty/"), b"").0, 204);
        assert_eq!(send(&request(Method::Options, "/empty/"), b"").0, 200);
    });
}

#[test]
fn delete_of_nothing_is_404() {
    on_both(|send, _| assert_eq!(send(&request(Method::Delete, "/absent.txt"), b"").0, 404));
}

#[test]
fn delete_with_a_stale_if_match_is_412() {
    on_both(|send, read| {
        let request = ContentRequest {
            headers: RequestHeaders { if_match: Some("\"stale\""), ..Default::default() },
            ..request(Method::Delete, "/wiki.html")
        };
        assert_eq!(send(&request, b"").0, 412);
        assert!(read("wiki.html").is_some());
    });
}

#[test]
fn other_methods_are_405_with_allow() {
    on_both(|send, _| {
        for method in [Method::Post, Method::Other("PATCH".into()), Method::Other("PROPFIND".into())] {
            let (status, headers) = send(&request(method.clone(), "/wiki.html"), b"");
            assert_eq!(
                (status, header(&headers, "Allow")),
                (405, Some("GET, HEAD, OPTIONS, PUT, DELETE")),
                "{method:?}"
            );
        }
    });
}

#[test]
fn the_etag_after_a_put_is_the_one_a_get_gives() {
    let folder = MemoryFolder::new();
    folder.insert_file("wiki.html", b"v1", 1_700_000_000_000);
    let (_, headers) = summary(send(&folder, &request(Method::Put, "/wiki.html"), b"v2"));
    let Some(Entry::File { meta, .. }) = block_on(folder.lookup(&SafePath::parse("wiki.html").unwrap())).unwrap()
    else {
        panic!("no file")
    };
    assert_eq!(header(&headers, "ETag"), Some(etag(meta).as_str()));
}
