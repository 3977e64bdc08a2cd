//! One FsNode call, typed: its name, method and parameters, read from a query string and
//! written back to one, so the worker and the page build and parse calls the same way.

use crate::error::ApiError;
use crate::http::Method;
use crate::watch::EventFilter;

/// One FsNode operation with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsCall {
    /// `info`: the entry's info, or `null`.
    Info,
    /// `children`: names; with `kind`, each name with its kind (no file opened); with
    /// `info`, entries with their info (every file opened for its size and time).
    Children {
        /// `info=1`
        info: bool,
        /// `kind=1`: `{name, kind, isFile, isDirectory}` per entry, as cheap as names
        /// (a directory's iteration gives the kind). `info` wins when both are set.
        kind: bool,
    },
    /// `read`: the bytes from `start` to `end`, inclusive.
    Read {
        /// First byte.
        start: Option<u64>,
        /// Last byte, inclusive.
        end: Option<u64>,
    },
    /// `write`: replace (`flags=w`) or append (`flags=a`).
    Write {
        /// `flags=a`
        append: bool,
    },
    /// `touch`
    Touch,
    /// `makeDir`
    MakeDir,
    /// `move`: to `to` (relative to P's parent, or absolute from the root).
    Move {
        /// The destination as given.
        to: String,
        /// `overwrite=true`
        overwrite: bool,
    },
    /// `delete`
    Delete,
    /// `sub`: change events.
    Sub {
        /// `events`: the kinds wanted.
        events: EventFilter,
        /// `since`: the last event id the client saw, for a client that reconnects by
        /// itself (an `EventSource` sends `Last-Event-ID` instead).
        since: Option<u64>,
        /// `depth`: how many levels of subdirectories to follow (chokidar's option): `0`,
        /// the directory's own entries only. `None`: the whole subtree.
        depth: Option<u64>,
    },
}

impl FsCall {
    /// Every call's name, as `call=` gives it.
    pub const NAMES: [&'static str; 9] =
        ["info", "children", "read", "write", "touch", "makeDir", "move", "delete", "sub"];

    /// The call's name, as `call=` gives it.
    pub fn name(&self) -> &'static str {
        match self {
            FsCall::Info => "info",
            FsCall::Children { .. } => "children",
            FsCall::Read { .. } => "read",
            FsCall::Write { .. } => "write",
            FsCall::Touch => "touch",
            FsCall::MakeDir => "makeDir",
            FsCall::Move { .. } => "move",
            FsCall::Delete => "delete",
            FsCall::Sub { .. } => "sub",
        }
    }

    /// The method a client sends the call with (the API takes a few others, as OwnDir's
    /// clients send them: see `allows`).
    pub fn method(&self) -> Method {
        match self {
            FsCall::Info | FsCall::Children { .. } | FsCall::Read { .. } | FsCall::Sub { .. } => Method::Get,
            FsCall::Write { .. } => Method::Put,
            FsCall::Delete => Method::Delete,
            FsCall::Touch | FsCall::MakeDir | FsCall::Move { .. } => Method::Post,
        }
    }

    /// The query string that asks for this call, without `?`: what
    /// [`FsCall::from_query`] reads back.
    ///
    /// ```
    /// use owndir_core::fs_call::FsCall;
    /// let call = FsCall::Move { to: "a b/c.txt".into(), overwrite: true };
    /// assert_eq!(call.to_query(), "call=move&to=a+b%2Fc.txt&overwrite=true");
    /// assert_eq!(FsCall::from_query(&call.to_query()).unwrap(), call);
    /// ```
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("call", self.name());
        match self {
            FsCall::Children { info: true, .. } => {
                query.append_pair("info", "1");
            }
            FsCall::Children { info: false, kind: true } => {
                query.append_pair("kind", "1");
            }
            FsCall::Read { start, end } => {
                for (name, value) in [("start", start), ("end", end)] {
                    if let Some(value) = value {
                        query.append_pair(name, &value.to_string());
                    }
                }
            }
            FsCall::Write { append: true } => {
                query.append_pair("flags", "a");
            }
            FsCall::Move { to, overwrite } => {
                query.append_pair("to", to);
                if *overwrite {
                    query.append_pair("overwrite", "true");
                }
            }
            FsCall::Sub { events, since, depth } => {
                if let Some(events) = events.to_param() {
                    query.append_pair("events", &events);
                }
                if let Some(since) = since {
                    query.append_pair("since", &since.to_string());
                }
                if let Some(depth) = depth {
                    query.append_pair("depth", &depth.to_string());
                }
            }
            _ => {}
        }
        query.finish()
    }

    /// Reads a call from a query string (without `?`). Unknown parameters are ignored, as
    /// a server ignores them; unknown calls and bad values are a `400`.
    pub fn from_query(query: &str) -> Result<FsCall, ApiError> {
        parse_call(query)
    }

    /// True for calls that change the folder.
    pub fn is_mutating(&self) -> bool {
        !matches!(self, FsCall::Info | FsCall::Children { .. } | FsCall::Read { .. } | FsCall::Sub { .. })
    }

    /// True when `method` may carry this call.
    pub(crate) fn allows(&self, method: &Method) -> bool {
        match self {
            FsCall::Info | FsCall::Children { .. } | FsCall::Read { .. } | FsCall::Sub { .. } => method.is_read(),
            FsCall::Write { .. } => matches!(method, Method::Put | Method::Post),
            FsCall::Delete => matches!(method, Method::Post | Method::Delete),
            FsCall::Touch | FsCall::MakeDir | FsCall::Move { .. } => *method == Method::Post,
        }
    }
}

fn parse_call(query: &str) -> Result<FsCall, ApiError> {
    let mut call = None;
    let (mut info, mut kind, mut start, mut end, mut flags, mut to, mut overwrite, mut events, mut since, mut depth) =
        (false, false, None, None, None, None, false, None, None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "call" => call = Some(value.into_owned()),
            "info" => info = matches!(value.as_ref(), "1" | "true"),
            "kind" => kind = matches!(value.as_ref(), "1" | "true"),
            "start" => start = Some(number("start", &value)?),
            "end" => end = Some(number("end", &value)?),
            "flags" => flags = Some(value.into_owned()),
            "to" => to = Some(value.into_owned()),
            "overwrite" => overwrite = matches!(value.as_ref(), "1" | "true"),
            "events" => events = Some(value.into_owned()),
            "since" => since = Some(number("since", &value)?),
            "depth" => depth = Some(number("depth", &value)?),
            _ => {}
        }
    }
    let call = call.unwrap_or_default();
    Ok(match call.as_str() {
        "info" => FsCall::Info,
        // `info` holds the kinds already: one of the two is enough to say what is sent.
        "children" => FsCall::Children { info, kind: kind && !info },
        "read" => FsCall::Read { start, end },
        "write" => FsCall::Write {
            // Node's flags, as OwnDir's FsNode passes them on (its default is `w+`); the
            // `+` (also readable) means nothing to a write over HTTP.
            append: match flags.as_deref() {
                None | Some("w" | "w+") => false,
                Some("a" | "a+") => true,
                Some(other) => return Err(ApiError::new(400, format!("unknown flags {other}: use w, w+, a or a+"))),
            },
        },
        "touch" => FsCall::Touch,
        "makeDir" => FsCall::MakeDir,
        "move" => FsCall::Move { to: to.ok_or_else(|| ApiError::new(400, "move needs to=<destination>"))?, overwrite },
        "delete" => FsCall::Delete,
        "sub" => FsCall::Sub {
            events: EventFilter::parse(events.as_deref()).map_err(|error| ApiError::new(400, error))?,
            since,
            depth,
        },
        other => return Err(ApiError::new(400, format!("unknown call {other}"))),
    })
}

fn number(name: &str, value: &str) -> Result<u64, ApiError> {
    value.parse().map_err(|_| ApiError::new(400, format!("{name} must be a whole number, not {value:?}")))
}
