//! `Range` and the conditional headers on any values: `parse_range` never panics and a
//! partial range lies inside the file (start <= end < size); `evaluate` and
//! `if_range_allows` never panic; and a file served with those headers and any size and
//! time gets one of 200/206/304/412/416, a 206 naming bytes inside the file.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use owndir_core::conditional::{RequestHeaders, evaluate, if_range_allows};
use owndir_core::range::{RangeOutcome, parse_range};
use owndir_core::{ContentRequest, FileMeta, MemoryFolder, Method, ResponseBody, block_on, serve_content};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    size: u64,
    modified_ms: u64,
    head: bool,
    range: Option<&'a str>,
    if_range: Option<&'a str>,
    if_match: Option<&'a str>,
    if_none_match: Option<&'a str>,
    if_modified_since: Option<&'a str>,
    if_unmodified_since: Option<&'a str>,
}

fuzz_target!(|input: Input<'_>| {
    match parse_range(input.range, input.size) {
        RangeOutcome::Partial(range) => assert!(range.start <= range.end && range.end < input.size, "{input:?}"),
        RangeOutcome::Unsatisfiable | RangeOutcome::Full => {}
    }
    let headers = RequestHeaders {
        range: input.range,
        if_range: input.if_range,
        if_match: input.if_match,
        if_none_match: input.if_none_match,
        if_modified_since: input.if_modified_since,
        if_unmodified_since: input.if_unmodified_since,
    };
    let meta = FileMeta { size: input.size, modified_ms: input.modified_ms };
    evaluate(&headers, meta);
    if_range_allows(input.if_range, meta);

    // The whole answer for a small file: the memory folder holds real bytes.
    let bytes = vec![b'x'; (input.size % 1024) as usize];
    let folder = MemoryFolder::new();
    folder.insert_file("f.bin", &bytes, input.modified_ms);
    let method = if input.head { Method::Head } else { Method::Get };
    let request = ContentRequest { method, headers, ..ContentRequest::get("/f.bin") };
    let response = block_on(serve_content(&folder, &request));
    assert!(matches!(response.status, 200 | 206 | 304 | 412 | 416), "{input:?}: {}", response.status);
    if let ResponseBody::File(_, Some(range)) = &response.body {
        assert_eq!(response.status, 206);
        assert!(range.start <= range.end && range.end < bytes.len() as u64, "{input:?}: {range:?}");
        assert_eq!(response.header("content-length"), Some(range.len().to_string().as_str()));
    }
});
