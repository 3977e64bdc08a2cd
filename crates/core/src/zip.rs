//! A folder as a zip archive, written as a stream: each file's bytes pass through once,
//! and only the small central directory is kept until the end.
//!
//! Files are stored (not compressed: photos, video and archives would not shrink, and the
//! worker's time is better spent streaming). Each file's CRC is only known after its
//! bytes went by, so local headers set flag bit 3 and a data descriptor follows the data
//! (APPNOTE 4.3.9). ZIP64 records appear only where a size or offset needs them
//! (APPNOTE 4.5.3), so small archives stay readable by every tool. Names are UTF-8
//! (flag bit 11).

use crate::error::FolderError;
use crate::folder::{EntryKind, Folder};
use crate::listing::is_hidden_artifact;
use crate::path::SafePath;
use std::collections::BTreeSet;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
const ZIP64_END_OF_CENTRAL: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
/// Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8.
const FLAGS_FILE: u16 = (1 << 3) | (1 << 11);
const FLAGS_DIRECTORY: u16 = 1 << 11;
/// 4.5: needed to extract (2.0, or 4.5 with ZIP64); made by Unix (3), spec 6.3.
const VERSION_NEEDED: u16 = 20;
const VERSION_NEEDED_ZIP64: u16 = 45;
const VERSION_MADE_BY: u16 = (3 << 8) | 63;
const LIMIT_32: u64 = 0xFFFF_FFFF;

/// One thing to put in the archive, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipItem {
    /// The path in the folder.
    pub path: SafePath,
    /// The name in the archive (`notes/a.md`; directories end in `/`).
    pub name: String,
    /// File or directory.
    pub kind: EntryKind,
    /// Bytes (0 for a directory).
    pub size: u64,
    /// Modification time, epoch ms.
    pub modified_ms: u64,
}

impl ZipItem {
    /// A file at `path`, named `name` in the archive, with the size and time a listing gave.
    fn file(path: SafePath, name: String, meta: Option<crate::folder::FileMeta>) -> ZipItem {
        let meta = meta.unwrap_or(crate::folder::FileMeta { size: 0, modified_ms: 0 });
        ZipItem { path, name, kind: EntryKind::File, size: meta.size, modified_ms: meta.modified_ms }
    }
}

/// Every file and directory under `path`, depth first, names in code point order, each
/// name in the archive under `top` (the archive's one top-level folder). Chrome's swap
/// files are left out; dotfiles and `.owndir` are kept, since they are the folder's apps.
pub async fn plan<F: Folder>(folder: &F, path: &SafePath, top: &str) -> Result<Vec<ZipItem>, FolderError> {
    let mut items = Vec::new();
    let mut pending = vec![(path.clone(), format!("{top}/"))];
    while let Some((directory, prefix)) = pending.pop() {
        let modified_ms = folder.directory_time(&directory).await?.unwrap_or(0);
        items.push(ZipItem {
            path: directory.clone(),
            name: prefix.clone(),
            kind: EntryKind::Directory,
            size: 0,
            modified_ms,
        });
        let mut entries = folder.list(&directory).await?;
        crate::sort::sort_by(&mut entries, |a, b| a.name.cmp(&b.name));
        let mut subdirectories = Vec::new();
        for entry in entries.into_iter().filter(|entry| !is_hidden_artifact(&entry.name)) {
            // A name the platform allows but a URL path could not carry is left out.
            let Ok(child) = directory.join(&entry.name) else { continue };
            match entry.meta.kind {
                EntryKind::Directory => subdirectories.push((child, format!("{prefix}{}/", entry.name))),
                EntryKind::File => {
                    items.push(ZipItem::file(child, format!("{prefix}{}", entry.name), entry.meta.file));
                }
            }
        }
        // Reversed, so the stack hands them out in name order.
        pending.extend(subdirectories.into_iter().rev());
    }
    Ok(items)
}

/// Like [`plan`], with only the entries of `path` named in `names` (the file app's
/// selection: `/@/zip/<P>/?name=a&name=b`), each whole; a name not there is left out.
pub async fn plan_selected<F: Folder>(
    folder: &F,
    path: &SafePath,
    top: &str,
    names: &BTreeSet<String>,
) -> Result<Vec<ZipItem>, FolderError> {
    let modified_ms = folder.directory_time(path).await?.unwrap_or(0);
    let mut items =
        vec![ZipItem { path: path.clone(), name: format!("{top}/"), kind: EntryKind::Directory, size: 0, modified_ms }];
    let mut entries = folder.list(path).await?;
    crate::sort::sort_by(&mut entries, |a, b| a.name.cmp(&b.name));
    for entry in entries.into_iter().filter(|entry| names.contains(&entry.name) && !is_hidden_artifact(&entry.name)) {
        let Ok(child) = path.join(&entry.name) else { continue };
        match entry.meta.kind {
            EntryKind::Directory => items.extend(plan(folder, &child, &format!("{top}/{}", entry.name)).await?),
            EntryKind::File => items.push(ZipItem::file(child, format!("{top}/{}", entry.name), entry.meta.file)),
        }
    }
    Ok(items)
}

/// The names a zip URL's query selects (`name=a&name=b`, form-encoded); empty when it
/// selects none, which means the whole folder.
///
/// ```
/// let names = owndir_core::zip::selected_names("?name=a%20b.txt&name=c&other=1");
/// assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a b.txt", "c"]);
/// ```
pub fn selected_names(query: &str) -> BTreeSet<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    // Inserted one by one: collecting into a set compiles a stable sort of its own.
    let mut names = BTreeSet::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == "name" && !value.is_empty() {
            names.insert(value.into_owned());
        }
    }
    names
}

/// The archive's bytes around the files' own bytes, with the bookkeeping between.
///
/// ```
/// use owndir_core::zip::ZipWriter;
/// let mut zip = ZipWriter::default();
/// let mut archive = zip.start_file("hello.txt", 5, 0);
/// archive.extend_from_slice(b"hello");
/// archive.extend(zip.finish_file(crc32fast::hash(b"hello"), 5));
/// archive.extend(zip.finish());
/// assert_eq!(&archive[..4], b"PK\x03\x04");
/// ```
#[derive(Debug, Default)]
pub struct ZipWriter {
    written: u64,
    central: Vec<CentralRecord>,
    open: Option<CentralRecord>,
}

#[derive(Debug)]
struct CentralRecord {
    name: String,
    crc: u32,
    size: u64,
    offset: u64,
    dos_time: u16,
    dos_date: u16,
    is_directory: bool,
    zip64_local: bool,
}

impl ZipWriter {
    /// The local header of a file of `size` bytes; its bytes must follow, then
    /// [`ZipWriter::finish_file`].
    pub fn start_file(&mut self, name: &str, size: u64, modified_ms: u64) -> Vec<u8> {
        let zip64_local = size >= LIMIT_32;
        let record = self.record(name, modified_ms, false, zip64_local);
        let header = local_header(&record, FLAGS_FILE);
        self.open = Some(record);
        self.count(header)
    }

    /// The data descriptor after a file's `written` bytes with checksum `crc`.
    pub fn finish_file(&mut self, crc: u32, written: u64) -> Vec<u8> {
        let Some(mut record) = self.open.take() else { return Vec::new() };
        self.written += written;
        (record.crc, record.size) = (crc, written);
        let mut out = Vec::with_capacity(24);
        put32(&mut out, DATA_DESCRIPTOR);
        put32(&mut out, crc);
        if record.zip64_local {
            put64(&mut out, written);
            put64(&mut out, written);
        } else {
            put32(&mut out, written as u32);
            put32(&mut out, written as u32);
        }
        self.central.push(record);
        self.count(out)
    }

    /// The entry of a directory (`name` ends in `/`).
    pub fn add_directory(&mut self, name: &str, modified_ms: u64) -> Vec<u8> {
        let record = self.record(name, modified_ms, true, false);
        let header = local_header(&record, FLAGS_DIRECTORY);
        self.central.push(record);
        self.count(header)
    }

    /// The central directory and the end records: the archive's last bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let start = self.written;
        let mut out = Vec::new();
        for record in &self.central {
            central_header(&mut out, record);
        }
        let size = out.len() as u64;
        let count = self.central.len() as u64;
        if start >= LIMIT_32 || size >= LIMIT_32 || count >= 0xFFFF {
            let zip64_end = start + size;
            put32(&mut out, ZIP64_END_OF_CENTRAL);
            put64(&mut out, 44);
            put16(&mut out, VERSION_MADE_BY);
            put16(&mut out, VERSION_NEEDED_ZIP64);
            put32(&mut out, 0);
            put32(&mut out, 0);
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, size);
            put64(&mut out, start);
            put32(&mut out, ZIP64_LOCATOR);
            put32(&mut out, 0);
            put64(&mut out, zip64_end);
            put32(&mut out, 1);
        }
        put32(&mut out, END_OF_CENTRAL);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, count.min(0xFFFF) as u16);
        put16(&mut out, count.min(0xFFFF) as u16);
        put32(&mut out, size.min(LIMIT_32) as u32);
        put32(&mut out, start.min(LIMIT_32) as u32);
        put16(&mut out, 0);
        self.written += out.len() as u64;
        out
    }

    fn record(&self, name: &str, modified_ms: u64, is_directory: bool, zip64_local: bool) -> CentralRecord {
        let (dos_time, dos_date) = dos_date_time(modified_ms);
        CentralRecord {
            name: name.to_owned(),
            crc: 0,
            size: 0,
            offset: self.written,
            dos_time,
            dos_date,
            is_directory,
            zip64_local,
        }
    }

    fn count(&mut self, bytes: Vec<u8>) -> Vec<u8> {
        self.written += bytes.len() as u64;
        bytes
    }
}

fn local_header(record: &CentralRecord, flags: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(30 + record.name.len() + 20);
    put32(&mut out, LOCAL_HEADER);
    put16(&mut out, if record.zip64_local { VERSION_NEEDED_ZIP64 } else { VERSION_NEEDED });
    put16(&mut out, flags);
    put16(&mut out, 0); // stored
    put16(&mut out, record.dos_time);
    put16(&mut out, record.dos_date);
    put32(&mut out, 0); // CRC: in the descriptor
    let unknown = if record.zip64_local { LIMIT_32 as u32 } else { 0 };
    put32(&mut out, unknown);
    put32(&mut out, unknown);
    put16(&mut out, record.name.len() as u16);
    put16(&mut out, if record.zip64_local { 20 } else { 0 });
    out.extend_from_slice(record.name.as_bytes());
    if record.zip64_local {
        put16(&mut out, ZIP64_EXTRA);
        put16(&mut out, 16);
        put64(&mut out, 0);
        put64(&mut out, 0);
    }
    out
}

fn central_header(out: &mut Vec<u8>, record: &CentralRecord) {
    let big_size = record.size >= LIMIT_32;
    let big_offset = record.offset >= LIMIT_32;
    let extra_len = 8 * (2 * u16::from(big_size) + u16::from(big_offset));
    put32(out, CENTRAL_HEADER);
    put16(out, VERSION_MADE_BY);
    put16(out, if extra_len > 0 || record.zip64_local { VERSION_NEEDED_ZIP64 } else { VERSION_NEEDED });
    put16(out, if record.is_directory { FLAGS_DIRECTORY } else { FLAGS_FILE });
    put16(out, 0);
    put16(out, record.dos_time);
    put16(out, record.dos_date);
    put32(out, record.crc);
    let size32 = if big_size { LIMIT_32 as u32 } else { record.size as u32 };
    put32(out, size32);
    put32(out, size32);
    put16(out, record.name.len() as u16);
    put16(out, if extra_len > 0 { extra_len + 4 } else { 0 });
    put16(out, 0); // comment
    put16(out, 0); // disk
    put16(out, 0); // internal attributes
    // Unix mode in the high half, as `zip` writes it: 0755 directories, 0644 files.
    let mode: u32 = if record.is_directory { 0o040_755 } else { 0o100_644 };
    put32(out, (mode << 16) | (u32::from(record.is_directory) << 4));
    put32(out, if big_offset { LIMIT_32 as u32 } else { record.offset as u32 });
    out.extend_from_slice(record.name.as_bytes());
    if extra_len > 0 {
        put16(out, ZIP64_EXTRA);
        put16(out, extra_len);
        if big_size {
            put64(out, record.size);
            put64(out, record.size);
        }
        if big_offset {
            put64(out, record.offset);
        }
    }
}

/// MS-DOS time and date (2-second steps, years 1980–2107), in UTC.
fn dos_date_time(epoch_ms: u64) -> (u16, u16) {
    let seconds = (epoch_ms / 1000) as i64;
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = crate::calendar::civil_from_days(days);
    if year < 1980 {
        return (0, (1 << 5) | 1); // 1980-01-01 00:00, the earliest a zip can say
    }
    let year = year.min(2107);
    let time = ((second_of_day / 3600) << 11) | ((second_of_day % 3600 / 60) << 5) | ((second_of_day % 60) / 2);
    let date = ((year - 1980) << 9) | (i64::from(month) << 5) | i64::from(day);
    (time as u16, date as u16)
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFolder;
    use crate::block_on;
    use std::io::Read;

    fn archive(folder: &MemoryFolder, path: &str, top: &str) -> Vec<u8> {
        let items = block_on(plan(folder, &SafePath::parse(path).unwrap(), top)).unwrap();
        let mut zip = ZipWriter::default();
        let mut out = Vec::new();
        for item in items {
            match item.kind {
                EntryKind::Directory => out.extend(zip.add_directory(&item.name, item.modified_ms)),
                EntryKind::File => {
                    let bytes = folder.read(&item.path.to_string()).unwrap();
                    out.extend(zip.start_file(&item.name, item.size, item.modified_ms));
                    out.extend_from_slice(&bytes);
                    out.extend(zip.finish_file(crc32fast::hash(&bytes), bytes.len() as u64));
                }
            }
        }
        out.extend(zip.finish());
        out
    }

    fn sample() -> MemoryFolder {
        let folder = MemoryFolder::new();
        folder.insert_file("notes/a.md", b"# A\n", 1_700_000_000_000);
        folder.insert_file("notes/sub/b.txt", b"bee", 1_700_000_100_000);
        folder.insert_file("notes/日本 #1.txt", "かな".as_bytes(), 1_700_000_000_000);
        folder.insert_file("notes/.owndir/static/index.html", b"<p>app</p>", 1);
        folder.insert_file("notes/x.txt.crswap", b"half", 1);
        folder.insert_file("elsewhere.txt", b"not in the zip", 1);
        folder
    }

    #[test]
    fn a_selection_zips_only_the_chosen_entries_whole() {
        let folder = sample();
        let names = BTreeSet::from(["sub".to_owned(), "a.md".to_owned(), "missing".to_owned()]);
        let items = block_on(plan_selected(&folder, &SafePath::parse("notes").unwrap(), "notes", &names)).unwrap();
        let listed: Vec<&str> = items.iter().map(|item| item.name.as_str()).collect();
        assert_eq!(listed, ["notes/", "notes/a.md", "notes/sub/", "notes/sub/b.txt"]);
        assert!(selected_names("").is_empty());
        assert!(selected_names("?name=").is_empty());
    }

    #[test]
    fn a_folder_zips_with_every_name_and_byte() {
        let bytes = archive(&sample(), "notes", "notes");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = zip.file_names().map(|name| name.unwrap().into_owned()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "notes/",
                "notes/.owndir/",
                "notes/.owndir/static/",
                "notes/.owndir/static/index.html",
                "notes/a.md",
                "notes/sub/",
                "notes/sub/b.txt",
                "notes/日本 #1.txt"
            ]
        );
        for (name, content) in [("notes/a.md", "# A\n"), ("notes/sub/b.txt", "bee"), ("notes/日本 #1.txt", "かな")]
        {
            let mut text = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            assert_eq!(text, content, "{name}");
        }
        let entry = zip.by_name("notes/a.md").unwrap();
        let modified = entry.last_modified().unwrap();
        // 1_700_000_000_000 ms is 2023-11-14 22:13:20 UTC.
        assert_eq!((modified.year(), modified.month(), modified.day()), (2023, 11, 14));
        assert_eq!((modified.hour(), modified.minute(), modified.second()), (22, 13, 20));
    }

    #[test]
    fn an_empty_folder_is_a_valid_archive() {
        let folder = MemoryFolder::new();
        folder.insert_dir("empty");
        let zip = zip::ZipArchive::new(std::io::Cursor::new(archive(&folder, "empty", "empty"))).unwrap();
        let names: Vec<String> = zip.file_names().map(|name| name.unwrap().into_owned()).collect();
        assert_eq!(names, ["empty/"]);
    }

    #[test]
    fn big_sizes_and_offsets_switch_to_zip64_records() {
        let mut zip = ZipWriter::default();
        let header = zip.start_file("big.bin", 5 << 30, 0);
        assert_eq!(u16::from_le_bytes([header[4], header[5]]), VERSION_NEEDED_ZIP64);
        let descriptor = zip.finish_file(7, 5 << 30);
        assert_eq!(descriptor.len(), 24, "64-bit sizes in the descriptor");
        zip.add_directory("after/", 0);
        let end = zip.finish();
        let at = |signature: u32| end.windows(4).position(|window| window == signature.to_le_bytes());
        assert!(at(ZIP64_END_OF_CENTRAL).is_some() && at(ZIP64_LOCATOR).is_some());
        // The directory after 5 GiB of data has its offset in a ZIP64 extra field.
        let directory = end.windows(7).position(|window| window == b"after/\x01").unwrap();
        assert_eq!(
            u64::from_le_bytes(end[directory + 10..directory + 18].try_into().unwrap()),
            (5 << 30) + 30 + 7 + 20 + 24
        );
    }

    #[test]
    fn small_archives_need_no_zip64() {
        let bytes = archive(&sample(), "notes", "notes");
        assert!(!bytes.windows(4).any(|window| window == ZIP64_END_OF_CENTRAL.to_le_bytes()));
    }

    #[test]
    fn dos_times_clamp_to_what_zip_can_say() {
        assert_eq!(dos_date_time(0), (0, (1 << 5) | 1));
        let (_, date) = dos_date_time(4_102_444_800_000); // 2100-01-01
        assert_eq!(date >> 9, 120);
    }
}
