//! `cargo xtask bench`: the same files served four ways, measured in one headless
//! Chromium session (issue 8).
//!
//! - **ours**: the built worker serving the origin's private folder (OPFS), connected with
//!   **Use browser storage** as the tests do;
//! - **ours on disk**: the same worker on a second origin, serving the devserver's copy on
//!   disk itself, dropped on its start page (a standing grant in the profile);
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
//! `--only KEY,KEY` runs only those measures (small_sequential, small_concurrent, deep,
//! big_whole, big_ranges, names_only, listing, app_names, listing_100k, cold_start, write,
//! memory) and then leaves BENCHMARKS.md alone.

mod files;
mod measures;
mod report;
mod servers;
mod session;
mod stats;
mod tab;

use measures::{check_same_files, measure, memory_while_streaming, seed, sizes, visibility_notes, writes};
use owndir_e2e::cdp::Cdp;
use owndir_e2e::{Harness, dist_dir};
use report::{Machine, Report};
use serde_json::json;
use servers::Host;
use session::Bench;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tab::Tab;

type Result<T = ()> = std::result::Result<T, String>;

/// The longest the whole run may take before it stops itself.
const RUN_LIMIT: Duration = Duration::from_secs(25 * 60);

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

/// `--only a,b` from the command line.
fn only_from_args() -> Result<Option<Vec<String>>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, keys] if flag == "--only" => Ok(Some(keys.split(',').map(str::to_owned).collect())),
        _ => Err("usage: bench [--only KEY,KEY…]".to_owned()),
    }
}

/// The native servers and the plain worker's host, kept for the whole run.
struct Hosts {
    /// The native copy, removed when the run ends.
    disk: tempfile::TempDir,
    devserver: owndir_devserver::StaticServer,
    static_web_server: Option<servers::StaticWebServer>,
    plain_worker: owndir_devserver::StaticServer,
    /// The app again, on an origin of its own, for our worker serving `_disk`.
    ours_disk: owndir_devserver::StaticServer,
}

fn start_hosts() -> Result<Hosts> {
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
    let plain_worker = servers::start_plain_worker_host()?;
    let ours_disk = owndir_devserver::StaticServer::start(dist_dir(), 0).map_err(fail("no second app host"))?;
    Ok(Hosts { disk, devserver, static_web_server, plain_worker, ours_disk })
}

/// Chromium with our folder connected, and a tab per host with `window.bench` in it.
async fn open_tabs(hosts: &Hosts, only: Option<Vec<String>>) -> Result<(Bench, String)> {
    say("starting Chromium and connecting browser storage");
    let harness = Harness::start_limited_granting(&dist_dir(), RUN_LIMIT, &[hosts.ours_disk.url()]).await?;
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

    let devtools = &harness.devtools;
    let ours_target = page_target(devtools, &harness.origin).await?;
    let mut tabs = BTreeMap::new();
    tabs.insert(Host::Ours, Tab::adopt(devtools, &ours_target).await?);
    say("connecting the native copy on disk to a second copy of the app, by a drop");
    let disk_tab = Tab::open(devtools, &format!("{}/", hosts.ours_disk.url())).await?;
    disk_tab.connect_disk(devtools, hosts.disk.path()).await?;
    disk_tab.navigate(devtools, &format!("{}/@/status", hosts.ours_disk.url())).await?;
    disk_tab.until(devtools, "!!navigator.serviceWorker.controller", "our worker controls the disk tab").await?;
    tabs.insert(Host::OursDisk, disk_tab);
    tabs.insert(Host::PlainWorker, Tab::open(devtools, &format!("{}/", hosts.plain_worker.url())).await?);
    tabs.insert(Host::DevServer, Tab::open(devtools, &format!("{}/", hosts.devserver.url())).await?);
    let mut absent = BTreeMap::new();
    match &hosts.static_web_server {
        Some(server) => {
            tabs.insert(Host::StaticWebServer, Tab::open(devtools, &format!("{}/", server.origin)).await?);
        }
        None => {
            absent.insert(Host::StaticWebServer, "not installed".to_owned());
        }
    }
    let bench = Bench { harness, tabs, only, absent, disk: hosts.disk.path().to_owned() };
    for tab in bench.tabs.values() {
        tab.install_helpers(bench.devtools()).await?;
    }
    bench
        .tab(Host::PlainWorker)?
        .until(bench.devtools(), "!!navigator.serviceWorker.controller", "the plain worker controls its page")
        .await?;
    Ok((bench, chromium))
}

async fn run() -> Result {
    let only = only_from_args()?;
    let started = Instant::now();
    let load_at_start = load_average();
    let hosts = start_hosts()?;
    let (bench, chromium) = open_tabs(&hosts, only).await?;
    seed(&bench).await?;
    check_same_files(&bench).await?;
    let mut notes = visibility_notes(&bench).await?;

    let (rows, breakdown) = measure(&bench).await?;
    let ways = if bench.wants("write") { vec![writes(&bench).await?] } else { Vec::new() };
    let memory = if bench.wants("memory") { vec![memory_while_streaming(&bench).await?] } else { Vec::new() };
    let sizes = sizes(&dist_dir())?;

    notes.extend([
        "Every fetch is `cache: \"no-store\"`; the native servers are on loopback over HTTP/1.1, where Chromium \
         opens at most 6 connections per host, so 16 requests at once queue there; a worker has no such limit."
            .to_owned(),
        "Listing: ours and the plain-JS worker answer `Accept: application/json` with one object per entry (name, \
         kind, size, mtime; ours adds FsNode fields); static-web-server was started with \
         `--directory-listing-format json` (name, type, mtime, size); the devserver has no listing. The time ends \
         when the body is in, before parsing."
            .to_owned(),
        "Cold start: `ServiceWorker.stopAllWorkers` through CDP, until no worker target is left, then one 4 KB GET \
         timed in the page; native servers have no worker to start."
            .to_owned(),
        format!("The whole run took {:.0} s.", started.elapsed().as_secs_f64()),
    ]);
    let machine = Machine {
        date: today(),
        cores: std::thread::available_parallelism().map(usize::from).unwrap_or(0),
        os: os_name(),
        chromium,
        static_web_server: hosts.static_web_server.as_ref().map(|server| server.version.clone()),
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
