//! What the pages and the worker report as errors in Firefox: BiDi's `log.entryAdded`,
//! the console on standard output, and the reports Firefox makes that are no failure.

use super::Firefox;

impl Firefox {
    /// Errors sent to the console by the pages and the worker, uncaught exceptions and
    /// rejections in pages, and failures Firefox reported against a page, since the
    /// session began.
    ///
    /// Firefox reports two things that are no failure as [`INTERCEPTION_REPORT`]: a page
    /// cutting a stream the worker made (an `EventSource` closed, or open as the page
    /// goes), and a `fetch` following a redirect the worker answered. A plain worker gets
    /// the same (docs/firefox.md). Pages count both, and only reports beyond that count
    /// are errors.
    pub fn console_errors(&self) -> Vec<String> {
        let mut expected = self.expected_reports();
        // Uncaught errors and Firefox's reports, through BiDi (with their full text).
        let mut errors = Vec::new();
        for event in self.bidi.events("log.entryAdded") {
            let entry = &event["params"];
            if entry["level"] != "error" || entry["type"] == "console" {
                continue;
            }
            let text = entry["text"].as_str().unwrap_or_default();
            if text == INTERCEPTION_REPORT && expected > 0 {
                expected -= 1;
                continue;
            }
            errors.push(format!("{text} (uncaught or reported; the pages noted {:?})", self.page_notes()));
        }
        // `console.error` of pages and the worker, from standard output; the browser's own
        // modules print `console.error: Name: …` there too, which content cannot.
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        errors.extend(
            log.lines()
                .filter_map(|line| line.strip_prefix("console.error: "))
                .filter(|text| {
                    let first = text.split(' ').next().unwrap_or_default();
                    !(first.ends_with(':')
                        && first.trim_end_matches(':').chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
                })
                .map(|text| format!("console.error {text}")),
        );
        errors
    }

    /// How many [`INTERCEPTION_REPORT`]s the pages gave cause for so far: live
    /// `EventSource` streams they cut, redirects their `fetch` calls followed.
    pub fn expected_reports(&self) -> usize {
        self.page_notes().iter().filter(|note| *note == "cut" || *note == "redirect").count()
    }

    /// What the preload script noted: `cut`, `redirect`, and `broken` for an
    /// `EventSource` that failed (no cause for a report: a report after one is an error).
    fn page_notes(&self) -> Vec<String> {
        let messages = self.bidi.events("script.message");
        messages
            .iter()
            .filter(|message| message["params"]["channel"] == EXPECTED_CHANNEL)
            .map(|message| message["params"]["data"]["value"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// What Firefox reports when a page cuts a stream that a worker made, or follows a
/// redirect that a worker answered (and for real failures of a worker's answer too).
pub const INTERCEPTION_REPORT: &str =
    "Failed to load ‘’. A ServiceWorker intercepted the request and encountered an unexpected error.";

pub(super) const EXPECTED_CHANNEL: &str = "owndir-expected-reports";

/// Run in every page before its own scripts (BiDi preload): sends `expected` on the
/// channel for each live `EventSource` the page closes or leaves open as it goes, and for
/// each redirected answer its `fetch` gets. Streams left open are counted in
/// `sessionStorage` as the page goes and sent by the tab's next page: a message sent
/// while a page unloads is lost.
pub(super) const EXPECT_REPORTS_SCRIPT: &str = r#"(expected) => {
  const key = "owndir-expected-reports";
  try {
    const left = Number(sessionStorage.getItem(key) || 0);
    sessionStorage.removeItem(key);
    for (let i = 0; i < left; i++) expected("cut");
  } catch {}
  const nativeFetch = window.fetch;
  window.fetch = function fetch(...args) {
    return nativeFetch.apply(this, args).then((response) => {
      if (response.redirected) expected("redirect");
      return response;
    });
  };
  const Native = window.EventSource;
  if (!Native) return;
  const live = new Set();
  window.EventSource = class EventSource extends Native {
    constructor(...args) {
      super(...args);
      live.add(this);
      this.addEventListener("error", () => {
        expected("broken");
        if (this.readyState === Native.CLOSED) live.delete(this);
      });
    }
    close() {
      if (live.delete(this) && this.readyState !== Native.CLOSED) expected("cut");
      super.close();
    }
  };
  // Firefox has closed them by now, without an error event: every one still here was live.
  window.addEventListener("pagehide", () => {
    const open = live.size;
    live.clear();
    try {
      if (open) sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) || 0) + open));
    } catch {}
  });
}"#;
