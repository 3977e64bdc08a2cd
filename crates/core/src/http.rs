//! A platform-free HTTP answer: the platform turns it into its own `Response`.

use crate::error::ApiError;

/// The request methods the runtime tells apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`: the headers of a `GET`, without the body.
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// Anything else, upper-cased.
    Other(String),
}

impl Method {
    /// Parses a method name, case-insensitively.
    ///
    /// ```
    /// use owndir_core::Method;
    /// assert_eq!(Method::parse("head"), Method::Head);
    /// assert_eq!(Method::parse("PATCH"), Method::Other("PATCH".into()));
    /// ```
    pub fn parse(name: &str) -> Method {
        match name.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            other => Method::Other(other.to_owned()),
        }
    }

    /// The method's name, upper-case, as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Other(name) => name,
        }
    }

    /// True for `GET` and `HEAD`, the methods that only read.
    pub fn is_read(&self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }
}

/// Refuses a request that changes the folder and comes from another site. A service
/// worker only sees the fetches of its own pages, so another site's request reaches it as
/// a navigation (a form POST, a link): those are refused, and so is a foreign `Origin` or
/// `Sec-Fetch-Site`, where the browser shows them to the worker.
///
/// ```
/// use owndir_core::http::refuse_cross_site;
/// let own = "http://127.0.0.1:8080";
/// assert!(refuse_cross_site(false, Some(own), Some("same-origin"), own).is_ok());
/// assert_eq!(refuse_cross_site(true, None, None, own).unwrap_err().status, 403);
/// assert_eq!(refuse_cross_site(false, Some("https://evil.example"), None, own).unwrap_err().status, 403);
/// ```
pub fn refuse_cross_site(
    is_navigation: bool,
    origin: Option<&str>,
    sec_fetch_site: Option<&str>,
    own_origin: &str,
) -> Result<(), ApiError> {
    let cross_site = is_navigation
        || origin.is_some_and(|origin| origin != own_origin)
        || sec_fetch_site.is_some_and(|site| site != "same-origin" && site != "none");
    if cross_site { Err(ApiError::new(403, "requests from other sites cannot change the folder")) } else { Ok(()) }
}

/// What a response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseBody<B> {
    /// No body (`HEAD`, redirects, `304`).
    Empty,
    /// A small text body built by the core (JSON, messages).
    Text(String),
    /// A file's bytes, streamed by the platform from its handle: the whole file, or the
    /// inclusive range of a `206`.
    File(B, Option<crate::range::ByteRange>),
    /// The app's page (the default frame), which the platform keeps in its cache.
    AppPage,
}

/// A complete answer: status, headers and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse<B> {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: ResponseBody<B>,
}

/// Headers on every answer the runtime gives (app pages, folder files, the API, a folder's
/// own handlers): another site may not frame the app or a folder's pages (clickjacking),
/// browsers take each type as sent, and a link to another site does not carry the path.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("Content-Security-Policy", "frame-ancestors 'self'"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
];

/// The `Content-Type` of every JSON answer.
pub const JSON: &str = "application/json; charset=utf-8";

impl<B> HttpResponse<B> {
    /// A JSON answer with this status.
    pub fn json(status: u16, json: String) -> HttpResponse<B> {
        HttpResponse { status, headers: vec![("Content-Type", JSON.to_owned())], body: ResponseBody::Text(json) }
    }

    /// The error answer (docs/http.md).
    pub fn error(error: &ApiError) -> HttpResponse<B> {
        HttpResponse::json(error.status, error.to_json())
    }

    /// The value of header `name` (case-insensitive), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Sets header `name`, replacing any value it had.
    pub fn set_header(&mut self, name: &'static str, value: String) {
        match self.headers.iter_mut().find(|(key, _)| key.eq_ignore_ascii_case(name)) {
            Some((_, old)) => *old = value,
            None => self.headers.push((name, value)),
        }
    }

    /// Drops the body, keeping the headers: the answer to a `HEAD`.
    pub fn without_body(mut self) -> HttpResponse<B> {
        self.body = ResponseBody::Empty;
        self
    }
}
