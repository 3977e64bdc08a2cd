//! The results: a Markdown table (printed, and put into BENCHMARKS.md between its
//! markers) and the same as JSON (`target/bench.json`).

use crate::servers::Host;
use crate::stats::Summary;
use owndir_e2e::WorkerMemory;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a row's samples are.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Times: lower is better; ratios are of times.
    Latency,
    /// Times to move `bytes`: shown and compared as MiB/s, higher is better.
    Throughput { bytes: u64 },
}

/// One server's result in one row.
#[derive(Debug, Clone)]
pub enum Outcome {
    Measured(Summary),
    /// Not measured, and why (not installed, no Range support, …).
    Absent(String),
}

/// One measure across the servers.
#[derive(Debug, Clone)]
pub struct Row {
    /// The key in `bench.json`.
    pub key: &'static str,
    /// What was measured, for the table.
    pub name: String,
    pub kind: Kind,
    pub outcomes: BTreeMap<Host, Outcome>,
}

impl Row {
    fn summary(&self, server: Host) -> Option<&Summary> {
        match self.outcomes.get(&server) {
            Some(Outcome::Measured(summary)) => Some(summary),
            _ => None,
        }
    }

    /// Ours ÷ `other`, of the medians: times for latency, MiB/s for throughput (so a
    /// ratio below 1 is slower for throughput and faster for latency).
    pub fn ratio(&self, other: Host) -> Option<f64> {
        self.ratio_of(Host::Ours, other)
    }

    /// `server` ÷ `other`, as [`Row::ratio`] says.
    pub fn ratio_of(&self, server: Host, other: Host) -> Option<f64> {
        let (ours, other) = (self.summary(server)?, self.summary(other)?);
        Some(match self.kind {
            Kind::Latency => ours.median / other.median,
            Kind::Throughput { .. } => other.median / ours.median,
        })
    }

    fn cell(&self, server: Host) -> String {
        match (self.outcomes.get(&server), self.kind) {
            (Some(Outcome::Measured(summary)), Kind::Latency) => {
                format!("{} / {}", milliseconds(summary.median), milliseconds(summary.p95))
            }
            (Some(Outcome::Measured(summary)), Kind::Throughput { bytes }) => {
                format!("{:.0} / {:.0}", mib_per_s(bytes, summary.median), mib_per_s(bytes, summary.p95))
            }
            (Some(Outcome::Absent(why)), _) => format!("— ({why})"),
            (None, _) => "—".to_owned(),
        }
    }

    fn to_json(&self) -> Value {
        let mut results = Map::new();
        for (server, outcome) in &self.outcomes {
            let value = match (outcome, self.kind) {
                (Outcome::Measured(summary), Kind::Throughput { bytes }) => {
                    let mut value = summary.to_json();
                    value["median_mib_per_s"] = json!(mib_per_s(bytes, summary.median));
                    value["p95_time_mib_per_s"] = json!(mib_per_s(bytes, summary.p95));
                    value
                }
                (Outcome::Measured(summary), Kind::Latency) => summary.to_json(),
                (Outcome::Absent(why), _) => json!({ "absent": why }),
            };
            results.insert(server.key().to_owned(), value);
        }
        let mut ratios: Map<String, Value> = [Host::DevServer, Host::StaticWebServer, Host::PlainWorker]
            .into_iter()
            .map(|other| (format!("ours_over_{}", other.key()), json!(self.ratio(other))))
            .collect();
        ratios.insert("ours_disk_over_devserver".to_owned(), json!(self.ratio_of(Host::OursDisk, Host::DevServer)));
        let (kind, bytes) = match self.kind {
            Kind::Latency => ("latency", None),
            Kind::Throughput { bytes } => ("throughput", Some(bytes)),
        };
        json!({ "key": self.key, "name": self.name, "kind": kind, "bytes": bytes, "results": results, "ratios": ratios })
    }
}

/// Several ways of doing one thing (the 64 MB write), each against the first.
#[derive(Debug, Clone)]
pub struct Ways {
    pub key: &'static str,
    pub name: String,
    /// `(how, its times)`; the first is what the others are compared with.
    pub ways: Vec<(&'static str, Summary)>,
}

/// One line of "where the time goes": a median per server, in ms.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub what: String,
    pub medians: BTreeMap<Host, f64>,
}

/// The worker's memory at points of a long stream.
#[derive(Debug, Clone)]
pub struct MemoryTrace {
    pub what: String,
    /// `(where in the stream, memory)`.
    pub samples: Vec<(String, WorkerMemory)>,
    /// How long the whole stream took, in ms.
    pub stream_ms: f64,
}

impl MemoryTrace {
    /// Flat: the JS heap grew by under 16 MB and wasm memory by at most 1 MB (a body
    /// that passed through the worker would show as hundreds of MB).
    pub fn is_flat(&self) -> bool {
        let Some((_, first)) = self.samples.first() else { return false };
        self.samples
            .iter()
            .all(|(_, sample)| sample.js_heap_used < first.js_heap_used + 16e6 && sample.wasm <= first.wasm + 1e6)
    }
}

/// A shipped file's size.
#[derive(Debug, Clone)]
pub struct Size {
    pub label: String,
    pub raw: usize,
    pub gzip: usize,
    /// The budget for its gzip size, in bytes.
    pub budget: Option<usize>,
}

/// What the run was made on.
#[derive(Debug, Clone)]
pub struct Machine {
    pub date: String,
    pub cores: usize,
    pub os: String,
    pub chromium: String,
    pub static_web_server: Option<String>,
    /// `/proc/loadavg`'s 1-minute load at the start and the end: the machine is shared.
    pub load: (String, String),
}

/// Everything measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub machine: Machine,
    pub rows: Vec<Row>,
    pub ways: Vec<Ways>,
    pub breakdown: Vec<Breakdown>,
    pub memory: Vec<MemoryTrace>,
    pub sizes: Vec<Size>,
    /// Notes on what was compared, one line each.
    pub notes: Vec<String>,
}

/// A target from issue 8, checked against one row.
struct Goal {
    text: &'static str,
    row: &'static str,
    against: &'static [Host],
    /// The ratio must be at most (`true`) or at least (`false`) this.
    at_most: bool,
    bound: f64,
}

const GOALS: &[Goal] = &[
    Goal {
        text: "small-file median ≤ 1.0× native",
        row: "small_sequential",
        against: &[Host::DevServer, Host::StaticWebServer],
        at_most: true,
        bound: 1.0,
    },
    Goal {
        text: "256 MB throughput ≥ 0.9× native",
        row: "big_whole",
        against: &[Host::DevServer, Host::StaticWebServer],
        at_most: false,
        bound: 0.9,
    },
    Goal {
        text: "10k listing ≤ 1.5× native",
        row: "listing",
        against: &[Host::DevServer, Host::StaticWebServer],
        at_most: true,
        bound: 1.5,
    },
    Goal {
        text: "cold start ≤ 1.5× plain-JS worker",
        row: "cold_start",
        against: &[Host::PlainWorker],
        at_most: true,
        bound: 1.5,
    },
];

fn milliseconds(ms: f64) -> String {
    if ms < 10.0 { format!("{ms:.2}") } else { format!("{ms:.0}") }
}

fn mib_per_s(bytes: u64, ms: f64) -> f64 {
    bytes as f64 / f64::from(1 << 20) / (ms / 1000.0)
}

fn ratio_cell(ratio: Option<f64>) -> String {
    ratio.map(|ratio| format!("{ratio:.2}×")).unwrap_or_else(|| "—".to_owned())
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**short**" }
}

impl Report {
    fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|row| row.key == key)
    }

    /// Each goal: its text, what was measured against it, and whether it was met
    /// (`None` when nothing could be compared).
    fn goals(&self) -> Vec<(String, String, Option<bool>)> {
        let mut goals = Vec::new();
        for goal in GOALS {
            let ratios: Vec<(Host, f64)> = self
                .row(goal.row)
                .map(|row| goal.against.iter().filter_map(|&other| Some((other, row.ratio(other)?))).collect())
                .unwrap_or_default();
            let measured: Vec<String> =
                ratios.iter().map(|(other, ratio)| format!("{ratio:.2}× {}", other.label())).collect();
            let met = (!ratios.is_empty()).then(|| {
                ratios.iter().all(|(_, ratio)| if goal.at_most { *ratio <= goal.bound } else { *ratio >= goal.bound })
            });
            let measured = if measured.is_empty() { "nothing to compare with".to_owned() } else { measured.join(", ") };
            goals.push((goal.text.to_owned(), measured, met));
        }
        for trace in &self.memory {
            goals.push((
                format!("flat memory ({})", trace.what),
                "see the memory table".to_owned(),
                Some(trace.is_flat()),
            ));
        }
        for size in &self.sizes {
            if let Some(budget) = size.budget {
                let text = format!("{} ≤ {} KB gzip", size.label, budget / 1000);
                goals.push((text, format!("{:.1} KB gzip", size.gzip as f64 / 1000.0), Some(size.gzip <= budget)));
            }
        }
        goals
    }

    /// The Markdown for BENCHMARKS.md and the terminal.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let machine = &self.machine;
        let sws = machine.static_web_server.as_deref().unwrap_or("static-web-server: not installed");
        let _ = writeln!(
            out,
            "Measured {} on {} cores, {}, {}; {sws}. Load average {} at the start, {} at the end.\n",
            machine.date, machine.cores, machine.os, machine.chromium, machine.load.0, machine.load.1
        );
        let _ = writeln!(
            out,
            "Cells are median / p95: ms for times, MiB/s for throughput (the p95 column is the \
             throughput of the 95th-percentile time). Ratios are ours ÷ other of the medians: of \
             times for latency rows (below 1 is faster), of MiB/s for throughput rows (below 1 is \
             slower). \"ours on disk\" is the same worker serving the devserver's own folder on \
             disk, dropped on its start page; its ratio is to the devserver serving that folder.\n"
        );
        let mut header = "| measure |".to_owned();
        for server in Host::ALL {
            let _ = write!(header, " {} |", server.label());
        }
        header.push_str(" ours÷devserver | ours÷static-web-server | ours÷plain-JS sw | ours on disk÷devserver |");
        let _ = writeln!(out, "{header}\n|{}", "---|".repeat(Host::ALL.len() + 5));
        for row in &self.rows {
            let mut line = format!("| {} |", row.name);
            for server in Host::ALL {
                let _ = write!(line, " {} |", row.cell(server));
            }
            for other in [Host::DevServer, Host::StaticWebServer, Host::PlainWorker] {
                let _ = write!(line, " {} |", ratio_cell(row.ratio(other)));
            }
            let _ = write!(line, " {} |", ratio_cell(row.ratio_of(Host::OursDisk, Host::DevServer)));
            let _ = writeln!(out, "{line}");
        }
        for ways in &self.ways {
            let Some((_, baseline)) = ways.ways.first() else { continue };
            let _ = writeln!(out, "\n| {} | median / p95 ms | ÷ first |\n|---|---|---|", ways.name);
            for (how, summary) in &ways.ways {
                let (median, p95) = (milliseconds(summary.median), milliseconds(summary.p95));
                let _ = writeln!(out, "| {how} | {median} / {p95} | {:.2}× |", summary.median / baseline.median);
            }
        }
        if !self.breakdown.is_empty() {
            let workers = [Host::Ours, Host::OursDisk, Host::PlainWorker];
            let labels: Vec<&str> = workers.iter().map(|worker| worker.label()).collect();
            let _ =
                writeln!(out, "\n| where the time goes (medians, ms) | {} |\n|---|---|---|---|", labels.join(" | "));
            for line in &self.breakdown {
                let cell = |server| line.medians.get(&server).map(|&ms| milliseconds(ms)).unwrap_or_else(|| "—".into());
                let cells: Vec<String> = workers.iter().map(|&worker| cell(worker)).collect();
                let _ = writeln!(out, "| {} | {} |", line.what, cells.join(" | "));
            }
        }
        for trace in &self.memory {
            let _ = writeln!(
                out,
                "\n| worker memory, {} ({:.1} s) | JS heap used | wasm memory |\n|---|---|---|",
                trace.what,
                trace.stream_ms / 1000.0
            );
            for (at, memory) in &trace.samples {
                let _ = writeln!(out, "| {at} | {:.2} MB | {:.2} MB |", memory.js_heap_used / 1e6, memory.wasm / 1e6);
            }
        }
        let _ = writeln!(out, "\n| shipped file | raw | gzip -9 |\n|---|---|---|");
        for size in &self.sizes {
            let _ = writeln!(
                out,
                "| {} | {:.1} KB | {:.1} KB |",
                size.label,
                size.raw as f64 / 1e3,
                size.gzip as f64 / 1e3
            );
        }
        let _ = writeln!(out, "\nAgainst the issue's targets (not asserted; KB = 1000 bytes):\n");
        for (text, measured, met) in self.goals() {
            let met = met.map(verdict).unwrap_or("not measured");
            let _ = writeln!(out, "- {text}: {measured} — {met}");
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out);
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    /// The same as JSON.
    pub fn to_json(&self) -> Value {
        let machine = &self.machine;
        json!({
            "date": machine.date,
            "machine": {
                "cores": machine.cores,
                "os": machine.os,
                "chromium": machine.chromium,
                "static_web_server": machine.static_web_server,
                "load_average_1min": { "start": machine.load.0, "end": machine.load.1 },
            },
            "measures": self.rows.iter().map(Row::to_json).collect::<Vec<_>>(),
            "ways": self.ways.iter().map(|ways| json!({
                "key": ways.key,
                "name": ways.name,
                "ways": ways.ways.iter().map(|(how, summary)| {
                    let mut value = summary.to_json();
                    value["how"] = json!(how);
                    value
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "breakdown": self.breakdown.iter().map(|line| json!({
                "what": line.what,
                "median_ms": line.medians.iter().map(|(server, ms)| (server.key().to_owned(), json!(ms))).collect::<Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "memory": self.memory.iter().map(|trace| json!({
                "what": trace.what,
                "stream_ms": trace.stream_ms,
                "flat": trace.is_flat(),
                "samples": trace.samples.iter().map(|(at, memory)| json!({
                    "at": at, "js_heap_used": memory.js_heap_used, "wasm": memory.wasm,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "sizes": self.sizes.iter().map(|size| json!({
                "file": size.label, "raw": size.raw, "gzip": size.gzip, "gzip_budget": size.budget,
            })).collect::<Vec<_>>(),
            "goals": self.goals().into_iter().map(|(goal, measured, met)| json!({
                "goal": goal, "measured": measured, "met": met,
            })).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }
}

/// `document` with the text between `<!-- bench:start -->` and `<!-- bench:end -->`
/// replaced by `table`; `None` when the markers are missing.
pub fn replace_between_markers(document: &str, table: &str) -> Option<String> {
    const START: &str = "<!-- bench:start -->";
    const END: &str = "<!-- bench:end -->";
    let start = document.find(START)? + START.len();
    let end = start + document[start..].find(END)?;
    Some(format!("{}\n{}\n{}", &document[..start], table.trim_end(), &document[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_goes_between_the_markers_and_the_rest_stays() {
        let document = "# B\n<!-- bench:start -->\nold\n<!-- bench:end -->\nprose\n";
        let replaced = replace_between_markers(document, "new\n").expect("markers");
        assert_eq!(replaced, "# B\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nprose\n");
    }

    #[test]
    fn without_markers_nothing_is_replaced() {
        assert_eq!(replace_between_markers("# B\n", "new"), None);
    }

    fn row(kind: Kind, ours: f64, other: f64) -> Row {
        let outcomes = [
            (Host::Ours, Outcome::Measured(Summary::of(vec![ours]).expect("sample"))),
            (Host::DevServer, Outcome::Measured(Summary::of(vec![other]).expect("sample"))),
        ];
        Row { key: "k", name: "n".into(), kind, outcomes: outcomes.into_iter().collect() }
    }

    #[test]
    fn a_latency_ratio_is_of_times() {
        assert_eq!(row(Kind::Latency, 3.0, 1.5).ratio(Host::DevServer), Some(2.0));
    }

    #[test]
    fn a_throughput_ratio_is_of_speeds() {
        // Twice the time is half the speed.
        assert_eq!(row(Kind::Throughput { bytes: 1 << 20 }, 3.0, 1.5).ratio(Host::DevServer), Some(0.5));
    }

    #[test]
    fn an_absent_server_has_no_ratio() {
        assert_eq!(row(Kind::Latency, 3.0, 1.5).ratio(Host::StaticWebServer), None);
    }
}
