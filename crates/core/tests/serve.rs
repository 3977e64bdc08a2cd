//! Case tables for content answers: static mounts, frames, ranges, conditional requests.
//! One behaviour per case; every case runs on the memory folder and on a real directory.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::conditional::RequestHeaders;
use owndir_core::content::{etag, http_date};
use owndir_core::range::ByteRange;
use owndir_core::{
    ContentRequest, FileMeta, Folder, HttpResponse, MemoryFolder, Method, ResponseBody, StdFolder, block_on,
    serve_content,
};

const MTIME: u64 = 1_700_000_000_000;
const DIGITS: &[u8] = b"0123456789";

/// (path, content): a tree with mounts at the root and one level down, and awkward names.
const TREE: &[(&str, &[u8])] = &[
    ("digits.txt", DIGITS),
    ("empty.txt", b""),
    ("a/page.txt", b"the file itself"),
    ("a/b/deep.txt", b"deep file"),
    ("a/.owndir/static/page.txt", b"a's mount"),
    ("a/.owndir/static/index.html", b"<title>a's app</title>"),
    (".owndir/static/a/page.txt", b"root mount"),
    (".owndir/static/shared.css", b"body{}"),
    (".owndir/static/tool/index.html", b"<title>tool</title>"),
    ("x/only.txt", b"x"),
    ("sp ace/#?%+ \"q'.txt", b"awkward"),
    ("日本/😀 e\u{301}.md", b"unicode"),
];

/// Runs `check` against the tree in memory and on disk.
fn on_both(check: impl Fn(&dyn Fn(&ContentRequest<'_>) -> Answer)) {
    let memory = MemoryFolder::new();
    for (path, bytes) in TREE {
        memory.insert_file(path, bytes, MTIME);
    }
    check(&|request| Answer::of(&memory, request));

    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in TREE {
        let native = dir.path().join(path);
        std::fs::create_dir_all(native.parent().unwrap()).unwrap();
        std::fs::write(&native, bytes).unwrap();
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(MTIME);
        std::fs::File::options().write(true).open(&native).unwrap().set_modified(time).unwrap();
    }
    let disk = StdFolder::new(dir.path());
    check(&|request| Answer::of(&disk, request));
}

/// An answer with its body read out, comparable across folders.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    range: Option<ByteRange>,
    is_app_page: bool,
}

trait ReadBody {
    fn read(&self) -> Vec<u8>;
}

impl ReadBody for Vec<u8> {
    fn read(&self) -> Vec<u8> {
        self.clone()
    }
}

impl ReadBody for std::path::PathBuf {
    fn read(&self) -> Vec<u8> {
        std::fs::read(self).unwrap()
    }
}

impl Answer {
    fn of<F: Folder>(folder: &F, request: &ContentRequest<'_>) -> Answer
    where
        F::Body: ReadBody,
    {
        let response: HttpResponse<F::Body> = block_on(serve_content(folder, request));
        let (body, range, is_app_page) = match &response.body {
            ResponseBody::Empty => (None, None, false),
            ResponseBody::Text(text) => (Some(text.as_bytes().to_vec()), None, false),
            ResponseBody::File(file, range) => {
                let bytes = file.read();
                let sliced = match range {
                    Some(range) => bytes[range.start as usize..=range.end as usize].to_vec(),
                    None => bytes,
                };
                (Some(sliced), *range, false)
            }
            ResponseBody::AppPage => (None, None, true),
        };
        Answer { status: response.status, headers: response.headers.clone(), body, range, is_app_page }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(self.body.as_deref().unwrap_or_default()).into_owned()
    }
}

fn get(path: &str) -> ContentRequest<'_> {
    ContentRequest::get(path)
}

fn navigate(path: &str) -> ContentRequest<'_> {
    ContentRequest { is_navigation: true, ..ContentRequest::get(path) }
}

fn with_headers<'a>(path: &'a str, headers: RequestHeaders<'a>) -> ContentRequest<'a> {
    ContentRequest { headers, ..ContentRequest::get(path) }
}

fn digits_meta() -> FileMeta {
    FileMeta { size: DIGITS.len() as u64, modified_ms: MTIME }
}

#[test]
fn the_root_mount_beats_a_deeper_mount_which_beats_the_file() {
    on_both(|serve| {
        assert_eq!(serve(&get("/a/page.txt")).text(), "root mount");
    });
}

#[test]
fn a_deeper_mount_beats_the_file_when_the_root_has_none() {
    let memory = MemoryFolder::new();
    memory.insert_file("a/page.txt", b"the file itself", MTIME);
    memory.insert_file("a/.owndir/static/page.txt", b"a's mount", MTIME);
    assert_eq!(Answer::of(&memory, &get("/a/page.txt")).text(), "a's mount");
}

#[test]
fn a_file_without_a_mount_is_served_itself() {
    on_both(|serve| {
        assert_eq!(serve(&get("/a/b/deep.txt")).text(), "deep file");
    });
}

#[test]
fn a_mounted_file_is_served_with_its_own_type() {
    on_both(|serve| {
        let answer = serve(&get("/shared.css"));
        assert_eq!((answer.status, answer.header("content-type")), (200, Some("text/css; charset=utf-8")));
    });
}

#[test]
fn a_mounted_directory_with_an_index_serves_it() {
    on_both(|serve| {
        let answer = serve(&get("/tool/"));
        assert_eq!(answer.status, 200);
        assert_eq!(answer.text(), "<title>tool</title>");
        assert_eq!(answer.header("content-type"), Some("text/html; charset=utf-8"));
    });
}

#[test]
fn a_mounted_directory_without_slash_redirects() {
    on_both(|serve| {
        let answer = serve(&get("/tool"));
        assert_eq!((answer.status, answer.header("location")), (301, Some("/tool/")));
    });
}

#[test]
fn a_directory_navigation_gets_its_folder_app() {
    on_both(|serve| {
        let answer = serve(&navigate("/a/"));
        assert_eq!((answer.status, answer.text().as_str()), (200, "<title>a's app</title>"));
    });
}

#[test]
fn a_subdirectory_navigation_gets_the_nearest_folder_app() {
    on_both(|serve| {
        let answer = serve(&navigate("/a/b/"));
        assert_eq!((answer.status, answer.text().as_str()), (200, "<title>a's app</title>"));
    });
}

#[test]
fn a_missing_path_navigation_gets_the_nearest_folder_app_with_404() {
    on_both(|serve| {
        let answer = serve(&navigate("/a/nothing/here"));
        assert_eq!((answer.status, answer.text().as_str()), (404, "<title>a's app</title>"));
    });
}

#[test]
fn a_directory_without_any_folder_app_gets_the_app_page() {
    on_both(|serve| {
        let answer = serve(&navigate("/x/"));
        assert!(answer.is_app_page);
        assert_eq!(answer.status, 200);
    });
}

#[test]
fn a_missing_file_outside_folder_apps_is_a_404_error() {
    on_both(|serve| {
        let answer = serve(&get("/x/missing.txt"));
        assert_eq!(answer.status, 404);
        assert!(answer.text().contains("\"success\":false"));
    });
}

#[test]
fn awkward_names_round_trip() {
    on_both(|serve| {
        assert_eq!(serve(&get("/sp%20ace/%23%3F%25%2B%20%22q%27.txt")).text(), "awkward");
        let unicode = serve(&get("/%E6%97%A5%E6%9C%AC/%F0%9F%98%80%20e%CC%81.md"));
        assert_eq!((unicode.status, unicode.text().as_str()), (200, "unicode"));
    });
}

#[test]
fn range_table() {
    // (Range, expected status, expected body or Content-Range)
    let cases: &[(&str, u16, &str, Option<&str>)] = &[
        ("bytes=0-3", 206, "0123", Some("bytes 0-3/10")),
        ("bytes=7-", 206, "789", Some("bytes 7-9/10")),
        ("bytes=-2", 206, "89", Some("bytes 8-9/10")),
        ("bytes=5-100", 206, "56789", Some("bytes 5-9/10")),
        ("bytes=9-9", 206, "9", Some("bytes 9-9/10")),
        ("bytes=10-", 416, "", Some("bytes */10")),
        ("bytes=-0", 416, "", Some("bytes */10")),
        ("bytes=3-1", 200, "0123456789", None),
        ("bytes=0-1,4-5", 200, "0123456789", None),
        ("garbage", 200, "0123456789", None),
        ("lines=0-1", 200, "0123456789", None),
    ];
    on_both(|serve| {
        for (range, status, body, content_range) in cases {
            let answer =
                serve(&with_headers("/digits.txt", RequestHeaders { range: Some(range), ..Default::default() }));
            assert_eq!(answer.status, *status, "{range}");
            assert_eq!(answer.header("content-range"), *content_range, "{range}");
            if *status == 416 {
                assert!(answer.text().contains("\"status\":416"), "{range}");
            } else {
                assert_eq!(answer.text(), *body, "{range}");
                assert_eq!(answer.header("content-length"), Some(body.len().to_string().as_str()), "{range}");
            }
        }
    });
}

#[test]
fn a_range_of_an_empty_file_is_416() {
    on_both(|serve| {
        let answer =
            serve(&with_headers("/empty.txt", RequestHeaders { range: Some("bytes=0-"), ..Default::default() }));
        assert_eq!((answer.status, answer.header("content-range")), (416, Some("bytes */0")));
    });
}

#[test]
fn head_ignores_range() {
    on_both(|serve| {
        let request = ContentRequest {
            method: Method::Head,
            headers: RequestHeaders { range: Some("bytes=0-1"), ..Default::default() },
            ..get("/digits.txt")
        };
        let answer = serve(&request);
        assert_eq!((answer.status, answer.header("content-length"), answer.body.as_deref()), (200, Some("10"), None));
    });
}

#[test]
fn if_range_with_the_current_etag_honours_the_range() {
    let tag = etag(digits_meta());
    on_both(|serve| {
        let headers = RequestHeaders { range: Some("bytes=0-1"), if_range: Some(&tag), ..Default::default() };
        let answer = serve(&with_headers("/digits.txt", headers));
        assert_eq!((answer.status, answer.range), (206, Some(ByteRange { start: 0, end: 1 })));
    });
}

#[test]
fn if_range_with_a_stale_etag_sends_the_whole_file() {
    on_both(|serve| {
        let headers = RequestHeaders { range: Some("bytes=0-1"), if_range: Some("\"stale\""), ..Default::default() };
        let answer = serve(&with_headers("/digits.txt", headers));
        assert_eq!((answer.status, answer.text().as_str()), (200, "0123456789"));
    });
}

#[test]
fn if_range_with_the_last_modified_date_honours_the_range() {
    let date = http_date(MTIME);
    on_both(|serve| {
        let headers = RequestHeaders { range: Some("bytes=0-1"), if_range: Some(&date), ..Default::default() };
        assert_eq!(serve(&with_headers("/digits.txt", headers)).status, 206);
    });
}

#[test]
fn if_none_match_with_the_current_etag_is_304_without_body() {
    let tag = etag(digits_meta());
    on_both(|serve| {
        let answer =
            serve(&with_headers("/digits.txt", RequestHeaders { if_none_match: Some(&tag), ..Default::default() }));
        assert_eq!((answer.status, answer.body.as_deref()), (304, None));
        assert_eq!(answer.header("etag"), Some(tag.as_str()));
        assert_eq!(answer.header("content-length"), None);
    });
}

#[test]
fn if_modified_since_the_last_modification_is_304() {
    let date = http_date(MTIME);
    on_both(|serve| {
        let answer = serve(&with_headers(
            "/digits.txt",
            RequestHeaders { if_modified_since: Some(&date), ..Default::default() },
        ));
        assert_eq!(answer.status, 304);
    });
}

#[test]
fn if_modified_since_an_earlier_date_sends_the_file() {
    let date = http_date(MTIME - 60_000);
    on_both(|serve| {
        let answer = serve(&with_headers(
            "/digits.txt",
            RequestHeaders { if_modified_since: Some(&date), ..Default::default() },
        ));
        assert_eq!(answer.status, 200);
    });
}

#[test]
fn if_match_with_a_stale_etag_is_412() {
    on_both(|serve| {
        let answer =
            serve(&with_headers("/digits.txt", RequestHeaders { if_match: Some("\"stale\""), ..Default::default() }));
        assert_eq!(answer.status, 412);
        assert!(answer.text().contains("has changed"));
    });
}

#[test]
fn a_304_wins_over_a_range() {
    let tag = etag(digits_meta());
    on_both(|serve| {
        let headers = RequestHeaders { range: Some("bytes=0-1"), if_none_match: Some(&tag), ..Default::default() };
        assert_eq!(serve(&with_headers("/digits.txt", headers)).status, 304);
    });
}
