//! `RequestPath::from_url_path` and `SafePath::parse` on any string: they never panic, and
//! an accepted path holds only plain names and round-trips through its URL
//! (`owndir_fuzz::assert_safe`). The URL is then served from a small folder with static
//! mounts: a refused path is `400`, `403` or `414`, an accepted one `200`, `301` or `404`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use owndir_core::{ContentRequest, MemoryFolder, RequestPath, SafePath, block_on, serve_content};

fuzz_target!(|input: &str| {
    let parsed = RequestPath::from_url_path(input);
    if let Ok(parsed) = &parsed {
        owndir_fuzz::assert_safe(&parsed.path);
        // The root always counts as a directory; otherwise the URL's own last slash says.
        assert_eq!(parsed.trailing_slash, parsed.path.is_root() || input.ends_with('/'), "{input:?}");
    }
    if let Ok(path) = SafePath::parse(input) {
        owndir_fuzz::assert_safe(&path);
    }

    let folder = MemoryFolder::new();
    folder.insert_file("a.txt", b"a", 1_700_000_000_000);
    folder.insert_file("d/b.txt", b"b", 1_700_000_000_000);
    folder.insert_file("d/.owndir/static/index.html", b"<p>d</p>", 1_700_000_000_000);
    folder.insert_file(".owndir/static/s/x.js", b"x", 1_700_000_000_000);
    for is_navigation in [false, true] {
        let request = ContentRequest { is_navigation, ..ContentRequest::get(input) };
        let status = block_on(serve_content(&folder, &request)).status;
        let expected: &[u16] = if parsed.is_ok() { &[200, 301, 404] } else { &[400, 403, 414] };
        assert!(expected.contains(&status), "{input:?} (navigation: {is_navigation}): {status}");
    }
});
