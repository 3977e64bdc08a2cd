//! The files that sync engines and browsers put into a folder, told apart from the
//! person's files, in one place (issue 16).
//!
//! A folder on disk is often also a synced folder (Syncthing, Dropbox, Nextcloud,
//! Resilio): the engines write files half way under temporary names, keep their own
//! bookkeeping, and leave a copy beside a file both sides changed. Temporary files are
//! never shown, served or reported by `sub` (a listing must not flicker while a large file
//! arrives); bookkeeping files start with a dot and are hidden like other dotfiles; a
//! conflict copy is the person's data and is shown, with the original it belongs to.

/// What a name is to the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// A file written half way, by a browser or a sync engine: never shown, never served,
    /// never changed through the runtime.
    Temporary(&'static str),
    /// A copy a sync engine left beside a file that two devices changed: shown, marked.
    ConflictCopy(&'static str),
}

/// The engine or program whose file `name` is, and what kind, or `None` for the
/// person's own files (and for the engines' dot-named bookkeeping, which the file app
/// hides as it hides every dotfile).
///
/// ```
/// use owndir_core::sync_names::{Artifact, classify};
/// assert_eq!(classify(".syncthing.notes.md.tmp"), Some(Artifact::Temporary("Syncthing")));
/// assert_eq!(classify("notes.sync-conflict-20261129-101500-ABCDEFG.md"), Some(Artifact::ConflictCopy("Syncthing")));
/// assert_eq!(classify("notes.md"), None);
/// ```
pub fn classify(name: &str) -> Option<Artifact> {
    if name.ends_with(".crswap") {
        return Some(Artifact::Temporary("Chrome"));
    }
    // Syncthing writes `.syncthing.<name>.tmp` (and `~syncthing~<name>.tmp` on Windows).
    if (name.starts_with(".syncthing.") || name.starts_with("~syncthing~")) && name.ends_with(".tmp") {
        return Some(Artifact::Temporary("Syncthing"));
    }
    // LibreOffice and Nextcloud's lock files: `.~lock.<name>#`.
    if name.starts_with(".~lock.") && name.ends_with('#') {
        return Some(Artifact::Temporary("Nextcloud / LibreOffice lock"));
    }
    // Resilio Sync's files in flight.
    if name.ends_with(".!sync") {
        return Some(Artifact::Temporary("Resilio Sync"));
    }
    // Partial downloads and copies (browsers, rsync --partial, many sync tools).
    if name.ends_with(".part") || name.ends_with(".crdownload") {
        return Some(Artifact::Temporary("partial download"));
    }
    if conflict_original(name).is_some() {
        return Some(Artifact::ConflictCopy(conflict_engine(name)));
    }
    None
}

/// True for the files that are never shown, served or changed: [`Artifact::Temporary`].
pub fn is_temporary(name: &str) -> bool {
    matches!(classify(name), Some(Artifact::Temporary(_)))
}

fn conflict_engine(name: &str) -> &'static str {
    if name.contains(".sync-conflict-") {
        "Syncthing"
    } else if name.contains("conflicted copy") {
        "Dropbox / Nextcloud"
    } else {
        "Resilio Sync"
    }
}

/// The name of the file a conflict copy belongs to, or `None` when `name` is none:
///
/// - Syncthing: `notes.sync-conflict-20261129-101500-ABCDEFG.md` → `notes.md`;
/// - Dropbox: `notes (Ann's conflicted copy 2026-11-29).md` → `notes.md`;
/// - Nextcloud: `notes (conflicted copy 2026-11-29 101500).md` → `notes.md`;
/// - Resilio Sync: `notes.Conflict.md` → `notes.md`.
///
/// ```
/// use owndir_core::sync_names::conflict_original;
/// assert_eq!(conflict_original("a.sync-conflict-20261129-101500-ABCDEFG.txt").as_deref(), Some("a.txt"));
/// assert_eq!(conflict_original("a.txt"), None);
/// ```
pub fn conflict_original(name: &str) -> Option<String> {
    if let Some((stem, rest)) = name.split_once(".sync-conflict-") {
        // `YYYYMMDD-HHMMSS-DEVICEID`, then the extension (if any).
        let (stamp, extension) = match rest.split_once('.') {
            Some((stamp, extension)) => (stamp, Some(extension)),
            None => (rest, None),
        };
        let mut parts = stamp.splitn(3, '-');
        let (date, time, device) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
        if !digits(date, 8) || !digits(time, 6) || device.is_empty() || stem.is_empty() {
            return None;
        }
        return Some(with_extension(stem, extension));
    }
    if let Some(open) = name.find(" (")
        && let Some(close) = name[open..].find(')').map(|close| open + close)
        && name[open..close].contains("conflicted copy")
    {
        let stem = &name[..open];
        let extension = name[close + 1..].strip_prefix('.');
        if stem.is_empty() || !(name[close + 1..].is_empty() || extension.is_some()) {
            return None;
        }
        return Some(with_extension(stem, extension));
    }
    if let Some((stem, extension)) = name.split_once(".Conflict") {
        let extension = match extension {
            "" => None,
            rest => Some(rest.strip_prefix('.')?),
        };
        if !stem.is_empty() {
            return Some(with_extension(stem, extension));
        }
    }
    None
}

fn with_extension(stem: &str, extension: Option<&str>) -> String {
    match extension {
        Some(extension) => format!("{stem}.{extension}"),
        None => stem.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_swap_files_are_temporary() {
        assert_eq!(classify("a.txt.crswap"), Some(Artifact::Temporary("Chrome")));
    }

    #[test]
    fn syncthing_files_in_flight_are_temporary_and_its_conflicts_shown() {
        assert!(is_temporary(".syncthing.big video.mp4.tmp"));
        assert!(is_temporary("~syncthing~notes.md.tmp"));
        assert_eq!(conflict_original("notes.sync-conflict-20261129-101500-ABCDEFG.md").as_deref(), Some("notes.md"));
        assert_eq!(conflict_original("Makefile.sync-conflict-20261129-101500-ABC").as_deref(), Some("Makefile"));
        assert_eq!(conflict_original("a.tar.sync-conflict-20261129-101500-XYZ.gz").as_deref(), Some("a.tar.gz"));
        // Not Syncthing's stamp: the person's own name.
        assert_eq!(conflict_original("notes.sync-conflict-yesterday.md"), None);
        // Its bookkeeping starts with a dot: hidden as dotfiles are, not by this list.
        for name in [".stfolder", ".stignore", ".stversions"] {
            assert_eq!(classify(name), None, "{name}");
        }
    }

    #[test]
    fn dropbox_and_nextcloud_conflicted_copies_are_shown_with_their_original() {
        assert_eq!(conflict_original("notes (Ann's conflicted copy 2026-11-29).md").as_deref(), Some("notes.md"));
        assert_eq!(conflict_original("notes (conflicted copy 2026-11-29 101500).md").as_deref(), Some("notes.md"));
        assert_eq!(
            classify("notes (conflicted copy 2026-11-29 101500).md"),
            Some(Artifact::ConflictCopy("Dropbox / Nextcloud"))
        );
        assert_eq!(conflict_original("trip (photos).md"), None);
    }

    #[test]
    fn nextcloud_and_libreoffice_locks_are_temporary() {
        assert!(is_temporary(".~lock.report.odt#"));
        assert!(!is_temporary(".~lock.report.odt"));
    }

    #[test]
    fn resilio_files_in_flight_are_temporary_and_its_conflicts_shown() {
        assert!(is_temporary("movie.mkv.!sync"));
        assert_eq!(conflict_original("notes.Conflict.md").as_deref(), Some("notes.md"));
        assert_eq!(classify("notes.Conflict.md"), Some(Artifact::ConflictCopy("Resilio Sync")));
    }

    #[test]
    fn partial_downloads_are_temporary() {
        assert!(is_temporary("ubuntu.iso.part"));
        assert!(is_temporary("ubuntu.iso.crdownload"));
        assert!(!is_temporary("part"));
        assert!(!is_temporary("chapter.partial.md"));
    }

    #[test]
    fn the_persons_files_are_nothing_of_these() {
        for name in ["notes.md", "conflict.txt", "sync.txt", ".git", "tmp", "a.tmp", "Part 2.md", "x (copy).txt"] {
            assert_eq!(classify(name), None, "{name}");
        }
    }
}
