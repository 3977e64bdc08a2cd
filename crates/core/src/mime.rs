//! Content types from file extensions.

/// The `Content-Type` for a file name: from its extension (by `mime_guess`'s mapping),
/// `application/octet-stream` when unknown, with `; charset=utf-8` on text types.
///
/// ```
/// use owndir_core::mime::content_type;
/// assert_eq!(content_type("notes.md"), "text/markdown; charset=utf-8");
/// assert_eq!(content_type("photo.JPG"), "image/jpeg");
/// assert_eq!(content_type("README"), "application/octet-stream");
/// ```
pub fn content_type(name: &str) -> String {
    let essence = essence(name);
    if is_text(essence) { format!("{essence}; charset=utf-8") } else { essence.to_owned() }
}

/// The bare media type for a file name, without parameters; `application/octet-stream`
/// when the type is not known.
///
/// ```
/// assert_eq!(owndir_core::mime::essence("app.wasm"), "application/wasm");
/// assert_eq!(owndir_core::mime::essence("README"), "application/octet-stream");
/// ```
pub fn essence(name: &str) -> &'static str {
    known(name).unwrap_or("application/octet-stream")
}

/// The media type for a file name when its extension is known: what FsNode's `info`
/// reports as `mime` (`null` otherwise, as OwnDir's `mime.getType` gives).
///
/// ```
/// use owndir_core::mime::known;
/// assert_eq!(known("1.txt"), Some("text/plain"));
/// assert_eq!(known("new-file"), None);
/// assert_eq!(known(".bashrc"), None);
/// assert_eq!(known("x.unknownext"), None);
/// ```
pub fn known(name: &str) -> Option<&'static str> {
    let extension = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => extension,
        _ => return None,
    };
    match extension.to_ascii_lowercase().as_str() {
        // mime_guess gives these generic or legacy types; browsers need the precise ones.
        "js" | "mjs" => Some("text/javascript"),
        "wasm" => Some("application/wasm"),
        "webmanifest" => Some("application/manifest+json"),
        "md" | "markdown" => Some("text/markdown"),
        lower => look_up(lower),
    }
}

// mime_guess's mapping, written by `build.rs`: `MIME_TABLE_CODED` has one `extension type`
// line per extension (lowercase, sorted), each type's common beginning coded as one byte
// (`MIME_PREFIXES`). Linked as a crate, mime_guess (a table of string slices, and Unicode
// case folding for its lookups) made the worker's gzipped wasm ~10 KB bigger than this text.
include!(concat!(env!("OUT_DIR"), "/mime_types.rs"));

/// The table with its prefixes written out, made on the first lookup (a few µs) so lookups
/// can hand out `&'static str`s.
fn mime_table() -> &'static str {
    static TABLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = String::with_capacity(MIME_TABLE_CODED.len() * 2);
        for character in MIME_TABLE_CODED.chars() {
            // The codes are 0x10..=0x1f: only they index the prefixes.
            match MIME_PREFIXES.get((character as usize).wrapping_sub(0x10)) {
                Some(prefix) => table.push_str(prefix),
                None => table.push(character),
            }
        }
        table
    })
}

/// The type on `extension`'s line of the table, by binary search over the text itself:
/// each probe reads the line around the middle byte of what is left, so no table of line
/// starts is needed (it was 2.7 KB of the gzipped worker: numbers compress badly).
fn look_up(extension: &str) -> Option<&'static str> {
    let table = mime_table();
    let bytes = table.as_bytes();
    // Both ends are line starts (or the end of the text).
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let start = bytes[low..middle].iter().rposition(|&byte| byte == b'\n').map_or(low, |at| low + at + 1);
        let end = bytes[start..high].iter().position(|&byte| byte == b'\n').map_or(high, |at| start + at);
        let (known, mime) = table.get(start..end)?.split_once(' ')?;
        match known.cmp(extension) {
            std::cmp::Ordering::Equal => return Some(mime),
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    None
}

/// Text types get a charset: everything `text/*`, and the structured text formats.
fn is_text(essence: &str) -> bool {
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/json"
                | "application/manifest+json"
                | "application/xml"
                | "application/javascript"
                | "application/x-sh"
                | "image/svg+xml"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_types() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("data.json", "application/json; charset=utf-8"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("icon.svg", "image/svg+xml; charset=utf-8"),
            ("app.webmanifest", "application/manifest+json; charset=utf-8"),
            ("app.wasm", "application/wasm"),
            ("photo.png", "image/png"),
            ("clip.mp4", "video/mp4"),
            ("song.mp3", "audio/mpeg"),
            ("paper.pdf", "application/pdf"),
            ("archive.unknownext", "application/octet-stream"),
            ("noextension", "application/octet-stream"),
            (".bashrc", "application/octet-stream"),
            ("trailingdot.", "application/octet-stream"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_type(name), expected, "{name}");
        }
    }

    #[test]
    fn names_between_and_beyond_the_table_are_unknown() {
        for extension in ["", "0", "aaaa", "mp", "pngx", "zzzzzz", "~"] {
            assert_eq!(look_up(extension), None, "{extension}");
        }
    }

    #[test]
    fn every_extension_maps_as_mime_guess_maps_it() {
        let extensions = mime_guess::get_mime_extensions_str("*/*").unwrap();
        assert!(extensions.len() > 1000, "mime_guess lists {} extensions", extensions.len());
        // An extension with a dot (`dll.config`) is never looked up: the name's last dot wins.
        for extension in extensions.iter().filter(|extension| !extension.contains('.')) {
            if matches!(
                extension.to_ascii_lowercase().as_str(),
                "js" | "mjs" | "wasm" | "webmanifest" | "md" | "markdown"
            ) {
                continue;
            }
            let expected = mime_guess::from_ext(extension).first_raw().unwrap();
            assert_eq!(essence(&format!("a.{extension}")), expected, "{extension}");
            assert_eq!(essence(&format!("a.{}", extension.to_ascii_uppercase())), expected, "{extension}");
        }
    }

    #[test]
    fn extensions_are_case_insensitive() {
        assert_eq!(content_type("A.HTML"), "text/html; charset=utf-8");
        assert_eq!(essence("Image.PnG"), "image/png");
    }
}
