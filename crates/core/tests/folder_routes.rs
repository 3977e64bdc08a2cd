//! The order in which a request meets static mounts, the folders' middleware, the file,
//! their routes and the frame: a recording set of handlers over a memory folder.

#![allow(clippy::unwrap_used, reason = "a test should stop at the first surprise")]

use owndir_core::folder_routes::{FolderHandlers, Handled, HandlerFailure, Stage};
use owndir_core::{
    Answer, ContentRequest, FolderError, MemoryFolder, Method, ResponseBody, SafePath, block_on, serve_content_with,
};
use std::cell::RefCell;

const MTIME: u64 = 1_700_000_000_000;

/// Records every call; answers where `answers` names the level, stage and path; the
/// levels in `unloadable` have a module that cannot load, those in `failing` a handler
/// that throws.
#[derive(Default)]
struct Recorder {
    calls: RefCell<Vec<String>>,
    answers: Vec<(&'static str, Stage, &'static str)>,
    unloadable: Vec<&'static str>,
    failing: Vec<(&'static str, Stage)>,
}

fn failure(level: &SafePath, message: &str) -> HandlerFailure {
    HandlerFailure { file: format!("{level}/.owndir/routes.js"), at: Some((3, 7)), message: message.to_owned() }
}

impl FolderHandlers for Recorder {
    type Response = String;

    async fn run(&self, level: &SafePath, stage: Stage, relative: &str) -> Result<Handled<String>, FolderError> {
        let call = format!("{stage:?} /{level} {relative}");
        self.calls.borrow_mut().push(call.clone());
        let at = level.to_string();
        if self.unloadable.contains(&at.as_str()) {
            return Ok(Handled::Unloadable(failure(level, "SyntaxError: Unexpected token ','")));
        }
        if self.failing.iter().any(|(failing, on)| *failing == at && *on == stage) {
            return Ok(Handled::Failed(failure(level, "TypeError: x is null")));
        }
        let answers =
            self.answers.iter().any(|(answering, on, path)| *answering == at && *on == stage && *path == relative);
        Ok(if answers { Handled::Answered(call) } else { Handled::Passed })
    }
}

fn error_of(answer: Answer<Vec<u8>, String>) -> (u16, String) {
    match answer {
        Answer::Core(response) => {
            let text = match response.body {
                ResponseBody::Text(text) => text,
                other => format!("{other:?}"),
            };
            (response.status, text)
        }
        other => panic!("expected the core's answer, got {other:?}"),
    }
}

fn folder() -> MemoryFolder {
    let folder = MemoryFolder::new();
    folder.insert_file("a/b/c.txt", b"the file", MTIME);
    folder.insert_file("a/.owndir/static/b/mounted.txt", b"a's mount", MTIME);
    folder.insert_file("notes/.owndir/static/index.html", b"<title>notes</title>", MTIME);
    folder.insert_dir("empty");
    folder
}

fn serve(recorder: &Recorder, request: ContentRequest<'_>) -> Answer<Vec<u8>, String> {
    block_on(serve_content_with(&folder(), &request, recorder))
}

fn calls(recorder: &Recorder) -> Vec<String> {
    recorder.calls.borrow().clone()
}

#[test]
fn middleware_runs_root_first_then_routes_deepest_first_around_a_missing_file() {
    let recorder = Recorder::default();
    let answer = serve(&recorder, ContentRequest::get("/a/b/none"));
    assert!(matches!(answer, Answer::Core(response) if response.status == 404));
    assert_eq!(
        calls(&recorder),
        [
            "Middleware / /a/b/none",
            "Middleware /a /b/none",
            "Middleware /a/b /none",
            "Middleware /a/b/none /",
            "Routes /a/b/none /",
            "Routes /a/b /none",
            "Routes /a /b/none",
            "Routes / /a/b/none",
        ]
    );
}

#[test]
fn the_file_comes_before_any_route() {
    let recorder = Recorder { answers: vec![("", Stage::Routes, "/a/b/c.txt")], ..Recorder::default() };
    let answer = serve(&recorder, ContentRequest::get("/a/b/c.txt"));
    assert!(
        matches!(answer, Answer::Core(response) if response.body == ResponseBody::File(b"the file".to_vec(), None))
    );
    assert!(calls(&recorder).iter().all(|call| call.starts_with("Middleware")));
}

#[test]
fn middleware_can_answer_before_the_file() {
    let recorder = Recorder { answers: vec![("a", Stage::Middleware, "/b/c.txt")], ..Recorder::default() };
    let answer = serve(&recorder, ContentRequest::get("/a/b/c.txt"));
    assert_eq!(answer, Answer::Handler("Middleware /a /b/c.txt".to_owned()));
    assert_eq!(calls(&recorder), ["Middleware / /a/b/c.txt", "Middleware /a /b/c.txt"]);
}

#[test]
fn a_static_mount_answers_before_the_middleware_of_its_level() {
    let recorder = Recorder::default();
    let answer = serve(&recorder, ContentRequest::get("/a/b/mounted.txt"));
    assert!(matches!(answer, Answer::Core(response) if response.status == 200));
    // The root's middleware ran; `a`'s mount answered before `a`'s middleware.
    assert_eq!(calls(&recorder), ["Middleware / /a/b/mounted.txt"]);
}

#[test]
fn the_deepest_route_answers_first() {
    let recorder = Recorder {
        answers: vec![("", Stage::Routes, "/a/b/none"), ("a", Stage::Routes, "/b/none")],
        ..Recorder::default()
    };
    assert_eq!(serve(&recorder, ContentRequest::get("/a/b/none")), Answer::Handler("Routes /a /b/none".to_owned()));
}

#[test]
fn a_directory_navigation_reaches_routes_before_its_frame() {
    let recorder = Recorder { answers: vec![("notes", Stage::Routes, "/")], ..Recorder::default() };
    let navigation = ContentRequest { is_navigation: true, ..ContentRequest::get("/notes/") };
    assert_eq!(serve(&recorder, navigation.clone()), Answer::Handler("Routes /notes /".to_owned()));
    let unanswered = Recorder::default();
    let frame = serve(&unanswered, navigation);
    assert!(
        matches!(frame, Answer::Core(response) if response.status == 200 && response.body != ResponseBody::AppPage)
    );
}

#[test]
fn a_directory_listing_and_redirect_come_before_routes() {
    let recorder = Recorder { answers: vec![("empty", Stage::Routes, "/")], ..Recorder::default() };
    let listing = serve(&recorder, ContentRequest { accepts_json: true, ..ContentRequest::get("/empty/") });
    assert!(matches!(listing, Answer::Core(response) if response.status == 200));
    let redirect = serve(&recorder, ContentRequest::get("/empty"));
    assert!(matches!(redirect, Answer::Core(response) if response.status == 301));
}

#[test]
fn other_methods_skip_mounts_and_files_and_end_in_405() {
    let recorder = Recorder::default();
    let post = ContentRequest { method: Method::Post, ..ContentRequest::get("/a/b/mounted.txt") };
    let answer = serve(&recorder, post.clone());
    assert!(
        matches!(answer, Answer::Core(response) if response.status == 405 && response.header("Allow") == Some("GET, HEAD, OPTIONS, PUT, DELETE"))
    );
    assert_eq!(calls(&recorder).len(), 8, "every level's middleware and routes were asked");
    let handled = Recorder { answers: vec![("a", Stage::Routes, "/b/mounted.txt")], ..Recorder::default() };
    assert_eq!(serve(&handled, post), Answer::Handler("Routes /a /b/mounted.txt".to_owned()));
}

#[test]
fn hostile_paths_never_reach_a_handler() {
    let recorder = Recorder::default();
    for path in ["/%2e%2e/x", "/a/%00", "/a//b", "/a%2Fb"] {
        let answer = serve(&recorder, ContentRequest::get(path));
        assert!(matches!(answer, Answer::Core(response) if matches!(response.status, 400 | 403)), "{path}");
    }
    assert!(calls(&recorder).is_empty());
}

#[test]
fn a_module_that_cannot_load_keeps_its_files_mounts_and_listings_served() {
    let recorder = Recorder { unloadable: vec!["a"], ..Recorder::default() };
    let file = serve(&recorder, ContentRequest::get("/a/b/c.txt"));
    assert!(matches!(file, Answer::Core(response) if response.body == ResponseBody::File(b"the file".to_vec(), None)));
    let mounted = serve(&recorder, ContentRequest::get("/a/b/mounted.txt"));
    assert!(matches!(mounted, Answer::Core(response) if response.status == 200));
    let listing = serve(&recorder, ContentRequest { accepts_json: true, ..ContentRequest::get("/a/b/") });
    assert!(matches!(listing, Answer::Core(response) if response.status == 200));
    let redirect = serve(&recorder, ContentRequest::get("/a/b"));
    assert!(matches!(redirect, Answer::Core(response) if response.status == 301));
    // Levels below the broken one still run their own middleware.
    assert!(calls(&recorder).contains(&"Middleware /a/b /c.txt".to_owned()), "{:?}", calls(&recorder));
}

#[test]
fn a_request_that_reaches_a_broken_module_s_routes_gets_the_500_naming_it() {
    let recorder = Recorder { unloadable: vec!["a"], ..Recorder::default() };
    let (status, error) = error_of(serve(&recorder, ContentRequest::get("/a/b/none")));
    assert_eq!(status, 500);
    assert!(error.contains("/a/.owndir/routes.js:3:7: SyntaxError"), "{error}");
    // A deeper level's routes still come first, and may answer.
    let answered =
        Recorder { unloadable: vec!["a"], answers: vec![("a/b", Stage::Routes, "/none")], ..Recorder::default() };
    assert_eq!(serve(&answered, ContentRequest::get("/a/b/none")), Answer::Handler("Routes /a/b /none".to_owned()));
    // A navigation gets the page; a POST (no file to serve) reaches the routes too.
    let navigation = ContentRequest { is_navigation: true, ..ContentRequest::get("/a/nothing") };
    let (status, page) = error_of(serve(&recorder, navigation));
    assert_eq!(status, 500);
    assert!(page.contains("<code>/a/.owndir/routes.js:3:7</code>"), "{page}");
    let post = ContentRequest { method: Method::Post, ..ContentRequest::get("/a/b/c.txt") };
    assert_eq!(error_of(serve(&recorder, post)).0, 500);
    // Another folder's requests never meet it.
    let other = serve(&recorder, ContentRequest { is_navigation: true, ..ContentRequest::get("/notes/") });
    assert!(matches!(other, Answer::Core(response) if response.status == 200));
}

#[test]
fn a_handler_that_fails_is_a_500_at_either_stage() {
    let in_middleware = Recorder { failing: vec![("a", Stage::Middleware)], ..Recorder::default() };
    let (status, error) = error_of(serve(&in_middleware, ContentRequest::get("/a/b/c.txt")));
    assert_eq!(status, 500, "the middleware ran before the file");
    assert!(error.contains("/a/.owndir/routes.js:3:7: TypeError: x is null"), "{error}");
    let in_routes = Recorder { failing: vec![("a", Stage::Routes)], ..Recorder::default() };
    assert_eq!(error_of(serve(&in_routes, ContentRequest::get("/a/b/none"))).0, 500);
    let file = serve(&in_routes, ContentRequest::get("/a/b/c.txt"));
    assert!(matches!(file, Answer::Core(response) if response.status == 200), "the file comes before routes");
}
