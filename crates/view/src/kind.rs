//! How a file is shown, from its name.

/// The viewer for a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Rendered Markdown (and editable as text).
    Markdown,
    /// Text or code: monospace with line numbers, editable.
    Text,
    /// An `<img>`.
    Image,
    /// An `<audio>` player (seeking uses range requests).
    Audio,
    /// A `<video>` player.
    Video,
    /// The browser's own PDF viewer.
    Pdf,
    /// Anything else: offered as a download.
    Other,
}

/// Extensions by viewer. A short table of its own rather than the worker's MIME table:
/// the page only needs to know what the browser can show, and stays small.
const IMAGES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico", "apng"];
const AUDIO: &[&str] = &["mp3", "wav", "ogg", "oga", "opus", "flac", "m4a", "aac", "weba"];
const VIDEO: &[&str] = &["mp4", "m4v", "webm", "ogv", "mov"];
const TEXT: &[&str] = &[
    "txt",
    "text",
    "html",
    "htm",
    "css",
    "js",
    "mjs",
    "cjs",
    "json",
    "jsonc",
    "xml",
    "csv",
    "tsv",
    "rs",
    "toml",
    "ts",
    "tsx",
    "jsx",
    "yml",
    "yaml",
    "ini",
    "cfg",
    "conf",
    "log",
    "env",
    "lock",
    "sh",
    "bash",
    "zsh",
    "fish",
    "py",
    "rb",
    "go",
    "java",
    "kt",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "php",
    "sql",
    "swift",
    "lua",
    "pl",
    "r",
    "gitignore",
    "gitattributes",
    "editorconfig",
    "diff",
    "patch",
    "tex",
    "bib",
    "srt",
    "vtt",
    "webmanifest",
];

/// Names with no extension that are text by custom.
const TEXT_NAMES: [&str; 9] =
    ["readme", "license", "makefile", "dockerfile", "changelog", "authors", "copying", "todo", "procfile"];

impl FileKind {
    /// The viewer for a file called `name`.
    ///
    /// ```
    /// use owndir_view::FileKind;
    /// assert_eq!(FileKind::of("notes.md"), FileKind::Markdown);
    /// assert_eq!(FileKind::of("main.rs"), FileKind::Text);
    /// assert_eq!(FileKind::of("song.mp3"), FileKind::Audio);
    /// assert_eq!(FileKind::of("archive.7z"), FileKind::Other);
    /// ```
    pub fn of(name: &str) -> FileKind {
        // The names and extensions known are ASCII: ASCII case is all there is to ignore.
        let lower = name.to_ascii_lowercase();
        let Some((stem, extension)) = lower.rsplit_once('.') else {
            return if TEXT_NAMES.contains(&lower.as_str()) { FileKind::Text } else { FileKind::Other };
        };
        match extension {
            "md" | "markdown" | "mdown" => FileKind::Markdown,
            "pdf" => FileKind::Pdf,
            _ if IMAGES.contains(&extension) => FileKind::Image,
            _ if AUDIO.contains(&extension) => FileKind::Audio,
            _ if VIDEO.contains(&extension) => FileKind::Video,
            _ if TEXT.contains(&extension) => FileKind::Text,
            // A dotfile with no other dot (`.env`, `.npmrc`) is configuration: text.
            _ if stem.is_empty() => FileKind::Text,
            _ => FileKind::Other,
        }
    }

    /// Whether the file at `path` is a page of the folder: HTML outside `.owndir` (whose
    /// pages are the folder's own frames and assets). The app shows its source, and offers
    /// to open it as a page, which then runs with the folder's rights.
    ///
    /// ```
    /// use owndir_core::SafePath;
    /// use owndir_view::FileKind;
    /// assert!(FileKind::is_folder_page(&SafePath::parse("site/Index.HTML").unwrap()));
    /// assert!(!FileKind::is_folder_page(&SafePath::parse("site/.owndir/static/index.html").unwrap()));
    /// assert!(!FileKind::is_folder_page(&SafePath::parse("notes.md").unwrap()));
    /// ```
    pub fn is_folder_page(path: &owndir_core::SafePath) -> bool {
        let name = path.name().unwrap_or_default().to_ascii_lowercase();
        (name.ends_with(".html") || name.ends_with(".htm"))
            && !path.segments().iter().any(|segment| segment == owndir_core::read_only::OWNDIR)
    }

    /// Whether the editor can open it.
    pub fn is_editable(self) -> bool {
        matches!(self, FileKind::Markdown | FileKind::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_gets_its_viewer() {
        let cases = [
            ("README.md", FileKind::Markdown),
            ("a.MARKDOWN", FileKind::Markdown),
            ("index.html", FileKind::Text),
            ("style.css", FileKind::Text),
            ("data.json", FileKind::Text),
            ("app.js", FileKind::Text),
            ("Cargo.toml", FileKind::Text),
            ("lib.rs", FileKind::Text),
            ("notes.txt", FileKind::Text),
            ("Makefile", FileKind::Text),
            ("LICENSE", FileKind::Text),
            (".gitignore", FileKind::Text),
            (".env", FileKind::Text),
            ("photo.JPG", FileKind::Image),
            ("icon.svg", FileKind::Image),
            ("tone.wav", FileKind::Audio),
            ("clip.mp4", FileKind::Video),
            ("clip.webm", FileKind::Video),
            ("paper.pdf", FileKind::Pdf),
            ("blob", FileKind::Other),
            (".npmrc", FileKind::Text),
            ("noext.", FileKind::Other),
            ("archive.zip", FileKind::Other),
            ("program.exe", FileKind::Other),
        ];
        for (name, kind) in cases {
            assert_eq!(FileKind::of(name), kind, "{name}");
        }
    }

    #[test]
    fn only_text_is_editable() {
        assert!(FileKind::Markdown.is_editable() && FileKind::Text.is_editable());
        assert!(!FileKind::Image.is_editable() && !FileKind::Other.is_editable());
    }
}
