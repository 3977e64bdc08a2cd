//! `cargo xtask bench`: the same files served four ways, measured in one headless
//! Chromium session (issue 8).
//!
//! - **ours**: the built worker serving the origin's private folder (OPFS), connected with
//!   **Use browser storage** as the tests do;
//! - **plain-JS sw**: `bench/plain-sw.js`, a few lines of JavaScript serving the same files
//!   from its own origin's OPFS: the floor for what any worker costs;
//! - **devserver**: our `crates/devserver` serving an identical copy on disk;
//! - **static-web-server**: the same copy, when `cargo install static-web-server` was run.
//!
//! Each has a tab on its own origin, and every time is taken in that page with
//! `performance.now()` (`bench/measure.js`). The rounds rotate through the servers, so
//! whatever else the machine does falls on all alike. The results are printed as a
//! Markdown table, written to `target/bench.json`, and put into BENCHMARKS.md.
//!
//! `--only KEY,KEY` runs only those measures (keys as in `bench.json`: small_sequential,
//! small_concurrent, deep, big_whole, big_ranges, listing, cold_start, write, memory) and
//! then leaves BENCHMARKS.md alone.

mod files;
mod report;
mod servers;
mod stats;
mod tab;

use owndir_e2e::cdp::Cdp;
use owndir_e2e::{Harness, WorkerMemory, dist_dir};
use report::{Breakdown, Kind, Machine, MemoryTrace, Outcome, Report, Row, Size, Ways};
use serde_json::{Value, json};
use servers::Host;
use stats::Summary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tab::Tab;

type Result<T = ()> = std::result::Result<T, String>;

/// The longest the whole run may take before it stops itself.
const RUN_LIMIT: Duration = Duration::from_secs(25 * 60);
/// The longest one page script may take (seeding a gigabyte, a long batch).
const LONG: Duration = Duration::from_secs(300);
/// Sequential small GETs per batch, and batches (rounds) per server.
const SEQUENTIAL: (usize, usize) = (25, 12);
/// Bursts of 16 concurrent GETs per batch, and rounds.
const BURSTS: (usize, usize) = (5, 12);
/// Whole reads of the 256 MB file, one per round.
const WHOLE_ROUNDS: usize = 5;
/// Rounds of 64 random 1 MiB ranges.
const RANGE_ROUNDS: usize = 5;
/// Listings of the 10,000-entry directory, one per round.
const LISTING_ROUNDS: usize = 7;
/// Cold starts per worker.
const COLD_ROUNDS: usize = 10;
/// 64 MB writes each way.
const WRITE_ROUNDS: usize = 5;
const WRITE_SIZE: u64 = 64 << 20;

fn say(message: &str) {
    eprintln!("\x1b[1m--> {message}\x1b[0m");
}

fn fail<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> String {
    move |error| format!("{context}: {error}")
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The browser, and a tab per server.
struct Bench {
    harness: Harness,
    tabs: BTreeMap<Host, Tab>,
    /// `--only`: the measures to run (all when `None`).
    only: Option<Vec<String>>,
    /// Why a server is left out of every measure (static-web-server not installed).
    absent: BTreeMap<Host, String>,
}

impl Bench {
    fn devtools(&self) -> &Cdp {
        &self.harness.devtools
    }

    fn wants(&self, key: &str) -> bool {
        self.only.as_ref().is_none_or(|only| only.iter().any(|wanted| wanted == key))
    }

    fn tab(&self, server: Host) -> Result<&Tab> {
        self.tabs.get(&server).ok_or_else(|| format!("no tab for {}", server.label()))
    }

    async fn eval(&self, server: Host, expression: &str) -> Result<Value> {
        self.tab(server)?.eval(self.devtools(), expression, LONG).await
    }

    /// The servers that have a tab (static-web-server may be absent).
    fn present(&self) -> Vec<Host> {
        self.tabs.keys().copied().collect()
    }

    /// `rounds` rounds; in each, every server in `servers` runs `expression(server)` (a
    /// number of ms, or an array of them). The order rotates each round.
    async fn rounds(
        &self,
        servers: &[Host],
        rounds: usize,
        expression: impl Fn(Host) -> String,
    ) -> Result<BTreeMap<Host, Vec<f64>>> {
        let mut samples: BTreeMap<Host, Vec<f64>> = BTreeMap::new();
        for round in 0..rounds {
            for k in 0..servers.len() {
                let server = servers[(round + k) % servers.len()];
                let value = self.eval(server, &expression(server)).await?;
                samples.entry(server).or_default().extend(numbers(&value)?);
            }
        }
        Ok(samples)
    }

    /// A row from [`Bench::rounds`]; the servers left out are absent ("not run" unless
    /// the bench knows why).
    async fn row(
        &self,
        key: &'static str,
        name: &str,
        kind: Kind,
        servers: &[Host],
        rounds: usize,
        expression: impl Fn(Host) -> String,
    ) -> Result<Row> {
        say(name);
        let samples = self.rounds(servers, rounds, expression).await?;
        let row = self.summarise(key, name, kind, samples, "not run");
        eprintln!("    {}", summary_line(&row));
        Ok(row)
    }

    /// A row of every server, from the samples of those that ran.
    fn summarise(
        &self,
        key: &'static str,
        name: &str,
        kind: Kind,
        mut samples: BTreeMap<Host, Vec<f64>>,
        otherwise: &str,
    ) -> Row {
        let mut outcomes = BTreeMap::new();
        for server in Host::ALL {
            let outcome = match samples.remove(&server).and_then(Summary::of) {
                Some(summary) => Outcome::Measured(summary),
                None => Outcome::Absent(self.absent.get(&server).map_or(otherwise, String::as_str).to_owned()),
            };
            outcomes.insert(server, outcome);
        }
        Row { key, name: name.to_owned(), kind, outcomes }
    }
}

fn numbers(value: &Value) -> Result<Vec<f64>> {
    match value {
        Value::Number(number) => Ok(number.as_f64().into_iter().collect()),
        Value::Array(items) => {
            items.iter().map(|item| item.as_f64().ok_or_else(|| format!("not ms: {item}"))).collect()
        }
        other => Err(format!("expected ms, got {other}")),
    }
}

fn summary_line(row: &Row) -> String {
    let parts: Vec<String> = row
        .outcomes
        .iter()
        .map(|(server, outcome)| match outcome {
            Outcome::Measured(summary) => format!("{} {:.2}/{:.2} ms", server.label(), summary.median, summary.p95),
            Outcome::Absent(why) => format!("{} absent ({why})", server.label()),
        })
        .collect();
    parts.join(", ")
}

/// `--only a,b` from the command line.
fn only_from_args() -> Result<Option<Vec<String>>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, keys] if flag == "--only" => Ok(Some(keys.split(',').map(str::to_owned).collect())),
        _ => Err("usage: bench [--only KEY,KEY…]".to_owned()),
    }
}

async fn run() -> Result {
    let only = only_from_args()?;
    let dist = dist_dir();
    let started = Instant::now();
    let load_at_start = load_average();

    say("writing the native servers' copy to a temporary folder");
    let disk = tempfile::tempdir().map_err(fail("no temporary folder"))?;
    files::write_native_copy(disk.path()).map_err(fail("cannot write the native copy"))?;
    let devserver = servers::start_devserver(disk.path())?;
    let static_web_server = match servers::find_static_web_server() {
        Some(binary) => Some(servers::StaticWebServer::start(&binary, disk.path())?),
        None => {
            eprintln!("    static-web-server is not installed (cargo install static-web-server --locked): left out");
            None
        }
    };
    let plain_host = servers::start_plain_worker_host()?;

    say("starting Chromium and connecting browser storage");
    let harness = Harness::start_limited(&dist, RUN_LIMIT).await?;
    harness.connect_browser_storage().await?;
    harness.wait_for_worker().await?;
    // Leave the file app: while it listens for changes, the worker snapshots the folder
    // every second, which would fall on every measure of ours. `/@/status` is a page the
    // worker controls that runs nothing.
    harness.open("/@/status").await?;
    harness.wait_for_worker().await?;
    let chromium = harness.devtools.call("Browser.getVersion", json!({}), None).await?["product"]
        .as_str()
        .unwrap_or("Chromium (version unknown)")
        .replace("HeadlessChrome/", "Chromium ")
        .replace("Chrome/", "Chromium ");

    let ours_target = page_target(&harness.devtools, &harness.origin).await?;
    let mut tabs = BTreeMap::new();
    tabs.insert(Host::Ours, Tab::adopt(&harness.devtools, &ours_target).await?);
    tabs.insert(Host::PlainWorker, Tab::open(&harness.devtools, &format!("{}/", plain_host.url())).await?);
    tabs.insert(Host::DevServer, Tab::open(&harness.devtools, &format!("{}/", devserver.url())).await?);
    if let Some(server) = &static_web_server {
        tabs.insert(Host::StaticWebServer, Tab::open(&harness.devtools, &format!("{}/", server.origin)).await?);
    }
    let mut absent = BTreeMap::new();
    if static_web_server.is_none() {
        absent.insert(Host::StaticWebServer, "not installed".to_owned());
    }
    let bench = Bench { harness, tabs, only, absent };
    for tab in bench.tabs.values() {
        tab.install_helpers(bench.devtools()).await?;
    }
    bench
        .tab(Host::PlainWorker)?
        .until(bench.devtools(), "!!navigator.serviceWorker.controller", "the plain worker controls its page")
        .await?;

    seed(&bench).await?;
    check_same_files(&bench).await?;
    let mut notes = visibility_notes(&bench).await?;

    let present = bench.present();
    let small = json!(files::small_paths().iter().map(|path| format!("/{path}")).collect::<Vec<_>>());
    let mut rows = Vec::new();
    let mut breakdown = Vec::new();

    // One unrecorded batch each, so that no server pays for the first connection or a
    // worker start inside the measures.
    bench.rounds(&present, 1, |_| format!("bench.sequential({small}, 16)")).await?;
    if bench.wants("small_sequential") {
        let expression = |_| format!("bench.sequential({small}, {})", SEQUENTIAL.0);
        let name = "4 KB GET, sequential";
        rows.push(bench.row("small_sequential", name, Kind::Latency, &present, SEQUENTIAL.1, expression).await?);
    }
    if bench.wants("small_concurrent") {
        let expression = |_| format!("bench.concurrent({small}, {})", BURSTS.0);
        let name = "16 × 4 KB GET at once (time for all 16)";
        rows.push(bench.row("small_concurrent", name, Kind::Latency, &present, BURSTS.1, expression).await?);
    }
    if bench.wants("deep") {
        let expression = |_| format!("bench.sequential(['/{}'], {})", files::DEEP, SEQUENTIAL.0);
        let name = "4 KB GET five names deep (d1/d2/d3/d4/), sequential";
        rows.push(bench.row("deep", name, Kind::Latency, &present, SEQUENTIAL.1, expression).await?);
    }
    let big = format!("/{}", files::BIG);
    if bench.wants("big_whole") {
        let expression = |_| format!("bench.whole({big:?}, {})", files::BIG_SIZE);
        let kind = Kind::Throughput { bytes: files::BIG_SIZE };
        let name = "256 MB file, whole (MiB/s)";
        rows.push(bench.row("big_whole", name, kind, &present, WHOLE_ROUNDS, expression).await?);
    }
    if bench.wants("big_ranges") {
        rows.push(ranges(&bench, &present, &big).await?);
    }
    if bench.wants("listing") {
        rows.push(listing(&bench, &present).await?);
        let names_only = format!("bench.listing('/{}/?names').then((answer) => answer.time)", files::MANY);
        let times = bench.rounds(&[Host::PlainWorker], LISTING_ROUNDS, |_| names_only.clone()).await?;
        breakdown.push(breakdown_line("listing 10,000 entries, names only (no getFile per entry)", times));
    }
    if bench.wants("cold_start") {
        let (row, marks) = cold_starts(&bench).await?;
        rows.push(row);
        breakdown.extend(marks);
        breakdown.extend(worker_start_replayed(&bench).await?);
        let status =
            bench.rounds(&[Host::Ours], SEQUENTIAL.1, |_| "bench.sequential(['/@/status'], 25)".into()).await?;
        breakdown.push(breakdown_line("warm GET /@/status (one IndexedDB read of the folder record)", status));
        breakdown.extend(step_costs(&bench).await?);
    }
    let ways = if bench.wants("write") { vec![writes(&bench).await?] } else { Vec::new() };
    let memory = if bench.wants("memory") { vec![memory_while_streaming(&bench).await?] } else { Vec::new() };
    let sizes = sizes(&dist)?;

    notes.extend([
        "Every fetch is `cache: \"no-store\"`; the native servers are on loopback over HTTP/1.1, where Chromium opens at most 6 connections per host, so 16 requests at once queue there; a worker has no such limit.".to_owned(),
        "Listing: ours and the plain-JS worker answer `Accept: application/json` with one object per entry (name, kind, size, mtime; ours adds FsNode fields); static-web-server was started with `--directory-listing-format json` (name, type, mtime, size); the devserver has no listing. The time ends when the body is in, before parsing.".to_owned(),
        "Cold start: `ServiceWorker.stopAllWorkers` through CDP, until no worker target is left, then one 4 KB GET timed in the page; native servers have no worker to start.".to_owned(),
        format!("The whole run took {:.0} s.", started.elapsed().as_secs_f64()),
    ]);
    let machine = Machine {
        date: today(),
        cores: std::thread::available_parallelism().map(usize::from).unwrap_or(0),
        os: os_name(),
        chromium,
        static_web_server: static_web_server.as_ref().map(|server| server.version.clone()),
        load: (load_at_start, load_average()),
    };
    let report = Report { machine, rows, ways, breakdown, memory, sizes, notes };
    write_results(&report, bench.only.is_none())?;
    bench.harness.finish().await
}

/// The page target whose URL is on `origin`: the tab chromedriver opened.
async fn page_target(devtools: &Cdp, origin: &str) -> Result<String> {
    let targets = devtools.call("Target.getTargets", json!({}), None).await?;
    targets["targetInfos"]
        .as_array()
        .and_then(|infos| {
            infos
                .iter()
                .find(|info| info["type"] == "page" && info["url"].as_str().is_some_and(|url| url.starts_with(origin)))
        })
        .and_then(|info| info["targetId"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("no page on {origin}"))
}

/// Makes the files in both workers' private folders (the native copy is on disk already).
async fn seed(bench: &Bench) -> Result {
    say("seeding the private folders of both worker origins");
    let started = Instant::now();
    let mut script = String::from("(async () => {");
    for (k, path) in files::small_paths().iter().enumerate() {
        script += &format!("await bench.seedFile({path:?}, {}, {});", files::SMALL_SIZE, k as u64 * files::SMALL_SIZE);
    }
    script += &format!("await bench.seedFile({:?}, {});", files::DEEP, files::SMALL_SIZE);
    script += &format!("await bench.seedFile({:?}, {});", files::BIG, files::BIG_SIZE);
    script += &format!("await bench.seedMany({:?}, {}, 64);", files::MANY, files::MANY_COUNT);
    script += "})()";
    let (ours, plain) = tokio::join!(bench.eval(Host::Ours, &script), bench.eval(Host::PlainWorker, &script));
    ours?;
    plain?;
    bench.eval(Host::Ours, &format!("bench.seedFile({:?}, {}, 0, true)", files::HUGE, files::HUGE_SIZE)).await?;
    eprintln!("    seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Every server must serve the same bytes: a small file and a range of the big one.
async fn check_same_files(bench: &Bench) -> Result {
    let mut seen: Vec<(Host, Value)> = Vec::new();
    for server in bench.present() {
        let small = bench.eval(server, "bench.digest('/small/03.bin')").await?;
        let big = bench.eval(server, &format!("bench.whole('/{}', {})", files::BIG, files::BIG_SIZE)).await;
        big.map_err(|error| format!("{}: {error}", server.label()))?;
        if small["status"] != 200 || small["length"] != files::SMALL_SIZE {
            return Err(format!("{} served small/03.bin as {small}", server.label()));
        }
        seen.push((server, small));
    }
    if let Some((first, digest)) = seen.first()
        && let Some((other, different)) = seen.iter().find(|(_, other)| other != digest)
    {
        return Err(format!("{} and {} serve different bytes: {digest} vs {different}", first.label(), other.label()));
    }
    Ok(())
}

/// Whether each tab counts as visible: a hidden one could be throttled.
async fn visibility_notes(bench: &Bench) -> Result<Vec<String>> {
    let mut hidden = Vec::new();
    for server in bench.present() {
        if bench.eval(server, "document.visibilityState").await? != json!("visible") {
            hidden.push(server.label());
        }
    }
    Ok(if hidden.is_empty() {
        vec!["Every tab reported `document.visibilityState` \"visible\" (no background throttling).".to_owned()]
    } else {
        vec![format!("Tabs reported hidden (may be throttled): {}.", hidden.join(", "))]
    })
}

/// 64 random 1 MiB ranges, from the servers that answer a range with `206`.
async fn ranges(bench: &Bench, present: &[Host], big: &str) -> Result<Row> {
    let mut with_ranges = Vec::new();
    let mut without = Vec::new();
    for &server in present {
        if bench.eval(server, &format!("bench.rangesWork({big:?})")).await? == json!(true) {
            with_ranges.push(server);
        } else {
            without.push(server);
        }
    }
    let expression = |_| format!("bench.ranges({big:?}, {}, 64, {}, 42)", files::BIG_SIZE, 1 << 20);
    let kind = Kind::Throughput { bytes: 64 << 20 };
    let name = "64 random 1 MiB ranges (MiB/s)";
    let mut row = bench.row("big_ranges", name, kind, &with_ranges, RANGE_ROUNDS, expression).await?;
    for server in without {
        row.outcomes.insert(server, Outcome::Absent("no Range support".to_owned()));
    }
    Ok(row)
}

/// The 10,000-entry directory asked for as JSON, from the servers that list it.
async fn listing(bench: &Bench, present: &[Host]) -> Result<Row> {
    let many = format!("/{}/", files::MANY);
    let mut with_listing = Vec::new();
    let mut without = Vec::new();
    for &server in present {
        let probe = bench.eval(server, &format!("bench.listing({many:?})")).await?;
        if probe["entries"].as_u64() == Some(files::MANY_COUNT) {
            with_listing.push(server);
        } else {
            let why = match probe["status"].as_u64() {
                Some(200) => format!("no JSON listing ({})", probe["type"].as_str().unwrap_or("?")),
                _ => "no directory listing".to_owned(),
            };
            without.push((server, why));
        }
    }
    let expression = |_| format!("bench.listing({many:?}).then((answer) => answer.time)");
    let name = "listing of 10,000 entries as JSON";
    let mut row = bench.row("listing", name, Kind::Latency, &with_listing, LISTING_ROUNDS, expression).await?;
    for (server, why) in without {
        row.outcomes.insert(server, Outcome::Absent(why));
    }
    Ok(row)
}

/// A breakdown line: the median of each server's samples.
fn breakdown_line(what: &str, samples: BTreeMap<Host, Vec<f64>>) -> Breakdown {
    let medians =
        samples.into_iter().filter_map(|(server, samples)| Some((server, Summary::of(samples)?.median))).collect();
    Breakdown { what: what.to_owned(), medians }
}

/// The first request after every worker was stopped, ours and the plain one in turn; and
/// the Resource Timing marks of those requests, which split the time.
async fn cold_starts(bench: &Bench) -> Result<(Row, Vec<Breakdown>)> {
    let name = "cold start: worker stopped, then one 4 KB GET";
    say(name);
    let workers = [Host::Ours, Host::PlainWorker];
    let mut samples: BTreeMap<Host, Vec<f64>> = BTreeMap::new();
    let mut marks: BTreeMap<String, BTreeMap<Host, Vec<f64>>> = BTreeMap::new();
    for round in 0..COLD_ROUNDS {
        for k in 0..workers.len() {
            let server = workers[(round + k) % workers.len()];
            bench.harness.stop_worker().await?;
            let answer = bench.eval(server, "bench.once('/small/00.bin')").await?;
            samples.entry(server).or_default().extend(numbers(&answer["time"])?);
            for (mark, at) in answer["marks"].as_object().into_iter().flatten() {
                marks.entry(mark.clone()).or_default().entry(server).or_default().extend(at.as_f64());
            }
        }
    }
    let row = bench.summarise("cold_start", name, Kind::Latency, samples, "no worker");
    eprintln!("    {}", summary_line(&row));
    // In the order a request goes through them.
    let order = ["workerStart", "fetchStart", "requestStart", "responseStart", "responseEnd"];
    let lines = order
        .iter()
        .filter_map(|mark| {
            let samples = marks.remove(*mark)?;
            Some(breakdown_line(&format!("cold start: Resource Timing `{mark}`, after fetch()"), samples))
        })
        .collect();
    Ok((row, lines))
}

/// What our worker does at each start, replayed in the running worker (so with a warm
/// JIT, and a slightly changed module each time, so that V8 cannot reuse a compilation):
/// turning the base64 in `sw.js` into bytes as `static/sw-boot.js` does, the same with
/// `Uint8Array.fromBase64`, and compiling the module.
async fn worker_start_replayed(bench: &Bench) -> Result<Vec<Breakdown>> {
    const REPLAY: &str = r#"(() => {
      const median = (step) => {
        const times = [];
        for (let i = 0; i < 5; i++) { const start = performance.now(); step(i); times.push(performance.now() - start); }
        return times.sort((a, b) => a - b)[2];
      };
      const decode = () => Uint8Array.from(atob(OWNDIR_WASM), (c) => c.charCodeAt(0));
      const bytes = decode();
      const compile = (i) => {
        const salted = new Uint8Array(bytes.length + 4);
        salted.set(bytes);
        salted.set([0, 2, 1, 65 + i], bytes.length);
        return new WebAssembly.Module(salted);
      };
      return {
        decode: median(decode),
        fromBase64: typeof Uint8Array.fromBase64 === "function" ? median(() => Uint8Array.fromBase64(OWNDIR_WASM)) : null,
        compile: median(compile),
      };
    })()"#;
    // Wake the worker up, then reach into it.
    bench.eval(Host::Ours, "bench.once('/small/00.bin')").await?;
    let devtools = bench.devtools();
    let session = devtools.attach_at("service_worker", &bench.harness.origin).await?;
    let params = json!({ "expression": REPLAY, "returnByValue": true });
    let answer = devtools.call_within("Runtime.evaluate", params, Some(&session), LONG).await?;
    devtools.call("Target.detachFromTarget", json!({ "sessionId": session }), None).await?;
    let value = &answer["result"]["value"];
    let lines = [
        ("worker start, replayed warm: base64 → bytes, atob + Uint8Array.from (sw-boot.js)", "decode"),
        ("worker start, replayed warm: base64 → bytes, Uint8Array.fromBase64", "fromBase64"),
        ("worker start, replayed warm: new WebAssembly.Module (sync compile)", "compile"),
    ];
    Ok(lines
        .into_iter()
        .filter_map(|(what, key)| {
            let ms = value[key].as_f64()?;
            Some(Breakdown { what: what.to_owned(), medians: [(Host::Ours, ms)].into_iter().collect() })
        })
        .collect())
}

/// The browser calls our worker makes for each request, timed one by one in our page.
async fn step_costs(bench: &Bench) -> Result<Vec<Breakdown>> {
    let costs = bench.eval(Host::Ours, "bench.stepCosts(101)").await?;
    let lines = [
        ("one step, timed in the page: IndexedDB read of the folder record (with its handle)", "idbRecord"),
        ("one step, timed in the page: getDirectoryHandle of a missing name (a mount try)", "missingName"),
        ("one step, timed in the page: getDirectoryHandle of a present name", "directoryName"),
        ("one step, timed in the page: getFileHandle + getFile", "openFile"),
    ];
    lines
        .into_iter()
        .map(|(what, key)| {
            let ms = costs[key].as_f64().ok_or_else(|| format!("no {key} in {costs}"))?;
            Ok(Breakdown { what: what.to_owned(), medians: [(Host::Ours, ms)].into_iter().collect() })
        })
        .collect()
}

/// 64 MB written into the private folder four ways, in turn: from the page with
/// `createWritable`, through our FsNode API, and through the plain worker by `pipeTo`
/// (as ours does) and as one Blob.
async fn writes(bench: &Bench) -> Result<Ways> {
    let name = "write 64 MB into the private folder";
    say(name);
    let ways: [(&'static str, Host, String); 4] = [
        (
            "page: createWritable + write(Blob)",
            Host::Ours,
            format!("bench.writeDirectly('written-direct.bin', {WRITE_SIZE})"),
        ),
        (
            "ours: PUT /@/fs/…?call=write (Blob body)",
            Host::Ours,
            format!("bench.put('/@/fs/written-api.bin?call=write', {WRITE_SIZE})"),
        ),
        (
            "plain-JS sw: PUT, request.body.pipeTo(writable)",
            Host::PlainWorker,
            format!("bench.put('/written-pipe.bin', {WRITE_SIZE})"),
        ),
        (
            "plain-JS sw: PUT, writable.write(await request.blob())",
            Host::PlainWorker,
            format!("bench.put('/written-blob.bin?blob', {WRITE_SIZE})"),
        ),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); ways.len()];
    for round in 0..WRITE_ROUNDS {
        for k in 0..ways.len() {
            let index = (round + k) % ways.len();
            let (_, server, expression) = &ways[index];
            samples[index].extend(numbers(&bench.eval(*server, expression).await?)?);
        }
    }
    let mut measured = Vec::new();
    for ((how, _, _), samples) in ways.iter().zip(samples) {
        let summary = Summary::of(samples).ok_or("no write samples")?;
        eprintln!("    {how}: {:.0} ms median", summary.median);
        measured.push((*how, summary));
    }
    Ok(Ways { key: "write_64mb", name: name.to_owned(), ways: measured })
}

/// Streams the 1 GB file through our worker, reading the worker's memory after 16 MiB,
/// at the middle and at the end (the page holds the stream still while it is read).
async fn memory_while_streaming(bench: &Bench) -> Result<MemoryTrace> {
    let what = "streaming 1 GB";
    say(what);
    let pauses = json!([16u64 << 20, files::HUGE_SIZE / 2]);
    let started = Instant::now();
    let mut paused_for = Duration::ZERO;
    bench.eval(Host::Ours, &format!("bench.startStream('/{}', {pauses})", files::HUGE)).await?;
    let labels = ["after 16 MiB", "at 512 MiB", "at the end"];
    let mut samples: Vec<(String, WorkerMemory)> = Vec::new();
    let deadline = Instant::now() + LONG;
    loop {
        let state = bench.eval(Host::Ours, "bench.stream").await?;
        if let Some(error) = state["error"].as_str() {
            return Err(format!("streaming failed: {error}"));
        }
        if state["paused"] == true || state["done"] == true {
            let pause = Instant::now();
            let label = labels.get(samples.len()).copied().unwrap_or("after");
            samples.push((label.to_owned(), bench.harness.worker_memory().await?));
            if state["done"] == true {
                if state["read"].as_u64() != Some(files::HUGE_SIZE) || state["status"] != 200 {
                    return Err(format!("the 1 GB stream ended wrong: {state}"));
                }
                break;
            }
            bench.eval(Host::Ours, "bench.resumeStream()").await?;
            while bench.eval(Host::Ours, "bench.stream.paused").await? == json!(true) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            paused_for += pause.elapsed();
        }
        if Instant::now() > deadline {
            return Err(format!("the 1 GB stream did not finish: {state}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stream_ms = (started.elapsed() - paused_for).as_secs_f64() * 1000.0;
    let trace = MemoryTrace { what: what.to_owned(), samples, stream_ms };
    eprintln!("    flat: {}; {:?}", trace.is_flat(), trace.samples);
    Ok(trace)
}

fn gzip_size(bytes: &[u8]) -> Result<usize> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(fail("gzip"))?;
    Ok(encoder.finish().map_err(fail("gzip"))?.len())
}

/// The shipped files' sizes. The worker's wasm is inside `sw.js` as base64, so it is
/// decoded from there: exactly the bytes that ship.
fn sizes(dist: &Path) -> Result<Vec<Size>> {
    use base64::Engine;
    let read = |path: PathBuf| std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()));
    let sw = read(dist.join("sw.js"))?;
    let text = String::from_utf8_lossy(&sw);
    let encoded = text
        .split_once("const OWNDIR_WASM = \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(encoded, _)| encoded)
        .ok_or("sw.js has no OWNDIR_WASM")?;
    let sw_wasm = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(fail("OWNDIR_WASM"))?;
    let app = dist.join("@").join("app");
    let plain = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("bench").join("plain-sw.js");
    let files: Vec<(&str, Vec<u8>, Option<usize>)> = vec![
        ("worker wasm (inside sw.js)", sw_wasm, Some(150_000)),
        ("sw.js as shipped (glue + base64 wasm + JS)", sw, None),
        ("page wasm app_bg.wasm", read(app.join("app_bg.wasm"))?, Some(250_000)),
        ("page glue app.js", read(app.join("app.js"))?, None),
        ("boot.js", read(app.join("boot.js"))?, None),
        ("fsnode.js", read(dist.join("@").join("fsnode.js"))?, None),
        ("bench/plain-sw.js (for scale)", read(plain)?, None),
    ];
    files
        .into_iter()
        .map(|(label, bytes, budget)| {
            Ok(Size { label: label.to_owned(), raw: bytes.len(), gzip: gzip_size(&bytes)?, budget })
        })
        .collect()
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (year, month, day) = owndir_core::calendar::civil_from_days((seconds / 86_400) as i64);
    format!("{year}-{month:02}-{day:02}")
}

/// The 1-minute load average, from /proc/loadavg.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// `PRETTY_NAME` from /etc/os-release.
fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("PRETTY_NAME=").map(|name| name.trim_matches('"').to_owned()))
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

/// Prints the table, writes `target/bench.json`, and (for a full run) puts the table
/// into BENCHMARKS.md.
fn write_results(report: &Report, update_benchmarks: bool) -> Result {
    let markdown = report.markdown();
    println!("\n{markdown}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let json_path = root.join("target").join("bench.json");
    let json = serde_json::to_string_pretty(&report.to_json()).map_err(fail("JSON"))?;
    std::fs::write(&json_path, json).map_err(fail("cannot write target/bench.json"))?;
    eprintln!("wrote {}", json_path.display());
    let benchmarks = root.join("BENCHMARKS.md");
    if !update_benchmarks {
        return Ok(());
    }
    match std::fs::read_to_string(&benchmarks).ok().and_then(|text| report::replace_between_markers(&text, &markdown)) {
        Some(updated) => {
            std::fs::write(&benchmarks, updated).map_err(fail("cannot write BENCHMARKS.md"))?;
            eprintln!("updated the table in {}", benchmarks.display());
        }
        None => eprintln!("BENCHMARKS.md has no <!-- bench:start --> / <!-- bench:end --> markers: left alone"),
    }
    Ok(())
}
