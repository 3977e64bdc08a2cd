//! Writes `mime_guess`'s extension → media type mapping for `src/mime.rs` as text, one
//! `extension type` line per extension (lowercase, sorted), with each type's common
//! beginning written as one byte: `MIME_PREFIXES[byte - 0x10]`.

use std::fmt::Write;

/// Beginnings shared by many types, longest first where one begins another. Each written as
/// one byte (0x10 + its index) makes the text 650 B smaller gzipped.
const PREFIXES: [&str; 16] = [
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
    "application/vnd.ms-",
    "application/vnd.",
    "application/x-",
    "application/",
    "image/x-",
    "image/",
    "audio/x-",
    "audio/",
    "video/x-",
    "video/",
    "text/x-",
    "text/",
    "chemical/x-",
    "model/",
];

fn main() {
    let extensions = mime_guess::get_mime_extensions_str("*/*").unwrap_or_default();
    let mut table: Vec<(String, &str)> = extensions
        .iter()
        // A name's extension follows its last dot, so `dll.config` is never looked up; and
        // an unknown extension gets `application/octet-stream` anyway.
        .filter(|extension| !extension.contains('.'))
        .filter_map(|extension| Some((extension.to_ascii_lowercase(), mime_guess::from_ext(extension).first_raw()?)))
        .filter(|(_, mime)| *mime != "application/octet-stream")
        .collect();
    table.sort();
    table.dedup_by(|a, b| a.0 == b.0);
    let mut text = String::new();
    for (extension, mime) in table {
        let coded = PREFIXES
            .iter()
            .zip(0x10u8..)
            .find_map(|(prefix, code)| Some(format!("{}{}", char::from(code), mime.strip_prefix(prefix)?)))
            .unwrap_or_else(|| mime.to_owned());
        let _ = writeln!(text, "{extension} {coded}");
    }
    let source = format!(
        "static MIME_PREFIXES: [&str; {}] = {PREFIXES:?};\nstatic MIME_TABLE_CODED: &str = {text:?};\n",
        PREFIXES.len()
    );
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("mime_types.rs");
    std::fs::write(out, source).expect("OUT_DIR is writable");
}
