//! The `Folder` contract as one case table, run on every folder there is: the memory and
//! `std::fs` folders natively (`cargo test`), and the worker's own folder over OPFS inside a
//! real service worker (`sw/src/folder_cases_in_worker.rs`, `wasm-pack test`).
//!
//! Each case works in its own directory under the `base` it is given, so one folder holds
//! every run; a failure names the case and what differed.

use crate::error::FolderError;
use crate::folder::{Entry, EntryKind, Folder};
use crate::path::SafePath;

/// A folder the cases can feed and read back: bytes in as its upload, its bodies out as
/// bytes.
#[allow(async_fn_in_trait)] // Not `Send`, as `Folder` (single-threaded wasm).
pub trait TestableFolder: Folder {
    /// The upload that writes `bytes`.
    fn upload(bytes: &[u8]) -> Self::Upload;
    /// A file body's bytes.
    async fn bytes(body: &Self::Body) -> Vec<u8>;
}

/// What a failed case says.
pub type CaseResult = Result<(), String>;

/// The time the cases write with.
const NOW: u64 = 1_700_000_000_000;

/// Every case's name.
pub const CASES: [&str; 12] = [
    "a written file reads back",
    "a write replaces, an append adds",
    "a write makes missing parents",
    "an empty write is an empty file",
    "a listing has names, kinds and sizes",
    "listing nothing or a file fails as such",
    "nothing lies under a file",
    "makeDir is idempotent and stops at a file",
    "touch makes an empty file and keeps a full one",
    "remove is recursive and nothing there is fine",
    "rename moves files and whole directories",
    "any name people use survives",
];

/// Runs every case under `base` (which need not exist), and says which failed.
pub async fn run_all<F: TestableFolder>(folder: &F, base: &SafePath) -> Result<usize, Vec<String>> {
    let mut failures = Vec::new();
    for (number, name) in CASES.iter().enumerate() {
        let dir = base.join(&format!("case-{number}")).map_err(|error| vec![error.to_string()])?;
        if let Err(why) = run_case(folder, number, &dir).await {
            failures.push(format!("{name}: {why}"));
        }
    }
    if failures.is_empty() { Ok(CASES.len()) } else { Err(failures) }
}

async fn run_case<F: TestableFolder>(folder: &F, number: usize, dir: &SafePath) -> CaseResult {
    match number {
        0 => written_file_reads_back(folder, dir).await,
        1 => write_replaces_append_adds(folder, dir).await,
        2 => write_makes_parents(folder, dir).await,
        3 => empty_write(folder, dir).await,
        4 => listing(folder, dir).await,
        5 => listing_failures(folder, dir).await,
        6 => nothing_under_a_file(folder, dir).await,
        7 => make_dir(folder, dir).await,
        8 => touch(folder, dir).await,
        9 => remove(folder, dir).await,
        10 => rename(folder, dir).await,
        _ => names(folder, dir).await,
    }
}

fn at(dir: &SafePath, relative: &str) -> Result<SafePath, String> {
    let mut path = dir.clone();
    for name in relative.split('/') {
        path = path.join(name).map_err(|error| format!("{relative}: {error}"))?;
    }
    Ok(path)
}

fn fail(what: &str, error: FolderError) -> String {
    format!("{what}: {error}")
}

async fn write<F: TestableFolder>(folder: &F, path: &SafePath, bytes: &[u8], append: bool) -> CaseResult {
    folder.write(path, F::upload(bytes), append, NOW).await.map_err(|error| fail(&format!("write {path}"), error))
}

/// The file's bytes, or a failure saying what is there instead.
async fn read<F: TestableFolder>(folder: &F, path: &SafePath) -> Result<Vec<u8>, String> {
    match folder.lookup(path).await.map_err(|error| fail(&format!("lookup {path}"), error))? {
        Some(Entry::File { meta, body }) => {
            let bytes = F::bytes(&body).await;
            if meta.size != bytes.len() as u64 {
                return Err(format!("{path}: size {} but {} bytes", meta.size, bytes.len()));
            }
            Ok(bytes)
        }
        Some(Entry::Directory) => Err(format!("{path} is a directory")),
        None => Err(format!("{path} is missing")),
    }
}

async fn is_directory<F: TestableFolder>(folder: &F, path: &SafePath) -> Result<bool, String> {
    let found = folder.lookup(path).await.map_err(|error| fail(&format!("lookup {path}"), error))?;
    Ok(matches!(found, Some(Entry::Directory)))
}

async fn is_missing<F: TestableFolder>(folder: &F, path: &SafePath) -> Result<bool, String> {
    Ok(folder.lookup(path).await.map_err(|error| fail(&format!("lookup {path}"), error))?.is_none())
}

fn expect<T: PartialEq + std::fmt::Debug>(what: &str, found: T, wanted: T) -> CaseResult {
    if found == wanted { Ok(()) } else { Err(format!("{what}: {found:?}, wanted {wanted:?}")) }
}

async fn written_file_reads_back<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    let file = at(dir, "a.txt")?;
    let bytes: Vec<u8> = (0..=255).cycle().take(70_000).collect();
    write(folder, &file, &bytes, false).await?;
    expect("bytes", read(folder, &file).await?, bytes)
}

async fn write_replaces_append_adds<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    let file = at(dir, "log.txt")?;
    write(folder, &file, b"first, longer", false).await?;
    write(folder, &file, b"yz", false).await?;
    expect("replaced", read(folder, &file).await?, b"yz".to_vec())?;
    write(folder, &file, b"!", true).await?;
    expect("appended", read(folder, &file).await?, b"yz!".to_vec())?;
    // Appending to nothing makes the file.
    let fresh = at(dir, "fresh.txt")?;
    write(folder, &fresh, b"new", true).await?;
    expect("appended to nothing", read(folder, &fresh).await?, b"new".to_vec())
}

async fn write_makes_parents<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "p/q/r.txt")?, b"deep", false).await?;
    expect("p is a directory", is_directory(folder, &at(dir, "p")?).await?, true)?;
    expect("p/q is a directory", is_directory(folder, &at(dir, "p/q")?).await?, true)?;
    expect("deep file", read(folder, &at(dir, "p/q/r.txt")?).await?, b"deep".to_vec())
}

async fn empty_write<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    let file = at(dir, "empty")?;
    write(folder, &file, b"", false).await?;
    expect("empty file", read(folder, &file).await?, Vec::new())
}

async fn listing<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "b.txt")?, b"12345", false).await?;
    folder.make_dir(&at(dir, "a")?, NOW).await.map_err(|error| fail("makeDir a", error))?;
    let mut listed = folder.list(dir).await.map_err(|error| fail("list", error))?;
    listed.sort_by(|left, right| left.name.cmp(&right.name));
    let summary: Vec<(String, EntryKind, Option<u64>)> =
        listed.into_iter().map(|entry| (entry.name, entry.meta.kind, entry.meta.file.map(|file| file.size))).collect();
    expect(
        "list",
        summary,
        vec![("a".to_owned(), EntryKind::Directory, None), ("b.txt".to_owned(), EntryKind::File, Some(5))],
    )?;
    let mut names = folder.list_names(dir).await.map_err(|error| fail("list_names", error))?;
    names.sort_by(|left, right| left.0.cmp(&right.0));
    expect("list_names", names, vec![("a".to_owned(), EntryKind::Directory), ("b.txt".to_owned(), EntryKind::File)])
}

async fn listing_failures<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "file")?, b"x", false).await?;
    expect("list of nothing", folder.list(&at(dir, "nothing")?).await.err(), Some(FolderError::NotFound))?;
    expect("list of a file", folder.list(&at(dir, "file")?).await.err(), Some(FolderError::NotADirectory))
}

async fn nothing_under_a_file<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "f")?, b"x", false).await?;
    expect("f/g", is_missing(folder, &at(dir, "f/g")?).await?, true)?;
    expect("missing/g", is_missing(folder, &at(dir, "missing/g")?).await?, true)
}

async fn make_dir<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    let deep = at(dir, "x/y/z")?;
    folder.make_dir(&deep, NOW).await.map_err(|error| fail("makeDir", error))?;
    folder.make_dir(&deep, NOW).await.map_err(|error| fail("makeDir again", error))?;
    expect("x/y/z", is_directory(folder, &deep).await?, true)?;
    write(folder, &at(dir, "file")?, b"x", false).await?;
    expect(
        "makeDir under a file",
        folder.make_dir(&at(dir, "file/sub")?, NOW).await.err(),
        Some(FolderError::NotADirectory),
    )?;
    expect("the file is whole", read(folder, &at(dir, "file")?).await?, b"x".to_vec())
}

async fn touch<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    folder.make_dir(dir, NOW).await.map_err(|error| fail("makeDir", error))?;
    let new = at(dir, "new")?;
    folder.touch(&new, NOW).await.map_err(|error| fail("touch new", error))?;
    expect("touched new", read(folder, &new).await?, Vec::new())?;
    let full = at(dir, "full")?;
    write(folder, &full, b"kept", false).await?;
    folder.touch(&full, NOW + 1000).await.map_err(|error| fail("touch full", error))?;
    expect("touched full", read(folder, &full).await?, b"kept".to_vec())
}

async fn remove<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "tree/a/b.txt")?, b"b", false).await?;
    write(folder, &at(dir, "tree/c.txt")?, b"c", false).await?;
    write(folder, &at(dir, "kept.txt")?, b"k", false).await?;
    folder.remove(&at(dir, "tree")?).await.map_err(|error| fail("remove tree", error))?;
    expect("tree gone", is_missing(folder, &at(dir, "tree")?).await?, true)?;
    folder.remove(&at(dir, "tree")?).await.map_err(|error| fail("remove nothing", error))?;
    expect("the sibling is whole", read(folder, &at(dir, "kept.txt")?).await?, b"k".to_vec())
}

async fn rename<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    write(folder, &at(dir, "one.txt")?, b"1", false).await?;
    folder.rename(&at(dir, "one.txt")?, &at(dir, "two.txt")?).await.map_err(|error| fail("rename file", error))?;
    expect("old name gone", is_missing(folder, &at(dir, "one.txt")?).await?, true)?;
    expect("new name", read(folder, &at(dir, "two.txt")?).await?, b"1".to_vec())?;
    write(folder, &at(dir, "from/inner/x.txt")?, b"x", false).await?;
    write(folder, &at(dir, "from/y.txt")?, b"y", false).await?;
    folder.make_dir(&at(dir, "into")?, NOW).await.map_err(|error| fail("makeDir into", error))?;
    folder.rename(&at(dir, "from")?, &at(dir, "into/to")?).await.map_err(|error| fail("rename directory", error))?;
    expect("source gone", is_missing(folder, &at(dir, "from")?).await?, true)?;
    expect("inner file moved", read(folder, &at(dir, "into/to/inner/x.txt")?).await?, b"x".to_vec())?;
    expect("file moved", read(folder, &at(dir, "into/to/y.txt")?).await?, b"y".to_vec())
}

async fn names<F: TestableFolder>(folder: &F, dir: &SafePath) -> CaseResult {
    let names = ["sp ace.txt", "café ü.md", "日本語.txt", "emoji 🎉.txt", "#hash%percent&amp.txt", "UPPER.TXT"];
    for name in names {
        write(folder, &at(dir, name)?, name.as_bytes(), false).await?;
    }
    let mut listed: Vec<String> =
        folder.list(dir).await.map_err(|error| fail("list", error))?.into_iter().map(|entry| entry.name).collect();
    listed.sort();
    let mut wanted: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
    wanted.sort();
    expect("names", listed, wanted)?;
    for name in names {
        expect(name, read(folder, &at(dir, name)?).await?, name.as_bytes().to_vec())?;
    }
    Ok(())
}

impl TestableFolder for crate::MemoryFolder {
    fn upload(bytes: &[u8]) -> Vec<u8> {
        bytes.to_vec()
    }

    async fn bytes(body: &Vec<u8>) -> Vec<u8> {
        body.clone()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl TestableFolder for crate::StdFolder {
    fn upload(bytes: &[u8]) -> Vec<u8> {
        bytes.to_vec()
    }

    async fn bytes(body: &std::path::PathBuf) -> Vec<u8> {
        std::fs::read(body).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_holds_in_memory() {
        let folder = crate::MemoryFolder::new();
        assert_eq!(crate::block_on(run_all(&folder, &SafePath::root())), Ok(CASES.len()));
    }

    #[test]
    fn every_case_holds_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let folder = crate::StdFolder::new(dir.path());
        assert_eq!(crate::block_on(run_all(&folder, &SafePath::parse("under/here").unwrap())), Ok(CASES.len()));
    }
}
