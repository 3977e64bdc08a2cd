//! `RequestPath::from_url_path` and `SafePath::parse` on any string: they never panic, and
//! an accepted path holds only plain names and round-trips through its URL
//! (`owndir_fuzz::assert_safe`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use owndir_core::{RequestPath, SafePath};

fuzz_target!(|input: &str| {
    if let Ok(parsed) = RequestPath::from_url_path(input) {
        owndir_fuzz::assert_safe(&parsed.path);
        // The root always counts as a directory; otherwise the URL's own last slash says.
        assert_eq!(parsed.trailing_slash, parsed.path.is_root() || input.ends_with('/'), "{input:?}");
    }
    if let Ok(path) = SafePath::parse(input) {
        owndir_fuzz::assert_safe(&path);
    }
});
