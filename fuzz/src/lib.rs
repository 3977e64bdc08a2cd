//! Checks the fuzz targets share.

use owndir_core::path::MAX_SEGMENT_BYTES;
use owndir_core::{RequestPath, SafePath};

/// Asserts that `path` holds only plain names (none empty, `.`, `..`, none with `/`, `\`
/// or a control character, none over 255 bytes) and that it comes back unchanged from its
/// URL, its directory URL and its display form.
pub fn assert_safe(path: &SafePath) {
    for name in path.segments() {
        assert!(!name.is_empty() && name != "." && name != "..", "{path:?}: {name:?} is not a plain name");
        assert!(!name.contains(['/', '\\']), "{path:?}: {name:?} holds a separator");
        assert!(!name.chars().any(char::is_control), "{path:?}: {name:?} holds a control character");
        assert!(name.len() <= MAX_SEGMENT_BYTES, "{path:?}: {name:?} is too long");
    }
    let url = path.to_url();
    assert_eq!(RequestPath::from_url_path(&url).map(|parsed| parsed.path).as_ref(), Ok(path), "{url}");
    let dir = RequestPath::from_url_path(&path.to_dir_url());
    assert_eq!(dir, Ok(RequestPath { path: path.clone(), trailing_slash: true }), "{path:?} as a directory");
    assert_eq!(SafePath::parse(&path.to_string()).as_ref(), Ok(path), "{path}");
}
