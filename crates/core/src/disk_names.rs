//! Names Chrome refuses in a folder on disk, and why.
//!
//! The File System Access API checks every name it opens or creates in a real directory
//! (Chromium's `IsSafePathComponent`, which uses `base::i18n::IsFilenameLegal`); the
//! origin's private storage takes any name. A refused name fails with a bare `TypeError`
//! ("Name is not allowed."), so the runtime says which rule it broke. The rules below were
//! measured in Chromium 156 on Linux (`tests/tests/disk.rs`); they are Windows' rules, kept
//! on every system so that a folder stays portable.

use std::fmt;

/// Why a name cannot be created in a folder on disk.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameRefusal {
    /// A character no file name may hold there: `"` `*` `:` `<` `>` `?` `|`, or an
    /// invisible formatting character.
    Character(char),
    /// A space, a dot or `~` at the end, or a space or `~` at the start.
    Edge(char),
    /// A name of a Windows device (`CON`, `NUL`, `COM1`, `LPT9` …), with any extension.
    Device,
    /// `desktop.ini`, `.lnk`, `.url` and `.scf` files change what Windows runs or shows.
    ShellFile,
    /// An extension in braces (`{…}`) hides a file's real type on Windows.
    ClassIdExtension,
    /// Longer than [`LONGEST_WRITABLE`] bytes: the name can be created, read, renamed and
    /// deleted, but not written, since Chrome writes a file on disk through a swap file
    /// named after it plus `.crswap`, which must fit in 255 bytes too. Never returned by
    /// [`refusal`]; the worker finds it when a write fails.
    TooLongToWrite,
    /// A rule the browser applies that this list does not know.
    Unknown,
}

/// The longest name (in bytes) Chrome can write in a folder on disk: its swap file,
/// `<name>.crswap`, must fit in the 255 bytes a name may have (measured in Chromium 156
/// on Linux; the origin's private storage keeps no such file and writes any name).
pub const LONGEST_WRITABLE: usize = 255 - ".crswap".len();

impl fmt::Display for NameRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameRefusal::Character(c) if c.is_control() || !c.is_ascii() => {
                write!(f, "it holds the invisible character U+{:04X}", u32::from(*c))
            }
            NameRefusal::Character(c) => write!(f, "it holds {c:?}, which no file name on disk may hold"),
            NameRefusal::Edge(' ') => f.write_str("it begins or ends with a space"),
            NameRefusal::Edge('.') => f.write_str("it ends with a dot (or begins with two)"),
            NameRefusal::Edge(c) => write!(f, "it begins or ends with {c:?}"),
            NameRefusal::Device => f.write_str("it is the name of a Windows device (CON, NUL, COM1, LPT1 …)"),
            NameRefusal::ShellFile => f.write_str("desktop.ini, .lnk, .url and .scf files can make Windows run code"),
            NameRefusal::ClassIdExtension => f.write_str("an extension in braces can hide a file's real type"),
            NameRefusal::TooLongToWrite => write!(
                f,
                "Chrome writes a file on disk through a swap file of its name plus \".crswap\", \
                 which must fit in 255 bytes, so a name of more than {LONGEST_WRITABLE} bytes cannot be written"
            ),
            NameRefusal::Unknown => f.write_str("the browser does not allow this name on disk"),
        }
    }
}

const DEVICES: &[&str] = &["CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$"];
const NUMBERED_DEVICES: &[&str] = &["COM", "LPT"];
const SHELL_EXTENSIONS: &[&str] = &["lnk", "url", "scf"];

/// Why Chrome refuses `name` in a folder on disk, or `None` when it takes it.
///
/// ```
/// use owndir_core::disk_names::{NameRefusal, refusal};
/// assert_eq!(refusal("notes.md"), None);
/// assert_eq!(refusal(".hidden"), None);
/// assert_eq!(refusal("a:b"), Some(NameRefusal::Character(':')));
/// assert_eq!(refusal("nul.txt"), Some(NameRefusal::Device));
/// assert_eq!(refusal("Desktop.ini"), Some(NameRefusal::ShellFile));
/// ```
pub fn refusal(name: &str) -> Option<NameRefusal> {
    if let Some(c) = name.chars().find(|c| is_refused_anywhere(*c)) {
        return Some(NameRefusal::Character(c));
    }
    // A leading dot is a hidden file, which is allowed; what follows it is checked.
    let rest = name.strip_prefix('.').unwrap_or(name);
    let first = rest.chars().next()?;
    if first.is_whitespace() || first == '~' || (first == '.' && name.starts_with('.')) {
        return Some(NameRefusal::Edge(if first.is_whitespace() { ' ' } else { first }));
    }
    let last = name.chars().next_back()?;
    if last.is_whitespace() || last == '.' || last == '~' {
        return Some(NameRefusal::Edge(if last.is_whitespace() { ' ' } else { last }));
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, Some(extension)),
        _ => (name, None),
    };
    if name.eq_ignore_ascii_case("desktop.ini")
        || extension.is_some_and(|extension| SHELL_EXTENSIONS.iter().any(|e| extension.eq_ignore_ascii_case(e)))
    {
        return Some(NameRefusal::ShellFile);
    }
    if extension.is_some_and(|extension| extension.starts_with('{') && extension.ends_with('}')) {
        return Some(NameRefusal::ClassIdExtension);
    }
    // `CON`, `con.txt`, `com1.tar.gz`: the part before the first dot names the device.
    let device = stem.split('.').next().unwrap_or(stem);
    let is_numbered = |prefix: &&str| {
        device.len() == 4
            && device[..3].eq_ignore_ascii_case(prefix)
            && device.as_bytes()[3].is_ascii_digit()
            && device.as_bytes()[3] != b'0'
    };
    if DEVICES.iter().any(|d| device.eq_ignore_ascii_case(d)) || NUMBERED_DEVICES.iter().any(is_numbered) {
        return Some(NameRefusal::Device);
    }
    None
}

/// Characters no name may hold on disk: Windows' reserved ASCII and the controls and
/// invisible formatting characters (Unicode `Cc` and the common `Cf`).
fn is_refused_anywhere(c: char) -> bool {
    matches!(c, '"' | '*' | ':' | '<' | '>' | '?' | '|' | '/' | '\\')
        || c.is_control()
        || matches!(c, '\u{AD}' | '\u{61C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}')
        || matches!(c, '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name as Chromium 156 answered it on disk (`tests/tests/disk.rs` tries them).
    #[test]
    fn names_refused_as_chrome_refuses_them() {
        let refused = [
            ("a\"b", NameRefusal::Character('"')),
            ("a*b", NameRefusal::Character('*')),
            ("col:on", NameRefusal::Character(':')),
            ("a<b", NameRefusal::Character('<')),
            ("a?b", NameRefusal::Character('?')),
            ("a|b", NameRefusal::Character('|')),
            ("zero\u{200B}width", NameRefusal::Character('\u{200B}')),
            ("a.", NameRefusal::Edge('.')),
            ("trail..", NameRefusal::Edge('.')),
            ("b ", NameRefusal::Edge(' ')),
            (" c", NameRefusal::Edge(' ')),
            ("..dots", NameRefusal::Edge('.')),
            ("~start", NameRefusal::Edge('~')),
            ("end~", NameRefusal::Edge('~')),
            ("CON", NameRefusal::Device),
            ("nul.txt", NameRefusal::Device),
            ("com1.txt", NameRefusal::Device),
            ("LPT9", NameRefusal::Device),
            ("desktop.ini", NameRefusal::ShellFile),
            ("x.lnk", NameRefusal::ShellFile),
            ("y.URL", NameRefusal::ShellFile),
            ("z.scf", NameRefusal::ShellFile),
            ("w.{x}", NameRefusal::ClassIdExtension),
        ];
        for (name, why) in refused {
            assert_eq!(refusal(name), Some(why), "{name:?}");
        }
    }

    #[test]
    fn names_chrome_takes_pass() {
        for name in [
            "notes.md",
            ".hidden",
            ".git",
            "t~ilde",
            "ok.local",
            "q{abc}",
            "emoji😀",
            "日本語.txt",
            "with space.txt",
            "a#b",
            "100%",
            "a+b",
            "it's",
            "com0",
            "com10",
            "console",
            "lpt",
            "x.lnkx",
            "a.b.c",
        ] {
            assert_eq!(refusal(name), None, "{name:?}");
        }
    }

    #[test]
    fn every_refusal_says_why() {
        assert_eq!(NameRefusal::Character(':').to_string(), "it holds ':', which no file name on disk may hold");
        assert!(NameRefusal::Device.to_string().contains("Windows device"));
        assert!(NameRefusal::Character('\u{200B}').to_string().contains("U+200B"));
        assert!(NameRefusal::TooLongToWrite.to_string().contains("more than 248 bytes"));
    }
}
