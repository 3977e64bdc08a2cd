//! Conditional requests (RFC 9110 §13): `If-Match`, `If-Unmodified-Since`,
//! `If-None-Match`, `If-Modified-Since`, and `If-Range`.

use crate::folder::FileMeta;

/// The request headers that make a read conditional or partial.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestHeaders<'a> {
    /// `Range`
    pub range: Option<&'a str>,
    /// `If-Range`
    pub if_range: Option<&'a str>,
    /// `If-Match`
    pub if_match: Option<&'a str>,
    /// `If-None-Match`
    pub if_none_match: Option<&'a str>,
    /// `If-Modified-Since`
    pub if_modified_since: Option<&'a str>,
    /// `If-Unmodified-Since`
    pub if_unmodified_since: Option<&'a str>,
}

/// What the preconditions say about a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// Answer normally.
    Proceed,
    /// `304 Not Modified`: the client's copy is current.
    NotModified,
    /// `412 Precondition Failed`.
    Failed,
}

/// Evaluates the preconditions of a `GET`/`HEAD` in the order of RFC 9110 §13.2.2.
///
/// ```
/// use owndir_core::{FileMeta, content::etag};
/// use owndir_core::conditional::{Precondition, RequestHeaders, evaluate};
/// let meta = FileMeta { size: 5, modified_ms: 1_000 };
/// let tag = etag(meta);
/// let headers = RequestHeaders { if_none_match: Some(&tag), ..Default::default() };
/// assert_eq!(evaluate(&headers, meta), Precondition::NotModified);
/// ```
pub fn evaluate(headers: &RequestHeaders<'_>, meta: FileMeta) -> Precondition {
    let current = etag(meta);
    if let Some(if_match) = headers.if_match {
        if !matches_any(if_match, &current, Comparison::Strong) {
            return Precondition::Failed;
        }
    } else if let Some(since) = headers.if_unmodified_since.and_then(parse_date_secs)
        && modified_secs(meta) > since
    {
        return Precondition::Failed;
    }
    if let Some(if_none_match) = headers.if_none_match {
        if matches_any(if_none_match, &current, Comparison::Weak) {
            return Precondition::NotModified;
        }
    } else if let Some(since) = headers.if_modified_since.and_then(parse_date_secs)
        && modified_secs(meta) <= since
    {
        return Precondition::NotModified;
    }
    Precondition::Proceed
}

/// Whether a `Range` may be honoured: without `If-Range`, yes; with it, only when it
/// names the current representation (a strong ETag, or exactly its `Last-Modified`).
///
/// ```
/// use owndir_core::{FileMeta, content::etag};
/// use owndir_core::conditional::if_range_allows;
/// let meta = FileMeta { size: 5, modified_ms: 1_000 };
/// assert!(if_range_allows(Some(&etag(meta)), meta));
/// assert!(!if_range_allows(Some("\"stale\""), meta));
/// ```
pub fn if_range_allows(if_range: Option<&str>, meta: FileMeta) -> bool {
    let Some(value) = if_range.map(str::trim) else { return true };
    if value.starts_with('"') || value.starts_with("W/") {
        // RFC 9110 §13.1.5: a strong comparison; a weak tag never matches.
        return !value.starts_with("W/") && value == etag(meta);
    }
    parse_date_secs(value) == Some(modified_secs(meta))
}

#[derive(Clone, Copy, PartialEq)]
enum Comparison {
    Strong,
    Weak,
}

/// Whether an `If-Match`/`If-None-Match` list names `current` (our tags are strong).
fn matches_any(list: &str, current: &str, comparison: Comparison) -> bool {
    list.split(',').map(str::trim).any(|tag| {
        if tag == "*" {
            return true;
        }
        match tag.strip_prefix("W/") {
            Some(weak) => comparison == Comparison::Weak && weak == current,
            None => tag == current,
        }
    })
}

fn parse_date_secs(value: &str) -> Option<u64> {
    // Our own reading (httpdate's brought `Duration`'s `Debug` into the worker).
    crate::calendar::parse_http_date(value.trim())
}

/// HTTP dates have whole seconds: compare at that precision.
fn modified_secs(meta: FileMeta) -> u64 {
    meta.modified_ms / 1000
}

/// A strong validator from size and modification time: it changes whenever either does.
///
/// ```
/// use owndir_core::{FileMeta, content::etag};
/// assert_eq!(etag(FileMeta { size: 255, modified_ms: 4096 }), "\"ff-1000\"");
/// ```
pub fn etag(meta: FileMeta) -> String {
    format!("\"{:x}-{:x}\"", meta.size, meta.modified_ms)
}

/// The last moment an HTTP date can name: 9999-12-31 23:59:59 UTC, in epoch ms.
pub(crate) const LAST_HTTP_DATE_MS: u64 = 253_402_300_799_000;

/// An HTTP date (RFC 9110 §5.6.7) for a time in epoch milliseconds. A time past year 9999
/// shows as the last second of 9999.
///
/// ```
/// use owndir_core::content::http_date;
/// assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
/// assert_eq!(http_date(u64::MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
/// ```
pub fn http_date(epoch_ms: u64) -> String {
    // Written here with the calendar the zip and the app use: httpdate's formatter brought
    // `Duration`'s `Debug` into the worker for an `expect`. A file's time comes from the
    // disk (`File.lastModified` reaches year 275760); HTTP dates have four-digit years.
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // from 1970-01-01
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let seconds = epoch_ms.min(LAST_HTTP_DATE_MS) / 1000;
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = crate::calendar::civil_from_days(days as i64);
    let (weekday, month) = (WEEKDAYS[(days % 7) as usize], MONTHS[month as usize - 1]);
    format!("{weekday}, {day:02} {month} {year} {:02}:{:02}:{:02} GMT", time / 3600, time / 60 % 60, time % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: FileMeta = FileMeta { size: 10, modified_ms: 1_700_000_000_500 };

    fn headers() -> RequestHeaders<'static> {
        RequestHeaders::default()
    }

    #[test]
    fn precondition_table() {
        let current = etag(META);
        let last_modified = http_date(META.modified_ms);
        let earlier = http_date(META.modified_ms - 10_000);
        let later = http_date(META.modified_ms + 10_000);
        let weak_current = format!("W/{current}");
        let list = format!("\"other\", {current}");
        let cases: Vec<(&str, RequestHeaders<'_>, Precondition)> = vec![
            ("no headers", headers(), Precondition::Proceed),
            (
                "if-none-match current",
                RequestHeaders { if_none_match: Some(&current), ..headers() },
                Precondition::NotModified,
            ),
            (
                "if-none-match weak current",
                RequestHeaders { if_none_match: Some(&weak_current), ..headers() },
                Precondition::NotModified,
            ),
            (
                "if-none-match in a list",
                RequestHeaders { if_none_match: Some(&list), ..headers() },
                Precondition::NotModified,
            ),
            ("if-none-match star", RequestHeaders { if_none_match: Some("*"), ..headers() }, Precondition::NotModified),
            (
                "if-none-match other",
                RequestHeaders { if_none_match: Some("\"other\""), ..headers() },
                Precondition::Proceed,
            ),
            (
                "if-modified-since last-modified",
                RequestHeaders { if_modified_since: Some(&last_modified), ..headers() },
                Precondition::NotModified,
            ),
            (
                "if-modified-since later",
                RequestHeaders { if_modified_since: Some(&later), ..headers() },
                Precondition::NotModified,
            ),
            (
                "if-modified-since earlier",
                RequestHeaders { if_modified_since: Some(&earlier), ..headers() },
                Precondition::Proceed,
            ),
            (
                "if-modified-since garbage",
                RequestHeaders { if_modified_since: Some("yesterday"), ..headers() },
                Precondition::Proceed,
            ),
            (
                "if-none-match wins over if-modified-since",
                RequestHeaders { if_none_match: Some("\"other\""), if_modified_since: Some(&later), ..headers() },
                Precondition::Proceed,
            ),
            ("if-match current", RequestHeaders { if_match: Some(&current), ..headers() }, Precondition::Proceed),
            ("if-match star", RequestHeaders { if_match: Some("*"), ..headers() }, Precondition::Proceed),
            ("if-match stale", RequestHeaders { if_match: Some("\"stale\""), ..headers() }, Precondition::Failed),
            (
                "if-match weak is never strong",
                RequestHeaders { if_match: Some(&weak_current), ..headers() },
                Precondition::Failed,
            ),
            (
                "if-unmodified-since earlier",
                RequestHeaders { if_unmodified_since: Some(&earlier), ..headers() },
                Precondition::Failed,
            ),
            (
                "if-unmodified-since later",
                RequestHeaders { if_unmodified_since: Some(&later), ..headers() },
                Precondition::Proceed,
            ),
            (
                "if-match wins over if-unmodified-since",
                RequestHeaders { if_match: Some(&current), if_unmodified_since: Some(&earlier), ..headers() },
                Precondition::Proceed,
            ),
        ];
        for (name, headers, expected) in cases {
            assert_eq!(evaluate(&headers, META), expected, "{name}");
        }
    }

    #[test]
    fn if_range_table() {
        let current = etag(META);
        let weak = format!("W/{current}");
        let last_modified = http_date(META.modified_ms);
        let other_date = http_date(META.modified_ms + 5_000);
        let cases: Vec<(Option<&str>, bool)> = vec![
            (None, true),
            (Some(&current), true),
            (Some("\"stale\""), false),
            (Some(&weak), false),
            (Some(&last_modified), true),
            (Some(&other_date), false),
            (Some("not a date"), false),
        ];
        for (if_range, expected) in cases {
            assert_eq!(if_range_allows(if_range, META), expected, "{if_range:?}");
        }
    }
}
