//! A folder's `routes.js` entries, the only configuration the core reads: `MethodFilter`,
//! `Pattern` and `EventFilter` (`sub`'s `events=`) on any text never panic; a pattern
//! matches the path it was written from; a match's params are the path's own segments,
//! in order, and `*` is the rest of them; matching regardless of case (OwnDir's Express
//! handlers) takes whatever matching with case takes, with the same params; a parsed
//! event filter wants exactly the names it was given (`all` naming every kind).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use owndir_core::Method;
use owndir_core::folder_routes::{MethodFilter, Pattern};
use owndir_core::watch::{ChangeKind, EventFilter};

const KINDS: [ChangeKind; 5] =
    [ChangeKind::Add, ChangeKind::AddDir, ChangeKind::Change, ChangeKind::Unlink, ChangeKind::UnlinkDir];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    request_method: &'a str,
    pattern: &'a str,
    path: &'a str,
    events: Option<&'a str>,
}

fuzz_target!(|input: Input<'_>| {
    if let Ok(filter) = MethodFilter::parse(input.method) {
        filter.allows(&Method::parse(input.request_method));
    }

    if let Ok(pattern) = Pattern::parse(input.path) {
        assert!(pattern.matches(input.path).is_some(), "{input:?}: a pattern misses its own path");
        let upper = input.path.to_ascii_uppercase();
        assert!(
            pattern.matches_ignoring_case(&upper, &str::to_lowercase).is_some(),
            "{input:?}: ignoring case misses {upper:?}"
        );
    }
    if let Ok(pattern) = Pattern::parse(input.pattern)
        && let Some(params) = pattern.matches(input.path)
    {
        assert_eq!(
            pattern.matches_ignoring_case(input.path, &str::to_lowercase),
            Some(params),
            "{input:?}: ignoring case differs"
        );
    }
    if let Ok(pattern) = Pattern::parse(input.pattern)
        && let Some(params) = pattern.matches(input.path)
    {
        let names: Vec<&str> = input.path.split('/').filter(|name| !name.is_empty()).collect();
        let mut next = 0;
        for (index, (key, value)) in params.iter().enumerate() {
            if key == "*" {
                assert_eq!(index + 1, params.len(), "{input:?}: `*` is not the last param");
                let is_rest = (next..=names.len()).any(|start| names[start..].join("/") == *value);
                assert!(is_rest, "{input:?}: {value:?} is not the path's last segments");
            } else {
                let found = names[next..].iter().position(|name| name == value);
                let found = found.unwrap_or_else(|| panic!("{input:?}: {value:?} is not a later segment"));
                next += found + 1;
            }
        }
    }

    if let Ok(filter) = EventFilter::parse(input.events) {
        let given: Vec<&str> = input.events.unwrap_or_default().split(',').map(str::trim).collect();
        let given: Vec<&str> = given.into_iter().filter(|name| !name.is_empty()).collect();
        for kind in KINDS {
            let wanted = given.is_empty() || given.contains(&"all") || given.contains(&kind.name());
            assert_eq!(filter.wants(kind), wanted, "{input:?}: {kind:?}");
        }
    }
});
