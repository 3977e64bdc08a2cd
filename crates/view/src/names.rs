//! Names the person types, and names the app makes up.

use owndir_core::{PathError, SafePath};

/// Checks a name typed for a new file, folder or rename; the message says what is wrong.
///
/// ```
/// assert!(owndir_view::names::check("notes.md").is_ok());
/// assert_eq!(owndir_view::names::check("a/b").unwrap_err(), "A name cannot contain “/”.");
/// ```
pub fn check(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Type a name.".to_owned());
    }
    if name.contains('/') {
        return Err("A name cannot contain “/”.".to_owned());
    }
    match SafePath::root().join(name) {
        Ok(_) => Ok(name),
        Err(PathError::DotSegment) => Err("“.” and “..” are not names.".to_owned()),
        Err(PathError::Backslash) => Err("A name cannot contain “\\”.".to_owned()),
        Err(PathError::ControlCharacter) => Err("A name cannot contain control characters.".to_owned()),
        Err(PathError::SegmentTooLong) => Err("That name is too long (255 bytes at most).".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// The `n`th name for a copy of `name`: `todo (copy).md`, `todo (copy 2).md`, …
///
/// ```
/// assert_eq!(owndir_view::names::copy_name("todo.md", 1), "todo (copy).md");
/// assert_eq!(owndir_view::names::copy_name("Makefile", 3), "Makefile (copy 3)");
/// ```
pub fn copy_name(name: &str, n: u32) -> String {
    let suffix = if n <= 1 { " (copy)".to_owned() } else { format!(" (copy {n})") };
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem}{suffix}.{extension}"),
        _ => format!("{name}{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_are_checked_with_a_reason() {
        assert_eq!(check("  spaced  "), Ok("spaced"));
        for bad in ["", "   ", "a/b", "..", ".", "a\\b", "a\u{7}b", &"x".repeat(256)] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        for good in ["café.md", "#tag", "100%", ".hidden", "a b+c"] {
            assert!(check(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn copies_keep_the_extension() {
        assert_eq!(copy_name("a.tar.gz", 2), "a.tar (copy 2).gz");
        assert_eq!(copy_name(".env", 1), ".env (copy)");
    }
}
