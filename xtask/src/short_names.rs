//! Short names for the wasm-bindgen glue's imports and closure entry points.
//!
//! wasm-bindgen names each JS function the wasm imports `__wbg_<name>_<16 hex digits>`,
//! and each closure entry point it exports `wasm_bindgen__convert__closures_____invoke__h<16
//! hex digits>`. The hex digits are a hash, which gzip cannot shrink: they were ~4.4 KB of
//! the worker's gzipped wasm (232 imports) and ~6.6 KB of the page's. Those names are only
//! ever spelled by the glue wasm-bindgen wrote beside the wasm, so both are renamed
//! together, to `a`, `b`, … `ba`, …

use crate::Result;
use std::collections::{BTreeMap, BTreeSet};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload};

/// Renames, in `wasm` and in its `glue`, every import named `__wbg_…` and every export
/// named `wasm_bindgen__convert__closures_…`. Fails if a name to rename is not in the glue
/// (a wasm-bindgen that spells them another way must not give a worker that cannot start).
pub fn shorten(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut kept: BTreeSet<String> = BTreeSet::new();
    let mut sections = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(invalid)?;
        match &payload {
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(invalid)?;
                    if !import.name.starts_with("__wbg_") {
                        kept.insert(import.name.to_owned());
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export.map_err(invalid)?;
                    if !export.name.starts_with("wasm_bindgen__convert__closures_") {
                        kept.insert(export.name.to_owned());
                    }
                }
            }
            _ => {}
        }
        sections.push(payload);
    }

    // Reserved words: the glue may someday declare a name rather than only key it.
    kept.extend(["do", "if", "in"].map(str::to_owned));
    let mut short = ShortNames { count: 0, taken: kept };
    let mut module = wasm_encoder::Module::new();
    for payload in &sections {
        match payload {
            Payload::ImportSection(reader) => {
                let mut imports = wasm_encoder::ImportSection::new();
                for import in reader.clone().into_imports() {
                    let import = import.map_err(invalid)?;
                    let name = if import.name.starts_with("__wbg_") {
                        renamed.entry(import.name.to_owned()).or_insert_with(|| short.next()).clone()
                    } else {
                        import.name.to_owned()
                    };
                    let ty = RoundtripReencoder.entity_type(import.ty).map_err(invalid)?;
                    imports.import(import.module, &name, ty);
                }
                module.section(&imports);
            }
            Payload::ExportSection(reader) => {
                let mut exports = wasm_encoder::ExportSection::new();
                for export in reader.clone() {
                    let export = export.map_err(invalid)?;
                    let name = if export.name.starts_with("wasm_bindgen__convert__closures_") {
                        renamed.entry(export.name.to_owned()).or_insert_with(|| short.next()).clone()
                    } else {
                        export.name.to_owned()
                    };
                    exports.export(&name, RoundtripReencoder.export_kind(export.kind).map_err(invalid)?, export.index);
                }
                module.section(&exports);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
                }
            }
        }
    }
    Ok((module.finish(), rename_in_glue(glue, &renamed)?))
}

/// `glue` with each identifier in `renamed` replaced. The old names end in a hash, so none
/// is part of another identifier or of anything else in the glue.
fn rename_in_glue(glue: &str, renamed: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(glue.len());
    let mut found = BTreeSet::new();
    let mut rest = glue;
    while let Some(start) = rest.find(is_identifier_char) {
        let (before, from_start) = rest.split_at(start);
        out.push_str(before);
        let end = from_start.find(|c: char| !is_identifier_char(c)).unwrap_or(from_start.len());
        let (identifier, after) = from_start.split_at(end);
        match renamed.get(identifier) {
            Some(short) => {
                found.insert(identifier);
                out.push_str(short);
            }
            None => out.push_str(identifier),
        }
        rest = after;
    }
    out.push_str(rest);
    match renamed.keys().find(|old| !found.contains(old.as_str())) {
        Some(missing) => Err(format!("the glue never names {missing}: cannot shorten the wasm's names")),
        None => Ok(out),
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `a` … `z`, `A` … `Z`, `ba`, `bb`, …: never one that another import or export has.
struct ShortNames {
    count: usize,
    taken: BTreeSet<String>,
}

impl ShortNames {
    fn next(&mut self) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        loop {
            let mut name = Vec::new();
            let mut n = self.count;
            loop {
                name.push(LETTERS[n % LETTERS.len()]);
                n /= LETTERS.len();
                if n == 0 {
                    break;
                }
            }
            name.reverse();
            self.count += 1;
            let name = String::from_utf8(name).unwrap_or_default();
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

fn invalid(error: impl std::fmt::Display) -> String {
    format!("cannot shorten the wasm's names: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `wbg.<import>` (a function of no arguments) and exporting it
    /// again as `export`, and exporting its memory as `memory`.
    fn module(import: &str, export: &str) -> Vec<u8> {
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        let mut imports = wasm_encoder::ImportSection::new();
        imports.import("wbg", import, wasm_encoder::EntityType::Function(0));
        let mut memories = wasm_encoder::MemorySection::new();
        memories.memory(wasm_encoder::MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        let mut exports = wasm_encoder::ExportSection::new();
        exports.export(export, wasm_encoder::ExportKind::Func, 0);
        exports.export("memory", wasm_encoder::ExportKind::Memory, 0);
        let mut module = wasm_encoder::Module::new();
        module.section(&types).section(&imports).section(&memories).section(&exports);
        module.finish()
    }

    fn names(wasm: &[u8]) -> (Vec<String>, Vec<String>) {
        let (mut imports, mut exports) = (Vec::new(), Vec::new());
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.unwrap() {
                Payload::ImportSection(reader) => {
                    imports.extend(reader.into_imports().map(|import| import.unwrap().name.to_owned()))
                }
                Payload::ExportSection(reader) => {
                    exports.extend(reader.into_iter().map(|export| export.unwrap().name.to_owned()))
                }
                _ => {}
            }
        }
        (imports, exports)
    }

    #[test]
    fn hashed_names_are_renamed_in_the_wasm_and_in_the_glue_alike() {
        let import = "__wbg_log_0123456789abcdef";
        let export = "wasm_bindgen__convert__closures_____invoke__h0123456789abcdef";
        let glue = format!("imports.wbg.{import} = function() {{}};\nwasm.{export}(); wasm.memory; x{import}y;\n");
        let (wasm, glue) = shorten(&module(import, export), &glue).unwrap();
        assert_eq!(names(&wasm), (vec!["a".to_owned()], vec!["b".to_owned(), "memory".to_owned()]));
        // Only whole identifiers: the one inside `x…y` is another name and stays.
        assert_eq!(glue, format!("imports.wbg.a = function() {{}};\nwasm.b(); wasm.memory; x{import}y;\n"));
    }

    #[test]
    fn a_name_the_glue_never_spells_fails_the_build() {
        let wasm = module("__wbg_log_0123456789abcdef", "run");
        let error = shorten(&wasm, "imports.wbg.__wbg_other_fedcba9876543210 = 1;").unwrap_err();
        assert!(error.contains("__wbg_log_0123456789abcdef"), "{error}");
    }

    #[test]
    fn short_names_skip_the_taken_ones_and_grow_a_letter_after_z() {
        let mut short = ShortNames { count: 0, taken: ["b".to_owned()].into() };
        let first: Vec<String> = (0..3).map(|_| short.next()).collect();
        assert_eq!(first, ["a", "c", "d"]);
        let mut short = ShortNames { count: 51, taken: BTreeSet::new() };
        assert_eq!([short.next(), short.next(), short.next()], ["Z", "ba", "bb"]);
    }
}
