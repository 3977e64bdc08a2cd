//! `FsRequest::parse` on any path, query, method and headers: it never panics; an accepted
//! operation's path (and a move's destination) is a safe path; a mutating call is never
//! cross-site, never inside `.owndir`, never on the root for write/delete/move. The
//! operation then runs on a small memory folder without panicking, and leaves `.owndir`
//! as it was.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use owndir_core::fs_api::{FsCall, FsRequest, resolve_destination, serve_fs};
use owndir_core::{MemoryFolder, Method, RequestPath, block_on};

const OWN_ORIGIN: &str = "http://127.0.0.1:8080";
const GUARDED: &str = ".owndir/static/index.html";

#[derive(Arbitrary, Debug)]
enum MethodName<'a> {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Origin<'a> {
    Own,
    Other(&'a str),
}

/// Query keys: the API's own, so the fuzzer reaches every call quickly, or any other.
#[derive(Arbitrary, Debug)]
enum Key<'a> {
    Call,
    Info,
    Start,
    End,
    Flags,
    To,
    Overwrite,
    Events,
    Since,
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum CallName<'a> {
    Info,
    Children,
    Read,
    Write,
    Touch,
    MakeDir,
    Move,
    Delete,
    Sub,
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: MethodName<'a>,
    path: &'a str,
    call: Option<CallName<'a>>,
    params: Vec<(Key<'a>, &'a str)>,
    raw_query: Option<&'a str>,
    is_navigation: bool,
    origin: Option<Origin<'a>>,
    sec_fetch_site: Option<&'a str>,
    if_match: Option<&'a str>,
    now_ms: u64,
    upload: Vec<u8>,
}

fn query(input: &Input<'_>) -> Option<String> {
    if let Some(raw) = input.raw_query {
        return Some(raw.to_owned());
    }
    let call = input.call.as_ref().map(|call| ("call", call_name(call)));
    let params = input.params.iter().map(|(key, value)| (key_name(key), *value));
    let pairs: Vec<String> = call.into_iter().chain(params).map(|(key, value)| format!("{key}={value}")).collect();
    Some(pairs.join("&"))
}

fn call_name<'a>(call: &CallName<'a>) -> &'a str {
    match call {
        CallName::Info => "info",
        CallName::Children => "children",
        CallName::Read => "read",
        CallName::Write => "write",
        CallName::Touch => "touch",
        CallName::MakeDir => "makeDir",
        CallName::Move => "move",
        CallName::Delete => "delete",
        CallName::Sub => "sub",
        CallName::Other(other) => other,
    }
}

fn key_name<'a>(key: &Key<'a>) -> &'a str {
    match key {
        Key::Call => "call",
        Key::Info => "info",
        Key::Start => "start",
        Key::End => "end",
        Key::Flags => "flags",
        Key::To => "to",
        Key::Overwrite => "overwrite",
        Key::Events => "events",
        Key::Since => "since",
        Key::Other(other) => other,
    }
}

fuzz_target!(|input: Input<'_>| {
    let method = match input.method {
        MethodName::Get => Method::Get,
        MethodName::Head => Method::Head,
        MethodName::Post => Method::Post,
        MethodName::Put => Method::Put,
        MethodName::Delete => Method::Delete,
        MethodName::Other(name) => Method::parse(name),
    };
    let query = query(&input);
    let request = FsRequest {
        method,
        path: input.path,
        query: query.as_deref(),
        is_navigation: input.is_navigation,
        origin: input.origin.as_ref().map(|origin| match origin {
            Origin::Own => OWN_ORIGIN,
            Origin::Other(other) => other,
        }),
        sec_fetch_site: input.sec_fetch_site,
        own_origin: OWN_ORIGIN,
        if_match: input.if_match,
        now_ms: input.now_ms,
    };
    let Ok(operation) = request.parse() else { return };
    owndir_fuzz::assert_safe(&operation.path);
    assert_eq!(RequestPath::from_url_path(input.path).map(|parsed| parsed.path).as_ref(), Ok(&operation.path));
    if operation.call.is_mutating() {
        assert!(!request.is_navigation, "{request:?}");
        assert!(request.origin.is_none_or(|origin| origin == OWN_ORIGIN), "{request:?}");
        assert!(request.sec_fetch_site.is_none_or(|site| site == "same-origin" || site == "none"), "{request:?}");
        assert!(!operation.path.segments().iter().any(|name| name == ".owndir"), "{request:?}");
        let whole_folder = matches!(operation.call, FsCall::Write { .. } | FsCall::Delete | FsCall::Move { .. });
        assert!(!(whole_folder && operation.path.is_root()), "{request:?}");
    }
    if let FsCall::Move { to, .. } = &operation.call
        && let Ok(destination) = resolve_destination(&operation.path, to)
    {
        owndir_fuzz::assert_safe(&destination);
    }

    let folder = MemoryFolder::new();
    folder.insert_file("a.txt", b"hello", 1_700_000_000_000);
    folder.insert_file("d/b.txt", b"", 1_700_000_000_000);
    folder.insert_file(GUARDED, b"<p>app</p>", 1_700_000_000_000);
    block_on(serve_fs(&folder, &operation, &request, input.upload));
    assert_eq!(folder.read(GUARDED).as_deref(), Some(&b"<p>app</p>"[..]), "{request:?}");
});
