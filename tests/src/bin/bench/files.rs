//! The files every server serves: made inside each origin's private folder by
//! `bench/measure.js`, and written here, byte for byte the same, to a folder on disk for
//! the native servers.

use std::io::{self, Write};
use std::path::Path;

/// Bytes of each small file.
pub const SMALL_SIZE: u64 = 4096;
/// How many small files (one per concurrent request of a burst).
pub const SMALL_COUNT: u64 = 16;
/// The file read whole and by ranges.
pub const BIG: &str = "big-256m.bin";
/// Its size.
pub const BIG_SIZE: u64 = 256 << 20;
/// The file streamed while the worker's memory is read (in our origin only).
pub const HUGE: &str = "huge-1g.bin";
/// Its size.
pub const HUGE_SIZE: u64 = 1 << 30;
/// A small file five names down, to see what each directory level costs.
pub const DEEP: &str = "d1/d2/d3/d4/deep.bin";
/// The directory listed.
pub const MANY: &str = "many";
/// Its entries.
pub const MANY_COUNT: u64 = 10_000;
/// The directory listed while small files are read (made only when that is measured).
pub const HUNDRED_K: &str = "many100k";
/// Its entries.
pub const HUNDRED_K_COUNT: u64 = 100_000;

/// The small files' paths, `small/00.bin` …; file `k` holds the pattern from `k * SMALL_SIZE`.
pub fn small_paths() -> Vec<String> {
    (0..SMALL_COUNT).map(|k| format!("small/{k:02}.bin")).collect()
}

/// Byte `i` of every seeded file: position-dependent, so a wrong offset shows.
/// The same formula as `pattern` in `bench/measure.js` (JavaScript's `>>>` is on u32).
fn pattern(i: u32) -> u8 {
    (i ^ (i >> 8) ^ (i >> 16) ^ (i >> 24)) as u8
}

fn write_pattern(path: &Path, size: u64, offset: u64) -> io::Result<()> {
    let mut file = io::BufWriter::new(std::fs::File::create(path)?);
    let mut chunk = vec![0u8; 1 << 20];
    let mut done = 0u64;
    while done < size {
        let length = chunk.len().min((size - done) as usize);
        for (k, byte) in chunk[..length].iter_mut().enumerate() {
            *byte = pattern((offset + done + k as u64) as u32);
        }
        file.write_all(&chunk[..length])?;
        done += length as u64;
    }
    file.flush()
}

/// Writes the native servers' copy into `root`: the small files, the deep one, the big
/// file and the many-entry directory (of empty files, as `seedMany` makes them), plus
/// `index.html`, the blank page the bench measures them from.
pub fn write_native_copy(root: &Path) -> io::Result<()> {
    std::fs::create_dir_all(root.join("small"))?;
    for (k, path) in small_paths().iter().enumerate() {
        write_pattern(&root.join(path), SMALL_SIZE, k as u64 * SMALL_SIZE)?;
    }
    let deep = root.join(DEEP);
    std::fs::create_dir_all(deep.parent().unwrap_or(root))?;
    write_pattern(&deep, SMALL_SIZE, 0)?;
    write_pattern(&root.join(BIG), BIG_SIZE, 0)?;
    write_many(root, MANY, MANY_COUNT)?;
    std::fs::write(root.join("index.html"), "<!doctype html><title>owndir bench: native</title>\n")
}

/// `count` empty files in `root/dir`, named as `seedMany` names them.
pub fn write_many(root: &Path, dir: &str, count: u64) -> io::Result<()> {
    let many = root.join(dir);
    std::fs::create_dir_all(&many)?;
    for n in 0..count {
        std::fs::File::create(many.join(format!("f{n:05}.txt")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_matches_the_pages_formula_at_a_few_places() {
        // (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24)) & 255, worked by hand.
        assert_eq!(pattern(0), 0);
        assert_eq!(pattern(0x0102), 0x03);
        assert_eq!(pattern(0x0302_0100), 0x00);
        assert_eq!(pattern(0x0fff_ffff), 0xf0);
    }
}
