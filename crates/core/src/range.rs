//! `Range: bytes=…` (RFC 9110 §14): one range, or the whole file.

use crate::folder::FileMeta;

/// An inclusive byte range inside a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// Last byte, inclusive.
    pub end: u64,
}

impl ByteRange {
    /// How many bytes the range holds.
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Never true: a range holds at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// What a `Range` header asks of a file of a given size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeOutcome {
    /// No header, a malformed one, several ranges or another unit: send the whole file.
    Full,
    /// One satisfiable range: `206`.
    Partial(ByteRange),
    /// A well-formed range that lies past the end: `416`.
    Unsatisfiable,
}

/// Reads a `Range` header against a file's size.
///
/// Only single ranges are served: a multi-range request gets the whole file, which
/// RFC 9110 §14.2 allows (a server may ignore `Range`), as nginx and ServeDir do for
/// many cases, and it saves building `multipart/byteranges` bodies.
///
/// ```
/// use owndir_core::range::{ByteRange, RangeOutcome, parse_range};
/// assert_eq!(parse_range(Some("bytes=0-9"), 100), RangeOutcome::Partial(ByteRange { start: 0, end: 9 }));
/// assert_eq!(parse_range(Some("bytes=-10"), 100), RangeOutcome::Partial(ByteRange { start: 90, end: 99 }));
/// assert_eq!(parse_range(Some("bytes=100-"), 100), RangeOutcome::Unsatisfiable);
/// assert_eq!(parse_range(Some("bytes=oops"), 100), RangeOutcome::Full);
/// ```
pub fn parse_range(header: Option<&str>, size: u64) -> RangeOutcome {
    let Some(header) = header else { return RangeOutcome::Full };
    let Some((unit, spec)) = header.trim().split_once('=') else { return RangeOutcome::Full };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeOutcome::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return RangeOutcome::Full };
    let (first, last) = (first.trim(), last.trim());
    let number = |text: &str| -> Option<u64> {
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        // Digits past u64 are still a well-formed, huge number.
        Some(text.parse().unwrap_or(u64::MAX))
    };
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-n`: the last n bytes.
        (true, false) => match number(last) {
            None => RangeOutcome::Full,
            Some(0) => RangeOutcome::Unsatisfiable,
            Some(_) if size == 0 => RangeOutcome::Unsatisfiable,
            Some(suffix) => RangeOutcome::Partial(ByteRange { start: size.saturating_sub(suffix), end: size - 1 }),
        },
        // `bytes=a-`: from a to the end.
        (false, true) => match number(first) {
            None => RangeOutcome::Full,
            Some(start) if start >= size => RangeOutcome::Unsatisfiable,
            Some(start) => RangeOutcome::Partial(ByteRange { start, end: size - 1 }),
        },
        // `bytes=a-b`: a to b inclusive, b clipped to the end.
        (false, false) => match (number(first), number(last)) {
            (Some(start), Some(end)) if start <= end => {
                if start >= size {
                    RangeOutcome::Unsatisfiable
                } else {
                    RangeOutcome::Partial(ByteRange { start, end: end.min(size - 1) })
                }
            }
            _ => RangeOutcome::Full,
        },
        (true, true) => RangeOutcome::Full,
    }
}

/// `Content-Range` of a partial answer: `bytes a-b/size`.
pub fn content_range(range: ByteRange, meta: FileMeta) -> String {
    format!("bytes {}-{}/{}", range.start, range.end, meta.size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(start: u64, end: u64) -> RangeOutcome {
        RangeOutcome::Partial(ByteRange { start, end })
    }

    #[test]
    fn range_table() {
        let cases: &[(Option<&str>, u64, RangeOutcome)] = &[
            (None, 100, RangeOutcome::Full),
            (Some("bytes=0-0"), 100, partial(0, 0)),
            (Some("bytes=0-99"), 100, partial(0, 99)),
            (Some("bytes=10-19"), 100, partial(10, 19)),
            (Some("bytes=90-200"), 100, partial(90, 99)),
            (Some("bytes=50-"), 100, partial(50, 99)),
            (Some("bytes=99-"), 100, partial(99, 99)),
            (Some("bytes=-1"), 100, partial(99, 99)),
            (Some("bytes=-100"), 100, partial(0, 99)),
            (Some("bytes=-500"), 100, partial(0, 99)),
            (Some(" bytes = 1 - 2 "), 100, partial(1, 2)),
            (Some("BYTES=1-2"), 100, partial(1, 2)),
            (Some("bytes=100-"), 100, RangeOutcome::Unsatisfiable),
            (Some("bytes=100-200"), 100, RangeOutcome::Unsatisfiable),
            (Some("bytes=-0"), 100, RangeOutcome::Unsatisfiable),
            (Some("bytes=0-"), 0, RangeOutcome::Unsatisfiable),
            (Some("bytes=-5"), 0, RangeOutcome::Unsatisfiable),
            (Some("bytes=99999999999999999999999-"), 100, RangeOutcome::Unsatisfiable),
            (Some("bytes=5-1"), 100, RangeOutcome::Full),
            (Some("bytes=0-1,5-6"), 100, RangeOutcome::Full),
            (Some("bytes=-"), 100, RangeOutcome::Full),
            (Some("bytes=a-b"), 100, RangeOutcome::Full),
            (Some("bytes=+1-2"), 100, RangeOutcome::Full),
            (Some("bytes=1.5-2"), 100, RangeOutcome::Full),
            (Some("bytes 0-1"), 100, RangeOutcome::Full),
            (Some("items=0-1"), 100, RangeOutcome::Full),
            (Some(""), 100, RangeOutcome::Full),
            (Some("bytes=0-1-2"), 100, RangeOutcome::Full),
        ];
        for (header, size, expected) in cases {
            assert_eq!(parse_range(*header, *size), *expected, "{header:?} of {size}");
        }
    }

    #[test]
    fn content_range_names_the_size() {
        let meta = FileMeta { size: 100, modified_ms: 0 };
        assert_eq!(content_range(ByteRange { start: 10, end: 19 }, meta), "bytes 10-19/100");
    }
}
