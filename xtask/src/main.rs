//! `cargo xtask <command>`: the project's commands (the alias is in `.cargo/config.toml`).
//!
//! - `build`: the deployable app in `dist/`;
//! - `serve [--port N]`: build, then serve `dist/` on `http://127.0.0.1:N` (default 8080);
//! - `test`: install what is missing, build, run every test (native and browser);
//! - `bench`: build, then measure our worker against native servers and a plain-JS
//!   worker in one headless Chromium (`tests/src/bin/bench`, results in BENCHMARKS.md).
//! - `fuzz [--seconds N] [target…]`: run the cargo-fuzz targets of `fuzz/` (default 5 s each).

mod build;
mod fuzz;
mod short_names;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build::build().map(|_| ()),
        Some("serve") => serve(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask build | serve [--port N] | test [-- <cargo test args>] | bench [-- --only KEY,KEY] | fuzz [--seconds N] [target…]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Runs a command, failing with its name when it fails.
pub fn run(command: &mut Command) -> Result {
    let status = command.status().map_err(|error| format!("cannot run {command:?}: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed ({status})")) }
}

/// Says what the task is doing.
pub fn step(message: &str) {
    eprintln!("\x1b[1m==> {message}\x1b[0m");
}

fn serve(args: &[String]) -> Result {
    let port = match args {
        [] => 8080,
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("not a port: {port}"))?,
        _ => return Err("usage: cargo xtask serve [--port N]".to_owned()),
    };
    let dist = build::build()?;
    let server = owndir_devserver::StaticServer::start(&dist, port)
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error}"))?;
    println!("Serving {} at {}/ (Ctrl+C to stop)", dist.display(), server.url());
    server.wait();
    Ok(())
}

fn test(args: &[String]) -> Result {
    let extra: Vec<&String> = args.iter().skip_while(|arg| *arg == "--").collect();
    // The fuzz smoke run, before the long browser tests: a crash in the core's parsers
    // fails in a minute. Skipped when arguments pick the tests to run.
    if extra.is_empty() {
        fuzz::run_targets(fuzz::SMOKE_SECONDS, &fuzz::TARGETS)?;
    }
    tools::ensure_browser()?;
    tools::ensure_syncthing()?;
    tools::ensure_tiddlywiki()?;
    tools::ensure_firefox()?;
    tools::ensure_geckodriver()?;
    let dist = build::build()?;
    if extra.is_empty() {
        worker_tests()?;
    }
    step("native and browser tests (cargo test)");
    let mut command = Command::new(env!("CARGO"));
    // Every test binary runs even after one fails, so a CI log names every failure.
    command.current_dir(workspace_root()).args(["test", "--no-fail-fast"]).env("OWNDIR_DIST", &dist);
    // Browser tests each start a Chromium; two at a time suits two cores.
    command.args(&extra);
    if !extra.iter().any(|arg| arg.starts_with("--test-threads")) {
        command.args(["--", "--test-threads=2"]);
    }
    run(&mut command)
}

/// The worker crate's own tests, inside a real service worker in headless Chromium
/// (`wasm-bindgen-test`, `run_in_service_worker`): the core's `Folder` cases on the
/// worker's folder over OPFS. Chrome's flags are in `sw/webdriver.json`.
fn worker_tests() -> Result {
    step("the worker's own tests in a service worker (wasm-pack test --headless --chrome)");
    run(Command::new(tools::ensure_wasm_pack()?)
        .current_dir(workspace_root().join("sw"))
        .args(["test", "--headless", "--chrome", "--chromedriver", "/usr/bin/chromedriver"])
        .args(["--mode", "no-install"])
        .env("PATH", tools::path_with_cargo_bin()))
}

fn bench(args: &[String]) -> Result {
    tools::ensure_browser()?;
    let dist = build::build()?;
    step("benchmark: ours, a plain-JS worker and native servers in one headless Chromium (~5 min)");
    // Optimised: the devserver is measured inside the bench's own process.
    run(Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .env("OWNDIR_DIST", &dist)
        .args(["run", "--quiet", "--profile", "native-bench", "--package", "owndir-e2e", "--bin", "bench", "--"])
        .args(args.iter().skip_while(|arg| *arg == "--")))
}
