//! Writes `mime_guess`'s extension → media type mapping for `src/mime.rs` as text, one
//! `extension type` line per extension (lowercase, sorted).

use std::fmt::Write;

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
        let _ = writeln!(text, "{extension} {mime}");
    }
    let source = format!("static MIME_TABLE: &str = {text:?};\n");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("mime_types.rs");
    std::fs::write(out, source).expect("OUT_DIR is writable");
}
