//! Checks the fuzz targets share.

use owndir_core::path::{MAX_DEPTH, MAX_SEGMENT_BYTES};
use owndir_core::{PathError, RequestPath, SafePath};

/// Asserts that `path` holds only plain names (none empty, `.`, `..`, none with `/`, `\`
/// or a control character, none over 255 bytes) and that it comes back unchanged from its
/// URL, its directory URL and its display form (all three refused as too deep past
/// [`MAX_DEPTH`] names: a move's destination is built name by name, and may be).
pub fn assert_safe(path: &SafePath) {
    for name in path.segments() {
        assert!(!name.is_empty() && name != "." && name != "..", "{path:?}: {name:?} is not a plain name");
        assert!(!name.contains(['/', '\\']), "{path:?}: {name:?} holds a separator");
        assert!(!name.chars().any(char::is_control), "{path:?}: {name:?} holds a control character");
        assert!(name.len() <= MAX_SEGMENT_BYTES, "{path:?}: {name:?} is too long");
    }
    let reachable = path.segments().len() <= MAX_DEPTH;
    let url = path.to_url();
    let from_url = RequestPath::from_url_path(&url).map(|parsed| parsed.path);
    assert_eq!(from_url, if reachable { Ok(path.clone()) } else { Err(PathError::TooDeep) }, "{url}");
    let dir = RequestPath::from_url_path(&path.to_dir_url());
    let expected = RequestPath { path: path.clone(), trailing_slash: true };
    assert_eq!(dir, if reachable { Ok(expected) } else { Err(PathError::TooDeep) }, "{path:?} as a directory");
    let parsed = SafePath::parse(&path.to_string());
    assert_eq!(parsed, if reachable { Ok(path.clone()) } else { Err(PathError::TooDeep) }, "{path}");
}
