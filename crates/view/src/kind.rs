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

/// Media types that are text though not `text/*`.
const TEXT_APPLICATIONS: [&str; 9] = [
    "application/json",
    "application/javascript",
    "application/xml",
    "application/toml",
    "application/x-sh",
    "application/x-yaml",
    "application/yaml",
    "application/sql",
    "application/x-httpd-php",
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
        let lower = name.to_lowercase();
        let extension = lower.rsplit_once('.').map(|(_, extension)| extension);
        if matches!(extension, Some("md" | "markdown" | "mdown")) {
            return FileKind::Markdown;
        }
        if matches!(
            extension,
            Some(
                "rs" | "toml"
                    | "ts"
                    | "tsx"
                    | "jsx"
                    | "yml"
                    | "yaml"
                    | "ini"
                    | "cfg"
                    | "conf"
                    | "log"
                    | "env"
                    | "lock"
                    | "gitignore"
            )
        ) {
            return FileKind::Text;
        }
        if extension.is_none() || lower.starts_with('.') && lower.matches('.').count() == 1 {
            let stem = lower.trim_start_matches('.');
            return if TEXT_NAMES.contains(&stem) || lower.starts_with('.') { FileKind::Text } else { FileKind::Other };
        }
        let mime = owndir_core::mime::essence(name);
        match mime.split_once('/') {
            Some(("text", _)) => FileKind::Text,
            Some(("image", _)) => FileKind::Image,
            Some(("audio", _)) => FileKind::Audio,
            Some(("video", _)) => FileKind::Video,
            _ if mime == "application/pdf" => FileKind::Pdf,
            _ if TEXT_APPLICATIONS.contains(&mime) => FileKind::Text,
            _ => FileKind::Other,
        }
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
