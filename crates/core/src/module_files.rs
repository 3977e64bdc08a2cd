//! Which module files a folder's `.owndir` holds, and the fingerprint that says when its
//! modules must load again: the size and time of every file there a module may
//! `require`. The worker evaluates the modules; what to read is decided here.

use crate::content::{OWNDIR, STATIC};
use crate::error::FolderError;
use crate::folder::{Entry, EntryKind, Folder};
use crate::owndir_module::{MODULE_FILES, ModuleFormat};
use crate::path::SafePath;

/// Path (relative to `.owndir`), size and time of every file a level's modules may
/// read, in path order: when one changes, they load again.
pub type Fingerprint = Vec<(String, u64, u64)>;

/// The module files of `level`'s `.owndir`, in [`MODULE_FILES`] order (none when it has
/// neither file).
///
/// ```
/// use owndir_core::{MemoryFolder, SafePath, block_on};
/// use owndir_core::module_files::present_modules;
/// let folder = MemoryFolder::new();
/// folder.insert_file("docs/.owndir/index.js", b"module.exports = {}", 1);
/// let found = block_on(present_modules(&folder, &SafePath::parse("docs").unwrap())).unwrap();
/// assert_eq!(found.iter().map(|(file, _)| *file).collect::<Vec<_>>(), ["index.js"]);
/// ```
pub async fn present_modules<F: Folder>(
    folder: &F,
    level: &SafePath,
) -> Result<Vec<(&'static str, ModuleFormat)>, FolderError> {
    let owndir = join(level, OWNDIR);
    let mut present = Vec::new();
    for (file, format) in MODULE_FILES {
        if let Some(Entry::File { .. }) = folder.lookup(&join(&owndir, file)).await? {
            present.push((file, format));
        }
    }
    Ok(present)
}

/// The `.js`, `.cjs` and `.json` files under `owndir` (a level's `.owndir`), which a
/// module may `require`; `static/` is served, not run, and left out.
pub async fn fingerprint<F: Folder>(folder: &F, owndir: &SafePath) -> Result<Fingerprint, FolderError> {
    let mut files = Vec::new();
    let mut pending = vec![(owndir.clone(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        for entry in folder.list(&directory).await? {
            let relative = format!("{prefix}{}", entry.name);
            match (entry.meta.kind, entry.meta.file) {
                (EntryKind::Directory, _) if relative != STATIC => {
                    pending.push((join(&directory, &entry.name), format!("{relative}/")));
                }
                (EntryKind::File, Some(meta)) if is_module_source(&entry.name) => {
                    files.push((relative, meta.size, meta.modified_ms));
                }
                _ => {}
            }
        }
    }
    crate::sort::sort_by(&mut files, Ord::cmp);
    Ok(files)
}

/// The path of `relative` (a [`Fingerprint`] path) under `owndir`.
pub fn source_path(owndir: &SafePath, relative: &str) -> Result<SafePath, crate::path::PathError> {
    relative.split('/').try_fold(owndir.clone(), |path, name| path.join(name))
}

fn is_module_source(name: &str) -> bool {
    [".js", ".cjs", ".json"].iter().any(|extension| name.ends_with(extension))
}

fn join(path: &SafePath, name: &str) -> SafePath {
    path.join(name).expect("a constant plain name")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::folder_cases::TestableFolder;

    /// Runs an async case on a memory folder and on a `std::fs` one.
    macro_rules! on_both {
        ($case:ident) => {{
            assert_eq!(block_on($case(&MemoryFolder::new())), Ok(()), "in memory");
            let dir = tempfile::tempdir().unwrap();
            assert_eq!(block_on($case(&StdFolder::new(dir.path()))), Ok(()), "on disk");
        }};
    }
    use crate::{MemoryFolder, StdFolder, block_on};

    fn path(text: &str) -> SafePath {
        SafePath::parse(text).unwrap()
    }

    async fn write<F: TestableFolder>(folder: &F, at: &str, bytes: &[u8]) {
        folder.write(&path(at), F::upload(bytes), false, 1_700_000_000_000).await.unwrap();
    }

    async fn modules_found_in_their_order<F: TestableFolder>(folder: &F) -> Result<(), String> {
        write(folder, "a/.owndir/index.js", b"1").await;
        write(folder, "a/.owndir/routes.js", b"2").await;
        write(folder, "b/.owndir/notes.txt", b"3").await;
        write(folder, "c/routes.js", b"4").await;
        let files = |level: &'static str| async move {
            let found = present_modules(folder, &path(level)).await.map_err(|error| error.to_string())?;
            Ok::<_, String>(found.into_iter().map(|(file, _)| file).collect::<Vec<_>>())
        };
        let found = (files("a").await?, files("b").await?, files("c").await?, files("missing").await?);
        let wanted: (Vec<&str>, Vec<&str>, Vec<&str>, Vec<&str>) =
            (vec!["routes.js", "index.js"], vec![], vec![], vec![]);
        if found == wanted { Ok(()) } else { Err(format!("{found:?}")) }
    }

    #[test]
    fn a_level_has_the_module_files_of_its_own_owndir_ours_first() {
        on_both!(modules_found_in_their_order);
    }

    async fn sources_fingerprinted<F: TestableFolder>(folder: &F) -> Result<(), String> {
        for (at, bytes) in [
            ("d/.owndir/routes.js", &b"routes"[..]),
            ("d/.owndir/lib/util.cjs", b"util"),
            ("d/.owndir/lib/data.json", b"{}"),
            ("d/.owndir/readme.md", b"not code"),
            ("d/.owndir/static/app.js", b"served, not run"),
            ("d/other.js", b"outside"),
        ] {
            write(folder, at, bytes).await;
        }
        let owndir = path("d/.owndir");
        let found = fingerprint(folder, &owndir).await.map_err(|error| error.to_string())?;
        let files: Vec<(&str, u64)> = found.iter().map(|(file, size, _)| (file.as_str(), *size)).collect();
        if files != [("lib/data.json", 2), ("lib/util.cjs", 4), ("routes.js", 6)] {
            return Err(format!("{files:?}"));
        }
        let at = source_path(&owndir, "lib/util.cjs").map_err(|error| error.to_string())?;
        if at != path("d/.owndir/lib/util.cjs") {
            return Err(format!("{at}"));
        }
        // A file that changes size changes the fingerprint.
        write(folder, "d/.owndir/lib/util.cjs", b"util, longer").await;
        let changed = fingerprint(folder, &owndir).await.map_err(|error| error.to_string())?;
        if changed == found { Err("unchanged".to_owned()) } else { Ok(()) }
    }

    #[test]
    fn the_fingerprint_has_every_source_a_module_may_require_but_static() {
        on_both!(sources_fingerprinted);
    }

    #[test]
    fn a_missing_owndir_has_no_fingerprint() {
        let folder = MemoryFolder::new();
        assert_eq!(block_on(fingerprint(&folder, &path("none/.owndir"))), Err(FolderError::NotFound));
    }
}
