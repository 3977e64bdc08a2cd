//! One file's HTTP semantics, wherever it is served from (the file at a path, a static
//! mount, a folder's frame, the FsNode `read`): its headers, then preconditions
//! (RFC 9110 §13) and `Range` (§14). Which file answers a path is `content`'s business.

use crate::conditional::{Precondition, RequestHeaders, etag, evaluate, http_date, if_range_allows};
use crate::error::ApiError;
use crate::folder::FileMeta;
use crate::http::{HttpResponse, Method, ResponseBody};
use crate::path::SafePath;
use crate::range::{RangeOutcome, content_range, parse_range};

/// A file, after its preconditions and `Range`: `200`, `206`, `304`, `412` or `416`.
pub(crate) fn file_answer<B>(
    method: &Method,
    headers: &RequestHeaders<'_>,
    path: &SafePath,
    meta: FileMeta,
    body: B,
) -> HttpResponse<B> {
    let mut response = file_response(path, meta, body);
    match evaluate(headers, meta) {
        Precondition::Proceed => {}
        Precondition::NotModified => {
            // RFC 9110 §15.4.5: a 304 carries the validators, no content headers.
            response.status = 304;
            response.headers.retain(|(name, _)| matches!(*name, "ETag" | "Last-Modified"));
            response.body = ResponseBody::Empty;
            return response;
        }
        Precondition::Failed => {
            let mut failed = HttpResponse::error(&ApiError::new(412, format!("{} has changed", path.to_url())));
            failed.set_header("ETag", etag(meta));
            return failed;
        }
    }
    // Only GET has range semantics (RFC 9110 §14.2); If-Range guards against stale pieces.
    if *method != Method::Get || !if_range_allows(headers.if_range, meta) {
        return response;
    }
    match parse_range(headers.range, meta.size) {
        RangeOutcome::Full => response,
        RangeOutcome::Partial(range) => {
            response.status = 206;
            response.set_header("Content-Length", range.len().to_string());
            response.set_header("Content-Range", content_range(range, meta));
            if let ResponseBody::File(_, slice) = &mut response.body {
                *slice = Some(range);
            }
            response
        }
        RangeOutcome::Unsatisfiable => {
            let message = format!("the range is outside {} ({} bytes)", path.to_url(), meta.size);
            let mut unsatisfiable = HttpResponse::error(&ApiError::new(416, message));
            unsatisfiable.set_header("Content-Range", format!("bytes */{}", meta.size));
            unsatisfiable
        }
    }
}

/// `200` with the whole file and the headers docs/http.md lists.
pub fn file_response<B>(path: &SafePath, meta: FileMeta, body: B) -> HttpResponse<B> {
    let name = path.name().unwrap_or_default();
    HttpResponse {
        status: 200,
        headers: vec![
            ("Content-Type", crate::mime::content_type(name)),
            ("Content-Length", meta.size.to_string()),
            ("Last-Modified", http_date(meta.modified_ms)),
            ("ETag", etag(meta)),
            ("Accept-Ranges", "bytes".to_owned()),
        ],
        body: ResponseBody::File(body, None),
    }
}
